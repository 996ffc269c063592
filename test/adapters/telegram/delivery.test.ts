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
