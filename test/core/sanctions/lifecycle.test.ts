import { describe, expect, it } from "vitest";
import { accountKey, chatKey } from "../../../src/core/ids.js";
import { DAY, HOUR } from "../../../src/core/ports/clock.js";
import { keys } from "../../../src/core/sanctions/state.js";
import type { PointsRecord } from "../../../src/core/sanctions/state.js";
import { SimulatedWorld } from "../../../src/adapters/console/world.js";
import { consoleConfig, startHarness } from "../../support/harness.js";
import { bareCtx, bindIdentities, casesOf, demo, lastPrivate, meet, modlog } from "./support.js";

const tg = chatKey("telegram", "-100777");
const linkedConfig = consoleConfig("", "", [tg]);

describe("community-wide scope for a bound identity", () => {
  it("bans every linked account in every chat of the community on that account's platform", async () => {
    const h = await startHarness(linkedConfig);
    await meet(h, "bob");
    const bob = h.session.account("bob");
    const bobTg = accountKey("telegram", "4242");
    bindIdentities(h, { "id-bob": [bob, bobTg] });
    const { decisions } = await h.session.say("admin", "lobby", "/ban bob raid");
    const bans = decisions
      .filter((d) => d.kind === "ban")
      .map((d) => (d.kind === "ban" ? `${d.chat}|${d.account}` : ""));
    expect(bans.sort()).toEqual([`console:lobby|${bob}`, `console:second|${bob}`, `${tg}|${bobTg}`].sort());
    expect(h.world.isBanned(h.session.chat("lobby"), bob)).toBe(true);
    expect(h.world.isBanned(h.session.chat("second"), bob)).toBe(true);
    expect((await h.runtime.services.access.get(tg, bobTg))?.banned).toBe(true);
  });

  it("keeps points per identity, so violations on two linked accounts add up", async () => {
    const h = await startHarness(linkedConfig);
    await meet(h, "bob");
    const bob = h.session.account("bob");
    const bobTg = accountKey("telegram", "4242");
    bindIdentities(h, { "id-bob": [bob, bobTg] });
    await h.session.dispatch({
      kind: "member_joined",
      chat: tg,
      actor: { account: bobTg, displayName: "Bob", isChatAdmin: false },
    });
    await h.session.say("admin", "lobby", "/warn bob one");
    await h.session.say("admin", "lobby", "/warn telegram:4242 two");
    await h.session.say("admin", "lobby", "/warn bob three");
    expect((await h.store.get<PointsRecord>(keys.points(demo, "identity:id-bob")))?.total).toBe(3);
    expect((await casesOf(h, bob)).at(-1)?.action).toBe("mute");
    expect(h.world.levelOf(h.session.chat("second"), bob)).toBe("read_only");
    expect((await h.runtime.services.access.get(tg, bobTg))?.constraints[0]).toMatchObject({
      source: "sanction",
      level: "read_only",
    });
  });
});

