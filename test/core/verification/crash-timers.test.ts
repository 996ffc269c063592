import { describe, expect, it } from "vitest";
import type { CoreEvent } from "../../../src/core/events.js";
import { DAY } from "../../../src/core/ports/clock.js";
import { crashingStore } from "../../support/crashing-store.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";

/**
 * An event that starts a verification deadline, cut short by a crash at each store write in turn, then
 * delivered again (the platform had no confirmation). The deadline's timer must survive whatever the crash
 * point: an unverified newcomer is still removed after `remove_unverified_after`, and a member first seen
 * by posting is still limited when the grace period ends.
 */
async function crashEach(
  config: string,
  event: (h: Harness) => CoreEvent,
  check: (h: Harness, n: number) => Promise<void>,
): Promise<number> {
  let points = 0;
  for (let n = 0; ; n++) {
    const crash = crashingStore();
    const h = await startHarness(consoleConfig(config), { store: crash.store });
    const e = event(h);
    crash.crashAfter(n);
    await h.session.dispatch(e).catch(() => undefined);
    const crashed = crash.crashed();
    crash.revive();
    if (!crashed) return points;
    points++;
    await h.restart();
    await h.advance(0);
    await h.session.dispatch(e).catch(() => undefined);
    await check(h, n);
  }
}

describe("verification deadlines, crashed at any store write", () => {
  it("an unverified newcomer is still removed after remove_unverified_after", async () => {
    const points = await crashEach(
      `verification:\n  required: true\n  fields: { legal_name: true }\n  remove_unverified_after: 2d`,
      (h) => ({
        kind: "member_joined",
        chat: h.session.chat("lobby"),
        actor: h.session.actor("alice", "lobby"),
      }),
      async (h, n) => {
        await h.advance(2 * DAY + 1000);
        const kicked = h.world.effects.some(
          (e) => e.decision.kind === "kick" && e.decision.account === h.session.account("alice"),
        );
        expect(kicked, `crash at write ${n}`).toBe(true);
      },
    );
    expect(points).toBeGreaterThan(3);
  });

  it("a member first seen by posting is still limited when the grace period ends", async () => {
    const points = await crashEach(
      `verification:\n  required: true\n  fields: { legal_name: true }\n  grace_period: 3d`,
      (h) => {
        const content = { text: "hi, I was here before the bot", links: [], media: [] };
        const posted = h.world.post(
          h.session.chat("lobby"),
          h.session.account("alice"),
          content.text,
          content,
        );
        return {
          kind: "message_posted",
          message: posted.ref,
          actor: h.session.actor("alice", "lobby"),
          content,
        };
      },
      async (h, n) => {
        await h.advance(3 * DAY + 1000);
        expect(
          h.world.levelOf(h.session.chat("lobby"), h.session.account("alice")),
          `crash at write ${n}`,
        ).toBe("read_only");
      },
    );
    expect(points).toBeGreaterThan(3);
  });
});
