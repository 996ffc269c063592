import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../src/adapters/storage/keyv-store.js";
import { MINUTE } from "../../src/core/ports/clock.js";
import type { Logger } from "../../src/core/ports/logger.js";
import { StoreError, type KeyValueStore } from "../../src/core/ports/store.js";
import { consoleConfig, startHarness } from "../support/harness.js";

/** A store whose every call takes a while, and which refuses calls once closed (as the SQLite one does). */
class SlowStore implements KeyValueStore {
  delayMs = 0;
  closed = false;
  constructor(readonly inner: KeyValueStore) {}
  private async gate(op: string, key: string): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.closed) throw new StoreError(`store is closed (${op} ${key})`, "closed");
  }
  async get<T>(key: string): Promise<T | undefined> {
    await this.gate("get", key);
    return this.inner.get<T>(key);
  }
  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    await this.gate("set", key);
    await this.inner.set(key, value, ttlMs);
  }
  async delete(key: string): Promise<boolean> {
    await this.gate("delete", key);
    return this.inner.delete(key);
  }
  async update<T>(key: string, fn: (c: T | undefined) => T | undefined, ttlMs?: number) {
    await this.gate("update", key);
    return this.inner.update<T>(key, fn, ttlMs);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function recordingLogger(lines: string[]): Logger {
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (fields, msg) => lines.push(`warn ${msg} ${JSON.stringify(fields)}`),
    error: (fields, msg) => lines.push(`error ${msg} ${JSON.stringify(fields)}`),
    child: () => logger,
  };
  return logger;
}

const verification = `verification:
  required: true
  method: self_declared
  fields:
    legal_name: true
    id_number: { kind: cn-resident }
  rules: "Be kind."
  step_timeout: 15m`;

describe("shutdown", () => {
  it("lets a verification timing out during shutdown finish: the sealed answers are erased, no store error", async () => {
    const store = new SlowStore(createMemoryStore());
    const errors: string[] = [];
    const h = await startHarness(consoleConfig(verification), { store, logger: recordingLogger(errors) });
    const alice = h.session.account("alice");
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "Alice Example");
    expect(await store.inner.get(`vf:session:${alice}`)).toBeDefined();

    h.clock.advance(16 * MINUTE);
    store.delayMs = 5;
    const pass = h.runtime.scheduler.runDue();
    await new Promise((r) => setTimeout(r, 12)); // the timeout handler is now half-way
    await h.runtime.close();

    expect(await pass).toBe(1);
    expect(errors).toEqual([]);
    expect(await store.inner.get(`vf:session:${alice}`)).toBeUndefined();
  });

  it("waits for an event still being handled before closing the store", async () => {
    const store = new SlowStore(createMemoryStore());
    const errors: string[] = [];
    const h = await startHarness(consoleConfig(verification), { store, logger: recordingLogger(errors) });
    const alice = h.session.account("alice");
    await h.session.tell("alice", "/verify");
    store.delayMs = 5;
    const answering = h.session.tell("alice", "Alice Example");
    await new Promise((r) => setTimeout(r, 12));
    await h.runtime.close();
    await answering;
    expect(errors).toEqual([]);
    expect(store.closed).toBe(true);
    const session = await store.inner.get<{ index: number }>(`vf:session:${alice}`);
    expect(session?.index).toBe(1); // the name step was recorded before the store closed
  });
});
