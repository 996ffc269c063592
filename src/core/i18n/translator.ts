import type { Catalogue } from "./catalogue.js";
import { en } from "./en/index.js";
import { zh } from "./zh/index.js";

export type { Catalogue } from "./catalogue.js";

type Join<A extends string, B extends string> = `${A}.${B}`;
/** "core.unknownCommand", "verification.askName", ... */
export type MessageKey = {
  [K in keyof Catalogue & string]: Join<K, keyof Catalogue[K] & string>;
}[keyof Catalogue & string];

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export const languages = { en, zh } as const satisfies Record<string, Catalogue>;
export type Language = keyof typeof languages;

export function isLanguage(value: string): value is Language {
  return Object.hasOwn(languages, value);
}

/** Maps a platform language tag ("zh-hans", "zh-CN", "en-GB") to a catalogue, if we have one. */
export function languageFromTag(tag: string | undefined): Language | undefined {
  if (!tag) return undefined;
  const base = tag.toLowerCase().split(/[-_]/)[0] ?? "";
  return isLanguage(base) ? base : undefined;
}

/**
 * A template cut at its placeholders once: text, name, text, name, … text (an even count of parts never
 * happens; odd indexes are placeholder names). Templates are the catalogue's: a few hundred in all.
 */
const cut = new Map<string, readonly string[]>();

function partsOf(template: string): readonly string[] {
  let parts = cut.get(template);
  if (parts === undefined) {
    parts = template.split(/\{(\w+)\}/);
    // Templates come from the catalogues (bounded); a caller formatting texts of its own is kept from
    // growing this without end.
    if (cut.size < 4_096) cut.set(template, parts);
  }
  return parts;
}

/** `{name}` placeholders; a missing parameter stays visible as `{name}` rather than vanishing. */
export function format(template: string, params: Params = {}): string {
  const parts = partsOf(template);
  if (parts.length === 1) return template;
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
    out += (Object.hasOwn(params, name) ? String(params[name]) : `{${name}}`) + (parts[i + 1] as string);
  }
  return out;
}

const translators = new Map<Language, Translate>();

/** The translator of a language: one per language, made on first use (every event asks for one). */
export function translator(language: Language): Translate {
  let t = translators.get(language);
  if (t === undefined) {
    t = makeTranslator(language);
    translators.set(language, t);
  }
  return t;
}

function makeTranslator(language: Language): Translate {
  const catalogue: Catalogue = languages[language];
  return (key, params) => {
    const dot = key.indexOf(".");
    const section = catalogue[key.slice(0, dot) as keyof Catalogue] as Record<string, string>;
    const template = section[key.slice(dot + 1)];
    if (template === undefined) throw new Error(`missing message ${key} in ${language}`);
    return format(template, params);
  };
}
