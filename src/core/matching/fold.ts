import {
  BOUNDARY,
  DROP,
  HIGH,
  IDEO,
  LATIN,
  LETTER,
  MIXED,
  MULTI,
  SOFT,
  SPACE,
  WORD,
  astralClass,
  foldTables,
  isCombiningAccent,
  type FoldTables,
} from "./fold-table.js";

/**
 * Folded text: `units[0..length)` are the folded UTF-16 code units; unit `k` came from
 * `original.slice(starts[k], ends[k])`. Buffers are reused between calls (grown when needed), so
 * read them before folding the next text.
 */
export interface FoldedText {
  units: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  length: number;
}

const shared: FoldedText = {
  units: new Uint16Array(1024),
  starts: new Int32Array(1024),
  ends: new Int32Array(1024),
  length: 0,
};

function ensureCapacity(out: FoldedText, needed: number): void {
  if (out.units.length >= needed) return;
  let size = out.units.length;
  while (size < needed) size *= 2;
  const units = new Uint16Array(size);
  const starts = new Int32Array(size);
  const ends = new Int32Array(size);
  units.set(out.units);
  starts.set(out.starts);
  ends.set(out.ends);
  out.units = units;
  out.starts = starts;
  out.ends = ends;
}

// Result of peekClass: how many code units the peeked character spans and how many it folds to.
let peekSize = 0;
let peekUnits = 0;

/** Class of the character at `p` (BOUNDARY past the end), with its size in `peekSize`/`peekUnits`. */
function peekClass(t: FoldTables, text: string, p: number): number {
  if (p >= text.length) {
    peekSize = 0;
    peekUnits = 0;
    return BOUNDARY;
  }
  const c = text.charCodeAt(p);
  const k = t.cls[c] ?? WORD;
  peekSize = 1;
  if (k < MULTI) {
    peekUnits = k === DROP ? 0 : 1;
    return k;
  }
  if (k !== HIGH) {
    peekUnits = t.expansions[t.map[c] ?? 0]?.length ?? 1;
    return k & 7;
  }
  const lo = text.charCodeAt(p + 1);
  if (!(lo >= 0xdc00 && lo <= 0xdfff)) {
    peekUnits = 1;
    return WORD;
  }
  peekSize = 2;
  const cp = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
  const entry = t.astral.get(cp);
  if (entry === undefined) {
    peekUnits = 2;
    return astralClass(cp);
  }
  if (entry === DROP) {
    peekUnits = 0;
    return DROP;
  }
  peekUnits = t.expansions[entry >> 4]?.length ?? 0;
  return entry & 7;
}

/**
 * Folds `text` into `out` (a shared buffer by default) and returns it.
 *
 * Per character: NFKC, lower case, accents stripped, Traditional to Simplified Chinese, invisible
 * characters removed (see fold-table.ts). Per word: in a word that mixes Latin letters with Cyrillic
 * or Greek ones (`fаlun` with a Cyrillic `а`, `ΡΟΚΕR`), Cyrillic and Greek look-alikes become the
 * Latin letter they look like; a word wholly in Cyrillic or Greek keeps its letters (`Сор в комнате`
 * stays Russian and never matches `cop`). A word here is a run of letters in the folded output, so
 * invisible characters and skipped separators do not split it (`f.а.l.u.n` is one mixed word).
 *
 * Then separators: a run of white space and separator punctuation (`. - _ * · ・ / |` …) is dropped
 * when it sits between two CJK ideographs (`法 轮.功` → `法轮功`) or between two single letters
 * (`f.a.l.u.n` → `falun`); otherwise it is kept, with each stretch of white space folded to one
 * space. Words of two or more letters are never joined: `me me` stays `me me`.
 */
