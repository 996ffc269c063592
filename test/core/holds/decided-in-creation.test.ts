import { describe, expect, it } from "vitest";
import { crashAndRestart } from "../../support/crash-restart.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";
import { NEWS, RULES } from "../../support/hold-configs.js";

const LINK = "https://reuters.com/a";
const RUMOUR = "紧急扩散 now";

const visible = (h: Harness, chat: string) => h.world.visible(h.session.chat(chat));
/** What the group shows of the post: the original (`text`) or a re-post (attribution line, then `text`). */
const shown = (h: Harness, text: string) =>
  visible(h, "lobby")
    .filter((m) => m.text === text || m.text.endsWith(`\n${text}`))
    .map((m) => (m.text === text ? "original" : "re-post"));

interface StoredHold {
  id: string;
  status: string;
  card?: unknown;
  cardAttempted?: boolean;
  reposted?: string;
}

/**
 * Two processes share a store; the one taking a post dies at its n-th store write, before it finished
 * making the hold (card recorded, originals deleted, author told). The other process takes the admin's
 * decision before anything has completed the hold: the card may already be up (posted, not recorded)
 * and the originals may still be up. Then the dead process starts again and recovers what it left.
 * Before the fix, an approval in that window left the post up and never re-posted it while a deletion
 * still to come (the recovery's, or the first process's own) took it down for good.
 */
async function decidedInCreation(
  n: number,
  config: string,
  post: (h: Harness) => Promise<unknown>,
  decide: (h: Harness, hold: StoredHold) => Promise<unknown>,
  holdOf: (h: Harness) => Promise<StoredHold | undefined>,
): Promise<{ h: Harness; crashed: boolean; decided?: StoredHold }> {
  // The other process: no recovery has run yet (its first scheduler pass does that).
  const { h, crashed } = await crashAndRestart(n, config, post);
  const hold = await holdOf(h);
  let decided: StoredHold | undefined;
  if (hold?.status === "pending") {
    await decide(h, hold);
    decided = await holdOf(h);
  }
  await h.advance(0); // recovery of what the dead run left
  await h.advance(60_001); // re-post checks come due
  await h.advance(60_001);
  return { h, crashed, ...(decided ? { decided } : {}) };
}

const newsHold = async (h: Harness) => {
  const [id] = await h.store.setMembers("news:holds-by:console:alice");
  return id ? h.store.get<StoredHold>(`news:hold:${id}`) : undefined;
};
const ruleHold = async (h: Harness) => {
  const [ref] =
    (await h.store.get<{ community: string; id: string }[]>("rules-holds-of:console:carol")) ?? [];
  return ref ? h.store.get<StoredHold>(`rules-hold:${ref.community}:${ref.id}`) : undefined;
};

describe("a hold decided before its creation completed (another process died making it)", () => {
  it("approved: the post ends up in the group exactly once, re-posted when its original was taken down", async () => {
    let points = 0;
    let approved = 0;
    for (let n = 0; ; n++) {
      const { h, crashed, decided } = await decidedInCreation(
        n,
        NEWS,
        (h) => h.session.say("alice", "lobby", LINK),
        (h, hold) => h.session.say("admin", "review", `/approvepost ${hold.id}`),
        newsHold,
      );
      const where = `crash at write ${n}`;
      const hold = await newsHold(h);
      expect(shown(h, LINK), `${where}: ${JSON.stringify(hold)}`).toHaveLength(1);
      expect(await h.store.get("news:in-creation"), where).toBeUndefined();
      if (decided?.status === "approved") {
        approved++;
        if (shown(h, LINK)[0] === "re-post") expect(hold?.reposted, where).toBe("ok");
        // A hold whose card was never even attempted: nothing was taken down, so nothing is re-posted.
        else expect(decided.card === undefined && !decided.cardAttempted, where).toBe(true);
      }
      await h.runtime.close();
      if (!crashed) break;
      points++;
    }
    expect(points).toBeGreaterThan(5);
    expect(approved).toBeGreaterThan(2);
  });

  it("rejected: the post is gone from the group and never re-posted", async () => {
    let rejected = 0;
    for (let n = 0; ; n++) {
      const { h, crashed, decided } = await decidedInCreation(
        n,
        NEWS,
        (h) => h.session.say("alice", "lobby", LINK),
        (h, hold) => h.session.say("admin", "review", `/rejectpost ${hold.id} not news`),
        newsHold,
      );
      const where = `crash at write ${n}`;
      if (decided?.status === "rejected") {
        rejected++;
        expect(shown(h, LINK), where).toEqual([]);
      } else expect(shown(h, LINK), where).toHaveLength(1);
      expect(await h.store.get("news:in-creation"), where).toBeUndefined();
      await h.runtime.close();
      if (!crashed) break;
    }
    expect(rejected).toBeGreaterThan(2);
  });

  it("a rule hold released from its card: the message ends up in the group exactly once", async () => {
    let released = 0;
    for (let n = 0; ; n++) {
      const { h, crashed, decided } = await decidedInCreation(
        n,
        RULES,
        (h) => h.session.say("carol", "lobby", RUMOUR),
        async (h) => {
          const card = visible(h, "review")
            .filter((m) => (m.buttons?.length ?? 0) > 0)
            .at(-1);
          if (card) await h.session.press("admin", "Release", { chat: "review", id: card.ref.id });
        },
        ruleHold,
      );
      const where = `crash at write ${n}`;
      const hold = await ruleHold(h);
      // Still pending (no card was up to press before the recovery): held, waiting for the admin.
      if (hold?.status === "pending") expect(shown(h, RUMOUR), where).toEqual([]);
      else expect(shown(h, RUMOUR), `${where}: ${JSON.stringify(hold)}`).toHaveLength(1);
      if (decided?.status === "released") {
        released++;
        // Released from a card that was up: the message came down and went back up as a re-post.
        expect(shown(h, RUMOUR), where).toEqual(["re-post"]);
        expect(hold?.reposted, where).toBe("ok");
      }
      expect(await h.store.get("rules:in-creation"), where).toBeUndefined();
      await h.runtime.close();
      if (!crashed) break;
    }
    expect(released).toBeGreaterThan(0);
  });
});

describe("a hold whose card failed, at the next start", () => {
  it("keeps its post up: the recovery takes nothing down for a hold that was never on a card", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    h.world.failNext("post_card");
    await h.session.say("alice", "lobby", LINK);
    const failed = await newsHold(h);
    expect(failed?.status).toBe("failed");
    // A crash before the journal entry was dropped (the skipped notice's record drops it) leaves it.
    await h.store.set("news:in-creation", { [failed!.id]: { community: "demo", run: "a-dead-run" } });
    await h.restart();
    await h.advance(0);
    expect(shown(h, LINK)).toEqual(["original"]);
    expect(await h.store.get("news:in-creation")).toBeUndefined();
    await h.runtime.close();
  });
});
