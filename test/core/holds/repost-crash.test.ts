import { describe, expect, it } from "vitest";
import { crashingStore } from "../../support/crashing-store.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";
import { NEWS } from "../../support/hold-configs.js";

const LINK = "https://reuters.com/a";

const visible = (h: Harness, chat: string) => h.world.visible(h.session.chat(chat));
const holdId = (h: Harness) =>
  visible(h, "review")
    .map((m) => /Held post (h\w+)/.exec(m.text)?.[1])
    .find((id) => id !== undefined) ?? "";
const reposts = (h: Harness) => visible(h, "lobby").filter((m) => m.text.endsWith(`\n${LINK}`)).length;

const press = (h: Harness, data: string) =>
  h.session.dispatch({
    kind: "button_pressed",
    data,
    actor: h.session.actor("admin", "review"),
    chat: h.session.chat("review"),
  });

/**
 * The approval of a held post, cut short by a crash at each store write of the press in turn: the bot
 * restarts on what the store kept. The post must never be lost: it is re-posted once, or the hold is
 * still pending (the admin presses again), or, when the re-post's fate is unknown, the card says so a
 * minute later and `/approvepost` re-posts it once. Before the check timer, a crash right after the
 * claim left an approved hold whose post was gone for good.
 */
describe("approving a held post, crashed at any store write", () => {
  it("never loses the post and never posts it twice", async () => {
    let points = 0;
    const outcomes = new Map<string, number>();
    for (let n = 0; ; n++) {
      const crash = crashingStore();
      const h = await startHarness(consoleConfig(NEWS), { store: crash.store });
      await h.session.say("alice", "lobby", LINK);
      const id = holdId(h);
      expect(id).not.toBe("");
      crash.crashAfter(n);
      await press(h, `hold:approve:${id}`).catch(() => undefined);
      const crashed = crash.crashed();
      crash.revive();
      if (!crashed) break;
      points++;
      await h.restart();
      await h.advance(0);
      await h.advance(60_001); // the re-post check comes due a minute after the press
      const hold = await h.store.get<{ status: string; reposted?: string }>(`news:hold:${id}`);
      let outcome: string;
      if (hold?.status === "pending") {
        await press(h, `hold:approve:${id}`);
        outcome = "still pending: pressed again";
      } else if (hold?.reposted === "unknown") {
        const flagged = visible(h, "review").some((m) => /restarted while re-posting/.test(m.text));
        expect(flagged, `crash at write ${n}: the card says the re-post was cut short`).toBe(true);
        const missing = reposts(h) === 0;
        if (missing) await h.session.say("admin", "review", `/approvepost ${id}`);
        outcome = missing ? "flagged: re-posted by the admin" : "flagged: already in the chat";
      } else outcome = `re-posted (${hold?.reposted ?? "no outcome"})`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      expect(reposts(h), `crash at write ${n} (${outcome})`).toBe(1);
      const after = await h.store.get<{ reposted?: string }>(`news:hold:${id}`);
      expect(["ok", "unknown"], `crash at write ${n}: ${JSON.stringify(after)}`).toContain(after?.reposted);
      await h.runtime.close();
    }
    console.info(
      `approve cut short at ${points} store writes: ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );
    expect(points).toBeGreaterThan(3);
  });
});
