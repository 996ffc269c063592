import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { AccessService } from "../../../src/core/engine/access.js";
import {
  ACTION_CODE,
  type Case,
  type CaseAction,
  CaseLog,
  type CaseSource,
  SOURCE_CODE,
} from "../../../src/core/engine/cases.js";
import type { AccountKey, ChatKey, CommunityId } from "../../../src/core/ids.js";
import type { Instant } from "../../../src/core/ports/clock.js";
import { consoleConfig, startHarness } from "../../support/harness.js";

const demo = "demo" as CommunityId;
const bob = "console:bob" as AccountKey;
const lobby = "console:lobby" as ChatKey;

describe("audit cases as stored", () => {
  it("keeps neither the community nor the number the key already says, and reads them back whole", async () => {
    const store = new MemoryStore();
    const log = new CaseLog(store);
    const opened = await log.open(
      {
        community: demo,
        action: "mute",
        source: "rule",
        subject: bob,
        actor: "bot",
        reason: "spam",
        chat: lobby,
        category: "spam",
        points: 2,
        until: 5_000 as Instant,
      },
      1_000 as Instant,
    );
    const stored = JSON.stringify(await store.get(`case:demo:${opened.number}`));
    expect(stored).not.toContain("demo");
    expect(stored).not.toContain("number");
    expect(await log.get(demo, opened.number)).toEqual({
      number: 1,
      community: demo,
      action: "mute",
      source: "rule",
      subject: bob,
      actor: "bot",
      reason: "spam",
      chat: lobby,
      category: "spam",
      points: 2,
      until: 5_000,
      at: 1_000,
    });
    expect(await log.get(demo, opened.number)).toEqual(opened);
  });

  it("stores a case as a positional array with action and source as codes, optional fields only up to the last present one", async () => {
    const store = new MemoryStore();
    const log = new CaseLog(store);
    const verified = await log.open(
      {
        community: demo,
        action: "verified",
        source: "verification",
        subject: bob,
        actor: "console:admin" as AccountKey,
        reason: "manual",
      },
      1_000 as Instant,
    );
    expect(await store.get(`case:demo:${verified.number}`)).toEqual([
      16,
      4,
      bob,
      "console:admin",
      "manual",
      1_000,
    ]);
    const pardon = await log.open(
      {
        community: demo,
        action: "pardon",
        source: "admin",
        subject: bob,
        actor: "bot",
        reason: "",
        refersTo: 1 as Case["number"],
      },
      2_000 as Instant,
    );
    expect(await store.get(`case:demo:${pardon.number}`)).toEqual([
      8,
      1,
      bob,
      "bot",
      "",
      2_000,
      null,
      null,
      null,
      null,
      null,
      1,
    ]);
    expect(await log.get(demo, pardon.number)).toEqual(pardon);
  });

  it("gives every action and source its own code, and reads every one back", async () => {
    const actions = Object.keys(ACTION_CODE) as CaseAction[];
    const sources = Object.keys(SOURCE_CODE) as CaseSource[];
    expect(new Set(Object.values(ACTION_CODE)).size).toBe(actions.length);
    expect(new Set(Object.values(SOURCE_CODE)).size).toBe(sources.length);
    const store = new MemoryStore();
    const log = new CaseLog(store);
    for (const [i, action] of actions.entries()) {
      const source = sources[i % sources.length] as CaseSource;
      const opened = await log.open(
        { community: demo, action, source, subject: bob, actor: "bot", reason: action, points: 0 },
        1_000 as Instant,
      );
      expect(await log.get(demo, opened.number)).toEqual(opened);
    }
  });

  it("still reads a case the previous version wrote with short field names", async () => {
    const store = new MemoryStore();
    const log = new CaseLog(store);
    await store.set("case:demo:5", {
      x: "mute",
      o: "rule",
      s: bob,
      b: "bot",
      r: "spam",
      t: 1_000,
      c: lobby,
      g: "spam",
      p: 2,
      j: "mute",
      u: 5_000,
    });
    await store.set("case:demo:6", {
      x: "verified",
      o: "verification",
      s: bob,
      b: "console:admin",
      r: "manual",
      t: 2_000,
    });
    await store.addToSet(`cases-of:demo:${bob}`, "5");
    await store.addToSet(`cases-of:demo:${bob}`, "6");
    const mute = {
      number: 5,
      community: demo,
      action: "mute",
      source: "rule",
      subject: bob,
      actor: "bot",
      reason: "spam",
      at: 1_000,
      chat: lobby,
      category: "spam",
      points: 2,
      jumpedTo: "mute",
      until: 5_000,
    };
    const verified = {
      number: 6,
      community: demo,
      action: "verified",
      source: "verification",
      subject: bob,
      actor: "console:admin",
      reason: "manual",
      at: 2_000,
    };
    expect(await log.get(demo, 5)).toEqual(mute);
    expect(await log.of(demo, bob)).toEqual([mute, verified]);
  });

  it("still reads a case an older version wrote in the long form", async () => {
    const store = new MemoryStore();
    const log = new CaseLog(store);
    const old = {
      community: "demo",
      action: "pardon",
      source: "admin",
      subject: bob,
      actor: "console:admin",
      reason: "sorry",
      refersTo: 3,
      number: 7,
      at: 1_000,
    };
    await store.set("case:demo:7", old);
    await store.addToSet(`cases-of:demo:${bob}`, "7");
    expect(await log.get(demo, 7)).toEqual(old);
    expect(await log.of(demo, bob)).toEqual([old]);
  });
});

describe("access records", () => {
  it("writes nothing for a member verified by hand who was never limited", async () => {
    const h = await startHarness(
      consoleConfig(`verification:
  required: true
  method: self_declared
`),
    );
    // named by a mention (as the benchmark's seeded members are): the bot never saw hank in a chat
    await h.runtime.engine.handle({
      kind: "command",
      name: "verifyuser",
      args: "hank Hank Example",
      mentions: [{ account: h.session.account("hank"), offset: 0, length: 4 }],
      actor: { account: "console:admin" as AccountKey, displayName: "Admin", isChatAdmin: false },
      chat: "console:review" as ChatKey,
    });
    const keys: string[] = [];
    for await (const r of h.store.dump()) if (r.kind === "value") keys.push(r.key);
    expect(keys.filter((k) => k.startsWith("enforcement:"))).toEqual([]);
    expect(await h.runtime.services.identities.lookup(h.session.account("hank"))).toMatchObject({
      verified: true,
    });
  });

  it("removes a record left saying nothing, and leaves an unchanged one unwritten", async () => {
    const store = new MemoryStore();
    const access = new AccessService(store);
    const now = 0 as Instant;
    await access.constrain([lobby], bob, { source: "admin", level: "read_only" }, now);
    expect(await access.get(lobby, bob)).toEqual({ constraints: [{ source: "admin", level: "read_only" }] });
    let writes = 0;
    const set = store.change.bind(store);
    store.change = (async (...args: Parameters<typeof set>) => {
      const before = JSON.stringify(await store.get(args[0]));
      const result = await set(...args);
      if (JSON.stringify(await store.get(args[0])) !== before) writes++;
      return result;
    }) as typeof store.change;
    await access.release([lobby], bob, (c) => c.source === "verification", now);
    expect(writes).toBe(0);
    await access.release([lobby], bob, () => true, now);
    expect(await access.get(lobby, bob)).toBeUndefined();
    expect(await access.level(lobby, bob, now)).toBe("full");
  });
});
