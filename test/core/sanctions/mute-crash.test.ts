import { describe, expect, it } from "vitest";
import type { MessagePosted } from "../../../src/core/events.js";
import { HOUR } from "../../../src/core/ports/clock.js";
import { crashingStore } from "../../support/crashing-store.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";

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
 * write of its handling in turn (each write stored by itself, as on Redis and PostgreSQL), then delivered
 * again (the platform had no confirmation). Its post must be gone, and whatever of the sanction was applied
 * must end on time: the console platform, like Matrix (and Discord for bans), never lifts a restriction or
 * a ban by itself, the engine's timer does. Found here: the timer was stored after the platform call, so a
 * crash between the two left the member muted or banned for good. (That the sanction is in force in full,
 * with one case, is `crash-redelivery.test.ts`: crashes at the commit points of SQLite.)
 */
describe("a timed sanction from a rule hit, crashed at any store write", () => {
  for (const [what, config, kind, sanctioned] of [
    [
      "mute",
      MUTING,
      "restrict",
      (h: Harness, chat: string) =>
        h.world.levelOf(h.session.chat(chat), h.session.account("bob")) === "read_only",
    ],
    [
      "ban",
      BANNING,
      "ban",
      (h: Harness, chat: string) => h.world.isBanned(h.session.chat(chat), h.session.account("bob")),
    ],
  ] as const)
    it(`the post is gone and a ${what} ends on time in every chat`, async () => {
      let points = 0;
      for (let n = 0; ; n++) {
        const crash = crashingStore();
        const h = await startHarness(consoleConfig(config), { store: crash.store });
        await h.session.join("bob", "lobby");
        await h.session.join("bob", "second");
        const content = { text: "i will hurt you", links: [], media: [] };
        const posted = h.world.post(h.session.chat("lobby"), h.session.account("bob"), content.text, content);
        const event: MessagePosted = {
          kind: "message_posted",
          message: posted.ref,
          actor: h.session.actor("bob", "lobby"),
          content,
        };
        crash.crashAfter(n);
        const handled = await h.session.dispatch(event).catch(() => undefined);
        const crashed = crash.crashed();
        crash.revive();
        if (!crashed) {
          expect(handled?.decisions.filter((d) => d.kind === kind)).toHaveLength(2);
          break;
        }
        points++;
        await h.restart();
        await h.advance(0);
        await h.session.dispatch(event); // delivered again: the platform never saw it confirmed
        const where = `crash at write ${n}`;
        expect(h.world.find(posted.ref.chat, posted.ref.id)?.deleted, `${where}: post gone`).toBe(true);
        await h.advance(2 * HOUR);
        for (const chat of ["lobby", "second"])
          expect(sanctioned(h, chat), `${where}: ${what} over in ${chat}`).toBe(false);
      }
      expect(points).toBeGreaterThan(5);
    });
});
