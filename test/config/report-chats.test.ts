import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ConfigError } from "../../src/config/errors.js";
import { parseConfigText } from "../../src/config/load.js";

const root = resolve(import.meta.dirname, "../..");

function load(yaml: string) {
  try {
    return { loaded: parseConfigText(yaml, { baseDir: root }), problems: [] as string[] };
  } catch (error) {
    if (error instanceof ConfigError)
      return { loaded: undefined, problems: error.problems.map((p) => `${p.path}: ${p.message}`) };
    throw error;
  }
}

describe("review and mod-log chats stay private", () => {
  it("refuses a review chat that is one of the community's own moderated chats", () => {
    const { problems } = load(`communities:
  - id: demo
    name: Demo
    review_chat: "console:lobby"
    chats: [{ id: "console:lobby" }]
`);
    expect(problems).toEqual([
      `communities[0].review_chat: expected a private admins' chat, got "console:lobby", which is a moderated chat of community "demo" (communities[0].chats[0]): held posts, their review cards and members' real names would appear in a public group`,
    ]);
  });

  it("refuses a mod-log chat that another community moderates", () => {
    const { problems } = load(`communities:
  - id: a
    name: A
    chats: [{ id: "console:lobby" }]
  - id: b
    name: B
    review_chat: "console:review"
    modlog_chat: "console:lobby"
    chats: [{ id: "console:other" }]
`);
    expect(problems).toEqual([
      expect.stringMatching(
        /^communities\[1\]\.modlog_chat: expected a private admins' chat, got "console:lobby", which is a moderated chat of community "a" \(communities\[0\]\.chats\[0\]\): .* would appear in a public group$/,
      ),
    ]);
  });

  it("warns, without refusing, when the review chat is also the mod-log chat", () => {
    const { loaded, problems } = load(`communities:
  - id: demo
    name: Demo
    review_chat: "console:admins"
    modlog_chat: "console:admins"
    chats: [{ id: "console:lobby" }]
`);
    expect(problems).toEqual([]);
    expect(loaded?.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      expect.stringMatching(/^communities\[0\]\.modlog_chat: same chat as review_chat \("console:admins"\)/),
    ]);
  });

  it("lets two communities share one admins' review chat", () => {
    const { problems } = load(`communities:
  - id: a
    name: A
    review_chat: "console:admins"
    chats: [{ id: "console:a" }]
  - id: b
    name: B
    review_chat: "console:admins"
    chats: [{ id: "console:b" }]
`);
    expect(problems).toEqual([]);
  });
});
