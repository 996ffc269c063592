import { describe, expect, it } from "vitest";
import type { MessagePosted } from "../../../src/core/events.js";
import { HOUR } from "../../../src/core/ports/clock.js";
import { crashAndRestart } from "../../support/crash-restart.js";
import type { Harness } from "../../support/harness.js";

const MUTING = `rules:
  categories:
    threats:
      terms: ["i will hurt you"]
      points: 3
      jump_to: mute`;
const BANNING = `rules:
  categories:
    threats:
      terms: ["i will hurt you"]
      points: 3
      jump_to: ban
sanctions:
  ladder:
    - { at: 1, action: warn }
    - { at: 3, action: ban, duration: 1h }`;

/**
 * A rule hit that mutes (or bans for an hour) a member in both chats, cut short by a crash at each store
 * write of its handling in turn, then delivered again (the platform had no confirmation). The console
 * platform, like Matrix (and Discord for bans), never lifts a restriction or a ban by itself: the engine's
 * timer does. Whatever the crash point, it must end on time in every chat it reached. Before the fix, the
 * timer was stored after the platform call: a crash between the two left the member muted (banned) for good.
 */
describe("a timed sanction from a rule hit, crashed at any store write", () => {
  for (const [what, config, kind, free] of [
    [
      "mute",
      MUTING,
      "restrict",
      (h: Harness, chat: string) =>
        h.world.levelOf(h.session.chat(chat), h.session.account("bob")) === "full",
    ],
    [
      "ban",
      BANNING,
      "ban",
      (h: Harness, chat: string) => !h.world.isBanned(h.session.chat(chat), h.session.account("bob")),
    ],
  ] as const)
    it(`a ${what} ends on time in every chat where it was applied`, async () => {
      let event: MessagePosted | undefined;
      let points = 0;
      for (let n = 0; ; n++) {
        const { h, crashed } = await crashAndRestart(n, config, async (h) => {
          await h.session.join("bob", "lobby");
          await h.session.join("bob", "second");
          const content = { text: "i will hurt you", links: [], media: [] };
          const posted = h.world.post(
            h.session.chat("lobby"),
            h.session.account("bob"),
            content.text,
            content,
          );
          event = {
            kind: "message_posted",
            message: posted.ref,
            actor: h.session.actor("bob", "lobby"),
            content,
          };
          const { decisions } = await h.session.dispatch(event);
          expect(decisions.filter((d) => d.kind === kind)).toHaveLength(2);
        });
        if (!crashed) break;
        points++;
        await h.advance(0);
        // delivered again: the platform never saw it confirmed
        if (event) await h.session.dispatch(event).catch(() => undefined);
        await h.advance(2 * HOUR);
        for (const chat of ["lobby", "second"])
          expect(free(h, chat), `crash at write ${n}: ${chat}`).toBe(true);
      }
      expect(points).toBeGreaterThan(10);
    });
});