describe("a ban reaching linked accounts on another platform", () => {
  it("a terrorism post by the Telegram account bans it on Telegram and the linked console account in every console chat; /unban lifts all", async () => {
    const h = await startHarness(linkedConfig);
    const telegram = new SimulatedWorld();
    h.runtime.engine.setExecutor("telegram", telegram);
    const bob = h.session.account("bob");
    const bobTg = accountKey("telegram", "4242");
    bindIdentities(h, { "id-bob": [bob, bobTg] });
    const content = { text: "join isis today", links: [], media: [] };
    const posted = telegram.post(tg, bobTg, content.text, content);
    await h.session.dispatch({
      kind: "message_posted",
      message: posted.ref,
      actor: { account: bobTg, displayName: "Bob", isChatAdmin: false },
      content,
    });
    expect(telegram.visible(tg)).toEqual([]);
    expect(telegram.isBanned(tg, bobTg)).toBe(true);
    expect(h.world.isBanned(h.session.chat("lobby"), bob)).toBe(true);
    expect(h.world.isBanned(h.session.chat("second"), bob)).toBe(true);
    const notice = telegram.privateMessages(bobTg).at(-1)?.text ?? "";
    expect(notice).toContain("you were banned (case #1)");
    expect(notice).toContain("/appeal 1");
    expect(modlog(h)).toEqual([expect.stringMatching(/^#1 Bob banned — by the bot \(rule\) \[terrorism\]/)]);

    await h.session.say("admin", "lobby", "/unban telegram:4242 cleared");
    expect(telegram.isBanned(tg, bobTg)).toBe(false);
    expect(h.world.isBanned(h.session.chat("lobby"), bob)).toBe(false);
    expect(h.world.isBanned(h.session.chat("second"), bob)).toBe(false);
  });
});

describe("timed sanctions lift themselves on time", () => {
  it("lifts a timed ban exactly at its end, also after a restart, with a case and a notice", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob");
    const bob = h.session.account("bob");
    const lobby = h.session.chat("lobby");
    await h.session.say("admin", "lobby", "/ban bob 2d flooding");
    expect(h.world.isBanned(lobby, bob)).toBe(true);
    expect(lastPrivate(h, "bob")).toContain("banned for 2d (case #1)");
    await h.restart();
    await h.advance(2 * DAY - 1000);
    expect(h.world.isBanned(lobby, bob)).toBe(true);
    await h.advance(2000);
    expect(h.world.isBanned(lobby, bob)).toBe(false);
    expect(h.world.isBanned(h.session.chat("second"), bob)).toBe(false);
    expect((await casesOf(h, bob)).at(-1)).toMatchObject({ action: "unban", source: "system", refersTo: 1 });
    expect(lastPrivate(h, "bob")).toContain("your ban has ended");
  });

  it("does not let an earlier timed ban's timer lift a later permanent ban", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob");
    const bob = h.session.account("bob");
    await h.session.say("admin", "lobby", "/ban bob 1d");
    await h.session.say("admin", "lobby", "/ban bob for good");
    await h.advance(2 * DAY);
    expect(h.world.isBanned(h.session.chat("lobby"), bob)).toBe(true);
    await h.session.say("admin", "lobby", "/unban bob");
    expect(h.world.isBanned(h.session.chat("lobby"), bob)).toBe(false);
    expect((await casesOf(h, bob)).at(-1)).toMatchObject({ action: "unban", refersTo: 2 });
  });

  it("/unban finds the ban in force even when a mute came after it", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob");
    const bob = h.session.account("bob");
    await h.session.say("admin", "lobby", "/ban bob");
    await h.session.say("admin", "lobby", "/mute bob 1h");
    await h.session.say("admin", "lobby", "/unban bob");
    expect(h.world.isBanned(h.session.chat("lobby"), bob)).toBe(false);
    expect((await casesOf(h, bob)).at(-1)).toMatchObject({ action: "unban", refersTo: 1 });
  });

  it("keeps a 40-day mute past Discord's 28-day timeout limit and lifts it exactly at its end, across a restart", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob");
    const bob = h.session.account("bob");
    const lobby = h.session.chat("lobby");
    await h.session.say("admin", "lobby", "/mute bob 40d");
    await h.advance(28 * DAY + HOUR);
    expect(h.world.levelOf(lobby, bob)).toBe("read_only");
    await h.restart();
    await h.advance(12 * DAY - HOUR - 1000);
    expect(h.world.levelOf(lobby, bob)).toBe("read_only");
    await h.advance(2000);
    expect(h.world.levelOf(lobby, bob)).toBe("full");
    expect(h.world.levelOf(h.session.chat("second"), bob)).toBe("full");
  });
});

