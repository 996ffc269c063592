import { describe, expect, it } from "vitest";
import { buildMatcher, foldForDisplay, type TermMatch } from "../../../src/core/matching/index.js";

const terms = [
  { term: "falun", id: 1 },
  { term: "法轮功", id: 2 },
  { term: "meme", id: 3 },
  { term: "falun gong", id: 4 },
];
const matcher = buildMatcher(terms);

function ids(text: string): number[] {
  return [...new Set(matcher.find(text).map((m) => m.id))].sort((a, b) => a - b);
}

function only(text: string, id: number): TermMatch {
  const found = matcher.find(text).filter((m) => m.id === id);
  expect(found).toHaveLength(1);
  const match = found[0] as TermMatch;
  expect(match.matched).toBe(text.slice(match.start, match.end));
  return match;
}

describe("buildMatcher folding (each evasion is caught)", () => {
  it("matches full-width letters (NFKC): ｆａｌｕｎ", () => {
    expect(only("join ｆａｌｕｎ now", 1).matched).toBe("ｆａｌｕｎ");
  });
  it("ignores case: FaLuN", () => {
    expect(only("FaLuN", 1).matched).toBe("FaLuN");
  });
  it("skips zero-width characters inside a term", () => {
    expect(only("fa\u200bl\u200du\ufeffn", 1).matched).toBe("fa\u200bl\u200du\ufeffn");
    expect(only("法\u200b轮功", 2).matched).toBe("法\u200b轮功");
  });
  it("maps a Kangxi radical to its ideograph: ⼈ matches 人", () => {
    const m = buildMatcher([{ term: "人民", id: 9 }]);
    expect(m.find("⼈民").map((x) => x.matched)).toEqual(["⼈民"]);
  });
  it("maps a CJK compatibility ideograph to the unified one: 豈 (U+F900) matches 岂", () => {
    const m = buildMatcher([{ term: "岂有", id: 9 }]);
    expect(m.find("\uf900有").map((x) => x.id)).toEqual([9]);
  });
  it("matches Traditional characters against a Simplified term: 法輪功", () => {
    expect(only("我练法輪功", 2).matched).toBe("法輪功");
  });
  it("matches a Simplified text against a Traditional term", () => {
    const m = buildMatcher([{ term: "臺灣", id: 9 }]);
    expect(m.test("台湾")).toBe(true);
  });
  it("skips spaces between Chinese characters: 法 轮 功", () => {
    expect(only("这是法 轮 功吗", 2).matched).toBe("法 轮 功");
  });
  it("skips dots, dashes and underscores between Chinese characters: 法.轮.功, 法-轮_功", () => {
    expect(only("法.轮.功", 2).matched).toBe("法.轮.功");
    expect(only("法-轮_功", 2).matched).toBe("法-轮_功");
    expect(only("法 . 轮 ・ 功", 2).matched).toBe("法 . 轮 ・ 功");
  });
  it("joins single letters separated by dots: f.a.l.u.n", () => {
    expect(only("see f.a.l.u.n here", 1).matched).toBe("f.a.l.u.n");
  });
  it("joins single letters separated by spaces and dashes: f a l u n, f-a-l-u-n", () => {
    expect(only("f a l u n", 1).matched).toBe("f a l u n");
    expect(only("f-a-l-u-n", 1).matched).toBe("f-a-l-u-n");
  });
  it("maps a Cyrillic look-alike to Latin: fаlun with Cyrillic а", () => {
    expect(only("f\u0430lun", 1).matched).toBe("f\u0430lun");
  });
  it("maps Greek look-alikes to Latin: ΡΟΚΕR and fαlun", () => {
    const m = buildMatcher([{ term: "poker", id: 9 }]);
    expect(m.find("\u03a1\u039f\u039a\u0395R").map((x) => x.id)).toEqual([9]);
    expect(only("f\u03b1lun", 1).matched).toBe("f\u03b1lun");
  });
  it("folds mathematical bold letters (astral): 𝐟𝐚𝐥𝐮𝐧", () => {
    const text = "x 𝐟𝐚𝐥𝐮𝐧 y";
    const m = only(text, 1);
    expect(m.matched).toBe("𝐟𝐚𝐥𝐮𝐧");
    expect(m.start).toBe(2);
    expect(m.end).toBe(12);
  });
  it("strips accents on Latin letters: fálún", () => {
    expect(only("fálún", 1).matched).toBe("fálún");
  });
});

