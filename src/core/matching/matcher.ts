import { buildAutomaton, type Automaton } from "./automaton.js";
import { foldText, type FoldedText } from "./fold.js";

/** A term to look for; `id` is the caller's own index and comes back in every match. */
export interface TermSpec {
  term: string;
  id: number;
}

/**
 * One occurrence of a term. `start`/`end` are UTF-16 offsets into the ORIGINAL text (end
 * exclusive) and `matched === text.slice(start, end)`, so a match found through folding
 * (`ｆ.ａ.ｌ.ｕ.ｎ`) reports exactly the characters that were written.
 */
export interface TermMatch {
  id: number;
  term: string;
  start: number;
  end: number;
  matched: string;
}

/** Where a matcher can take `text` already folded from (`MessageAnalysis`). */
export interface FoldedSource {
  folded(): FoldedText;
}

export interface Matcher {
  /** number of terms that can match (terms that fold to nothing are dropped) */
  readonly size: number;
  /**
   * every occurrence of every term, in order of where it ends; `prepared` hands over the text already
   * folded (a message's shared analysis), so several matchers over one message fold it once
   */
  find(text: string, prepared?: FoldedSource): TermMatch[];
  /** whether any term occurs; stops at the first one */
  test(text: string): boolean;
}

export interface MatcherOptions {
  /**
   * Fold terms and text before matching (default true): NFKC, case, accents, invisible characters,
   * Traditional → Simplified, look-alike letters inside mixed-script words, separators inside
   * Chinese and single-letter runs. With `false` the match is on exact code units.
   */
  fold?: boolean;
}

/**
 * Builds a matcher for many terms at once (thousands to hundreds of thousands).
 *
 * @example
 * const m = buildMatcher([{ term: "法轮功", id: 0 }, { term: "spam", id: 1 }]);
 * m.find("法 輪 功 and ＳＰＡＭ").map((x) => x.matched); // ["法 輪 功", "ＳＰＡＭ"]
 */
export function buildMatcher(terms: readonly TermSpec[], options: MatcherOptions = {}): Matcher {
  const fold = options.fold ?? true;
  const keys: Uint16Array[] = [];
  const specs: TermSpec[] = [];
  const termBuffer: FoldedText = {
    units: new Uint16Array(256),
    starts: new Int32Array(256),
    ends: new Int32Array(256),
    length: 0,
  };
  for (const spec of terms) {
    const key = fold ? foldTerm(spec.term, termBuffer) : rawUnits(spec.term);
    if (key.length === 0) continue;
    keys.push(key);
    specs.push(spec);
  }
  return new AhoCorasickMatcher(buildAutomaton(keys), specs, fold);
}

function foldTerm(term: string, buffer: FoldedText): Uint16Array {
  const folded = foldText(term, buffer);
  let lo = 0;
  let hi = folded.length;
  while (lo < hi && folded.units[lo] === 0x20) lo++;
  while (hi > lo && folded.units[hi - 1] === 0x20) hi--;
  return folded.units.slice(lo, hi);
}

function rawUnits(text: string): Uint16Array {
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}

const rawBuffer: FoldedText = {
  units: new Uint16Array(1024),
  starts: new Int32Array(1024),
  ends: new Int32Array(1024),
  length: 0,
};

function unfolded(text: string): FoldedText {
  const n = text.length;
  if (rawBuffer.units.length < n) {
    let size = rawBuffer.units.length;
    while (size < n) size *= 2;
    rawBuffer.units = new Uint16Array(size);
    rawBuffer.starts = new Int32Array(size);
    rawBuffer.ends = new Int32Array(size);
  }
  const { units, starts, ends } = rawBuffer;
  for (let i = 0; i < n; i++) {
    units[i] = text.charCodeAt(i);
    starts[i] = i;
    ends[i] = i + 1;
  }
  rawBuffer.length = n;
  return rawBuffer;
}

class AhoCorasickMatcher implements Matcher {
  readonly size: number;

  constructor(
    private readonly a: Automaton,
    private readonly specs: readonly TermSpec[],
    private readonly fold: boolean,
  ) {
    this.size = specs.length;
  }

  find(text: string, prepared?: FoldedSource): TermMatch[] {
    const matches: TermMatch[] = [];
    if (this.size === 0) return matches;
    const folded = this.fold ? (prepared?.folded() ?? foldText(text)) : unfolded(text);
    const { units, starts, ends } = folded;
    const { symOf, base, check, fail, hasOut, outHead, dictLink, keyNext, keyLen } = this.a;
    const count = folded.length;
    let state = 0;
    for (let k = 0; k < count; k++) {
      const sym = symOf[units[k] as number] as number;
      if (sym === 0) {
        state = 0;
        continue;
      }
      for (;;) {
        const t = (base[state] as number) + sym;
        if (check[t] === state) {
          state = t;
          break;
        }
        if (state === 0) break;
        state = fail[state] as number;
      }
      if (hasOut[state] === 0) continue;
      const end = ends[k] as number;
      let o = (outHead[state] as number) >= 0 ? state : (dictLink[state] as number);
      while (o >= 0) {
        for (let key = outHead[o] as number; key >= 0; key = keyNext[key] as number) {
          const start = starts[k + 1 - (keyLen[key] as number)] as number;
          const spec = this.specs[key] as TermSpec;
          matches.push({ id: spec.id, term: spec.term, start, end, matched: text.slice(start, end) });
        }
        o = dictLink[o] as number;
      }
    }
    return matches;
  }

  /**
   * `find` without collecting matches, stopping at the first. The transition loop is repeated rather than
   * shared: it is the per-code-unit hot path, kept inline on purpose (not measured as a shared helper).
   */
  test(text: string): boolean {
    if (this.size === 0) return false;
    const folded = this.fold ? foldText(text) : unfolded(text);
    const units = folded.units;
    const { symOf, base, check, fail, hasOut } = this.a;
    const count = folded.length;
    let state = 0;
    for (let k = 0; k < count; k++) {
      const sym = symOf[units[k] as number] as number;
      if (sym === 0) {
        state = 0;
        continue;
      }
      for (;;) {
        const t = (base[state] as number) + sym;
        if (check[t] === state) {
          state = t;
          break;
        }
        if (state === 0) break;
        state = fail[state] as number;
      }
      if (hasOut[state] !== 0) return true;
    }
    return false;
  }
}
