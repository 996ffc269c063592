import { describe, expect, it } from "vitest";
import { commandTarget } from "../../../src/core/engine/command-helpers.js";
import type { CommandIssued, Mention } from "../../../src/core/events.js";
import { accountKey, communityId } from "../../../src/core/ids.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";

const alice = accountKey("telegram", "1");
const bob = accountKey("telegram", "2");
const demo = communityId("demo");

function command(args: string, mentions: Mention[] = [], replyAuthor?: typeof alice): CommandIssued {
  return {
    kind: "command",
    name: "warn",
    args,
    mentions,
    actor: { account: accountKey("telegram", "9"), displayName: "Admin", isChatAdmin: true },
    ...(replyAuthor
      ? { replyTo: { message: { chat: "telegram:-1" as never, id: "5" }, author: replyAuthor } }
      : {}),
  };
}

describe("commandTarget: the member a command is about", () => {
  it("takes the replied-to author first, with every argument left over", () => {
    expect(commandTarget(command("1h spam", [], alice))).toEqual({
      kind: "member",
      account: alice,
      rest: "1h spam",
    });
  });

  it("takes a mention at the member's place, and the words after it", () => {
    const target = commandTarget(command("@alice 1h spam", [{ account: alice, offset: 0, length: 6 }]));
    expect(target).toEqual({ kind: "member", account: alice, rest: "1h spam" });
  });

  it("takes a mention that spans several words (a display name) as one member", () => {
    const target = commandTarget(command("Alice Smith spam", [{ account: alice, offset: 0, length: 11 }]));
    expect(target).toEqual({ kind: "member", account: alice, rest: "spam" });
  });

  it("calls a word the adapter did not resolve unknown, even when a later word is a known member", () => {
    const target = commandTarget(command("nobody insulted @bob", [{ account: bob, offset: 16, length: 4 }]));
    expect(target).toEqual({ kind: "unknown", word: "nobody" });
  });

  it("looks for the member after the words a command skips (/publisher add <member>)", () => {
    const event = command("add @bob", [{ account: bob, offset: 4, length: 4 }]);
    expect(commandTarget(event, 1)).toEqual({ kind: "member", account: bob, rest: "" });
    expect(commandTarget(command("add"), 1)).toEqual({ kind: "missing" });
  });

  it("names no one when there is neither a reply nor an argument", () => {
    expect(commandTarget(command(""))).toEqual({ kind: "missing" });
  });
});

const lobbyTexts = (h: Harness) => h.world.visible(h.session.chat("lobby")).map((m) => m.text);

describe("an admin command naming a member the bot never saw", () => {
  const commands = [
    "/warn nonexistent_user spamming",
    "/mute nonexistent_user 1h",
    "/limit nonexistent_user 1h",
    "/ban nonexistent_user",
    "/unban nonexistent_user",
    "/kick nonexistent_user",
    "/cases nonexistent_user",
    "/whois nonexistent_user",
    "/unverify nonexistent_user",
    "/publisher add nonexistent_user",
  ];
  for (const text of commands) {
    it(`${text.split(" ")[0]} answers "I don't know that member", opens no case and posts nothing else`, async () => {
      const h = await startHarness(consoleConfig("news:\n  enabled: true\n  domains: [reuters.com]"));
      const phantom = h.session.account("nonexistent_user");
      const { decisions } = await h.session.say("admin", "lobby", text);
      expect(decisions).toEqual([
        expect.objectContaining({
          kind: "send",
          chat: h.session.chat("lobby"),
          text: expect.stringMatching(/^I don't know that member \(nonexistent_user\)/),
        }),
      ]);
      expect(await h.runtime.services.cases.of(demo, phantom)).toEqual([]);
      expect(lobbyTexts(h)).toEqual([text, expect.stringMatching(/^I don't know that member/)]);
      expect(h.world.visible(h.session.chat("modlog"))).toEqual([]);
      expect(h.world.privateMessages(phantom)).toEqual([]);
    });
  }

  it("answers in the admin's language (zh)", async () => {
    const h = await startHarness(consoleConfig());
    h.session.setLanguage("admin", "zh");
    await h.session.say("admin", "lobby", "/ban nobody");
    expect(lobbyTexts(h).at(-1)).toMatch(/^我不认识这个成员（nobody）/);
  });

  it("acts on the member once the bot has seen them, named with or without @", async () => {
    const h = await startHarness(consoleConfig());
    await h.session.say("bob", "lobby", "hello");
    await h.session.say("admin", "lobby", "/warn @bob noise");
    await h.session.say("admin", "lobby", "/warn bob noise");
    const cases = await h.runtime.services.cases.of(demo, h.session.account("bob"));
    expect(cases.map((c) => [c.action, c.reason])).toEqual([
      ["warn", "noise"],
      ["warn", "noise"],
    ]);
  });

  it("never takes a known member named later in the reason for the unknown one", async () => {
    const h = await startHarness(consoleConfig());
    await h.session.say("bob", "lobby", "hello");
    await h.session.say("admin", "lobby", "/warn nobody insulted bob");
    expect(await h.runtime.services.cases.of(demo, h.session.account("bob"))).toEqual([]);
    expect(lobbyTexts(h).at(-1)).toMatch(/^I don't know that member \(nobody\)/);
  });
});
