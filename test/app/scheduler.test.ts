import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/adapters/storage/sqlite-store.js";
import { TimerStore } from "../../src/core/engine/timers.js";
import { HOUR, MINUTE } from "../../src/core/ports/clock.js";
import { consoleConfig, FakeClock, startHarness } from "../support/harness.js";

describe("durable scheduler", () => {
  it("fires a timer that came due while the bot was down, after a restart on the same SQLite file", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "chatwarden-sched-")), "s.sqlite");
    const clock = new FakeClock();
    const first = await startHarness(consoleConfig(), { store: new SqliteStore(path), clock });
    const alice = first.session.account("alice");
    const lobby = first.session.chat("lobby");
    await first.runtime.engine.run(
      await first.runtime.services.access.constrain(
        [lobby],
        alice,
        { source: "sanction", level: "read_only", until: clock.now() + HOUR, caseNumber: 7 },
        clock.now(),
      ),
    );
    expect(first.world.levelOf(lobby, alice)).toBe("read_only");
    await first.store.close();

    clock.advance(2 * HOUR); // down for two hours
    const second = await startHarness(consoleConfig(), { store: new SqliteStore(path), clock });
    second.world.access.set(`${lobby}|${alice}`, { level: "read_only" }); // the platform still has the restriction
    expect(await second.runtime.scheduler.runDue()).toBe(1);
    expect(second.world.levelOf(lobby, alice)).toBe("full");
    expect(await second.runtime.scheduler.runDue()).toBe(0);
    await second.store.close();
  });

  it("does not fire a timer early, and fires each timer once", async () => {
    const h = await startHarness(consoleConfig());
    const timers = new TimerStore(h.store);
    await timers.schedule({
      id: "t1",
      at: h.clock.now() + 10 * MINUTE,
      kind: "access.expire",
      payload: { chat: "console:lobby", account: "console:zed" },
    });
    expect(await h.advance(9 * MINUTE)).toBe(0);
    expect(await h.advance(2 * MINUTE)).toBe(1);
    expect(await h.advance(HOUR)).toBe(0);
  });

  it("lets only one of two concurrent claimers fire a timer", async () => {
    const h = await startHarness(consoleConfig());
    const timers = new TimerStore(h.store);
    const timer = { id: "once", at: h.clock.now(), kind: "x", payload: {} };
    await timers.schedule(timer);
    const claims = await Promise.all([timers.claim(timer), timers.claim(timer)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it("replaces a timer rescheduled under the same id", async () => {
    const h = await startHarness(consoleConfig());
    const timers = new TimerStore(h.store);
    await timers.schedule({ id: "r", at: h.clock.now() + MINUTE, kind: "x", payload: {} });
    await timers.schedule({ id: "r", at: h.clock.now() + HOUR, kind: "x", payload: {} });
    expect(await timers.due(h.clock.now() + 2 * MINUTE)).toEqual([]);
    expect(await timers.nextDue()).toBe(h.clock.now() + HOUR);
  });
});
