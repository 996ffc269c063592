import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { consoleMentions } from "../../../src/adapters/console/mentions.js";
import { simulate } from "../../../src/app/simulate.js";
import { loadConfigFile } from "../../../src/config/load.js";
import type { AccountKey, Platform } from "../../../src/core/ids.js";
import type { MemberLookup } from "../../../src/core/ports/members.js";

/** Members the bot has seen: console bob and Telegram 42. */
const seen: MemberLookup = {
  async byUsername(platform: Platform, username: string) {
    return platform === "console" && username.toLowerCase() === "bob"
      ? ("console:bob" as AccountKey)
      : undefined;
  },
  async isKnown(account: AccountKey) {
    return account === "console:bob" || account === "telegram:42";
  },
};

describe("console mentions", () => {
  it("resolves @name, a bare name and the account key of a member the bot has seen", async () => {
    expect(await consoleMentions("@bob 1h spam", seen)).toEqual([
      { account: "console:bob", offset: 0, length: 4 },
    ]);
    expect(await consoleMentions("bob", seen)).toEqual([{ account: "console:bob", offset: 0, length: 3 }]);
    expect(await consoleMentions("x console:bob", seen)).toEqual([
      { account: "console:bob", offset: 2, length: 11 },
    ]);
    expect(await consoleMentions("BOB", seen)).toEqual([{ account: "console:bob", offset: 0, length: 3 }]);
    expect(await consoleMentions("telegram:42 why", seen)).toEqual([
      { account: "telegram:42", offset: 0, length: 11 },
    ]);
  });

  it("resolves no one for a name the bot has not seen", async () => {
    expect(await consoleMentions("@carol nobody console:carol telegram:7", seen)).toEqual([]);
  });
});

describe("console transcript: naming members in admin commands", () => {
  it("acts on a member the bot has seen and answers 'I don't know that member' for anyone else", async () => {
    const lines: string[] = [];
    const config = loadConfigFile(resolve(import.meta.dirname, "../../../config/chatwarden.example.yaml"));
    const result = await simulate(
      [
        "bob in lobby: hello",
        "admin in lobby: /warn @bob off topic",
        "admin in lobby: /warn nonexistent_user off topic",
        "admin in lobby: /mute bob 1h",
      ].join("\n"),
      config,
      { secret: "mentions-test-secret-0123456789-abcdef" },
      (line) => lines.push(line),
    );
    const out = lines.join("\n");
    expect(result.exitCode).toBe(0);
    expect(out).toMatch(/modlog #1: #1 \S*bob warned .*: off topic/);
    expect(out).toContain("I don't know that member (nonexistent_user)");
    expect(out).not.toContain("nonexistent_user warned");
    // the phantom took no case number: the mute is case #2
    expect(out).toMatch(/modlog #2: #2 \S*bob muted for 1h/);
  });
});
