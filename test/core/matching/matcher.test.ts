import { describe, expect, it } from "vitest";
import { LATIN, LETTER, foldTables } from "../../../src/core/matching/fold-table.js";
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
  it("strips combining accents (decomposed text) and reports them with the letter they sit on", () => {
    const m = buildMatcher([{ term: "free", id: 9 }]);
    const text = "fre\u0301e\u0301 stuff";
    expect(m.find(text).map((x) => x.matched)).toEqual(["fre\u0301e\u0301"]);
  });
  it("drops spacing accents (´ ¨) inside a word instead of turning them into a space", () => {
    const m = buildMatcher([{ term: "free", id: 9 }]);
    expect(foldForDisplay("Poke\u00b4mon fre\u00a8e \u037a")).toBe("pokemon free ");
    expect(m.find("fre\u00b4e").map((x) => x.matched)).toEqual(["fre\u00b4e"]);
  });
});

describe("buildMatcher look-alike letters only in mixed-script words", () => {
  const m = buildMatcher(["cop", "poker", "top", "hello", "сор", "falun"].map((term, id) => ({ term, id })));
  const terms = (text: string) => m.find(text).map((x) => x.term);

  it('does not fold a word written wholly in Cyrillic: "Сор в комнате" does not hit cop', () => {
    expect(terms("Сор в комнате")).toEqual(["сор"]);
    expect(terms("Мы едем в Рим, есть сахар и кофе")).toEqual([]);
    expect(foldForDisplay("Сор в комнате")).toBe("сор в комнате");
  });
  it("does not fold a word written wholly in Greek: ΤΟΡ is not top", () => {
    expect(terms("\u03a4\u039f\u03a1 \u03c4\u03bf\u03c1")).toEqual([]);
  });
  it("a Cyrillic term matches Cyrillic text, not Latin look-alikes", () => {
    expect(terms("cop")).toEqual(["cop"]);
    expect(terms("СОР")).toEqual(["сор"]);
  });
  it("folds look-alikes in a word that mixes Latin and Cyrillic, whatever the case", () => {
    expect(terms("c\u043e\u0440")).toEqual(["cop"]); // Latin c, Cyrillic о р
    expect(terms("\u041dello")).toEqual(["hello"]); // Cyrillic capital Н looks like h
    expect(terms("\u0420OKER")).toEqual(["poker"]);
  });
  it("treats a word as mixed across invisible characters and joined single letters", () => {
    expect(terms("f\u200b\u0430lun")).toEqual(["falun"]);
    expect(terms("f.\u0430.l.u.n")).toEqual(["falun"]);
    expect(terms("\u0441 o p")).toEqual(["cop"]);
  });
  it("does not let a Latin word next to a Cyrillic one make it mixed", () => {
    expect(terms("ok Сор")).toEqual(["сор"]);
    expect(terms("Сор-ok")).toEqual(["сор"]);
  });
  it("folds a look-alike written as a mathematical or full-width letter in a mixed word", () => {
    expect(terms("ｃ\u043e\u0440")).toEqual(["cop"]);
    expect(terms("\u{1d41c}\u043e\u0440")).toEqual(["cop"]); // 𝐜 then Cyrillic о р
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

describe("fold tables", () => {
  it("fold every letter below U+0370 to a Latin letter (the scan relies on it)", () => {
    const { cls, map, script } = foldTables();
    const wrong: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const u = map[c] as number;
      if (cls[c] === LETTER && u < 0x370 && script[u] !== LATIN) wrong.push(c.toString(16));
      if (cls[c] === LETTER && script[c] !== script[u]) wrong.push(c.toString(16));
    }
    expect(wrong).toEqual([]);
  });
});

describe("foldForDisplay", () => {
  it("shows the folded text", () => {
    expect(foldForDisplay("ＦＡＬＵＮ 法 輪 功 f.a.l.u.n me me")).toBe("falun 法轮功 falun me me");
  });
  it("is idempotent", () => {
    const samples = [
      "ＦＡＬＵＮ 法 輪 功",
      "f.a.l.u.n",
      "ﬁne ½ 𝐚𝐛 ⼈ 么 麼 什麼",
      "café\u0301 Ω ß İ",
      "Сор fаlun ΗΕLLO Нello f.а.l.u.n Poke´mon",
    ];
    for (const s of samples) expect(foldForDisplay(foldForDisplay(s))).toBe(foldForDisplay(s));
  });
});
