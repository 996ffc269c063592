import { resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parseConfigText } from "../../../src/config/load.js";
import type { PostContent } from "../../../src/core/model/content.js";
import { classify } from "../../../src/core/news/classifier.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import { compiledPolicy, compileRules } from "../../../src/core/rules/compile.js";
import { consoleConfig } from "../../support/harness.js";

const policy = parseConfigText(
  consoleConfig(`news:
  enabled: true
  domains: [news.example]
  keywords: ["breaking news", "突发", "spam offer"]
rules:
  enabled: true
  categories:
    spam:
      terms: [spam offer, buy followers]
      points: 1
      action: delete
`),
  { baseDir: resolve(import.meta.dirname, "../../..") },
).core.communities[0]!.policy;

const post = (text: string): PostContent => ({ text, links: [], media: [] });

describe("one walk over a message for the content rules and the news keywords", () => {
  const texts = [
    "BREAKING NEWS: it rains",
    "突發：a Traditional spelling of a keyword",
    "a spam offer, which is a rule term and a keyword both",
    "buy followers and breaking news together",
    "nothing to see here",
    "",
  ];

  it("finds with the policy's shared automaton exactly what the classifier and the rules find on their own", () => {
    const shared = compiledPolicy(policy, silentLogger, "demo");
    const alone = compileRules(policy.rules.categories);
    for (const text of texts) {
      // fresh content objects: a message's analysis is kept per content object
      expect(classify(post(text), policy.news, shared.keywords)).toEqual(classify(post(text), policy.news));
      const strip = (hits: readonly { category: { name: string }; rule: string; matched: string }[]) =>
        hits.map((h) => [h.category.name, h.rule, h.matched]);
      expect(strip(shared.scan(post(text)))).toEqual(strip(alone.scan(post(text))));
    }
    expect(classify(post("突發：x"), policy.news, shared.keywords).reasons).toEqual([
      { kind: "keyword", term: "突发" },
    ]);
  });

  it("walks the text once for both: the classifier reuses the rules' matches", () => {
    const shared = compiledPolicy(policy, silentLogger, "demo");
    // every matcher's walks (the rules', the classifier's own keyword matcher's): one in all
    const find = vi.spyOn(Object.getPrototypeOf(shared.matcher) as { find: () => unknown }, "find");
    const content = post("buy followers and breaking news together");
    expect(shared.scan(content)).toHaveLength(1);
    expect(classify(content, policy.news, shared.keywords).reasons).toEqual([
      { kind: "keyword", term: "breaking news" },
    ]);
    expect(find).toHaveBeenCalledTimes(1);
    // without the shared automaton the classifier walks the text again with its own
    classify(post("buy followers and breaking news together"), policy.news);
    expect(find).toHaveBeenCalledTimes(2);
    find.mockRestore();
  });
});
