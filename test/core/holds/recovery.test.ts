import { describe, expect, it } from "vitest";
import { crashAndRestart } from "../../support/crash-restart.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";
import { NEWS, RULES } from "../../support/hold-configs.js";

const visible = (h: Harness, chat: string) => h.world.visible(h.session.chat(chat));
const cards = (h: Harness) => visible(h, "review").filter((m) => (m.buttons?.length ?? 0) > 0);

interface StoredHold {
  id: string;
  status: string;
  card?: unknown;
  copies?: unknown[];
  expiresAt?: number;
}

/** Holds of the author still waiting (collecting or pending) that have no card: must never exist. */
async function waitingWithoutCard(h: Harness, user: string): Promise<StoredHold[]> {
  const ids = await h.store.setMembers(`news:holds-by:console:${user}`);
  const holds = await Promise.all(ids.map((id) => h.store.get<StoredHold>(`news:hold:${id}`)));
  return holds.filter(
    (x): x is StoredHold => x !== undefined && ["collecting", "pending"].includes(x.status) && !x.card,
  );
}

async function ruleHoldsWithoutCard(h: Harness, user: string): Promise<StoredHold[]> {
  const refs =
    (await h.store.get<{ community: string; id: string }[]>(`rules-holds-of:console:${user}`)) ?? [];
  const holds = await Promise.all(
    refs.map((r) => h.store.get<StoredHold>(`rules-hold:${r.community}:${r.id}`)),
  );
  return holds.filter((x): x is StoredHold => x !== undefined && x.status === "pending" && !x.card);
}

/**
 * Kills the bot at its n-th store write while it takes a post, restarts it on what the store kept, and
 * lets the first scheduler pass recover. Returns false once n is past the last write (nothing crashed).
 */
async function crashAt(
  n: number,
  config: string,
  post: (h: Harness) => Promise<unknown>,
): Promise<{ h: Harness; crashed: boolean }> {
  const { h, crashed } = await crashAndRestart(n, config, post);
  await h.advance(0);
  return { h, crashed };
}

describe("holds after a crash at any store write while taking a news post", () => {
  it("every crash point ends with the post either held (card, copy, expiry timer, in /queue) or still up and not held", async () => {
    let points = 0;
    for (let n = 0; ; n++) {
      const { h, crashed } = await crashAt(n, NEWS, (h) =>
        h.session.say("alice", "lobby", "https://reuters.com/a"),
      );
      const pending = await h.store.setMembers("news:pending:demo");
      const holds = await Promise.all(pending.map((id) => h.store.get<StoredHold>(`news:hold:${id}`)));
      const up = visible(h, "lobby").map((m) => m.text);
      expect(await h.store.get("news:in-creation"), `crash at write ${n}`).toBeUndefined();
      expect(await waitingWithoutCard(h, "alice"), `crash at write ${n}`).toEqual([]);
      if (holds.length === 0) {
        expect(up, `crash at write ${n}`).toEqual(["https://reuters.com/a"]);
      } else {
        expect(holds, `crash at write ${n}`).toHaveLength(1);
        const hold = holds[0] as StoredHold;
        expect(hold.status).toBe("pending");
        expect(hold.card, `crash at write ${n}: card`).toBeDefined();
        // One copy in the review chat, never two (after a crash while it was posted, it is not copied again).
        const copies = visible(h, "review").filter((m) => m.text === "https://reuters.com/a");
        expect(copies, `crash at write ${n}: copies`).toHaveLength(1);
        const timer = await h.runtime.services.timers.get(`news.expire:${hold.id}`);
        expect(timer?.at, `crash at write ${n}: expiry`).toBe(hold.expiresAt);
        expect(up, `crash at write ${n}: original still up`).toEqual([]);
        // Approving re-posts it exactly once.
        await h.session.say("admin", "review", `/approvepost ${hold.id}`);
        expect(visible(h, "lobby").filter((m) => m.text.includes("reuters.com/a"))).toHaveLength(1);
      }
      if (!crashed) break;
      points++;
    }
    expect(points).toBeGreaterThan(5);
  });

  it("every crash point while an album collects ends with one card for the album or the album still up", async () => {
    let points = 0;
    for (let n = 0; ; n++) {
      const { h, crashed } = await crashAt(n, NEWS, async (h) => {
        await h.session.say("alice", "lobby", "https://reuters.com/a", { albumId: "g1" });
        await h.session.say("alice", "lobby", "second photo", { albumId: "g1" });
      });
      await h.advance(10_000); // the settle time passes
      const pending = await h.store.setMembers("news:pending:demo");
      const up = visible(h, "lobby").map((m) => m.text);
      expect(await h.store.get("news:in-creation"), `crash at write ${n}`).toBeUndefined();
      expect(await waitingWithoutCard(h, "alice"), `crash at write ${n}`).toEqual([]);
      if (pending.length === 0) {
        expect(up, `crash at write ${n}`).toContain("https://reuters.com/a");
      } else {
        expect(up, `crash at write ${n}`).not.toContain("https://reuters.com/a");
        for (const id of pending) {
          const hold = await h.store.get<StoredHold>(`news:hold:${id}`);
          expect(hold?.card, `crash at write ${n}`).toBeDefined();
        }
      }
      if (!crashed) break;
      points++;
    }
    expect(points).toBeGreaterThan(5);
  });
});

