import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { NodeSealer, nodeRandom } from "../../src/adapters/crypto/node-sealer.js";
import { MemoryStore } from "../../src/adapters/storage/memory-store.js";
import { systemClock } from "../../src/app/boot.js";
import { createRuntime, type Runtime } from "../../src/app/runtime.js";
import { parseConfigText } from "../../src/config/load.js";
import { silentLogger } from "../../src/core/ports/logger.js";
import { consoleConfig, TEST_SECRET } from "../support/harness.js";

async function realTimeRuntime(): Promise<Runtime> {
  const loaded = parseConfigText(consoleConfig(), { baseDir: resolve(import.meta.dirname, "../..") });
  return createRuntime({
    settings: loaded.core,
    store: new MemoryStore(),
    clock: systemClock,
    sealer: new NodeSealer(TEST_SECRET),
    random: nodeRandom,
    logger: silentLogger,
  });
}

/** Resolves with the milliseconds until the timer left the store (it fired), or rejects after `limit`. */
async function firedAfter(runtime: Runtime, id: string, since: number, limit: number): Promise<number> {
  for (;;) {
    if ((await runtime.services.timers.get(id)) === undefined) return Date.now() - since;
    if (Date.now() - since > limit) throw new Error(`timer ${id} still waiting after ${limit} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("scheduler wake-up", () => {
  it("fires a timer scheduled 200 ms ahead within about 200 ms, not at the loop's next 30 s check", async () => {
    const runtime = await realTimeRuntime();
    runtime.scheduler.start();
    try {
      await new Promise((r) => setTimeout(r, 100)); // the loop is asleep now (nothing was due)
      const since = Date.now();
      await runtime.engine.run([
        { kind: "schedule", timer: { id: "soon", at: since + 200, kind: "test.noop", payload: {} } },
      ]);
      const elapsed = await firedAfter(runtime, "soon", since, 3_000);
      expect(elapsed).toBeGreaterThanOrEqual(200);
      expect(elapsed).toBeLessThan(1_200);
    } finally {
      await runtime.close();
    }
  });

  it("wakes earlier for a timer due sooner than one it already sleeps for", async () => {
    const runtime = await realTimeRuntime();
    const start = Date.now();
    await runtime.services.timers.schedule({
      id: "later",
      at: start + 20_000,
      kind: "test.noop",
      payload: {},
    });
    runtime.scheduler.start();
    try {
      await new Promise((r) => setTimeout(r, 100));
      const since = Date.now();
      await runtime.engine.run([
        { kind: "schedule", timer: { id: "sooner", at: since + 300, kind: "test.noop", payload: {} } },
      ]);
      const elapsed = await firedAfter(runtime, "sooner", since, 3_000);
      expect(elapsed).toBeGreaterThanOrEqual(300);
      expect(elapsed).toBeLessThan(1_300);
      expect(await runtime.services.timers.get("later")).toBeDefined();
    } finally {
      await runtime.close();
    }
  });
});
