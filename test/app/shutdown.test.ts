import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/adapters/storage/memory-store.js";
import { MINUTE } from "../../src/core/ports/clock.js";
import type { Logger } from "../../src/core/ports/logger.js";
import { StoreError } from "../../src/core/ports/store.js";
import { interceptStore } from "../support/intercept-store.js";
import { consoleConfig, startHarness } from "../support/harness.js";

/** A store whose every call takes a while, and which refuses calls once closed (as the SQLite one does). */
function slowStore() {
  const inner = new MemoryStore();
  const state = { delayMs: 0, closed: false };
  const store = interceptStore(
    inner,
    async (op, key) => {
      if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
      if (state.closed) throw new StoreError(`store is closed (${op} ${key})`, "closed");
    },
    { close: async () => void (state.closed = true) },
  );
  return Object.assign(state, { store, inner });
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
    const store = slowStore();
    const errors: string[] = [];
    const h = await startHarness(consoleConfig(verification), {
      store: store.store,
      logger: recordingLogger(errors),
    });
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
    const store = slowStore();
    const errors: string[] = [];
    const h = await startHarness(consoleConfig(verification), {
      store: store.store,
      logger: recordingLogger(errors),
    });
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