describe("rule holds after a crash at any store write", () => {
  it("every crash point ends with the message either held with a card or still up, nothing half-made", async () => {
    let points = 0;
    for (let n = 0; ; n++) {
      const { h, crashed } = await crashAt(n, RULES, (h) => h.session.say("carol", "lobby", "紧急扩散 now"));
      expect(await h.store.get("rules:in-creation"), `crash at write ${n}`).toBeUndefined();
      expect(await ruleHoldsWithoutCard(h, "carol"), `crash at write ${n}`).toEqual([]);
      const up = visible(h, "lobby").map((m) => m.text);
      if (up.length === 0) {
        expect(cards(h).length, `crash at write ${n}`).toBeGreaterThanOrEqual(1);
        await h.session.press("admin", "Release", { chat: "review", id: cards(h).at(-1)?.ref.id ?? "" });
        expect(
          visible(h, "lobby").filter((m) => m.text.includes("紧急扩散 now")),
          `crash at write ${n}`,
        ).toHaveLength(1);
      } else {
        expect(up, `crash at write ${n}`).toEqual(["紧急扩散 now"]);
      }
      if (!crashed) break;
      points++;
    }
    expect(points).toBeGreaterThan(5);
  });
});

describe("a hold whose creation throws half-way leaves nothing behind", () => {
  it("an expiry no date can show (a bad setting that got through) rolls the hold back: the post stays up, /queue is empty, nothing can re-post it", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    const community = h.runtime.services.directory.community("demo");
    if (!community) throw new Error("no community");
    community.policy.news.expire_after = 9_999_999_999 * 86_400_000;
    for (const chat of community.chats) chat.policy.news.expire_after = community.policy.news.expire_after;

    await expect(h.session.say("alice", "lobby", "https://reuters.com/a")).rejects.toThrow(RangeError);
    expect(visible(h, "lobby").map((m) => m.text)).toEqual(["https://reuters.com/a"]);
    expect(cards(h)).toEqual([]);
    expect(await h.store.setMembers("news:pending:demo")).toEqual([]);
    expect(await h.store.setMembers("news:holds-by:console:alice")).toEqual([]);
    expect(await h.store.get("news:in-creation")).toBeUndefined();
    await h.session.say("admin", "review", "/queue");
    expect(visible(h, "review").at(-1)?.text).toMatch(/No posts are waiting/);
  });

  it("an album whose settle throws is rolled back: its parts stay up, nothing pending", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    await h.session.say("alice", "lobby", "https://reuters.com/a", { albumId: "g1" });
    await h.session.say("alice", "lobby", "second photo", { albumId: "g1" });
    const community = h.runtime.services.directory.community("demo");
    if (!community) throw new Error("no community");
    for (const chat of community.chats) chat.policy.news.expire_after = Number.MAX_VALUE;
    await h.advance(10_000);
    expect(visible(h, "lobby").map((m) => m.text)).toEqual(["https://reuters.com/a", "second photo"]);
    expect(await h.store.setMembers("news:pending:demo")).toEqual([]);
    expect(await h.store.get("news:in-creation")).toBeUndefined();
    expect(await h.runtime.services.timers.nextDue()).toBeUndefined();
  });

  it("never re-posts a pending hold that has no card (left by an older version): its post was never taken down", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    const { message } = await h.session.say("bob", "lobby", "old post");
    await h.store.set("news:hold:hlegacy0001", {
      id: "hlegacy0001",
      community: "demo",
      chat: message.ref.chat,
      author: "console:bob",
      authorName: "bob",
      parts: [{ ref: message.ref, content: { text: "old post" } }],
      reasons: [],
      createdAt: h.clock.now(),
      status: "pending",
      copies: [],
    });
    await h.store.set("news:pending:demo", ["hlegacy0001"]);
    await h.session.say("admin", "review", "/approvepost hlegacy0001");
    expect(visible(h, "lobby").map((m) => m.text)).toEqual(["old post"]);
  });
});
