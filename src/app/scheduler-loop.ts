import type { Engine } from "../core/engine/engine.js";
import type { TimerStore } from "../core/engine/timers.js";
import type { Clock } from "../core/ports/clock.js";
import type { Logger } from "../core/ports/logger.js";

/** How often the loop looks for timers that other processes added. */
const MAX_SLEEP_MS = 30_000;

/**
 * Fires durable timers through the engine. On start it fires everything that came due while the bot was
 * down. `runDue()` is also what tests and `simulate` call after moving a fake clock.
 */
export class SchedulerLoop {
  private handle?: NodeJS.Timeout;
  private running = false;
  private stopped = true;

  constructor(
    private readonly engine: Engine,
    private readonly timers: TimerStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Fires every due timer once; returns how many fired. */
  async runDue(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let fired = 0;
    try {
      for (;;) {
        const due = await this.timers.due(this.clock.now());
        if (due.length === 0) break;
        for (const timer of due) {
          try {
            await this.engine.handle({ kind: "timer_fired", timer });
            fired++;
          } catch (error) {
            this.logger.error({ kind: timer.kind, err: String(error) }, "timer handler failed");
            await this.timers.cancel(timer.id);
          }
        }
      }
    } finally {
      this.running = false;
    }
    return fired;
  }

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.handle) clearTimeout(this.handle);
  }

  /** Wake up now (a timer was scheduled earlier than the current sleep). */
  poke(): void {
    if (this.stopped) return;
    if (this.handle) clearTimeout(this.handle);
    void this.tick();
  }

  private async tick(): Promise<void> {
    try {
      await this.runDue();
    } catch (error) {
      this.logger.error({ err: String(error) }, "scheduler pass failed");
    }
    if (this.stopped) return;
    const next = await this.timers.nextDue().catch(() => undefined);
    const sleep =
      next === undefined ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, Math.max(50, next - this.clock.now()));
    this.handle = setTimeout(() => void this.tick(), sleep);
    this.handle.unref();
  }
}
