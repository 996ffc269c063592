import { RegExpParser, type AST } from "@eslint-community/regexpp";
import { foldText } from "../matching/fold.js";

/**
 * Anchors of a content-rule pattern: a few strings at least one of which is in every text the pattern
 * matches, so a text without any of them cannot match it. The rules put them in the automaton the
 * message is walked with anyway; a pattern runs on the folded text only when the walk found one of its
 * anchors there, and, where its anchors are letters, digits or ideographs only (`anchorsFor`'s `raw`), on
 * the original text only then too (see `compileRules`). That spares most messages the folded string and
 * the regex runs: before, every message paid for one run per pattern, and every message whose fold changed
 * anything (every Chinese one) for the folded string and a second run.
 *
 * Worked out on the pattern's syntax tree (@eslint-community/regexpp, the parser ESLint uses):
 * - a character is its own anchor, a run of letters, digits or ideographs one anchor (`微信`, `vx`); a
 *   class of a few listed characters, each of them;
 * - an alternation needs an anchor in every branch (the union of theirs);
 * - a sequence takes the element whose anchors turn up least in ordinary text (`weight`: a long string
 *   rarely, a single ASCII letter often; a quantifier counts only if it repeats at least once;
 *   look-arounds, back-references, `\w`, `.` and ranges give none).
 * Anchors that would turn up in most messages (a few single letters) are not worth it: none then.
 *
 * A character counts only where the walk finds every unit of a folded text that the pattern (always
 * case-insensitive) would take for it: it folds to itself (`加`, `+`, `:`) or, an ASCII capital, to its
 * lower case (the fold lower-cases every letter). Others (letters with case outside ASCII, characters the
 * fold changes, astral ones) give none: `＋x` is anchored by `x`, `é` not at all (it always runs).
 *
 * Returns undefined where the pattern has no usable anchors.
 */
export function patternAnchors(source: string): string[] | undefined {
  return anchorsFor(source)?.anchors;
}

/**
 * The anchors of a pattern, and whether they also stand for the original text (`raw`): a text the pattern
 * matches as written holds an anchor in its fold too. That holds for anchors of letters, digits and
 * ideographs only: the fold keeps each of them as it is (one character at a time, see fold.ts), and only
 * drops or merges separators around them, so a run of them in the text is a run in the fold. A separator
 * anchor (`.`) is not: the fold drops `.` between single letters (`f.o` folds to `fo`).
 */
export function anchorsFor(source: string): { anchors: string[]; raw: boolean } | undefined {
  let pattern: AST.Pattern;
  try {
    pattern = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(source, 0, source.length, {
      unicode: true,
    });
  } catch {
    return undefined;
  }
  const found = anchorsOf(pattern);
  if (found === undefined) return undefined;
  const anchors = [...found];
  return { anchors, raw: anchors.every((a) => [...a].every((ch) => isWordUnit(ch.charCodeAt(0)))) };
}

/**
 * How often an anchor would turn up in ordinary text, roughly: every turn-up costs the walk a match. A
 * single ASCII letter or digit is in most messages; a string of three or more almost never.
 */
function weight(anchor: string): number {
  if (anchor.length >= 3) return 1;
  if (anchor.length === 2) return 2;
  return /[a-z0-9]/.test(anchor) ? 20 : 4;
}

const weightOf = (set: ReadonlySet<string>) => [...set].reduce((sum, a) => sum + weight(a), 0);

/** Anchors heavier than this (a few single letters) would cost the walk more than the regex they spare. */
const MAX_WEIGHT = 16;
/** A class range is read as its characters up to this size (`[0-9]` no, `[:：]` yes). */
const MAX_RANGE = 4;

type Node = AST.Pattern | AST.Alternative | AST.Element | AST.CharacterClassElement | AST.StringAlternative;

function anchorsOf(node: Node): Set<string> | undefined {
  switch (node.type) {
    case "Pattern":
    case "Group":
    case "CapturingGroup":
      return union(node.alternatives.map(anchorsOf));
    case "Alternative": {
      let best: Set<string> | undefined;
      const consider = (set: Set<string> | undefined) => {
        if (set !== undefined && (best === undefined || weightOf(set) < weightOf(best))) best = set;
      };
      // A run of plain characters (letters, digits, ideographs, not separators) is one anchor: "微信".
      let run = "";
      for (const element of node.elements) {
        if (element.type === "Character" && walkFinds(element.value) && isWordUnit(element.value)) {
          run += String.fromCharCode(element.value);
          continue;
        }
        considerRun(run, consider);
        run = "";
        consider(anchorsOf(element));
      }
      considerRun(run, consider);
      return best;
    }
    case "Quantifier":
      return node.min >= 1 ? anchorsOf(node.element) : undefined;
    case "Character":
      return walkFinds(node.value) ? new Set([String.fromCharCode(node.value).toLowerCase()]) : undefined;
    case "CharacterClass": {
      if (node.negate) return undefined;
      const set = new Set<string>();
      for (const element of node.elements) {
        if (element.type === "Character") set.add(String.fromCharCode(element.value).toLowerCase());
        else if (element.type === "CharacterClassRange" && element.max.value - element.min.value < MAX_RANGE)
          for (let c = element.min.value; c <= element.max.value; c++)
            set.add(String.fromCharCode(c).toLowerCase());
        else return undefined;
      }
      for (const c of set) if (!walkFinds(c.charCodeAt(0))) return undefined;
      return set.size > 0 && weightOf(set) <= MAX_WEIGHT ? set : undefined;
    }
    default:
      // assertions, back-references, character sets (\w, ., \p{…}), class strings
      return undefined;
  }
}

/** A run as one anchor if the fold leaves it as it is (lower case), else each of its characters. */
function considerRun(run: string, consider: (set: Set<string>) => void): void {
  if (run === "") return;
  const anchor = run.toLowerCase();
  const folded = foldText(anchor);
  let same = folded.length === anchor.length;
  for (let k = 0; same && k < anchor.length; k++) same = folded.units[k] === anchor.charCodeAt(k);
  if (same) consider(new Set([anchor]));
  else for (const ch of anchor) consider(new Set([ch]));
}

function union(sets: readonly (Set<string> | undefined)[]): Set<string> | undefined {
  const all = new Set<string>();
  for (const set of sets) {
    if (set === undefined) return undefined;
    for (const a of set) all.add(a);
  }
  return all.size > 0 && weightOf(all) <= MAX_WEIGHT ? all : undefined;
}

/** Letters, digits and ideographs: the fold keeps a run of them as it is (it drops or merges only separators). */
function isWordUnit(c: number): boolean {
  return /[\p{L}\p{N}]/u.test(String.fromCharCode(c));
}

/**
 * Whether the walk finds every unit of a folded text that a case-insensitive pattern takes for `c`: the
 * anchor term is `c` folded, so `c` must fold to one unit, itself; or, for an ASCII capital, to its lower
 * case, the only form of the letter a folded text has (`ſ` and the Kelvin sign fold to `s` and `k` too).
 * A character with other case forms (`é`/`É`, `ǅ`) is refused: the walk might miss one.
 */
function walkFinds(c: number): boolean {
  if (c > 0xffff) return false;
  const ch = String.fromCharCode(c);
  const folded = foldText(ch);
  if (folded.length !== 1) return false;
  const unit = folded.units[0] as number;
  if (c >= 0x41 && c <= 0x5a) return unit === c + 0x20;
  if (unit !== c) return false;
  if (c >= 0x61 && c <= 0x7a) return true;
  return ch.toLowerCase() === ch && ch.toUpperCase() === ch;
}