describe("buildMatcher separators between words", () => {
  it('does not join two English words: "me me" does not match "meme"', () => {
    expect(ids("me me")).toEqual([]);
    expect(ids("tell me me too")).toEqual([]);
    expect(ids("meme")).toEqual([3]);
  });
  it("matches a multi-word term with one space, and with extra white space", () => {
    expect(ids("falun gong")).toEqual([1, 4]);
    expect(ids("falun   gong")).toEqual([1, 4]);
  });
  it("normalises white space inside terms", () => {
    const m = buildMatcher([{ term: "  falun \t gong ", id: 9 }]);
    expect(m.find("falun gong").map((x) => x.id)).toEqual([9]);
  });
  it("keeps Chinese separated from English by a space", () => {
    const m = buildMatcher([{ term: "功a", id: 9 }]);
    expect(m.test("功 a")).toBe(false);
  });
});

describe("buildMatcher positions and overlaps", () => {
  it("reports overlapping terms: he, she, hers in ushers", () => {
    const m = buildMatcher([
      { term: "he", id: 0 },
      { term: "she", id: 1 },
      { term: "hers", id: 2 },
    ]);
    const found = m.find("ushers").map((x) => [x.id, x.start, x.end]);
    expect(found).toEqual(
      expect.arrayContaining([
        [0, 2, 4],
        [1, 1, 4],
        [2, 2, 6],
      ]),
    );
    expect(found).toHaveLength(3);
  });
  it("maps positions back to the original text through folding and skipping", () => {
    const text = "前缀 ＦＡ\u200bＬＵＮ 和 法 輪 功 后缀";
    const found = matcher.find(text);
    for (const m of found) expect(text.slice(m.start, m.end)).toBe(m.matched);
    expect(found.map((m) => m.matched)).toEqual(["ＦＡ\u200bＬＵＮ", "法 輪 功"]);
  });
  it("reports every occurrence of a term", () => {
    expect(matcher.find("meme and meme").map((m) => m.start)).toEqual([0, 9]);
  });
  it("test() agrees with find()", () => {
    expect(matcher.test("nothing here")).toBe(false);
    expect(matcher.test("f.a.l.u.n")).toBe(true);
  });
  it("drops terms that fold to nothing and reports the size", () => {
    const m = buildMatcher([
      { term: "\u200b", id: 0 },
      { term: "  ", id: 1 },
      { term: "ok", id: 2 },
    ]);
    expect(m.size).toBe(1);
    expect(m.find("\u200b ok").map((x) => x.id)).toEqual([2]);
  });
  it("with fold: false matches exact code units only", () => {
    const m = buildMatcher([{ term: "Falun", id: 0 }], { fold: false });
    expect(m.test("falun")).toBe(false);
    expect(m.find("a Falun").map((x) => x.start)).toEqual([2]);
  });
});

describe("foldForDisplay", () => {
  it("shows the folded text", () => {
    expect(foldForDisplay("ＦＡＬＵＮ 法 輪 功 f.a.l.u.n me me")).toBe("falun 法轮功 falun me me");
  });
  it("is idempotent", () => {
    const samples = ["ＦＡＬＵＮ 法 輪 功", "f.a.l.u.n", "ﬁne ½ 𝐚𝐛 ⼈ 么 麼 什麼", "café\u0301 Ω ß İ"];
    for (const s of samples) expect(foldForDisplay(foldForDisplay(s))).toBe(foldForDisplay(s));
  });
});
