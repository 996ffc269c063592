import { GrammyError, HttpError, type Api } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "../../core/ports/logger.js";
import { withSignal } from "./signals.js";
import { sleep } from "./polling.js";

export const DEFAULT_API_ROOT = "https://api.telegram.org";

/** How long the start may take before it gives up (getMe, retries included). */
export const DEFAULT_START_TIMEOUT_MS = 30_000;
/** One getMe attempt waits at most this long for an answer (less with a short start timeout). */
const ATTEMPT_MS = 10_000;
/** No point in an attempt shorter than this: the start fails instead. */
const MIN_ATTEMPT_MS = 500;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** grammY types its signals with the abort-controller shim; Node's own AbortSignal is what it gets. */
export type ApiSignal = NonNullable<Parameters<Api["getMe"]>[0]>;
export const apiSignal = (signal: AbortSignal): ApiSignal => signal as unknown as ApiSignal;

/** The start was stopped (SIGTERM, Ctrl+C) before it finished: not a failure. */
export class StartAborted extends Error {
  override readonly name = "StartAborted";
  constructor() {
    super("the Telegram start was stopped");
  }
}

/** Why the bot could not start, in words an operator can act on (never with the token in it). */
export function startFailure(error: unknown, apiRoot: string | undefined): Error {
  const where = apiRoot ?? DEFAULT_API_ROOT;
  if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404))
    return new Error(
      `Telegram did not accept TELEGRAM_BOT_TOKEN (${error.error_code} ${error.description}): copy the token from @BotFather again${apiRoot ? `, and check TELEGRAM_API_ROOT (${apiRoot})` : ""}.`,
    );
  if (error instanceof HttpError)
    return new Error(`Cannot reach the Telegram Bot API at ${where}: ${reasonOf(error, "")}`);
  return error instanceof Error ? error : new Error(String(error));
}

/** A network failure in a few words, without the request URL (it holds the token). */
export function reasonOf(error: unknown, token: string): string {
  const inner = error instanceof HttpError ? error.error : error;
  const cause = (inner as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = (inner as { code?: unknown } | undefined)?.code ?? cause?.code;
  let text: string;
  if (error instanceof GrammyError) text = `${error.error_code} ${error.description}`;
  else if (typeof code === "string") text = code;
  else if (inner instanceof Error && inner.name === "AbortError") text = "no answer";
  else text = inner instanceof Error ? inner.message : String(inner);
  return token ? text.split(token).join("<token>") : text;
}

export interface ConnectOptions {
  /** An Api without auto-retry: each attempt is ours, with a log line. */
  api: Api;
  token: string;
  apiRoot: string | undefined;
  timeoutMs: number;
  signal: AbortSignal;
  logger: Logger;
}

/**
 * getMe, retried with a log line per failure until `timeoutMs` has passed. A refused token fails at once;
 * an unreachable or silent server fails after the timeout with an error naming the API root and what was
 * tried. Aborting `signal` (a stop) ends it at once with `StartAborted`.
 */
export async function connect(options: ConnectOptions): Promise<UserFromGetMe> {
  const { api, signal, logger } = options;
  const where = options.apiRoot ?? DEFAULT_API_ROOT;
  const deadline = Date.now() + options.timeoutMs;
  let attempts = 0;
  let last = "";
  let backoff = 1_000;
  for (;;) {
    if (signal.aborted) throw new StartAborted();
    const left = deadline - Date.now();
    // Several attempts fit in the timeout: a server that hangs once may answer the next connection.
    const attemptMs = Math.round(Math.min(ATTEMPT_MS, Math.max(1_000, options.timeoutMs / 3), left));
    attempts++;
    try {
      return await withSignal([signal], attemptMs, (sig) => api.getMe(apiSignal(sig)));
    } catch (error) {
      if (signal.aborted) throw new StartAborted();
      if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404))
        throw startFailure(error, options.apiRoot);
      last = reasonOf(error, options.token);
      if (last === "no answer") last = `no answer within ${seconds(attemptMs)}`;
    }
    const wait = Math.min(backoff, deadline - Date.now());
    if (deadline - Date.now() - wait < MIN_ATTEMPT_MS)
      throw new Error(
        `Cannot reach the Telegram Bot API at ${where}: getMe failed ${attempts} time${attempts === 1 ? "" : "s"} in ${seconds(options.timeoutMs)} (last: ${last}). Check TELEGRAM_API_ROOT and the network, or raise telegram.start_timeout.`,
      );
    logger.warn(
      { apiRoot: where, attempt: attempts, err: last, retryInMs: wait },
      "Telegram Bot API did not answer getMe: retrying",
    );
    await sleep(wait, signal);
    backoff = Math.min(backoff * 2, 8_000);
  }
}

/** Runs `work` with a signal that aborts on `signal` or after the time left until `deadline`. */
export async function beforeDeadline<T>(
  what: string,
  where: string,
  deadline: number,
  signal: AbortSignal,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  let expired = () => false;
  try {
    return await withSignal([signal], Math.max(1, deadline - Date.now()), (sig, timedOut) => {
      expired = timedOut;
      return work(sig);
    });
  } catch (error) {
    if (signal.aborted) throw new StartAborted();
    if (expired())
      throw new Error(
        `The Telegram Bot API at ${where} did not answer ${what} in time. Check TELEGRAM_API_ROOT and the network, or raise telegram.start_timeout.`,
      );
    throw error;
  }
}
