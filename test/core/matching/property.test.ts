import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../../bench/corpus.js";
import { buildMatcher } from "../../../src/core/matching/index.js";

// Small alphabets so that terms occur often and overlap.
const LETTERS = "abcdeABE";
// Cyrillic letters that look like Latin a, c, e, o, p (and their capitals), in words of their own
const CYRILLIC = "асеорАСЕОР";
const HANZI = "法轮功中国人民";

function word(rand: () => number, alphabet: string, min: number, max: number): string {
  const len = min + Math.floor(rand() * (max - min + 1));
  let s = "";
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/**
 * Text without evasion: English words and Russian-looking words (wholly Cyrillic) of two or more
 * letters separated by one space, Chinese runs without separators, Chinese and the others separated
 * by a space or a comma, never two Chinese runs separated only by white space.
 */
function cleanText(rand: () => number): string {
  let s = "";
  let last: "en" | "zh" | "" = "";
  const parts = 1 + Math.floor(rand() * 12);
  for (let p = 0; p < parts; p++) {
    const zh = rand() < 0.4;
    if (zh) {
      if (last === "zh") s += "，";
      else if (last === "en") s += rand() < 0.5 ? " " : "";
      s += word(rand, HANZI, 1, 6);
      last = "zh";
    } else {
      if (last !== "") s += last === "zh" && rand() < 0.3 ? "" : " ";
      s += rand() < 0.3 ? word(rand, CYRILLIC, 2, 6) : word(rand, LETTERS, 2, 6);
      last = "en";
    }
  }
  return s;
}

describe("matching random clean text", () => {
  it("finds the same set of terms as the naive lowercase includes loop (seeded, 3000 texts)", () => {
    const rand = mulberry32(20240611);
    const terms = new Set<string>();
    while (terms.size < 60) {
      const r = rand();
      if (r < 0.3) terms.add(word(rand, "abcde", 2, 4));
      else if (r < 0.38) terms.add(word(rand, "acepo", 2, 3));
      else if (r < 0.45) terms.add(word(rand, "асеор", 2, 3));
      else if (r < 0.55) terms.add(`${word(rand, "abcde", 2, 3)} ${word(rand, "abcde", 2, 3)}`);
      else terms.add(word(rand, HANZI, 1, 3));
    }
    const list = [...terms];
    const matcher = buildMatcher(list.map((term, id) => ({ term, id })));
    let hits = 0;
    for (let n = 0; n < 3000; n++) {
      const text = cleanText(rand);
      const lower = text.toLowerCase();
      const naive = list.flatMap((t, id) => (lower.includes(t) ? [id] : []));
      hits += naive.length;
      const found = [...new Set(matcher.find(text).map((m) => m.id))].sort((a, b) => a - b);
      expect(found, text).toEqual(naive);
      expect(matcher.test(text), text).toBe(naive.length > 0);
    }
    expect(hits).toBeGreaterThan(3000);
  });

  it("reports matched === text.slice(start, end) for every match", () => {
    const rand = mulberry32(7);
    const matcher = buildMatcher(["ab", "ba", "法轮", "轮功", "ab ab"].map((term, id) => ({ term, id })));
    for (let n = 0; n < 500; n++) {
      const text = cleanText(rand);
      for (const m of matcher.find(text)) expect(text.slice(m.start, m.end)).toBe(m.matched);
    }
  });
});
