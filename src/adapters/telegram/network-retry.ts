import { HttpError, type Transformer } from "grammy";
import { sleep } from "./polling.js";

export interface NetworkRetryOptions {
  /** Attempts in all, the first included (default 3). */
  attempts?: number;
  /** Wait before the second attempt, doubling after (default 1 s). */
  firstDelayMs?: number;
}

/**
 * Bounded retries of calls that never got an answer: a dropped connection, a refused one, a call that
 * timed out. @grammyjs/auto-retry retries those forever (its attempt limit counts 429 and 5xx only), so
 * one unreachable API kept an update, and every later update of its chat, waiting for good; here the
 * call fails after `attempts`, the decision is reported as failed (the mod-log hears of it) and the chat
 * moves on. The waits end when the call's signal aborts (a stop).
 */
export function networkRetry(options: NetworkRetryOptions = {}): Transformer {
  const attempts = options.attempts ?? 3;
  const first = options.firstDelayMs ?? 1_000;
  return async (prev, method, payload, signal) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        const aborted = (signal as AbortSignal | undefined)?.aborted === true;
        if (!(error instanceof HttpError) || aborted || attempt >= attempts) throw error;
        await sleep(
          first * 2 ** (attempt - 1),
          (signal as AbortSignal | undefined) ?? new AbortController().signal,
        );
      }
    }
  };
}
