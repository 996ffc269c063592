import { describe, expect, it } from "vitest";
import type { SendPrivate } from "../../../src/core/decisions.js";
import type { AccountKey } from "../../../src/core/ids.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";

const fromBot = (h: Harness, account: AccountKey) =>
  h.world
    .privateMessages(account)
    .filter((m) => m.author === "bot")
    .map((m) => m.text);

const NEWS = `news:
  enabled: true
  domains: ["reuters.com"]
`;

describe("delivery: short-lived notices", () => {
  it("deletes a command's answer in the group after its time through a durable timer, also after a restart", async () => {
    const h = await startHarness(consoleConfig());
    const lobby = h.session.chat("lobby");
    const { decisions } = await h.session.say("alice", "lobby", "/frobnicate");
    expect(decisions[0]).toMatchObject({ kind: "send", chat: lobby, ttlMs: 60_000 });
    const notice = h.world.visible(lobby).find((m) => m.author === "bot");
    expect(notice?.text).toContain("/frobnicate");
    await h.restart();
    await h.advance(59_000);
    expect(notice?.deleted).toBe(false);
    await h.advance(2_000);
    expect(notice?.deleted).toBe(true);
    // The deletion is done: nothing is reported to the admins, and no timer is left.
    expect(h.world.visible(h.session.chat("modlog"))).toEqual([]);
    expect(await h.runtime.services.timers.nextDue()).toBeUndefined();
  });

  it("counts a notice someone already deleted as done, without a report to the mod-log", async () => {
    const h = await startHarness(consoleConfig());
    const lobby = h.session.chat("lobby");
    await h.session.say("alice", "lobby", "/frobnicate");
    const notice = h.world.visible(lobby).find((m) => m.author === "bot");
    if (notice) notice.deleted = true;
    await h.advance(61_000);
    expect(h.world.visible(h.session.chat("modlog"))).toEqual([]);
    expect(h.world.effects.at(-1)).toMatchObject({ decision: { kind: "delete" }, outcome: { status: "ok" } });
  });
});

describe("delivery: refused presses", () => {
  it.each(["__proto__", "constructor", "toString:x", "hasOwnProperty:1"])(
    "answers a press whose data names an Object.prototype member (%s) as an invalid button",
    async (data) => {
      const h = await startHarness(consoleConfig());
      const { decisions } = await h.session.dispatch({
        kind: "button_pressed",
        data,
        actor: h.session.actor("bob"),
      });
      expect(decisions).toEqual([
        expect.objectContaining({ kind: "send_private", account: h.session.account("bob"), refusal: true }),
      ]);
    },
  );

  it("flags the answer to a refused press as a refusal instead of relying on its wording", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    await h.session.say("bob", "lobby", "see https://www.reuters.com/world/x");
    const { decisions } = await h.session.press("carol", "Approve", { chat: "review" });
    const answer = decisions.find((d): d is SendPrivate => d.kind === "send_private");
    expect(answer).toMatchObject({ account: h.session.account("carol"), refusal: true });
  });

  it("does not flag an ordinary answer to a press", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    await h.session.say("bob", "lobby", "see https://www.reuters.com/world/x");
    const { decisions } = await h.session.press("admin", "Approve", { chat: "review" });
    expect(decisions.some((d) => d.kind === "send_private" && d.refusal)).toBe(false);
  });
});

