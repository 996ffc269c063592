import { LATIN_LOOKALIKES, LOWER_CONFUSABLES, UPPER_CONFUSABLES } from "./confusables.js";
import { buildT2sMap } from "./t2s.js";

/**
 * Per-code-unit fold tables used by the matcher's scan.
 *
 * Every BMP code unit gets a class (what role it plays when deciding which separators to skip) and
 * a folded form: NFKC, then lower case, then Latin/Greek/Cyrillic accents stripped, then Latin
 * look-alikes (`ı`, `ɑ`) mapped to ASCII, then Traditional → Simplified Chinese. The folded form is
 * one code unit for almost every character; the rest (ligatures such as `ﬁ`, `…`, `㎏`) have an
 * expansion.
 *
 * Cyrillic and Greek letters keep their script in the folded form (`С` → `с`, not Latin `c`). Their
 * Latin look-alike is in a second table, {@link FoldTables.confusable}, which the scan applies only
 * to words that mix Latin with Cyrillic or Greek letters (see fold.ts); {@link FoldTables.script}
 * tells the scan which script each letter is in.
 *
 * Astral code points that fold (math alphanumerics `𝐟`, enclosed letters `🅐`, CJK compatibility
 * supplement, Traditional astral ideographs, tag characters) are kept in a small map.
 *
 * The tables are built once, on first use, in roughly 20 ms.
 */

/** Character classes. Values 0..2 are "emit one unit" and take the scan's fast path. */
export const IDEO = 0; // CJK ideograph (after folding)
export const LETTER = 1; // Latin, Greek or Cyrillic letter (after folding)
export const WORD = 2; // anything else that is kept: digits, kana, hangul, symbols, quotes, commas
export const SPACE = 3; // white space: a run of it folds to one " "
export const SOFT = 4; // separator punctuation that may be skipped: . - _ * · ・ / | ~ + = ^ ` # \
export const DROP = 5; // invisible: zero-width, joiners, variation selectors, combining and spacing accents
export const BOUNDARY = 6; // start or end of text, or just after a separator run (never stored)
/** Flag: the folded form is longer than one unit; `MAP[c]` indexes {@link FoldTables.expansions}. */
export const MULTI = 8;
/** Class of a high surrogate: look the code point up in {@link FoldTables.astral}. */
export const HIGH = 16;

/** Script of a letter, {@link FoldTables.script}: 0 for anything that is not a letter. */
export const LATIN = 1;
export const CYRILLIC_GREEK = 2;
/** `LATIN | CYRILLIC_GREEK`: a word that mixes the scripts, where look-alikes fold to Latin. */
export const MIXED = 3;

export interface FoldTables {
  /** class per BMP code unit: IDEO | LETTER | WORD | SPACE | SOFT | DROP, or MULTI|class, or HIGH */
  readonly cls: Uint8Array;
  /** folded unit, or index into `expansions` when `cls & MULTI` */
  readonly map: Uint16Array;
  readonly expansions: readonly Uint16Array[];
  /** astral code point → (expansion index << 4) | class; class DROP means "remove" */
  readonly astral: ReadonlyMap<number, number>;
  /**
   * per BMP code unit whose class is LETTER, and per folded letter unit: LATIN or CYRILLIC_GREEK
   * (the script of the folded letter); 0 otherwise
   */
  readonly script: Uint8Array;
  /**
   * per BMP code unit: the Latin letter a Cyrillic or Greek letter looks like (`С` → `c`, `Η` → `h`,
   * `η` → `n`), or 0. Upper and lower case may differ, so look up the original code unit first and
   * the folded unit second (for letters that came from an expansion or an astral character).
   */
  readonly confusable: Uint16Array;
}

const SOFT_CHARS = new Set(
  Array.from(".-_*~|+=^`#/\\\u00b7\u30fb\u2027\u2022\u2219\u22c5\u2010\u2011\u2012\u2013\u2014\u2015\u2043"),
);
const DEFAULT_IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;
const HAS_MARK = /\p{M}/u;
const MARKS = /\p{M}/gu;
export function isCombiningAccent(c: number): boolean {
  return (
    (c >= 0x0300 && c <= 0x036f) ||
    (c >= 0x0483 && c <= 0x0489) ||
    (c >= 0x1ab0 && c <= 0x1aff) ||
    (c >= 0x1dc0 && c <= 0x1dff) ||
    (c >= 0x20d0 && c <= 0x20ff) ||
    (c >= 0xfe20 && c <= 0xfe2f)
  );
}
const LATINISH_LETTER = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]$/u;
const LATIN_SCRIPT = /^\p{Script=Latin}$/u;
const CYRILLIC_GREEK_SCRIPT = /^[\p{Script=Greek}\p{Script=Cyrillic}]$/u;
const IS_LETTER = /^\p{L}$/u;
// Spacing accents (`´`, `¨`, Greek `ͺ`): NFKC makes them a space plus a combining mark.
const SPACING_ACCENT = /^[\p{Sk}\p{L}]$/u;
const SPACE_AND_MARKS = /^ \p{M}+$/u;
// Cyrillic letters written with a mark that are letters of their own, not accented forms: `мой` is
// not `мои`. (`ё` is folded to `е`, as Russian writers do themselves.)
const OWN_LETTER = /^[йїў]$/u;
const WHITE = /^\s$/u;

