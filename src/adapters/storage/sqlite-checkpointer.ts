import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * WAL checkpoints off the event loop. A checkpoint copies the WAL into the database file and syncs
 * both; run by SQLite's auto-checkpoint, it runs inside whichever commit crossed the threshold, and
 * that event waits the 20–30 ms it takes (in a 10,000-join wave, about 22 of them were half the core
 * time). Here a worker thread with a connection of its own runs a PASSIVE checkpoint every
 * `intervalMs`: it never blocks the bot's reads or writes, and the WAL is synced that often, so the
 * window a power cut can lose is about `intervalMs` instead of "since the last 4,000 pages".
 *
 * better-sqlite3 is synchronous and has no checkpoint hook, hence a thread. The worker's code is a
 * string (`eval`): it needs no file of its own, so it runs the same from the TypeScript sources (tsx)
 * and from the build. The main connection keeps an auto-checkpoint threshold as a backstop, for a
 * worker that falls behind (a reader holding an old snapshot) or could not start.
 */
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
let db;
try {
  db = new Database(workerData.path, { timeout: 1000 });
  db.pragma("synchronous = NORMAL");
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message || error) });
  process.exit(0);
}
const tick = () => {
  try {
    // Copies what no reader still needs; nothing is synced when nothing is left to copy.
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // SQLITE_BUSY or a locked file: the next tick tries again; the backstop covers a long outage.
  }
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearInterval(timer);
  try { db.close(); } catch {}
  parentPort.close();
});
`;

/** How long after the store opens the thread starts (a store open only for a moment never needs one). */
export const CHECKPOINT_THREAD_START_MS = 500;

export class WalCheckpointer {
  private worker: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** The thread starts a little after the store opens: a store open only for a moment never needs it. */
  private readonly starting: NodeJS.Timeout;

  constructor(
    private readonly path: string,
    private readonly intervalMs: number,
    private readonly onError: (message: string) => void,
    startAfterMs = CHECKPOINT_THREAD_START_MS,
  ) {
    this.starting = setTimeout(() => this.start(), startAfterMs).unref();
  }

  private start(): void {
    const module = createRequire(import.meta.url).resolve("better-sqlite3");
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { module, path: this.path, intervalMs: this.intervalMs },
    });
    // Never what keeps the process alive.
    worker.unref();
    worker.on("message", (m: { error?: string }) => {
      if (m.error) this.onError(m.error);
    });
    worker.on("error", (error) => this.onError(error.message));
    this.exited = new Promise((done) => worker.once("exit", () => done()));
    this.worker = worker;
  }

  /** Stops the worker once its checkpoint in progress (if any) is over; its connection is closed. */
  async stop(): Promise<void> {
    clearTimeout(this.starting);
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    worker.ref(); // waited for now: the process must not end while it closes
    worker.postMessage("stop");
    const timeout = new Promise<void>((done) => setTimeout(done, 2_000).unref());
    await Promise.race([this.exited, timeout]);
    await worker.terminate();
  }
}
