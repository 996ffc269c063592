import type { Update } from "grammy/types";
import type { Logger } from "../../core/ports/logger.js";
import type { KeyValueStore } from "../../core/ports/store.js";
import { chatOfUpdate } from "./translate.js";

/** Telegram keeps an unconfirmed update for 24 hours; remembering handled ids for 3 days covers that. */
export const HANDLED_TTL_MS = 3 * 86_400_000;

/** Store key that marks one update of one bot as handled (update ids count per bot). */
export const handledKey = (botId: number, updateId: number) => `telegram:handled:${botId}:${updateId}`;

/**
 * How an update left the intake: `handled` (its decisions are carried out and recorded, and it is marked
 * handled in the store), `duplicate` (marked handled earlier: dropped), `abandoned` (a stop ran out of
 * time while it was handled: not marked, so Telegram delivers it again after the restart).
 */
export type Finish = "handled" | "duplicate" | "abandoned";

export interface IntakeOptions {
  /** Handles one update completely: translation, the engine, the decisions and their outcomes. */
  handle(update: Update): Promise<void>;
  store: KeyValueStore;
  botId(): number;
  logger: Logger;
  /** Aborted when a stop gives up waiting: what is handled then is not marked. */
  abandon: AbortSignal;
  ttlMs?: number;
}

/**
 * The one door Telegram updates come in through, for polling and webhook alike.
 *
 * At-least-once with idempotent handling: an update counts as done only after `handle` returned and its
 * id is stored as handled; the caller confirms it to Telegram (advances the offset, answers the webhook)
 * only then. A kill at any moment before leaves it unconfirmed, so Telegram delivers it again, and an
 * update delivered again after it was marked is dropped here. Updates of one chat run one after another
 * in arrival order; different chats run concurrently. An update that is submitted again while it runs
 * shares the running promise (a webhook retried by Telegram is handled once).
 *
 * A handler that throws is logged and still marked handled: a poison update must not block its chat and
 * the offset forever.
 */
export class UpdateIntake {
  private readonly running = new Map<number, Promise<Finish>>();
  private readonly chains = new Map<string, Promise<Finish>>();
  private waiters: (() => void)[] = [];

  constructor(private readonly options: IntakeOptions) {}

  /** Updates submitted and not finished yet. */
  get size(): number {
    return this.running.size;
  }

  submit(update: Update): Promise<Finish> {
    const id = update.update_id;
    const running = this.running.get(id);
    if (running) return running;
    const chat = chatOfUpdate(update);
    const key = chat === undefined ? `update:${id}` : `chat:${chat}`;
    const run = () => this.process(update);
    const done = (this.chains.get(key) ?? Promise.resolve<Finish>("handled")).then(run, run);
    this.chains.set(key, done);
    this.running.set(id, done);
    void done.then(() => {
      this.running.delete(id);
      if (this.chains.get(key) === done) this.chains.delete(key);
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
    return done;
  }

  /**
   * Forgets the handled marks of updates Telegram has confirmed (an offset passed them): it never
   * delivers those again, so the store keeps marks only for the few updates around the offset.
   */
  async forget(updateIds: readonly number[]): Promise<void> {
    const botId = this.options.botId();
    for (const id of updateIds) {
      try {
        await this.options.store.delete(handledKey(botId, id));
      } catch (error) {
        this.options.logger.debug({ update: id, err: String(error) }, "could not forget a handled mark");
      }
    }
  }

  /** Resolves when any running update finishes. */
  nextFinish(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Waits until nothing runs, at most `ms`; true when everything finished. */
  async settle(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running.values()]),
        new Promise((resolve) => (timer = setTimeout(resolve, left))),
      ]);
      clearTimeout(timer);
    }
    return true;
  }

  private async process(update: Update): Promise<Finish> {
    try {
      return await this.attempt(update);
    } catch (error) {
      this.options.logger.error(
        { update: update.update_id, err: String(error) },
        "Telegram update intake failed",
      );
      return "handled";
    }
  }

  private async attempt(update: Update): Promise<Finish> {
    const { store, logger, abandon } = this.options;
    if (abandon.aborted) return "abandoned";
    const key = handledKey(this.options.botId(), update.update_id);
    try {
      if ((await store.get(key)) !== undefined) {
        logger.debug({ update: update.update_id }, "dropped an update that was handled before");
        return "duplicate";
      }
    } catch (error) {
      // Unknown whether it was handled: handle it (at least once) rather than lose it.
      logger.warn(
        { update: update.update_id, err: String(error) },
        "could not check whether an update was handled",
      );
    }
    try {
      await this.options.handle(update);
    } catch (error) {
      if (abandon.aborted) return "abandoned";
      logger.error({ update: update.update_id, err: String(error) }, "Telegram update handling failed");
    }
    if (abandon.aborted) return "abandoned";
    try {
      await store.set(key, 1, this.options.ttlMs ?? HANDLED_TTL_MS);
    } catch (error) {
      logger.error(
        { update: update.update_id, err: String(error) },
        "could not record an update as handled: it may be handled again after a restart",
      );
    }
    return "handled";
  }
}
