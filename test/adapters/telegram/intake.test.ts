import type { Update } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { handledKey } from "../../../src/adapters/telegram/intake.js";
import { waitFor } from "../../fakes/telegram/index.js";
import { member, startWorld, type TgWorld } from "./support.js";

let w: TgWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const NEWS = `news: { enabled: true, domains: ["reuters.com"] }`;

function updateOf(world: TgWorld, messageId: number, chatId: number): Update {
  const u = world.tg.updates.find((x) => x.message?.message_id === messageId && x.message.chat.id === chatId);
  if (!u) throw new Error(`no update for message ${messageId}`);
  return u;
}

describe("telegram intake: at least once, each update handled once", () => {
  it("drops an update handled but not yet confirmed when Telegram delivers it again after a restart", async () => {
    w = await startWorld();
    const { tg } = w;
    const carol = tg.addUser({ first_name: "Carol" });
    const replies = () => tg.botMessages(carol.id).length;
    // The bot handles the update, then dies before the getUpdates that would confirm it gets through.
    let unconfirmed = 0;
    tg.onCall((call) => {
      if (unconfirmed && call.method === "getUpdates" && Number(call.params.offset ?? 0) > unconfirmed)
        tg.hang("getUpdates", 1);
    });
    const first = tg.userSends(carol.id, carol.id, "/help");
    unconfirmed = updateOf(w, first.message_id, carol.id).update_id;
    await tg.waitFor(() => replies() === 1);
    await tg.waitFor(() => tg.callsTo("getUpdates").some((c) => Number(c.params.offset) > unconfirmed));
    expect(tg.pendingUpdates.map((u) => u.update_id)).toContain(unconfirmed);
    const mark = handledKey(w.adapter.bot.botInfo.id, unconfirmed);
    expect(await w.store.get(mark)).toBe(1);
    const id = unconfirmed;
    unconfirmed = 0;
    await w.restart();
    // Delivered again to the new bot, dropped; the next update shows the intake went past it.
    tg.userSends(carol.id, carol.id, "/help");
    await tg.waitFor(() => replies() === 2 && tg.pendingUpdates.length === 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(replies()).toBe(2);
    expect(w.events.filter((e) => e.kind === "command")).toHaveLength(2);
    // Confirmed now: Telegram never sends it again, so its mark is gone from the store.
    await waitFor(async () => (await w?.store.get(mark)) === undefined);
    expect(id).toBeGreaterThan(0);
  });

  it("never confirms an update still being handled; its chat waits, other chats go on", async () => {
    w = await startWorld({ policy: NEWS, adapter: { drainMs: 200 } });
    const { tg, group } = w;
    const bob = member(w, "Bob");
    tg.hang("copyMessages", 1);
    const stuck = tg.userSends(group.id, bob.id, "see https://www.reuters.com/world/a");
    await tg.waitFor(() => tg.callsTo("copyMessages").length === 1);
    const stuckId = updateOf(w, stuck.message_id, group.id).update_id;
    const next = tg.userSends(group.id, bob.id, "see https://www.reuters.com/world/b");
    const carol = tg.addUser({ first_name: "Carol" });
    tg.userSends(carol.id, carol.id, "/help");
    await tg.waitFor(() => tg.botMessages(carol.id).length === 1);
    const polled = tg.callsTo("getUpdates").length;
    await tg.waitFor(() => tg.callsTo("getUpdates").length > polled + 1);
    // The group's next post waits behind the one in flight (one chat in order).
    expect(tg.callsTo("copyMessages")).toHaveLength(1);
    // No getUpdates ever passed the update in flight: Telegram still holds it, and the one behind it.
    const offsets = tg.callsTo("getUpdates").map((c) => Number(c.params.offset ?? 0));
    expect(Math.max(...offsets)).toBeLessThanOrEqual(stuckId);
    const pending = () => tg.pendingUpdates.map((u) => u.message?.message_id);
    expect(pending()).toEqual(expect.arrayContaining([stuck.message_id, next.message_id]));
    // Stopping gives up on it after the drain time; it stays unconfirmed for the next start.
    await w.adapter.stop();
    expect(pending()).toEqual(expect.arrayContaining([stuck.message_id, next.message_id]));
    await w.restart();
    await tg.waitFor(() => tg.message(group.id, next.message_id)?.deleted, { timeoutMs: 10_000 });
    await tg.waitFor(() => tg.pendingUpdates.length === 0);
  });

  it("answers a webhook request only after handling, and handles an update sent twice at once only once", async () => {
    w = await startWorld({
      adapter: {
        mode: "webhook",
        webhook: { url: "https://bot.example.org/telegram", port: 0, path: "/telegram", host: "127.0.0.1" },
      },
    });
    const port = w.adapter.webhookPort();
    const carol = w.tg.addUser({ first_name: "Carol" });
    w.tg.userStartsBot(carol.id);
    const update = {
      update_id: 900_002,
      message: {
        message_id: 51,
        date: Math.floor(Date.now() / 1000),
        chat: { id: carol.id, type: "private", first_name: "Carol" },
        from: carol,
        text: "/help",
        entities: [{ type: "bot_command", offset: 0, length: 5 }],
      },
    };
    const post = () =>
      fetch(`http://127.0.0.1:${port}/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(update),
      });
    const answers = await Promise.all([post(), post()]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(w.tg.botMessages(carol.id)).toHaveLength(1);
    expect((await post()).status).toBe(200);
    expect(w.tg.botMessages(carol.id)).toHaveLength(1);
    const bad = await fetch(`http://127.0.0.1:${port}/telegram`, { method: "POST", body: "{" });
    expect(bad.status).toBe(400);
  });
});