describe("pardon", () => {
  it("takes a case back: its points go, its mute lifts, and a new case refers to it (once)", async () => {
    const h = await startHarness(consoleConfig("sanctions:\n  decay: { per_day: 0 }"));
    await meet(h, "bob");
    const bob = h.session.account("bob");
    for (const n of [1, 2, 3]) await h.session.say("admin", "lobby", `/warn bob ${n}`);
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("read_only");
    await h.session.say("admin", "lobby", "/pardon 3 misunderstanding");
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("full");
    expect((await h.store.get<PointsRecord>(keys.points(demo, bob)))?.total).toBe(2);
    expect((await casesOf(h, bob)).at(-1)).toMatchObject({
      number: 4,
      action: "pardon",
      refersTo: 3,
      actor: "console:admin",
    });
    expect(lastPrivate(h, "bob")).toContain("pardoned case #3");
    expect(modlog(h).at(-1)).toContain("#4 bob pardoned (case #3 taken back)");
    await h.session.say("admin", "lobby", "/pardon 3");
    expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toContain("already taken back");
    expect(await casesOf(h, bob)).toHaveLength(4);
  });

  it("lifts a ban when its case is pardoned", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob");
    const bob = h.session.account("bob");
    await h.session.say("admin", "lobby", "/ban bob");
    await h.session.say("admin", "lobby", "/pardon 1");
    expect(h.world.isBanned(h.session.chat("lobby"), bob)).toBe(false);
    expect(h.world.isBanned(h.session.chat("second"), bob)).toBe(false);
  });

  it("/unban lifts a ban and /kick removes from the chat only", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob");
    const bob = h.session.account("bob");
    await h.session.say("admin", "lobby", "/ban console:bob");
    await h.session.say("admin", "lobby", "/unban bob served");
    expect(h.world.isBanned(h.session.chat("lobby"), bob)).toBe(false);
    expect((await casesOf(h, bob)).map((c) => [c.action, c.refersTo])).toEqual([
      ["ban", undefined],
      ["unban", 1],
    ]);
    const { decisions } = await h.session.say("admin", "second", "/kick bob");
    expect(decisions.filter((d) => d.kind === "kick")).toEqual([
      { kind: "kick", chat: h.session.chat("second"), account: bob },
    ]);
  });
});

describe("rights and usage", () => {
  it("refuses every admin command from a member who is not an admin, and records nothing", async () => {
    const h = await startHarness(consoleConfig());
    const alice = h.session.account("alice");
    for (const command of [
      "/warn alice",
      "/mute alice 1h",
      "/limit alice 1h",
      "/ban alice",
      "/unban alice",
      "/kick alice",
      "/pardon 1",
      "/cases alice",
    ]) {
      const { decisions } = await h.session.say("bob", "lobby", command);
      expect(decisions).toHaveLength(1);
      expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toContain(
        "is for admins of this community",
      );
    }
    expect(h.world.isBanned(h.session.chat("lobby"), alice)).toBe(false);
    expect(await casesOf(h, alice)).toHaveLength(0);
  });

  it("accepts a chat's own platform admin", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob");
    h.session.setAdmin("carol", "lobby");
    await h.session.say("carol", "lobby", "/mute bob 1h");
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("bob"))).toBe("read_only");
  });

  it("answers a malformed command with its usage line, and refuses to sanction an admin", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob");
    await h.session.say("admin", "lobby", "/mute bob soon");
    expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toMatch(
      /^Usage: \/mute <member> <duration> \[reason\]/,
    );
    await h.session.say("admin", "lobby", "/warn");
    expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toMatch(/^Usage: \/warn/);
    await h.session.say("admin", "lobby", "/pardon abc");
    expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toMatch(/^Usage: \/pardon/);
    await h.session.say("admin", "lobby", "/ban admin");
    expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toContain("cannot be sanctioned");
  });

  it("targets the author of the replied-to message and sends /cases privately", async () => {
    const h = await startHarness(consoleConfig());
    const { message } = await h.session.say("bob", "lobby", "spam spam");
    await h.session.say("admin", "lobby", "/warn rude", { replyTo: message.ref.id });
    const [first] = await casesOf(h, h.session.account("bob"));
    expect(first).toMatchObject({ action: "warn", reason: "rude" });
    await h.session.say("admin", "lobby", "/cases bob");
    expect(lastPrivate(h, "admin")).toMatch(
      /Cases of console:bob \(points now: 1\):\n#1 .* warned \[admin_warning\] \+1 pts — rude/,
    );
  });
});

