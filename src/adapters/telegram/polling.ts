import type { Update } from "grammy/types";
import type { Logger } from "../../core/ports/logger.js";
import type { UpdateIntake } from "./intake.js";

export type UpdateKind = Exclude<keyof Update, "update_id">;

export interface GetUpdatesArgs {
  offset?: number;
  limit: number;
  timeout: number;
  allowed_updates: UpdateKind[];
}

export interface PollingOptions {
  /** One getUpdates call (no retries of its own: the loop retries, with a log line each time). */
  getUpdates(args: GetUpdatesArgs, signal: AbortSignal): Promise<Update[]>;
  intake: UpdateIntake;
  allowedUpdates: readonly UpdateKind[];
  /** Long-polling timeout in seconds while nothing is in flight. */
  timeoutSeconds: number;
  logger: Logger;
  /** Where the API is, for log lines. */
  apiRoot: string;
  /** While updates are in flight and nothing new came: poll again after this long at the latest. */
  busyPollMs?: number;
  /** Waits between failed polls: first, doubling up to max. */
  backoffMs?: { first: number; max: number };
  /** Told the connection is down after DOWN_AFTER failed polls in a row, and up again at the next success. */
  onHealth?(up: boolean, detail?: string): void;
}

/** Failed polls in a row before the connection counts as down (one failure is routine). */
export const DOWN_AFTER = 3;

/** Waits `ms`, or less when `signal` aborts (never rejects): stopping never waits out a pause. */
export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });

/**
 * Long polling that confirms an update only once it is handled.
 *
 * Telegram forgets every update below the `offset` of a getUpdates call. @grammyjs/runner advances the
 * offset as soon as it has fetched a batch, so a crash loses what it fetched and had not handled yet.
 * Here the offset is the lowest update id still in flight (or one past the highest seen when nothing is):
 * it never passes an update that is not finished, so Telegram delivers those again after a crash. The
 * price: while updates are in flight, each poll returns them again; the loop skips the ones it already
 * has and, when nothing new came, waits for one to finish (or `busyPollMs`) before polling again. With
 * 100 updates (the getUpdates limit) in flight behind one slow chat, new updates wait for that chat.
 */
export class PollingLoop {
  private offset: number | undefined;
  private highest = 0;
  private readonly inFlight = new Set<number>();
  /** Finished in this process at or above the offset (Telegram still returns them). */
  private readonly finished = new Set<number>();
  /** Finished and below the offset: confirmed by the next successful getUpdates. */
  private confirming: number[] = [];

  constructor(private readonly options: PollingOptions) {}

  /** Polls until `signal` is aborted; never throws. */
  async run(signal: AbortSignal): Promise<void> {
    const { intake, logger } = this.options;
    const backoff = this.options.backoffMs ?? { first: 1_000, max: 30_000 };
    let failures = 0;
    while (!signal.aborted) {
      let batch: Update[];
      const offset = this.offset;
      try {
        batch = await this.options.getUpdates(
          {
            ...(offset !== undefined ? { offset } : {}),
            limit: 100,
            timeout: this.inFlight.size > 0 ? 0 : this.options.timeoutSeconds,
            allowed_updates: [...this.options.allowedUpdates],
          },
          signal,
        );
      } catch (error) {
        if (signal.aborted) return;
        failures++;
        const wait = Math.min(backoff.max, backoff.first * 2 ** (failures - 1));
        logger.warn(
          { apiRoot: this.options.apiRoot, attempt: failures, retryInMs: wait, err: String(error) },
          "getUpdates failed: retrying",
        );
        if (failures === DOWN_AFTER) this.options.onHealth?.(false, `getUpdates failed ${failures} times`);
        await sleep(wait, signal);
        continue;
      }
      if (failures >= DOWN_AFTER) this.options.onHealth?.(true);
      if (failures > 0) logger.info({ attempts: failures + 1 }, "getUpdates works again");
      failures = 0;
      if (offset !== undefined) await this.forgetConfirmed(offset);
      let fresh = 0;
      for (const update of batch) {
        const id = update.update_id;
        // In flight, or finished: also those below the offset (a poll sent before they finished).
        if (this.inFlight.has(id) || this.finished.has(id)) continue;
        if (this.offset !== undefined && id < this.offset) continue;
        fresh++;
        this.inFlight.add(id);
        this.highest = Math.max(this.highest, id);
        void intake.submit(update).then((finish) => {
          // An abandoned update stays "in flight": the offset never passes it, Telegram keeps it.
          if (finish === "abandoned") return;
          this.inFlight.delete(id);
          this.finished.add(id);
          this.advance();
        });
      }
      if (fresh === 0 && this.inFlight.size > 0)
        await Promise.race([intake.nextFinish(), sleep(this.options.busyPollMs ?? 1_000, signal)]);
    }
  }

  private advance(): void {
    let lowest = this.highest + 1;
    for (const id of this.inFlight) lowest = Math.min(lowest, id);
    this.offset = lowest;
    for (const id of this.finished)
      if (id < lowest) {
        this.finished.delete(id);
        this.confirming.push(id);
      }
  }

  /** Telegram has forgotten every update below `offset`: so may the store. */
  private async forgetConfirmed(offset: number): Promise<void> {
    const confirmed = this.confirming.filter((id) => id < offset);
    if (confirmed.length === 0) return;
    this.confirming = this.confirming.filter((id) => id >= offset);
    await this.options.intake.forget(confirmed);
  }
}
