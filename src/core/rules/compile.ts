import { analyze, buildMatcher, foldForDisplay, type Matcher } from "../matching/index.js";
import type { PostContent } from "../model/content.js";
import { buildDomainList, type DomainList } from "../news/domain-list.js";
import type { Logger } from "../ports/logger.js";
import type { CategorySettings, LadderStep, RulesSettings } from "../sanctions/settings.js";
import type { Policy } from "../settings/community.js";
import { anchorsFor } from "./pattern-anchors.js";

/** One category, ready to match: its settings plus its compiled patterns and domain list. */
export interface CompiledCategory {
  name: string;
  settings: CategorySettings;
  patterns: RegExp[];
  domains?: DomainList;
}

/** What matched, and where. Terms and domains are not personal data; `matched` is the member's text. */
export interface RuleHit {
  category: CompiledCategory;
  by: "term" | "pattern" | "domain";
  /** The term as listed, the pattern's source, or the listed domain. */
  rule: string;
  /** The text as written (for terms: the original characters, evasions included). */
  matched: string;
  /** UTF-16 offsets in the original text; absent for patterns matched on the folded text and reported links. */
  start?: number;
  end?: number;
}

/**
 * News keywords matched by the rules' automaton: match ids from `base` on are `terms[id - base]`. The news
 * classifier reads them from the same walk over the message as the content rules.
 */
export interface SharedKeywords {
  readonly matcher: Matcher;
  readonly base: number;
  readonly terms: readonly string[];
}

/** All categories of one policy, compiled once: one automaton for every term of every category. */
export interface CompiledRules {
  readonly categories: readonly CompiledCategory[];
  readonly matcher: Matcher;
  /** The news keywords compiled into `matcher` too (`compiledPolicy`), else undefined. */
  readonly keywords: SharedKeywords | undefined;
  /** Every hit in a message, at most one per category and kind (the first found); frozen and empty for most. */
  scan(content: PostContent): readonly RuleHit[];
}

const cache = new WeakMap<RulesSettings, CompiledRules>();

/**
 * The compiled rules of a policy. Compiled on first use and cached per settings object, so the
 * automaton is built once per policy, not once per message. (A community that configures no category
 * has the default ones: they are the schema default, see defaults.ts.)
 */
export function compiledRulesFor(
  settings: RulesSettings,
  onBadPattern?: (category: string, pattern: string) => void,
): CompiledRules {
  let compiled = cache.get(settings);
  if (!compiled) {
    compiled = compileRules(settings.categories, onBadPattern);
    cache.set(settings, compiled);
  }
  return compiled;
}

const byPolicy = new WeakMap<Policy, CompiledRules>();

/**
 * A policy's content rules and its news keywords in one automaton, so a message is walked once for both
 * (the rules' terms when rules are on, the keywords when news holds are on). Compiled on first use and
 * cached per policy object; invalid patterns are logged once, then.
 */
export function compiledPolicy(policy: Policy, logger: Logger, community: string): CompiledRules {
  let compiled = byPolicy.get(policy);
  if (!compiled) {
    compiled = compileRules(
      policy.rules.enabled ? policy.rules.categories : {},
      (category) => logger.warn({ community, category }, "invalid content-rule pattern skipped"),
      policy.news.enabled ? policy.news.keywords : [],
    );
    byPolicy.set(policy, compiled);
  }
  return compiled;
}

/**
 * `options.anchors: false` runs every pattern on the original and the folded text, anchors or not (tests
 * check the anchors never hide a hit).
 */
