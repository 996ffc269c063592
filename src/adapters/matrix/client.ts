import {
  LogLevel,
  LogService,
  MatrixClient,
  MatrixError,
  type IFilterInfo,
  type IStorageProvider,
} from "matrix-bot-sdk";
import type { Logger } from "../../core/ports/logger.js";
import type { KeyValueStore } from "../../core/ports/store.js";

/**
 * matrix-bot-sdk's storage (sync token, filter, its small key/value needs) kept in our own store, so the
 * bot writes no files of its own: the SDK has no SQLite/Redis/PostgreSQL provider, and its JSON-file one
 * would be a second place for state. Keys are `<prefix>sync`, `<prefix>filter`, `<prefix>kv:<key>`.
 */
export class StoreStorageProvider implements IStorageProvider {
  constructor(
    private readonly store: KeyValueStore,
    private readonly prefix = "matrix:sdk:",
  ) {}

  async setSyncToken(token: string | null): Promise<void> {
    if (token === null) await this.store.delete(`${this.prefix}sync`);
    else await this.store.set(`${this.prefix}sync`, token);
  }

  async getSyncToken(): Promise<string | null> {
    return (await this.store.get<string>(`${this.prefix}sync`)) ?? null;
  }

  async setFilter(filter: IFilterInfo): Promise<void> {
    await this.store.set(`${this.prefix}filter`, filter);
  }

  async getFilter(): Promise<IFilterInfo> {
    // The SDK reads a missing filter as null (its own providers return null too).
    return (await this.store.get<IFilterInfo>(`${this.prefix}filter`)) ?? (null as unknown as IFilterInfo);
  }

  async storeValue(key: string, value: string): Promise<void> {
    await this.store.set(`${this.prefix}kv:${key}`, value);
  }

  async readValue(key: string): Promise<string | null | undefined> {
    return this.store.get<string>(`${this.prefix}kv:${key}`);
  }
}

export interface RateLimitRetry {
  /** Tries per request, the first included (default 5). */
  maxAttempts?: number;
  /** A wait the homeserver asks for beyond this fails at once as rate limited (default 30 s). */
  maxWaitMs?: number;
  /** Waits this long (inject a fake in tests). */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A MatrixClient whose every request (the SDK funnels them all through `doRequest`) waits out
 * `M_LIMIT_EXCEEDED` for the `retry_after_ms` the homeserver names and tries again: the SDK itself does
 * not. A wait longer than `maxWaitMs`, or more than `maxAttempts` tries, throws the last error (reported
 * as `rate_limited`, retryable).
 */
export class RetryingMatrixClient extends MatrixClient {
  private readonly maxAttempts: number;
  private readonly maxWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    homeserverUrl: string,
    accessToken: string,
    storage: IStorageProvider,
    retry: RateLimitRetry = {},
  ) {
    super(homeserverUrl, accessToken, storage);
    this.maxAttempts = retry.maxAttempts ?? 5;
    this.maxWaitMs = retry.maxWaitMs ?? 30_000;
    this.sleep = retry.sleep ?? realSleep;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK types every answer as any
  override async doRequest(...args: Parameters<MatrixClient["doRequest"]>): Promise<any> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await super.doRequest(...args);
      } catch (error) {
        if (!(error instanceof MatrixError) || error.errcode !== "M_LIMIT_EXCEEDED") throw error;
        const wait = error.retryAfterMs ?? 1_000;
        if (attempt >= this.maxAttempts || wait > this.maxWaitMs) throw error;
        await this.sleep(wait);
      }
    }
  }
}

/**
 * A matrix-bot-sdk client for the bot's account, keeping its sync state in `store` under `storagePrefix`
 * (give each bot account its own prefix, e.g. `matrix:sdk:@bot:example.org:`).
 */
export function createMatrixClient(
  homeserverUrl: string,
  accessToken: string,
  store: KeyValueStore,
  options: { storagePrefix?: string; retry?: RateLimitRetry } = {},
): RetryingMatrixClient {
  return new RetryingMatrixClient(
    homeserverUrl.replace(/\/+$/, ""),
    accessToken,
    new StoreStorageProvider(store, options.storagePrefix),
    options.retry,
  );
}

/**
 * Routes the SDK's global log (LogService) into our logger, quietly: the SDK logs every refused request
 * as an error (an expected 403 while probing power levels, a 404 for a redacted event), and the executor
 * reports failures as outcomes anyway. So the SDK's request errors (`MatrixHttpClient`) and warnings become
 * debug lines and its info and below are dropped; its other errors (a failing sync loop: the homeserver
 * is down or the token was revoked) stay warnings. The SDK's logger is process-wide: the last call wins.
 */
export function quietMatrixLogging(logger: Logger): void {
  const log =
    (level: "debug" | "warn") =>
    (module: string, ...parts: unknown[]) =>
      logger[level]({ module, detail: parts.map(describe).join(" ").slice(0, 500) }, "matrix-bot-sdk");
  LogService.setLogger({
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: log("debug"),
    error: (module: string, ...parts: unknown[]) =>
      log(module === "MatrixHttpClient" ? "debug" : "warn")(module, ...parts),
  });
  LogService.setLevel(LogLevel.WARN);
}

function describe(part: unknown): string {
  if (part instanceof Error) return part.message;
  if (typeof part === "string") return part;
  try {
    return JSON.stringify(part);
  } catch {
    return String(part);
  }
}