let tables: FoldTables | undefined;

export function foldTables(): FoldTables {
  tables ??= buildTables();
  return tables;
}

export function isIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x2e80 && cp <= 0x2fdf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    cp === 0x3007 ||
    (cp >= 0x20000 && cp <= 0x3ffff)
  );
}

function classOfChar(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (isIdeograph(cp)) return IDEO;
  if (cp === 0x20 || cp === 0x2800 || (cp > 0x7f && cp <= 0x3000 && WHITE.test(ch))) return SPACE;
  if (cp >= 0x09 && cp <= 0x0d) return SPACE;
  if (SOFT_CHARS.has(ch)) return SOFT;
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) ? LETTER : WORD;
  const latinish =
    cp <= 0x052f ||
    (cp >= 0x1d00 && cp <= 0x1fff) ||
    (cp >= 0x2c60 && cp <= 0x2c7f) ||
    (cp >= 0xa640 && cp <= 0xa69f) ||
    (cp >= 0xa720 && cp <= 0xa7ff) ||
    (cp >= 0xab30 && cp <= 0xab6f);
  return latinish && IS_LETTER.test(ch) && LATINISH_LETTER.test(ch) ? LETTER : WORD;
}

/** Characters whose fold may differ from themselves even though NFKC and lower case keep them. */
function mayFoldSpecially(c: number, s: string, t2s: ReadonlyMap<number, number>): boolean {
  return (
    c < 0x20 ||
    c === 0x00ad ||
    (c >= 0x0300 && c <= 0x036f) ||
    (c >= 0x0483 && c <= 0x0489) ||
    (c >= 0x1ab0 && c <= 0x1aff) ||
    (c >= 0x1dc0 && c <= 0x1dff) ||
    (c >= 0x2000 && c <= 0x20ff) ||
    (c >= 0xfe00 && c <= 0xfe2f) ||
    c === 0xfeff ||
    (c >= 0xfff0 && c <= 0xfff8) ||
    t2s.has(c) ||
    UPPER_CONFUSABLES[s] !== undefined ||
    LOWER_CONFUSABLES[s] !== undefined ||
    LATIN_LOOKALIKES[s] !== undefined ||
    DEFAULT_IGNORABLE.test(s) ||
    s.normalize("NFD") !== s
  );
}

