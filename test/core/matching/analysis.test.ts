import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as Fold from "../../../src/core/matching/fold.js";
import type * as Links from "../../../src/core/news/links.js";

// Counts how often the message's text is folded or searched for links, whoever does it.
const counts = vi.hoisted(() => ({ fold: [] as string[], links: [] as string[] }));
vi.mock("../../../src/core/matching/fold.js", async (importOriginal) => {
  const real = await importOriginal<typeof Fold>();
  return {
    ...real,
    foldText: (text: string, out?: Parameters<typeof real.foldText>[1]) => {
      counts.fold.push(text);
      return real.foldText(text, out);
    },
    foldForDisplay: (text: string) => {
      counts.fold.push(text);
      return real.foldForDisplay(text);
    },
  };
});
vi.mock("../../../src/core/news/links.js", async (importOriginal) => {
  const real = await importOriginal<typeof Links>();
  return {
    ...real,
    extractLinks: (text: string) => {
      counts.links.push(text);
      return real.extractLinks(text);
    },
  };
});

const { analyze, buildMatcher, foldForDisplay } = await import("../../../src/core/matching/index.js");
const { extractLinks } = await import("../../../src/core/news/links.js");
const { consoleConfig, startHarness } = await import("../../support/harness.js");

beforeEach(() => {
  counts.fold.length = 0;
  counts.links.length = 0;
});

describe("one analysis per message", () => {
  it("gives what each part would give on its own, computed once", () => {
    const content = {
      text: "看 ｎｅｗｓ．example．com/a and ＳＰＡＭ",
      links: ["https://b.example/x"],
      media: [],
    };
    const a = analyze(content);
    expect(analyze(content)).toBe(a);
    const matcher = buildMatcher([{ term: "spam", id: 0 }]);
    expect(a.matches(matcher)).toEqual(matcher.find(content.text));
    expect(a.foldedString()).toBe(foldForDisplay(content.text));
    expect(a.textLinks()).toEqual(extractLinks(content.text));
    expect(a.hosts()).toEqual(["news.example.com", "b.example"]);
    const second = buildMatcher([{ term: "news", id: 0 }]);
    counts.fold.length = 0;
    counts.links.length = 0;
    a.matches(matcher);
    a.matches(second);
    a.foldedString();
    a.links();
    expect(counts).toEqual({ fold: [], links: [] });
  });

  it("stays right when the analyses of two messages interleave", () => {
    const one = analyze({ text: "ＳＰＡＭ here", links: [], media: [] });
    const two = analyze({ text: "nothing but news", links: [], media: [] });
    const spam = buildMatcher([{ term: "spam", id: 0 }]);
    const news = buildMatcher([{ term: "news", id: 1 }]);
    expect(one.matches(spam).map((m) => m.matched)).toEqual(["ＳＰＡＭ"]);
    expect(two.matches(spam)).toEqual([]);
    expect(one.matches(news)).toEqual([]);
    expect(two.foldedString()).toBe("nothing but news");
    expect(one.foldedString()).toBe("spam here");
    expect(two.matches(news).map((m) => m.matched)).toEqual(["news"]);
  });

  it("lets the access gate, the content rules and the news classifier fold the text and find its links once", async () => {
    const h = await startHarness(
      consoleConfig(`news:
  enabled: true
  domains: [news.example]
  keywords: ["breaking news"]
rules:
  enabled: true
  categories:
    spam:
      terms: [buy followers]
      patterns: ["wx\\\\s*\\\\d{5,}"]
      domains: [spam.example]
      points: 1
      action: delete
`),
    );
    const text = "a calm ｍｅｓｓａｇｅ with no link at all";
    await h.session.say("hank", "lobby", "warm up");
    counts.fold.length = 0;
    counts.links.length = 0;
    await h.session.say("hank", "lobby", text);
    expect(counts.fold.filter((t) => t === text)).toHaveLength(1);
    expect(counts.links.filter((t) => t === text)).toHaveLength(1);
  });
});