export function compileRules(
  categories: Readonly<Record<string, CategorySettings>>,
  onBadPattern?: (category: string, pattern: string) => void,
  keywords: readonly string[] = [],
  options: { anchors?: boolean } = {},
): CompiledRules {
  const compiled: CompiledCategory[] = [];
  const owners: { category: CompiledCategory; term: string; wholeWord: { start: boolean; end: boolean } }[] =
    [];
  const specs: { term: string; id: number }[] = [];
  // Each pattern's anchors (pattern-anchors.ts), by the pattern's number across categories.
  const patternAnchorList: ({ anchors: string[]; raw: boolean } | undefined)[] = [];
  for (const [name, settings] of Object.entries(categories)) {
    const patterns: RegExp[] = [];
    for (const source of settings.patterns) {
      try {
        patterns.push(new RegExp(source, "iu"));
        patternAnchorList.push(options.anchors === false ? undefined : anchorsFor(source));
      } catch {
        onBadPattern?.(name, source);
      }
    }
    const category: CompiledCategory = {
      name,
      settings,
      patterns,
      domains: settings.domains.length > 0 ? buildDomainList(settings.domains) : undefined,
    };
    compiled.push(category);
    for (const raw of settings.terms) {
      const term = raw.trim();
      if (term === "") continue;
      specs.push({ term, id: owners.length });
      owners.push({ category, term, wholeWord: wordEdges(term) });
    }
  }
  const base = owners.length;
  keywords.forEach((term, i) => specs.push({ term, id: base + i }));
  // Then the patterns' anchors: a match of one says its pattern may match (see the pattern loop below).
  const anchorBase = base + keywords.length;
  const anchorPattern: number[] = [];
  patternAnchorList.forEach((found, p) => {
    for (const term of found?.anchors ?? []) {
      specs.push({ term, id: anchorBase + anchorPattern.length });
      anchorPattern.push(p);
    }
  });
  // `anchorSeen[p] === scans`: the walk of the current scan found an anchor of pattern p.
  const anchorSeen = new Uint32Array(patternAnchorList.length);
  let scans = 0;
  const matcher = buildMatcher(specs);
  const anyPatterns = compiled.some((c) => c.patterns.length > 0);
  const anyDomains = compiled.some((c) => c.domains !== undefined);

  return {
    categories: compiled,
    matcher,
    keywords: keywords.length > 0 ? { matcher, base, terms: keywords } : undefined,
    scan(content: PostContent): readonly RuleHit[] {
      const hits: RuleHit[] = [];
      const text = content.text;
      // The message's shared analysis: the news classifier and the access gate reuse its fold and links.
      const analysis = analyze(content);
      scans = (scans + 1) >>> 0 || 1;
      for (const m of analysis.matches(matcher)) {
        if (m.id >= anchorBase) {
          anchorSeen[anchorPattern[m.id - anchorBase] as number] = scans;
          continue;
        }
        const owner = owners[m.id];
        if (!owner) continue;
        if (owner.wholeWord.start && continuesWord(text, m.start, -1)) continue;
        if (owner.wholeWord.end && continuesWord(text, m.end, +1)) continue;
        addHit(hits, {
          category: owner.category,
          by: "term",
          rule: owner.term,
          matched: m.matched,
          start: m.start,
          end: m.end,
        });
      }
      if (anyPatterns && text !== "") {
        let folded: string | undefined;
        let first = 0;
        for (const category of compiled) {
          const patterns = category.patterns;
          for (let j = 0; j < patterns.length; j++) {
            const pattern = patterns[j] as RegExp;
            const found = patternAnchorList[first + j];
            // None of its anchors in the folded text: it cannot match there (nor, for anchors of letters,
            // digits and ideographs, in the original text).
            const absent = found !== undefined && anchorSeen[first + j] !== scans;
            if (absent && found.raw) continue;
            const original = pattern.exec(text);
            if (original) {
              addHit(hits, {
                category,
                by: "pattern",
                rule: pattern.source,
                matched: original[0],
                start: original.index,
                end: original.index + original[0].length,
              });
              break;
            }
            if (absent) continue;
            // Patterns are case-insensitive: a fold that only lowered ASCII letters finds nothing new.
            if (!analysis.foldChanges()) continue;
            folded ??= analysis.foldedString();
            const onFolded = folded === text ? null : pattern.exec(folded);
            if (onFolded) {
              addHit(hits, { category, by: "pattern", rule: pattern.source, matched: onFolded[0] });
              break;
            }
          }
          first += patterns.length;
        }
      }
      if (anyDomains) {
        for (const link of analysis.links()) {
          for (const category of compiled) {
            const listed = category.domains?.has(link.host);
            if (listed)
              addHit(hits, {
                category,
                by: "domain",
                rule: listed,
                matched: link.url,
                start: link.start,
                end: link.end,
              });
          }
        }
      }
      return hits.length === 0 ? NO_HITS : hits;
    },
  };
}

const NO_HITS: readonly RuleHit[] = Object.freeze([]);

/** Adds a hit unless one of the same category found the same way is already there (a few hits at most). */
function addHit(hits: RuleHit[], hit: RuleHit): void {
  for (const h of hits) if (h.category.name === hit.category.name && h.by === hit.by) return;
  hits.push(hit);
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const INVISIBLE = /[\p{Cf}]/u;

/**
 * Which ends of a term are letters or digits of an alphabetic script: there the term matches whole
 * words only ("ass" never matches inside "classic"). Ideographic ends match anywhere.
 */
function wordEdges(term: string): { start: boolean; end: boolean } {
  const chars = [...foldForDisplay(term).trim()];
  const isWord = (ch: string | undefined) => ch !== undefined && WORD_CHAR.test(ch) && !IDEOGRAPHIC.test(ch);
  return { start: isWord(chars[0]), end: isWord(chars[chars.length - 1]) };
}

/**
 * Whether the text just outside a match continues a word, so that "ass" does not match in "classic".
 * Looks past characters that fold to nothing (invisible characters, combining and spacing accents), as
 * the matcher does, so "poke" does not match in "Poke\u0301mon" either; ideographs never count
 * (Chinese and Japanese have no spaces).
 */
function continuesWord(text: string, at: number, direction: -1 | 1): boolean {
  let i = direction < 0 ? at - 1 : at;
  while (i >= 0 && i < text.length) {
    let ch = text.charAt(i);
    const code = text.charCodeAt(i);
    if (direction < 0 && code >= 0xdc00 && code <= 0xdfff && i > 0) {
      i--;
      ch = text.slice(i, i + 2);
    } else if (direction > 0 && code >= 0xd800 && code <= 0xdbff) {
      ch = text.slice(i, i + 2);
    }
    const folded = INVISIBLE.test(ch) ? "" : foldForDisplay(ch);
    if (folded !== "") return WORD_CHAR.test(folded) && !IDEOGRAPHIC.test(folded);
    i += direction > 0 ? ch.length : -1;
  }
  return false;
}

/** Severity of a category for choosing among hits: a jump to a ladder step outranks points. */
export function severity(settings: CategorySettings, ladder: readonly LadderStep[]): number {
  const jump = settings.jump_to;
  const step = typeof jump === "number" ? ladder[Math.min(jump, ladder.length - 1)]?.action : jump;
  const stepRank = step === undefined ? 0 : { warn: 1, mute: 2, limit: 3, ban: 4 }[step];
  const actionRank = { record: 0, hold: 1, delete: 2 }[settings.action];
  return stepRank * 1_000_000 + settings.points * 10 + actionRank;
}

/** The hit in the most severe category (on a tie, the first found). */
export function mostSevere(hits: readonly RuleHit[], ladder: readonly LadderStep[]): RuleHit | undefined {
  let best: RuleHit | undefined;
  let bestScore = -1;
  for (const hit of hits) {
    const score = severity(hit.category.settings, ladder);
    if (score > bestScore) {
      best = hit;
      bestScore = score;
    }
  }
  return best;
}