export function foldText(text: string, out: FoldedText = shared): FoldedText {
  const t = foldTables();
  const cls = t.cls;
  const map = t.map;
  const script = t.script;
  const n = text.length;
  ensureCapacity(out, n + 64);
  let units = out.units;
  let starts = out.starts;
  let ends = out.ends;
  let k = 0;
  // Class of the last kept character (BOUNDARY after a separator run or at the start), and how
  // many letters in a row ended with it.
  let prev = BOUNDARY;
  let letterRun = 0;
  // Scripts of the letters in the current word: LATIN | CYRILLIC_GREEK bits, 0 outside a word.
  let word = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const cl = cls[c] as number;
    if (cl <= WORD) {
      const u = map[c] as number;
      if (cl === LETTER) {
        letterRun = prev === LETTER ? letterRun + 1 : 1;
        // every folded letter below U+0370 is Latin: English text needs no table read here
        word |= u < 0x370 ? LATIN : (script[u] as number);
      } else if (word !== 0) {
        if (word === MIXED) foldLookalikes(t, text, out, k);
        word = 0;
      }
      units[k] = u;
      starts[k] = i;
      ends[k] = i + 1;
      k++;
      prev = cl;
      i++;
      continue;
    }
    if (cl === DROP) {
      // A combining accent belongs to the character before it: a match ending there includes it.
      if (k > 0 && ends[k - 1] === i && isCombiningAccent(c)) ends[k - 1] = i + 1;
      i++;
      continue;
    }
    if (cl === SPACE && i + 1 < n) {
      // Common case: one space followed by an ordinary character.
      const c2 = text.charCodeAt(i + 1);
      const cl2 = cls[c2] as number;
      if (cl2 <= WORD) {
        let skip = false;
        let simple = true;
        if (prev === IDEO) {
          skip = cl2 === IDEO;
        } else if (prev === LETTER && letterRun === 1 && cl2 === LETTER) {
          const cl3 = i + 2 < n ? (cls[text.charCodeAt(i + 2)] as number) : BOUNDARY;
          if (cl3 <= WORD || cl3 === SPACE || cl3 === SOFT || cl3 === BOUNDARY) skip = cl3 !== LETTER;
          else simple = false;
        }
        if (simple) {
          if (!skip) {
            if (word === MIXED) foldLookalikes(t, text, out, k);
            word = 0;
            units[k] = 0x20;
            starts[k] = i;
            ends[k] = i + 1;
            k++;
          }
          prev = BOUNDARY;
          letterRun = 0;
          i++;
          continue;
        }
      }
    }
    slowK = k;
    slowPrev = prev;
    slowRun = letterRun;
    slowWord = word;
    // `| 0` keeps these small integers in the optimised loop
    i = foldSlow(t, text, i, out) | 0;
    k = slowK | 0;
    prev = slowPrev | 0;
    letterRun = slowRun | 0;
    word = slowWord | 0;
    units = out.units;
    starts = out.starts;
    ends = out.ends;
  }
  if (word === MIXED) foldLookalikes(t, text, out, k);
  out.length = k;
  return out;
}

// State shared between foldText and foldSlow (kept out of foldText so its loop stays small).
let slowK = 0;
let slowPrev = BOUNDARY;
let slowRun = 0;
let slowWord = 0;

/** Ends the current word before a unit that is not a letter is written at `k`. */
function endWord(t: FoldTables, text: string, out: FoldedText, k: number): void {
  if (slowWord === MIXED) foldLookalikes(t, text, out, k);
  slowWord = 0;
}

/**
 * Maps the Cyrillic and Greek look-alikes of the mixed-script word that ends at `units[end - 1]` to
 * Latin. The word is the run of letter units before `end` (every other unit has script 0). The
 * original character decides first (`Н` looks like `h`, its lower case `н` like nothing); a letter
 * that came from an expansion or an astral character is looked up by its folded unit.
 */
function foldLookalikes(t: FoldTables, text: string, out: FoldedText, end: number): void {
  const { units, starts } = out;
  const { confusable, script } = t;
  for (let j = end - 1; j >= 0 && script[units[j] as number] !== 0; j--) {
    let latin = confusable[text.charCodeAt(starts[j] as number)] as number;
    if (latin === 0) latin = confusable[units[j] as number] as number;
    if (latin !== 0) units[j] = latin;
  }
}

