import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { MINUTE } from "../../../src/core/ports/clock.js";
import { crashingStore } from "../../support/crashing-store.js";
import { consoleConfig, startHarness } from "../../support/harness.js";

describe("durable timers survive a crash at any write", () => {
  it("a crash right after the first write of scheduling still leaves a timer that fires", async () => {
    const { store, crashAfter, revive } = crashingStore();
    const h = await startHarness(consoleConfig(), { store });
    const timer = { id: "t", at: h.clock.now() + MINUTE, kind: "test.noop", payload: {} };
    crashAfter(1);
    await h.runtime.services.timers.schedule(timer).catch(() => undefined);
    revive();
    await h.restart();
    expect(await h.runtime.services.timers.get("t")).toEqual(timer);
    expect(await h.advance(2 * MINUTE)).toBe(1);
  });

  it("a timer handed out for firing by a process that died comes due again once its lease ends", async () => {
    const h = await startHarness(consoleConfig());
    const timer = { id: "t", at: h.clock.now() + MINUTE, kind: "test.noop", payload: {} };
    await h.runtime.services.timers.schedule(timer);
    h.clock.advance(2 * MINUTE);
    expect(await h.runtime.services.timers.due(h.clock.now())).toHaveLength(1); // then the process dies
    await h.restart();
    expect(await h.advance(0)).toBe(0);
    expect(await h.advance(2 * MINUTE)).toBe(1);
    expect(await h.runtime.services.timers.nextDue()).toBeUndefined();
  });

  it("moves timers of the old two-record format into the set at start: a record the index lost fires too, an entry without record is dropped", async () => {
    const store = new MemoryStore();
    const h = await startHarness(consoleConfig(), { store });
    await store.delete("meta:timers-migrated"); // as a store written by an older version
    const at = h.clock.now() + MINUTE;
    const kept = { id: "kept", at, kind: "test.noop", payload: {} };
    const lost = { id: "lost", at, kind: "test.noop", payload: { n: 1 } };
    await store.set("timer:kept", kept);
    await store.set("timer:lost", lost); // a crash came between its record and its index entry
    await store.set("timers:index", { kept: at, orphan: at });
    await h.restart();
    expect(await h.runtime.services.timers.get("kept")).toEqual(kept);
    expect(await h.runtime.services.timers.get("lost")).toEqual(lost);
    expect(await store.get("timer:kept")).toBeUndefined();
    expect(await store.get("timers:index")).toBeUndefined();
    expect(await h.advance(2 * MINUTE)).toBe(2);
    expect(await h.runtime.services.timers.nextDue()).toBeUndefined();
  });
});
