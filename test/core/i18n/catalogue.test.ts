import { describe, expect, it } from "vitest";
import { en } from "../../../src/core/i18n/en/index.js";
import { zh } from "../../../src/core/i18n/zh/index.js";
import { format, languageFromTag, translator } from "../../../src/core/i18n/translator.js";
import { consoleConfig, startHarness } from "../../support/harness.js";

describe("i18n catalogue", () => {
  it("has every English key in Chinese, with the same placeholders", () => {
    for (const [section, messages] of Object.entries(en)) {
      for (const [key, text] of Object.entries(messages as Record<string, string>)) {
        const other = (zh as unknown as Record<string, Record<string, string>>)[section]?.[key];
        expect(other, `${section}.${key}`).toBeTypeOf("string");
        const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(placeholders(other as string), `${section}.${key}`).toEqual(placeholders(text));
      }
    }
  });

  it("maps platform language tags to a catalogue", () => {
    expect(languageFromTag("zh-hans")).toBe("zh");
    expect(languageFromTag("zh_CN")).toBe("zh");
    expect(languageFromTag("en-GB")).toBe("en");
    expect(languageFromTag("fr")).toBeUndefined();
    expect(languageFromTag(undefined)).toBeUndefined();
  });

  it("fills placeholders and leaves a missing one visible", () => {
    expect(format("hello {name}, {missing}", { name: "A" })).toBe("hello A, {missing}");
    expect(format("{a}{b}", { a: 1, b: "$&" })).toBe("1$&");
    expect(format("{ spaced } {a} {", { a: "x" })).toBe("{ spaced } x {");
    expect(format("no placeholders")).toBe("no placeholders");
    // every catalogue text formats as a plain replace of each {name} would
    const params = { name: "N", count: 3, chat: "C", community: "Co", reason: "{name}" };
    const plain = (t: string) =>
      t.replace(/\{(\w+)\}/g, (whole, n: string) =>
        Object.hasOwn(params, n) ? String((params as Record<string, unknown>)[n]) : whole,
      );
    for (const catalogue of [en, zh])
      for (const messages of Object.values(catalogue))
        for (const text of Object.values(messages as Record<string, string>))
          expect(format(text, params)).toBe(plain(text));
    expect(translator("zh")("core.unknownCommand", { name: "x" })).toContain("/x");
  });

  it("answers in the community's language by default and in the member's reported language when known", async () => {
    const h = await startHarness(
      consoleConfig().replace("    name: Demo\n", "    name: Demo\n    language: zh\n"),
    );
    await h.session.tell("li", "/nope");
    expect(h.world.privateMessages(h.session.account("li")).at(-1)?.text).toContain("我不认识命令");
    h.session.setLanguage("sam", "en-US");
    await h.session.say("sam", "lobby", "hi");
    await h.session.tell("sam", "/nope");
    expect(h.world.privateMessages(h.session.account("sam")).at(-1)?.text).toContain(
      "I don't know the command",
    );
  });
});
