import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ConfigError } from "../../src/config/errors.js";
import { loadConfigFile, parseConfigText } from "../../src/config/load.js";

const root = resolve(import.meta.dirname, "../..");
const base = (community: string, top = "") => `${top}
communities:
  - id: demo
    name: Demo
    chats:
      - id: "console:lobby"
${community}`;

function problems(yaml: string): string[] {
  try {
    parseConfigText(yaml, { baseDir: root });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

describe("configuration errors name the field and the expected value", () => {
  it("rejects a ladder duration that is not a duration", () => {
    const yaml = base(`    sanctions:
      ladder:
        - { at: 1, action: warn }
        - { at: 3, action: mute, duration: 1h }
        - { at: 5, action: mute, duration: tomorrow }
`);
    expect(problems(yaml)).toEqual([
      `communities[0].sanctions.ladder[2].duration: expected a duration like "24h", got "tomorrow"`,
    ]);
  });

  it("rejects a misspelt key instead of ignoring it", () => {
    const yaml = base(`    sanctions:
      ladr: []
`);
    expect(problems(yaml)).toEqual([
      "communities[0].sanctions.ladr: unknown key (check the spelling; see config/chatwarden.example.yaml)",
    ]);
  });

  it("rejects an unknown verification method and lists the valid ones", () => {
    const yaml = base(`    verification:
      method: passport
`);
    expect(problems(yaml)).toEqual([
      'communities[0].verification.method: expected one of "self_declared", "admin_review", "phone", "external", got "passport"',
    ]);
  });

  it("rejects a chat id without a platform", () => {
    const yaml = `communities:
  - id: demo
    name: Demo
    chats:
      - id: "-1001234"
`;
    expect(problems(yaml)).toEqual([
      'communities[0].chats[0].id: expected a chat like "telegram:-1001234567890", "console:lobby" (platform:id), got "-1001234"',
    ]);
  });

  it("rejects a wrong type with what was expected and what was found", () => {
    const yaml = base(`    verification:
      attempts_per_hour: "five"
`);
    expect(problems(yaml)).toEqual([
      'communities[0].verification.attempts_per_hour: expected number, got "five"',
    ]);
  });

  it("reports a bad per-chat override at the chat's path", () => {
    const yaml = `communities:
  - id: demo
    name: Demo
    chats:
      - id: "console:lobby"
        news:
          expire_after: soon
`;
    expect(problems(yaml)).toEqual([
      `communities[0].chats[0].news.expire_after: expected a duration like "24h", got "soon"`,
    ]);
  });

  it("reports a missing term file with the path it looked in", () => {
    const yaml = base(`    rules:
      categories:
        spam:
          term_files: [terms/nope.txt]
`);
    const [problem] = problems(yaml);
    expect(problem).toMatch(
      /^communities\[0\]\.rules\.categories\.spam\.term_files\[0\]: expected a readable file, got "terms\/nope\.txt"/,
    );
  });

  it("reports an invalid regular expression in a rule", () => {
    const yaml = base(`    rules:
      categories:
        spam:
          patterns: ["(unclosed"]
`);
    expect(problems(yaml)[0]).toMatch(
      /^communities\[0\]\.rules\.categories\.spam\.patterns\[0\]: expected a valid regular expression/,
    );
  });

  it("requires at least one community and says so", () => {
    expect(problems("language: en\n")).toEqual(["communities: required: expected a list"]);
  });

  it("reports YAML syntax errors", () => {
    expect(problems("communities: [\n")[0]).toMatch(/^: YAML: /);
  });

  it("reports only the first YAML syntax error, with its line and without a dangling colon", () => {
    const [problem, ...rest] = problems("communities:\n  - id: demo\n   bad: [unclosed\n    name: x\n");
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^: YAML: .* at line 3, column \d+( \(and \d+ more after it\))?$/);
  });

  it("names a repeated key in the YAML", () => {
    expect(problems("language: en\nlanguage: zh\ncommunities: []\n")).toEqual([
      ": YAML: Map keys must be unique at line 2, column 1",
    ]);
  });

  it("names the storage URL forms when the URL is not one of them", () => {
    expect(problems(base("", "storage:\n  url: mysql://db/x\n"))).toEqual([
      'storage.url: expected a storage URL like "sqlite://./data/chatwarden.sqlite", "memory://", "redis://127.0.0.1:6379/0" or "postgres://user@host/db", got "mysql://db/x"',
    ]);
    expect(problems(base("", "storage:\n  kind: postgres\n"))).toEqual([
      "storage.kind: unknown key (check the spelling; see config/chatwarden.example.yaml)",
    ]);
  });

  it("speaks of lists and mappings, as YAML does", () => {
    expect(problems(base(`    admins: "console:admin"\n`))).toEqual([
      'communities[0].admins: expected a list, got "console:admin"',
    ]);
    expect(problems("- a\n")).toEqual([": expected a mapping, got a list"]);
  });

  it.each([
    ["at the top level", base("", "data_dri: ./data\n"), "data_dri"],
    ["in a community", base("    reveiw_chat: console:review\n"), "communities[0].reveiw_chat"],
    [
      "in a chat",
      base("").replace('id: "console:lobby"', 'id: "console:lobby"\n        titel: Lobby'),
      "communities[0].chats[0].titel",
    ],
    [
      "in a chat's override",
      base("").replace('id: "console:lobby"', 'id: "console:lobby"\n        news: { any_links: true }'),
      "communities[0].chats[0].news.any_links",
    ],
    [
      "in a ladder step",
      base("    sanctions:\n      ladder: [{ at: 3, action: warn, pionts: 2 }]\n"),
      "communities[0].sanctions.ladder[0].pionts",
    ],
  ])("rejects a misspelt key %s, naming its full path", (_where, yaml, path) => {
    expect(problems(yaml)).toContain(
      `${path}: unknown key (check the spelling; see config/chatwarden.example.yaml)`,
    );
  });

  it("reports a community-level mistake once, not again for every chat with an override", () => {
    const yaml = `communities:
  - id: demo
    name: Demo
    verification:
      metod: phone
    chats:
      - id: "console:lobby"
        news: { any_link: true }
      - id: "console:news"
        news: { any_link: true }
        verification: { attempts_per_hour: "five" }
`;
    expect(problems(yaml)).toEqual([
      "communities[0].verification.metod: unknown key (check the spelling; see config/chatwarden.example.yaml)",
      'communities[0].chats[1].verification.attempts_per_hour: expected number, got "five"',
    ]);
  });

  it("says so when the config path is a directory", () => {
    expect(() => loadConfigFile(root)).toThrow(
      /invalid configuration\n {2}expected a YAML file, got a directory/,
    );
  });

  it("rejects the same chat in two communities", () => {
    const yaml = `communities:
  - id: a
    name: A
    chats: [{ id: "console:lobby" }]
  - id: b
    name: B
    chats: [{ id: "console:lobby" }]
`;
    expect(problems(yaml)[0]).toMatch(
      /^communities\[1\]\.chats\[0\]\.id: expected each chat in one community only/,
    );
  });

  it("says which file could not be found", () => {
    expect(() => loadConfigFile("/nonexistent/chatwarden.yaml")).toThrow(
      /\/nonexistent\/chatwarden.yaml: invalid configuration\n {2}file not found/,
    );
  });

  it("warns, without failing, when holds have no review chat to go to", () => {
    const loaded = parseConfigText(base(`    news:\n      enabled: true\n`), { baseDir: root });
    expect(loaded.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      expect.stringMatching(
        /^communities\[0\]\.review_chat: not set, but news holds \(news\.enabled\), rule categories with action "hold" need a chat where admins decide/,
      ),
    ]);
  });

  it("accepts the shipped example configuration", () => {
    const loaded = loadConfigFile(resolve(root, "config/chatwarden.example.yaml"));
    expect(loaded.warnings).toEqual([]);
    const demo = loaded.core.communities[0];
    expect(demo?.policy.news.domains.length).toBeGreaterThan(50);
    expect(demo?.chats.find((c) => c.key === "console:news")?.policy.news.any_link).toBe(true);
    expect(demo?.chats.find((c) => c.key === "console:lobby")?.policy.news.any_link).toBe(false);
    expect(demo?.policy.sanctions.ladder[1]).toEqual({ at: 3, action: "mute", duration: 3_600_000 });
  });

  it("reads unquoted Discord ids exactly (YAML would round them to another id), keys included", () => {
    const loaded = parseConfigText(
      base(
        "",
        `discord:
  guilds:
    111111111111111111:
      unverified_role: 222222222222222222
      verified_role: 333333333333333333
`,
      ),
      { baseDir: root },
    );
    expect(loaded.raw.discord?.guilds).toEqual({
      "111111111111111111": { unverified_role: "222222222222222222", verified_role: "333333333333333333" },
    });
  });

  it("names the field when a long unquoted number stands where a number is expected", () => {
    expect(problems(base("", "metrics:\n  port: 123456789012345678901\n"))).toEqual([
      expect.stringMatching(/^metrics\.port: expected number/),
    ]);
  });
});