/** Folds the separator run, expansion or astral character at `i`; returns the next index. */
function foldSlow(t: FoldTables, text: string, i: number, out: FoldedText): number {
  const cls = t.cls;
  const map = t.map;
  const n = text.length;
  let units = out.units;
  let starts = out.starts;
  let ends = out.ends;
  let k = slowK;
  const prev = slowPrev;
  const letterRun = slowRun;
  const c = text.charCodeAt(i);
  let cl = cls[c] as number;

  // Expansion (BMP ligature etc.) or astral character: work out its units first.
  let exp: Uint16Array | undefined;
  let size = 1;
  if (cl === HIGH) {
    const lo = text.charCodeAt(i + 1);
    if (!(lo >= 0xdc00 && lo <= 0xdfff)) {
      // lone high surrogate: keep as is
      endWord(t, text, out, k);
      units[k] = c;
      starts[k] = i;
      ends[k] = i + 1;
      slowK = k + 1;
      slowPrev = WORD;
      return i + 1;
    }
    size = 2;
    const cp = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    const entry = t.astral.get(cp);
    if (entry === undefined) {
      endWord(t, text, out, k);
      units[k] = c;
      units[k + 1] = lo;
      starts[k] = starts[k + 1] = i;
      ends[k] = ends[k + 1] = i + 2;
      slowK = k + 2;
      slowRun = 0;
      slowPrev = astralClass(cp);
      return i + 2;
    }
    if (entry === DROP) return i + 2;
    cl = entry & 7;
    exp = t.expansions[entry >> 4];
  } else if (cl & MULTI) {
    exp = t.expansions[map[c] as number];
    cl &= 7;
  }

  if (cl === SPACE || cl === SOFT) {
    // A separator run: find where it ends and what follows it.
    let j = i;
    while (j < n) {
      const pk = peekClass(t, text, j);
      if (pk !== SPACE && pk !== SOFT && pk !== DROP) break;
      j += peekSize;
    }
    const next = peekClass(t, text, j);
    let skip = false;
    if (prev === IDEO && next === IDEO) {
      skip = true;
    } else if (prev === LETTER && letterRun === 1 && next === LETTER && peekUnits === 1) {
      // The letter after the run must be a single letter too.
      let p = j + peekSize;
      let after = peekClass(t, text, p);
      while (after === DROP) {
        p += peekSize;
        after = peekClass(t, text, p);
      }
      skip = after !== LETTER;
    }
    if (!skip) {
      endWord(t, text, out, k);
      ensureCapacity(out, k + (j - i) * 4 + (n - j) + 64);
      units = out.units;
      starts = out.starts;
      ends = out.ends;
      let lastWasSpace = false;
      let p = i;
      while (p < j) {
        const pk = peekClass(t, text, p);
        const pc = text.charCodeAt(p);
        if (pk === SPACE) {
          if (lastWasSpace) {
            ends[k - 1] = p + peekSize;
          } else {
            units[k] = 0x20;
            starts[k] = p;
            ends[k] = p + peekSize;
            k++;
            lastWasSpace = true;
          }
        } else if (pk === SOFT) {
          lastWasSpace = false;
          const pcl = cls[pc] as number;
          const list =
            pcl === SOFT
              ? undefined
              : pcl & MULTI
                ? t.expansions[map[pc] as number]
                : t.expansions[(t.astral.get(text.codePointAt(p) ?? 0) ?? 0) >> 4];
          if (list === undefined) {
            units[k] = map[pc] as number;
            starts[k] = p;
            ends[k] = p + 1;
            k++;
          } else {
            for (let q = 0; q < list.length; q++) {
              units[k] = list[q] as number;
              starts[k] = p;
              ends[k] = p + peekSize;
              k++;
            }
          }
        }
        p += peekSize;
      }
    }
    slowK = k;
    slowPrev = BOUNDARY;
    slowRun = 0;
    return j;
  }

  // An expansion of one class: letters (ﬁ), ideographs, or a mix (½ → 1⁄2, WORD).
  const len = exp === undefined ? 1 : exp.length;
  if (k + len + (n - i) + 64 > units.length) {
    ensureCapacity(out, k + len + (n - i) + 64);
    units = out.units;
    starts = out.starts;
    ends = out.ends;
  }
  if (cl !== LETTER) endWord(t, text, out, k);
  for (let q = 0; q < len; q++) {
    units[k] = exp === undefined ? c : (exp[q] as number);
    starts[k] = i;
    ends[k] = i + size;
    k++;
  }
  if (cl === LETTER) for (let q = k - len; q < k; q++) slowWord |= t.script[units[q] as number] as number;
  slowK = k;
  slowRun = cl === LETTER ? (prev === LETTER ? letterRun : 0) + len : 0;
  slowPrev = cl;
  return i + size;
}

/** The folded form of `text` as a string, for debugging and for explaining a match. */
export function foldForDisplay(text: string): string {
  const folded = foldText(text);
  let s = "";
  for (let k = 0; k < folded.length; k += 4096) {
    s += String.fromCharCode(...folded.units.subarray(k, Math.min(k + 4096, folded.length)));
  }
  return s;
}
