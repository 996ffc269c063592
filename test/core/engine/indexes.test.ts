import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { allMembers } from "../../../src/core/ports/store.js";
import { CaseLog } from "../../../src/core/engine/cases.js";
import type { AccountKey, CommunityId } from "../../../src/core/ids.js";
import type { Instant } from "../../../src/core/ports/clock.js";
import { consoleConfig, startHarness } from "../../support/harness.js";

const demo = "demo" as CommunityId;

describe("indexes are sets, not lists rewritten whole", () => {
  it("moves an index list written by an older version into the set on first read", async () => {
    const store = new MemoryStore();
    await store.set("news:pending:demo", ["h2", "h1"]);
    await store.addToSet("news:pending:demo", "h3");
    expect(await allMembers(store, "news:pending:demo")).toEqual(["h1", "h2", "h3"]);
    expect(await store.get("news:pending:demo")).toBeUndefined();
  });

  it("keeps a chat's members as one set entry per member", async () => {
    const h = await startHarness(consoleConfig());
    for (const name of ["alice", "bob", "carol"]) await h.session.join(name, "lobby");
    await h.session.say("alice", "lobby", "hello again");
    expect(await h.store.setMembers("members-of:console:lobby")).toEqual([
      "console:alice",
      "console:bob",
      "console:carol",
    ]);
    expect(await h.store.get("members-of:console:lobby")).toBeUndefined();
  });
});

describe("a member's cases", () => {
  it("are indexed as one set entry per case, listed in number order past case 9", async () => {
    const store = new MemoryStore();
    const log = new CaseLog(store);
    const subject = "console:bob" as AccountKey;
    for (let i = 0; i < 12; i++)
      await log.open(
        { community: demo, action: "warn", source: "admin", subject, actor: "bot", reason: `w${i}` },
        0 as Instant,
      );
    expect(await store.setSize(`cases-of:${demo}:${subject}`)).toBe(12);
    expect(await store.get(`cases-of:${demo}:${subject}`)).toBeUndefined();
    expect((await log.of(demo, subject)).map((c) => c.number)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ]);
  });

  it("still reads the list an older version wrote", async () => {
    const store = new MemoryStore();
    const log = new CaseLog(store);
    const subject = "console:bob" as AccountKey;
    await log.open(
      { community: demo, action: "warn", source: "admin", subject, actor: "bot", reason: "x" },
      0 as Instant,
    );
    await store.removeFromSet(`cases-of:${demo}:${subject}`, "1");
    await store.set(`cases-of:${demo}:${subject}`, [1]);
    await log.open(
      { community: demo, action: "mute", source: "admin", subject, actor: "bot", reason: "y" },
      0 as Instant,
    );
    expect((await log.of(demo, subject)).map((c) => c.action)).toEqual(["warn", "mute"]);
  });
});