describe("every admin command: by reply, by name, malformed", () => {
  // [command as typed with a reply, the same naming the member, a malformed form, what it leaves behind]
  const commands: [string, string, string, string][] = [
    ["/warn off topic", "/warn bob off topic", "/warn", "warn"],
    ["/mute 2h flood", "/mute bob 2h flood", "/mute bob soon", "mute"],
    ["/limit 1d links", "/limit bob 1d links", "/limit bob forever", "limit"],
    ["/ban 3d raid", "/ban bob 3d raid", "/ban", "ban"],
    ["/kick bye", "/kick bob bye", "/kick", "kick"],
    ["/cases", "/cases bob", "/cases", ""],
  ];
  for (const [byReply, byName, malformed, action] of commands) {
    const name = byName.split(" ")[0] ?? "";
    it(`${name} targets the replied-to author, or the member named; a malformed ${name} answers its usage line`, async () => {
      for (const form of ["reply", "name"] as const) {
        const h = await startHarness(consoleConfig());
        const { message } = await h.session.say("bob", "lobby", "hello");
        if (form === "reply") await h.session.say("admin", "lobby", byReply, { replyTo: message.ref.id });
        else await h.session.say("admin", "lobby", byName);
        const cases = await casesOf(h, h.session.account("bob"));
        if (action) expect(cases.map((c) => c.action)).toEqual([action]);
        else expect(lastPrivate(h, "admin")).toMatch(/^console:bob has no cases/);
        await h.session.say("admin", "lobby", malformed);
        expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toMatch(
          new RegExp(`^Usage: \\${name}`),
        );
        expect(await casesOf(h, h.session.account("bob"))).toHaveLength(cases.length);
      }
    });
  }

  it("/unban and /pardon: by reply, by name or case number, and malformed", async () => {
    const h = await startHarness(consoleConfig());
    const lobby = h.session.chat("lobby");
    const bob = h.session.account("bob");
    const { message } = await h.session.say("bob", "lobby", "hello");
    await h.session.say("admin", "lobby", "/ban bob");
    await h.session.say("admin", "lobby", "/unban sorry", { replyTo: message.ref.id });
    expect(h.world.isBanned(lobby, bob)).toBe(false);
    await h.session.say("admin", "lobby", "/ban bob");
    await h.session.say("admin", "lobby", "/unban");
    expect(h.world.visible(lobby).at(-1)?.text).toMatch(/^Usage: \/unban/);
    expect(h.world.isBanned(lobby, bob)).toBe(true);
    await h.session.say("admin", "lobby", "/pardon three");
    expect(h.world.visible(lobby).at(-1)?.text).toMatch(/^Usage: \/pardon/);
    await h.session.say("admin", "lobby", "/pardon 3 mistake");
    expect(h.world.isBanned(lobby, bob)).toBe(false);
    expect((await casesOf(h, bob)).map((c) => c.action)).toEqual(["ban", "unban", "ban", "pardon"]);
  });
});

describe("member data", () => {
  it("exports cases and points, and keeps the moderation record on erasure, saying so", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob", "alice");
    const bob = h.session.account("bob");
    const alice = h.session.account("alice");
    await h.session.say("admin", "lobby", "/warn alice noise");
    await h.session.say("admin", "lobby", "/warn bob noise");
    await h.session.say("admin", "lobby", "/ban bob");
    const module = h.runtime.engine.modules.find((m) => m.name === "sanctions");
    const exported = (await module?.exportData?.(bareCtx(h), bob)) as {
      sanctions: { points: number; cases: unknown[] }[];
    };
    expect(exported.sanctions[0]?.cases).toHaveLength(2);
    expect(exported.sanctions[0]?.points).toBe(1);
    const kept = await module?.eraseData?.(bareCtx(h), bob);
    expect(kept).toEqual([expect.stringContaining("your moderation record (2 case(s)) is kept")]);
    expect((await casesOf(h, bob)).map((c) => c.number)).toEqual([2, 3]);
    expect(await h.store.get(keys.points(demo, bob))).toBeDefined();
    expect(await casesOf(h, alice)).toHaveLength(1);
    // The ban still holds and can still be lifted.
    await h.session.say("admin", "lobby", "/unban bob");
    expect(h.world.isBanned(h.session.chat("lobby"), bob)).toBe(false);
  });
});