function buildTables(): FoldTables {
  const t2s = buildT2sMap();
  const cls = new Uint8Array(0x10000);
  const map = new Uint16Array(0x10000);
  const expansions: Uint16Array[] = [];
  const astral = new Map<number, number>();
  const script = new Uint8Array(0x10000);
  const confusable = new Uint16Array(0x10000);

  // `lookalikes`: also map Cyrillic and Greek look-alikes to Latin (for the `confusable` table).
  const foldOnce = (cp: number, lookalikes: boolean): string => {
    if (cp < 0x80) {
      if (cp >= 0x41 && cp <= 0x5a) return String.fromCharCode(cp + 0x20);
      if (cp < 0x20 && !(cp >= 0x09 && cp <= 0x0d)) return "";
      return String.fromCharCode(cp);
    }
    const s = String.fromCodePoint(cp);
    if (DEFAULT_IGNORABLE.test(s) || cp === 0x180e || isCombiningAccent(cp)) return "";
    if (cp < 0x20 && !WHITE.test(s)) return ""; // control characters
    const upper = lookalikes ? UPPER_CONFUSABLES[s] : undefined;
    if (upper !== undefined) return upper;
    let r = s.normalize("NFKC").toLowerCase();
    // An accent written on its own is dropped like a combining one, not turned into a word break.
    if (SPACE_AND_MARKS.test(r) && SPACING_ACCENT.test(s)) return "";
    const decomposed = r.normalize("NFD");
    if (decomposed !== r && HAS_MARK.test(decomposed) && !OWN_LETTER.test(r)) {
      const stripped = decomposed.replace(MARKS, "");
      if (stripped.length > 0 && Array.from(stripped).every((ch) => ch.charCodeAt(0) < 0x0530)) r = stripped;
    }
    let out = "";
    for (const ch of r) {
      const lower = LATIN_LOOKALIKES[ch] ?? (lookalikes ? LOWER_CONFUSABLES[ch] : undefined);
      if (lower !== undefined) {
        out += lower;
        continue;
      }
      const c = ch.codePointAt(0) ?? 0;
      const simplified = t2s.get(c);
      out += simplified === undefined ? ch : String.fromCodePoint(simplified);
    }
    return out;
  };
  // Fold until stable, so folding folded text changes nothing.
  const fold = (cp: number, lookalikes = false): string => {
    let r = foldOnce(cp, lookalikes);
    if (r.length <= 2 && r.codePointAt(0) === cp) return r;
    for (let round = 0; round < 3; round++) {
      let next = "";
      for (const ch of r) next += foldOnce(ch.codePointAt(0) ?? 0, lookalikes);
      if (next === r) break;
      r = next;
    }
    return r;
  };
  const classOf = (folded: string): number => {
    if (folded.length === 0) return DROP;
    let result = -1;
    for (const ch of folded) {
      const c = classOfChar(ch);
      if (result === -1) result = c;
      else if (result !== c) return WORD;
    }
    return result;
  };
  const addExpansion = (folded: string): number => {
    const units = new Uint16Array(folded.length);
    for (let j = 0; j < folded.length; j++) units[j] = folded.charCodeAt(j);
    expansions.push(units);
    return expansions.length - 1;
  };

  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdbff) {
      cls[c] = HIGH;
      continue;
    }
    if (
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0x3400 && c <= 0x4dbf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xdc00 && c <= 0xf8ff) ||
      (c >= 0xa000 && c <= 0xa4cf)
    ) {
      // Ranges where only Traditional → Simplified applies (or nothing at all).
      const simplified = t2s.get(c);
      map[c] = simplified !== undefined && simplified <= 0xffff ? simplified : c;
      cls[c] = isIdeograph(c) ? IDEO : WORD;
      continue;
    }
    const s = String.fromCharCode(c);
    if (s.normalize("NFKC").toLowerCase() === s && !mayFoldSpecially(c, s, t2s)) {
      map[c] = c;
      cls[c] = classOfChar(s);
      continue;
    }
    const folded = fold(c);
    const k = classOf(folded);
    const latin = k === LETTER ? fold(c, true) : folded;
    if (latin !== folded && latin.length === 1 && folded.length === 1) confusable[c] = latin.charCodeAt(0);
    if (k === SPACE) {
      map[c] = 0x20;
      cls[c] = SPACE;
    } else if (folded.length === 1) {
      map[c] = folded.charCodeAt(0);
      cls[c] = k;
    } else if (folded.length === 0) {
      cls[c] = DROP;
    } else {
      map[c] = addExpansion(folded);
      cls[c] = MULTI | k;
    }
  }
  // A Traditional character whose simplified form is astral (rare) gets an expansion.
  for (const [src, dst] of t2s) {
    if (src <= 0xffff && dst > 0xffff && isIdeograph(src)) {
      map[src] = addExpansion(String.fromCodePoint(dst));
      cls[src] = MULTI | IDEO;
    }
  }

  const astralRanges: [number, number][] = [
    [0x10780, 0x107ba], // modifier letters
    [0x1d400, 0x1d7ff], // mathematical alphanumerics: 𝐟𝐚𝐥𝐮𝐧
    [0x1e030, 0x1e08f], // Cyrillic modifiers
    [0x1f100, 0x1f1ff], // enclosed alphanumeric supplement: 🄰 🅐 🅰
    [0x1fbf0, 0x1fbf9], // segmented digits
    [0x2f800, 0x2fa1f], // CJK compatibility ideographs supplement
    [0xe0000, 0xe007f], // tags
    [0xe0100, 0xe01ef], // variation selectors supplement
  ];
  const addAstral = (cp: number, folded: string): void => {
    const k = classOf(folded);
    if (k === DROP) astral.set(cp, DROP);
    else astral.set(cp, (addExpansion(folded) << 4) | k);
  };
  for (const [lo, hi] of astralRanges) {
    for (let cp = lo; cp <= hi; cp++) {
      let folded = fold(cp);
      // Negative circled / squared capitals (🅐, 🅰) have no NFKC mapping but read as letters.
      if (cp >= 0x1f150 && cp <= 0x1f169) folded = String.fromCharCode(0x61 + cp - 0x1f150);
      if (cp >= 0x1f170 && cp <= 0x1f189) folded = String.fromCharCode(0x61 + cp - 0x1f170);
      if (folded !== String.fromCodePoint(cp)) addAstral(cp, folded);
    }
  }
  for (const [src, dst] of t2s) {
    if (src > 0xffff && !astral.has(src)) addAstral(src, String.fromCodePoint(dst));
  }
  // Folded units fold to themselves, so this covers the letters of expansions and astral characters too.
  for (let c = 0; c < 0x10000; c++) {
    if (cls[c] !== LETTER) continue;
    const folded = String.fromCharCode(map[c] as number);
    script[c] = LATIN_SCRIPT.test(folded) ? LATIN : CYRILLIC_GREEK_SCRIPT.test(folded) ? CYRILLIC_GREEK : 0;
  }
  return { cls, map, expansions, astral, script, confusable };
}

/** Class used for an astral code point that has no entry in the astral map. */
export function astralClass(cp: number): number {
  return isIdeograph(cp) ? IDEO : WORD;
}
