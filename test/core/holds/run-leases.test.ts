import { afterEach, describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { registerInstance } from "../../../src/app/instances.js";
import { RUN_LEASE_MS, RUN_RENEW_MS, runLeaseKey, RunLeases } from "../../../src/core/engine/runs.js";
import type { KeyValueStore } from "../../../src/core/ports/store.js";
import { crashingStore } from "../../support/crashing-store.js";
import { consoleConfig, FakeClock, startHarness, type Harness } from "../../support/harness.js";
import { NEWS } from "../../support/hold-configs.js";

const POST = "https://reuters.com/a";
/** What a running bot's mark renewal does (src/app/instances.ts, every `RUN_RENEW_MS`). */
const renew = (store: KeyValueStore, run: string) => store.set(runLeaseKey(run), { id: run }, RUN_LEASE_MS);
const cards = (h: Harness) =>
  h.world.visible(h.session.chat("review")).filter((m) => (m.buttons?.length ?? 0) > 0);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * Process A (a harness on a shared store) is stopped at its n-th store write while it takes a news
 * post; process B starts beside it on the same store and simulated platform. Returns them at the
 * first n where A left a hold stored, in creation, without a card (what a live A would be posting
 * right now).
 */
async function aStoppedMidHold() {
  for (let n = 0; n < 40; n++) {
    const clock = new FakeClock();
    const crash = crashingStore(() => clock.now());
    const config = consoleConfig(NEWS);
    const a = await startHarness(config, { store: crash.store, clock, sharedStore: true });
    // Marked running as `chatwarden start` marks it (the mark's renewals are left to the test).
    const unregister = await registerInstance(crash.store, a.runtime.services.runId);
    cleanups.push(unregister);
    crash.crashAfter(n);
    await a.session.say("alice", "lobby", POST).catch(() => undefined);
    crash.revive();
    const [hold] = Object.keys((await crash.store.get<object>("news:in-creation")) ?? {});
    if (!hold || !(await crash.store.get(`news:hold:${hold}`)) || cards(a).length > 0) continue;
    const b = await startHarness(config, {
      store: crash.store,
      clock,
      sharedStore: true,
      world: a.world,
    });
    return { a, b, store: crash.store, hold };
  }
  throw new Error("no write left a hold in creation without a card");
}

describe("hold journals with two processes on one store (Redis, PostgreSQL)", () => {
  it("a process starting beside a live one leaves the hold that one is making alone, and completes it once that run is gone", async () => {
    const { a, b, store, hold } = await aStoppedMidHold();
    // B's start: its recovery pass. A's mark is live: its hold is its own work in progress, not B's.
    await b.advance(0);
    expect(cards(b), "no second card while A may be posting one").toEqual([]);
    expect(Object.keys((await store.get("news:in-creation")) ?? {})).toEqual([hold]);
    const recheck = await b.runtime.services.timers.get("hold.journal-recheck");
    expect(recheck?.at).toBe(b.clock.now() + RUN_LEASE_MS);

    // A is still alive when B looks again (it renewed its mark in between): B leaves it alone again.
    await b.advance(RUN_RENEW_MS);
    await renew(store, a.runtime.services.runId);
    await b.advance(RUN_LEASE_MS - RUN_RENEW_MS);
    expect(cards(b)).toEqual([]);
    expect((await b.runtime.services.timers.get("hold.journal-recheck"))?.at).toBe(
      b.clock.now() + RUN_LEASE_MS,
    );

    // A died: its mark lapses, and B's next look completes the hold (the card, the original down).
    await b.advance(RUN_LEASE_MS);
    expect(cards(b)).toHaveLength(1);
    expect(b.world.visible(b.session.chat("lobby")).map((m) => m.text)).toEqual([]);
    expect(await store.get("news:in-creation")).toBeUndefined();
    expect(await b.runtime.services.timers.get("hold.journal-recheck")).toBeUndefined();
  });

  it("a run that stopped cleanly removes its mark: a process starting after it completes its leftovers at once", async () => {
    const { b, store } = await aStoppedMidHold();
    for (const unregister of cleanups.splice(0)) await unregister();
    await b.advance(0);
    expect(cards(b)).toHaveLength(1);
    expect(await store.get("news:in-creation")).toBeUndefined();
  });

  it("a run counts as alive only on a shared store, while its mark has not lapsed on the store's clock", async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(() => clock.now());
    await renew(store, "r1");
    expect(await new RunLeases(store, false).alive("r1")).toBe(false);
    const shared = new RunLeases(store, true);
    expect(await shared.alive("r1")).toBe(true);
    expect(await shared.alive("r2")).toBe(false);
    clock.advance(RUN_LEASE_MS - 1);
    expect(await shared.alive("r1")).toBe(true);
    clock.advance(1);
    expect(await shared.alive("r1")).toBe(false);
  });

  it("a started bot's mark is its run's: alive while registered, gone once it stops", async () => {
    const store = new MemoryStore();
    const runs = new RunLeases(store, true);
    const unregister = await registerInstance(store, "run-7");
    expect(await runs.alive("run-7")).toBe(true);
    await unregister();
    expect(await runs.alive("run-7")).toBe(false);
  });
});
