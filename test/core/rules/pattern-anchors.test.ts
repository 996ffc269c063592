import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PostContent } from "../../../src/core/model/content.js";
import { compileRules, type RuleHit } from "../../../src/core/rules/compile.js";
import { patternAnchors } from "../../../src/core/rules/pattern-anchors.js";
import type { CategorySettings } from "../../../src/core/sanctions/settings.js";

function cat(c: Partial<CategorySettings>): CategorySettings {
  return { terms: [], term_files: [], patterns: [], domains: [], points: 1, action: "delete", ...c };
}

const post = (text: string): PostContent => ({ text, links: [], media: [] });
const EXAMPLE = "(?:加|\\+)\\s*(?:微信|vx|wx)\\s*[:：]?\\s*\\w{5,}";

describe("pattern anchors", () => {
  it("takes the rarest required part of a pattern: a literal run, a branch's union, a short class", () => {
    expect(patternAnchors(EXAMPLE)).toEqual(["微信", "vx", "wx"]);
    expect(patternAnchors("\\bSpam(?:Bot)?\\b")).toEqual(["spam"]);
    expect(patternAnchors("foo|bar")).toEqual(["foo", "bar"]);
    expect(patternAnchors("f\\.o")).toEqual(["."]);
    expect(patternAnchors("\\d+元")).toEqual(["元"]);
  });

  it("gives none where a character could hide from the walk or where anchors would be everywhere", () => {
    // optional, a class of anything, a range
    expect(patternAnchors("a?\\d+")).toBeUndefined();
    expect(patternAnchors("[A-Z]\\d{7}")).toBeUndefined();
    // letters with other case forms outside ASCII, characters the fold changes, astral ones
    expect(patternAnchors("é")).toBeUndefined();
    expect(patternAnchors("說")).toBeUndefined();
    expect(patternAnchors("＋")).toBeUndefined();
    expect(patternAnchors("\\u{1F600}")).toBeUndefined();
    // single ASCII letters are in most messages
    expect(patternAnchors("[ab]")).toBeUndefined();
    expect(patternAnchors("a|b|c")).toBeUndefined();
    // not a pattern at all
    expect(patternAnchors("(")).toBeUndefined();
    // a usable part next to an unusable one
    expect(patternAnchors("＋x元")).toEqual(["x元"]);
  });

  it("spares a pattern the folded text when the walk found none of its anchors there", () => {
    const rules = compileRules({ spam: cat({ patterns: [EXAMPLE] }) });
    const pattern = rules.categories[0]!.patterns[0]!;
    const exec = pattern.exec.bind(pattern);
    const ran: string[] = [];
    pattern.exec = (s: string) => {
      ran.push(s);
      return exec(s);
    };
    // None of its anchors (微信, vx, wx: letters and ideographs): it runs on neither text. Before the
    // anchors it ran on the original text, and on the folded string too where the fold changes anything.
    expect(rules.scan(post("說話 ＨＥＬＬＯ"))).toEqual([]);
    expect(rules.scan(post("hello there"))).toEqual([]);
    expect(ran).toEqual([]);
    // With an anchor in the folded text (full-width ＶＸ folds to vx) it runs there and finds the hit.
    ran.length = 0;
    const hits = rules.scan(post("加ＶＸ：abcdef"));
    expect(ran).toHaveLength(2);
    expect(hits.map((h) => [h.by, h.matched])).toEqual([["pattern", "加vx:abcdef"]]);
    // On the original text, with its offsets, when an anchor is there as written.
    ran.length = 0;
    expect(rules.scan(post("ok +wx 12345")).map((h) => [h.matched, h.start, h.end])).toEqual([
      ["+wx 12345", 3, 12],
    ]);
    expect(ran).toEqual(["ok +wx 12345"]);
  });

  it("still runs a pattern anchored by a separator on the original text: the fold may drop it", () => {
    // `f.o` folds to `fo` (a separator between single letters), so the walk never sees the `.`
    const rules = compileRules({ x: cat({ patterns: ["f\\.o"] }) });
    expect(rules.scan(post("f.o")).map((h) => [h.matched, h.start])).toEqual([["f.o", 0]]);
  });

  // Pieces that fold, change case, hide between separators or look like the patterns' parts.
  const pieces = [
    "加",
    "+",
    "＋",
    "微信",
    "微 信",
    "微",
    "信",
    "vx",
    "VX",
    "ｖｘ",
    "wx",
    "Ｗx",
    " ",
    "：",
    ":",
    "abcde",
    "12345",
    "spam",
    "SPAM",
    "ｓｐａｍ",
    "s.p.a.m",
    "s",
    "ſ",
    "\u212a",
    "bot",
    "foo",
    "F.O",
    "f.o",
    "ｆ．ｏ",
    ".",
    "。",
    "\u200b",
    "說",
    "説",
    "元",
    "圓",
    "x",
    "X",
    "·",
    "-",
    "fаlun",
    "а",
    "ß",
    "SS",
    "ς",
    "σ",
    "Σ",
    "ｘ",
    "k",
    "７",
    "+1",
    "+",
    "f",
    "o",
  ];
  const texts = fc.array(fc.constantFrom(...pieces), { maxLength: 16 }).map((parts) => parts.join(""));
  const categories = {
    spam: cat({ patterns: [EXAMPLE, "\\bspam(?:bot)?\\b"] }),
    other: cat({ patterns: ["f\\.o", "foo|bar", "\\d+元", "s{2}x", "\\+\\d{2}"] }),
    loose: cat({ patterns: ["[ab]", "ß", "Σ\\s*x", "K\\d"] }),
  };
  const view = (hits: readonly RuleHit[]) =>
    hits.map((h) => [h.category.name, h.by, h.rule, h.matched, h.start, h.end]);

  it("never hides a hit: the same hits as with every pattern run on the folded text", () => {
    const anchored = compileRules(categories);
    const plain = compileRules(categories, undefined, [], { anchors: false });
    let onFolded = 0;
    fc.assert(
      fc.property(texts, (text) => {
        const hits = plain.scan(post(text));
        expect(view(anchored.scan(post(text)))).toEqual(view(hits));
        if (hits.some((h) => h.by === "pattern" && h.start === undefined)) onFolded++;
      }),
      { numRuns: 20_000, seed: 20261201 },
    );
    // not a vacuous check: many texts have hits that only the folded text shows
    expect(onFolded).toBeGreaterThan(1_000);
  });
});