describe("delivery: private texts for a member the bot may not write to yet", () => {
  it("keeps the text in the store and delivers it, once, when the member writes to the bot, also after a restart", async () => {
    const h = await startHarness(consoleConfig());
    const bob = h.session.account("bob");
    h.world.closedPrivate.add(bob);
    await h.session.say("bob", "lobby", "/help");
    expect(h.world.privateMessages(bob)).toEqual([]);
    await h.restart();
    await h.advance(60 * 60_000);
    await h.session.tell("bob", "hello");
    const texts = fromBot(h, bob);
    expect(texts[0]).toContain("/language");
    expect(texts).toHaveLength(2); // the waiting /help answer, then the answer to "hello"
    await h.session.tell("bob", "hello again");
    expect(fromBot(h, bob).filter((t) => t.includes("/language"))).toHaveLength(1);
  });

  it("keeps a waiting text sealed in the store (it may carry the member's own data)", async () => {
    const h = await startHarness(consoleConfig());
    const bob = h.session.account("bob");
    h.world.closedPrivate.add(bob);
    await h.session.say("bob", "lobby", "/help");
    const stored = JSON.stringify(await h.store.get(`outbox:${bob}`));
    expect(stored).toContain("sealed");
    expect(stored).not.toContain("/language");
    await h.session.tell("bob", "hello");
    expect(fromBot(h, bob)[0]).toContain("/language");
  });

  it("still delivers a waiting text an older version stored in clear", async () => {
    const h = await startHarness(consoleConfig());
    const bob = h.session.account("bob");
    await h.store.set(`outbox:${bob}`, [{ text: "Waiting from before", at: h.clock.now() }]);
    await h.session.tell("bob", "hello");
    expect(fromBot(h, bob)[0]).toBe("Waiting from before");
  });

  it("asks the member once per chat, in a notice that deletes itself, to open a private chat", async () => {
    const h = await startHarness(consoleConfig());
    const bob = h.session.account("bob");
    const lobby = h.session.chat("lobby");
    h.world.closedPrivate.add(bob);
    await h.session.say("bob", "lobby", "hi, I am Bob");
    await h.session.say("bob", "lobby", "/help");
    await h.session.say("bob", "lobby", "/language zh");
    const notices = () => h.world.visible(lobby).filter((m) => m.author === "bot");
    expect(notices().map((m) => m.text)).toEqual([
      "bob, I have a message for you. Press the button to open a private chat with me.",
    ]);
    const invite = h.world.effects.find((e) => e.decision.kind === "send")?.decision;
    expect(invite).toMatchObject({ invite: { account: bob, name: "bob", label: "Open private chat" } });
    await h.advance(2 * 60_000 + 1);
    expect(notices()).toEqual([]);
    await h.session.say("bob", "lobby", "/help");
    expect(notices()).toHaveLength(1);
  });

  it("keeps the newest 10 texts for at most 24 hours", async () => {
    const h = await startHarness(consoleConfig());
    const bob = h.session.account("bob");
    h.world.closedPrivate.add(bob);
    const send = (text: string) => h.runtime.engine.run([{ kind: "send_private", account: bob, text }]);
    await send("old");
    await h.advance(23 * 60 * 60_000);
    for (let i = 1; i <= 12; i++) await send(`text ${i}`);
    await h.advance(2 * 60 * 60_000); // "old" is past 24 hours now; the rest are not
    await h.session.tell("bob", "/nope");
    const texts = fromBot(h, bob);
    expect(texts.slice(0, -1)).toEqual(Array.from({ length: 10 }, (_, i) => `text ${i + 3}`));
  });

  it("does not keep the refusal of a press, which only answers that moment", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    const carol = h.session.account("carol");
    await h.session.say("bob", "lobby", "see https://www.reuters.com/world/x");
    h.world.closedPrivate.add(carol);
    await h.session.press("carol", "Approve", { chat: "review" });
    await h.session.tell("carol", "/nope");
    expect(fromBot(h, carol)).toEqual([expect.stringContaining("/nope")]);
  });

  it("does not deliver again the invitation whose button the member is pressing through the link", async () => {
    const h = await startHarness(consoleConfig());
    const bob = h.session.account("bob");
    h.world.closedPrivate.add(bob);
    await h.runtime.engine.run([
      {
        kind: "send_private",
        account: bob,
        text: "Please press Start",
        buttons: [[{ label: "Start", data: "x:start" }]],
      },
      { kind: "send_private", account: bob, text: "Another text" },
    ]);
    h.world.closedPrivate.delete(bob);
    const { decisions } = await h.session.dispatch({
      kind: "button_pressed",
      data: "x:start",
      actor: h.session.actor("bob"),
    });
    expect(
      decisions
        .filter((d) => d.kind === "send_private" && !d.refusal)
        .map((d) => d.kind === "send_private" && d.text),
    ).toEqual(["Another text"]);
  });
});
