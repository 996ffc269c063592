import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/core/matching/index.js";
import type { PostContent } from "../../../src/core/model/content.js";
import { compiledRulesFor, compileRules, mostSevere, severity } from "../../../src/core/rules/compile.js";
import {
  sanctionSettingsSchema,
  rulesSettingsSchema,
  type CategorySettings,
} from "../../../src/core/sanctions/settings.js";

const ladder = sanctionSettingsSchema.parse({}).ladder;

function cat(c: Partial<CategorySettings>): CategorySettings {
  return { terms: [], term_files: [], patterns: [], domains: [], points: 1, action: "delete", ...c };
}

function post(text: string, links: string[] = []): PostContent {
  return { text, links, media: [] };
}

describe("compileRules", () => {
  it("reports the category, the listed term and the original characters with their offsets", () => {
    const rules = compileRules({ spam: cat({ terms: ["free crypto"] }), cult: cat({ terms: ["法轮功"] }) });
    const text = "嗨 ＦＲＥＥ ｃｒｙｐｔｏ 和 法 輪 功";
    const hits = rules.scan(post(text));
    expect(hits.map((h) => [h.category.name, h.rule, h.matched])).toEqual([
      ["spam", "free crypto", "ＦＲＥＥ ｃｒｙｐｔｏ"],
      ["cult", "法轮功", "法 輪 功"],
    ]);
    for (const h of hits) expect(text.slice(h.start, h.end)).toBe(h.matched);
  });

  it("matches Latin terms as whole words only, so short terms do not hit inside innocent words", () => {
    const rules = compileRules({ rude: cat({ terms: ["ass", "spam"] }) });
    expect(rules.scan(post("a classic assassin passes the spammer"))).toEqual([]);
    expect(rules.scan(post("what an ass!")).map((h) => h.matched)).toEqual(["ass"]);
    expect(rules.scan(post("ＳＰＡＭ")).map((h) => h.matched)).toEqual(["ＳＰＡＭ"]);
    // An invisible character does not make a word boundary.
    expect(rules.scan(post("cl\u200bass"))).toEqual([]);
  });

  it("strips accents without making a whole-word term match inside an accented word", () => {
    const rules = compileRules({ x: cat({ terms: ["poke", "free"] }) });
    const matched = (text: string) => rules.scan(post(text)).map((h) => h.matched);
    expect(matched("Pokémon")).toEqual([]); // precomposed é
    expect(matched("Poke\u0301mon")).toEqual([]); // e + combining acute
    expect(matched("Poke\u00b4mon")).toEqual([]); // spacing acute
    expect(matched("e\u0301poke")).toEqual([]);
    expect(matched("fréé stuff")).toEqual(["fréé"]);
    expect(matched("get fre\u0301e\u0301")).toEqual(["fre\u0301e\u0301"]);
    expect(matched("poké")).toEqual(["poké"]);
  });

  it("matches Chinese terms inside running text (no spaces between words)", () => {
    const rules = compileRules({ spam: cat({ terms: ["加微信"] }) });
    expect(rules.scan(post("想要的话加微信详聊")).map((h) => h.rule)).toEqual(["加微信"]);
  });

  it("does not join English words: 'me me' is not the term 'meme'", () => {
    const rules = compileRules({ x: cat({ terms: ["meme"] }) });
    expect(rules.scan(post("me me me"))).toEqual([]);
  });

  it("matches patterns on the original and on the folded text", () => {
    const rules = compileRules({ insults: cat({ patterns: ["\\bidiots?\\b", "(蠢货){2,}"] }) });
    expect(rules.scan(post("you IDIOT")).map((h) => [h.by, h.matched, h.start])).toEqual([
      ["pattern", "IDIOT", 4],
    ]);
    expect(rules.scan(post("ｉｄｉｏｔ")).map((h) => h.matched)).toEqual(["idiot"]);
    expect(rules.scan(post("蠢貨蠢貨")).map((h) => h.matched)).toEqual(["蠢货蠢货"]);
    expect(rules.scan(post("idiotic"))).toEqual([]);
  });

  it("runs a pattern on the folded text only when the fold changed more than ASCII case", () => {
    const rules = compileRules({ spam: cat({ patterns: ["ab cd", "xx\\.yy"] }) });
    // the fold folds a run of spaces to one and full-width forms to ASCII: both found
    expect(rules.scan(post("AB   CD")).map((h) => h.matched)).toEqual(["ab cd"]);
    expect(rules.scan(post("ＸＸ．ＹＹ")).map((h) => h.matched)).toEqual(["xx.yy"]);
    expect(rules.scan(post("Plain Text ONLY"))).toEqual([]);
    expect(analyze(post("Plain Text ONLY")).foldChanges()).toBe(false);
    expect(analyze(post("Plain  Text")).foldChanges()).toBe(true);
    expect(analyze(post("ｐlain")).foldChanges()).toBe(true);
    expect(analyze(post("plain@")).foldChanges()).toBe(false);
  });

  it("skips an invalid pattern and reports it instead of failing", () => {
    const bad: string[] = [];
    const rules = compileRules({ x: cat({ patterns: ["(unclosed", "ok"] }) }, (_c, p) => bad.push(p));
    expect(bad).toEqual(["(unclosed"]);
    expect(rules.scan(post("ok")).length).toBe(1);
  });

  it("matches link domains in the text (folded dots, subdomains) and links reported by the platform", () => {
    const rules = compileRules({ phishing: cat({ domains: ["evil.example"] }) });
    expect(rules.scan(post("go to login.evil。example now")).map((h) => h.rule)).toEqual(["evil.example"]);
    expect(rules.scan(post("tap here", ["https://EVIL.example/x"])).map((h) => h.rule)).toEqual([
      "evil.example",
    ]);
    expect(rules.scan(post("notevil.example and evil.example.org"))).toEqual([]);
  });

  it("reports at most one hit per category and kind", () => {
    const rules = compileRules({ spam: cat({ terms: ["free crypto", "加微信"] }) });
    expect(rules.scan(post("free crypto, free crypto, 加微信"))).toHaveLength(1);
  });

  it("handles thousands of terms in one automaton", () => {
    const terms = Array.from({ length: 5000 }, (_, i) => `badword${i.toString(36)}x`);
    const rules = compileRules({ big: cat({ terms }), other: cat({ terms: ["词语测试"] }) });
    expect(rules.matcher.size).toBe(5001);
    expect(rules.scan(post("hello BADWORD2s0x there")).map((h) => h.rule)).toEqual(["badword2s0x"]);
    expect(rules.scan(post("词 语 测 试")).map((h) => h.category.name)).toEqual(["other"]);
    expect(rules.scan(post("badword is not listed alone"))).toEqual([]);
  });

  it("compiles a policy's rules once and reuses them", () => {
    const settings = rulesSettingsSchema.parse({ categories: { spam: { terms: ["free crypto"] } } });
    expect(compiledRulesFor(settings)).toBe(compiledRulesFor(settings));
    const other = rulesSettingsSchema.parse({ categories: { spam: { terms: ["free crypto"] } } });
    expect(compiledRulesFor(other)).not.toBe(compiledRulesFor(settings));
  });
});

describe("severity", () => {
  it("ranks a jump to a ladder step above points, and a higher step above a lower one", () => {
    const ban = cat({ jump_to: "ban", points: 1 });
    const mute = cat({ jump_to: 1, points: 1 });
    const heavy = cat({ points: 50 });
    expect(severity(ban, ladder)).toBeGreaterThan(severity(mute, ladder));
    expect(severity(mute, ladder)).toBeGreaterThan(severity(heavy, ladder));
    expect(severity(cat({ points: 3 }), ladder)).toBeGreaterThan(severity(cat({ points: 2 }), ladder));
  });

  it("picks the hit of the most severe category", () => {
    const rules = compileRules({
      spam: cat({ terms: ["free crypto"], points: 1 }),
      terror: cat({ terms: ["join isis"], points: 1, jump_to: "ban" }),
    });
    expect(mostSevere(rules.scan(post("free crypto if you join isis")), ladder)?.category.name).toBe(
      "terror",
    );
  });
});
