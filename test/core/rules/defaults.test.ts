import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compileRules } from "../../../src/core/rules/compile.js";
import { defaultCategories } from "../../../src/core/rules/defaults.js";
import { rulesSettingsSchema } from "../../../src/core/sanctions/settings.js";

const root = resolve(import.meta.dirname, "../../..");

function termFile(name: string): string[] {
  return readFileSync(resolve(root, `config/terms/${name}.txt`), "utf8")
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => l !== "");
}

describe("default categories", () => {
  it("are terrorism, violence, pornography, slander and spam; terrorism jumps to a ban and slander is held", () => {
    expect(Object.keys(defaultCategories)).toEqual([
      "terrorism",
      "violence",
      "pornography",
      "slander",
      "spam",
    ]);
    expect(defaultCategories.terrorism?.jump_to).toBe("ban");
    expect(defaultCategories.slander?.action).toBe("hold");
  });

  for (const name of Object.keys(defaultCategories)) {
    it(`built-in ${name} terms equal config/terms/${name}.txt`, () => {
      expect(defaultCategories[name]?.terms).toEqual(termFile(name));
    });
  }

  it("term files explain whole-word matching in their header, and the examples they give hold", () => {
    for (const name of Object.keys(defaultCategories)) {
      const header = readFileSync(resolve(root, `config/terms/${name}.txt`), "utf8");
      expect(header, name).toContain("whole words");
      expect(header, name).not.toContain("also inside longer words");
    }
    const terms = ["spam", "ass", "poke", "cop", "free", "falun"];
    const rules = compileRules({
      x: { terms, term_files: [], patterns: [], domains: [], points: 1, action: "delete" },
    });
    const hits = (text: string) => rules.scan({ text, links: [], media: [] }).length;
    for (const text of ["spammer", "classic", "Pokémon", "Сор"]) expect(hits(text), text).toBe(0);
    for (const text of ["fréé", "f\u0430lun", "f r e e"]) expect(hits(text), text).toBe(1);
  });

  it("are what a community gets when it leaves categories out, and `{}` means none", () => {
    const omitted = rulesSettingsSchema.parse({});
    expect(Object.keys(omitted.categories)).toEqual(Object.keys(defaultCategories));
    omitted.categories.spam?.terms.push("changed");
    expect(defaultCategories.spam?.terms).not.toContain("changed");
    expect(rulesSettingsSchema.parse({ categories: {} }).categories).toEqual({});
  });

  it("do not hit ordinary English and Chinese chat", () => {
    const rules = compileRules(defaultCategories);
    const clean = [
      "Does anyone know when the crypto workshop starts? Entry is free.",
      "I will kill this bug tonight, promise.",
      "The video of the concert is online, share it with friends.",
      "明天下午三点在图书馆见，记得带微信二维码的截图。",
      "这条新闻是假的吗？大家先别转发，等官方消息。",
      "Beat the eggs, then fold in the flour.",
    ];
    for (const text of clean) expect(rules.scan({ text, links: [], media: [] }), text).toEqual([]);
  });
});
