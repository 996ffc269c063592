import { afterEach, describe, expect, it } from "vitest";
import { member, startWorld, type TgWorld } from "./support.js";

let w: TgWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe("telegram end to end: short-lived notices", () => {
  it("deletes a command's answer in the group through the engine's durable timer, after a restart too", async () => {
    w = await startWorld();
    const { tg, group } = w;
    const bob = member(w, "Bob");
    tg.userSends(group.id, bob.id, {
      text: "/frobnicate",
      entities: [{ type: "bot_command", offset: 0, length: 11 }],
    });
    const notice = await tg.waitFor(() =>
      tg.botMessages(group.id).find((m) => m.message.text?.includes("/frobnicate")),
    );
    await w.restart();
    w.clock.advance(61_000);
    await w.runtime.scheduler.runDue();
    expect(tg.message(group.id, notice.message.message_id)?.deleted).toBe(true);
    expect(tg.botMessages(w.modlog.id)).toHaveLength(0);
  });
});

describe("telegram end to end: texts waiting for a member who never opened the bot", () => {
  it("keeps them in the store across a restart and delivers them when the member opens the bot", async () => {
    w = await startWorld({ policy: 'news:\n  enabled: true\n  domains: ["reuters.com"]\n' });
    const { tg, group } = w;
    const bob = member(w, "Bob");
    const posted = tg.userSends(group.id, bob.id, "see https://www.reuters.com/world/x");
    await tg.waitFor(() => tg.message(group.id, posted.message_id)?.deleted);
    const notice = await tg.waitFor(() =>
      tg.botMessages(group.id).find((m) => m.message.text?.startsWith("Bob,")),
    );
    expect(notice.message.entities?.[0]).toMatchObject({ type: "text_mention", length: 3 });
    await w.restart();
    tg.userStartsBot(bob.id);
    const got = await tg.waitFor(() => {
      const all = tg.botMessages(bob.id).map((m) => m.message.text ?? "");
      return all.length >= 2 ? all : undefined;
    });
    expect(got[0]).toMatch(/has to approve it/);
    // The notice deletes itself through the engine's timer.
    w.clock.advance(2 * 60_000 + 1);
    await w.runtime.scheduler.runDue();
    expect(tg.message(group.id, notice.message.message_id)?.deleted).toBe(true);
  });
});
