import type { Engine } from "../core/engine/engine.js";
import type { TimerStore } from "../core/engine/timers.js";
import type { Clock, Instant } from "../core/ports/clock.js";
import type { Logger } from "../core/ports/logger.js";
import { noopObserver, type EngineObserver } from "../core/ports/observer.js";

/** How often the loop looks for timers that other processes added. */
const MAX_SLEEP_MS = 30_000;
/** The shortest sleep: a timer that stays due (its handler keeps failing to claim it) cannot spin the loop. */
const MIN_SLEEP_MS = 20;

/**
 * Fires durable timers through the engine. Its first pass lets the modules complete what a crash left
 * half-done (`Engine.recover`), then fires everything that came due while the bot was down. Between passes it sleeps until the next due timer (at most 30 s), and a timer stored in the
 * meantime that is due earlier wakes it (the TimerStore tells it), so a 3 s album settle fires after
 * 3 s, not at the next 30 s check. `runDue()` is also what tests and `simulate` call after moving a fake
 * clock.
 */
export class SchedulerLoop {
  private handle?: NodeJS.Timeout;
  /** When the current sleep ends; undefined while a pass runs and while stopped. */
  private sleepingUntil?: Instant;
  /** The earliest timer stored while a pass ran: the pass's own look at the index may have missed it. */
  private wantedAt?: Instant;
  private running = false;
  private recovered = false;
  private stopped = true;
  /** The pass in progress (a tick, or a `runDue` call), so `stop` can wait for it. */
  private current?: Promise<unknown>;
  private unsubscribe?: () => void;

  constructor(
    private readonly engine: Engine,
    private readonly timers: TimerStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Told how late each timer fires (fire time − due time). */
    private readonly observer: EngineObserver = noopObserver,
  ) {}

  /** Fires every due timer once; returns how many fired. */
  runDue(): Promise<number> {
    if (this.running) return Promise.resolve(0);
    this.running = true;
    const pass = this.fireDue().finally(() => {
      this.running = false;
    });
    this.current = pass;
    return pass;
  }

  private async fireDue(): Promise<number> {
    if (!this.recovered) {
      // The first pass first completes what an earlier run left half-done (holds in creation).
      this.recovered = true;
      await this.engine.recover().catch((error: unknown) => {
        this.logger.error({ err: String(error) }, "recovery at start failed");
      });
    }
    let fired = 0;
    for (;;) {
      const due = await this.timers.due(this.clock.now());
      if (due.length === 0) break;
      for (const timer of due) {
        this.observer.timerLag(Math.max(0, this.clock.now() - timer.at));
        try {
          await this.engine.handle({ kind: "timer_fired", timer });
          fired++;
        } catch (error) {
          this.logger.error({ kind: timer.kind, err: String(error) }, "timer handler failed");
          await this.timers.cancel(timer.id);
        }
      }
    }
    return fired;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.timers.onScheduled((at) => this.wake(at));
    this.current = this.tick();
  }

  /**
   * Stops the loop: no pass starts after this call. Resolves when the pass in progress (if any) has
   * finished, so the store can be closed after it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.sleepingUntil = undefined;
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    await this.current?.catch(() => undefined);
  }

  /** Wake up now (a timer was scheduled earlier than the current sleep). */
  poke(): void {
    this.wake(Number.NEGATIVE_INFINITY);
  }

  /** A timer due at `at` was stored: wake up if that is before the end of the current sleep. */
  private wake(at: Instant): void {
    if (this.stopped) return;
    if (this.sleepingUntil === undefined) {
      // A pass is running: it looks at the next due time when it ends and must not sleep past this one.
      this.wantedAt = this.wantedAt === undefined ? at : Math.min(this.wantedAt, at);
      return;
    }
    if (at >= this.sleepingUntil) return;
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    this.sleepingUntil = undefined;
    this.current = this.tick();
  }

  private async tick(): Promise<void> {
    this.sleepingUntil = undefined;
    this.wantedAt = undefined;
    try {
      await this.runDue();
    } catch (error) {
      this.logger.error({ err: String(error) }, "scheduler pass failed");
    }
    if (this.stopped) return;
    const stored = await this.timers.nextDue().catch(() => undefined);
    if (this.stopped) return;
    const next =
      stored === undefined ? this.wantedAt : Math.min(stored, this.wantedAt ?? Number.POSITIVE_INFINITY);
    const now = this.clock.now();
    const sleep =
      next === undefined ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, Math.max(MIN_SLEEP_MS, next - now));
    this.wantedAt = undefined;
    this.sleepingUntil = now + sleep;
    this.handle = setTimeout(() => {
      this.handle = undefined;
      this.current = this.tick();
    }, sleep);
    this.handle.unref();
  }
}
