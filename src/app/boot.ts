import { dirname, resolve } from "node:path";
import type { DestinationStream } from "pino";
import { NodeSealer, nodeRandom } from "../adapters/crypto/node-sealer.js";
import { createHttpIdentityProvider } from "../adapters/identity/http-identity-provider.js";
import { createPinoLogger } from "../adapters/logging/pino-logger.js";
import { lockDataDir } from "../adapters/storage/dir-lock.js";
import { openStore, sqlitePath } from "../adapters/storage/open-store.js";
import type { Environment } from "../config/environment.js";
import {
  createSecretFile,
  missingSecretMessage,
  readSecret,
  SecretError,
  storesWithData,
} from "../config/secret.js";
import type { LoadedConfig } from "../config/load.js";
import type { Clock } from "../core/ports/clock.js";
import type { Logger } from "../core/ports/logger.js";
import type { KeyValueStore } from "../core/ports/store.js";
import { createMonitoring, type Monitoring } from "./monitoring.js";
import { createRuntime, hasFingerprint, type Runtime } from "./runtime.js";

export const systemClock: Clock = { now: () => Date.now() };

export interface BootOptions {
  config: LoadedConfig;
  env: Environment;
  clock?: Clock;
  /** Override the configured store (the playground keeps its own file; simulate uses memory). */
  storage?: { url: string };
  logDestination?: DestinationStream;
  /** Told where the secret came from ("created" on first run). */
  onSecret?: (info: { source: string; file?: string }) => void;
}

export interface Booted {
  runtime: Runtime;
  store: KeyValueStore;
  logger: Logger;
  /** Builds the runtime again on the same store (used by `restart` in transcripts). */
  rebuild(): Promise<Runtime>;
  /** Metrics and health, when `metrics.port` is configured (`start` serves them). */
  monitoring?: Monitoring;
}

/** Opens the store, reads the secret (creating one only for a store that holds no data), builds the runtime. */
export async function boot(options: BootOptions): Promise<Booted> {
  const { config, env } = options;
  const dataDir = resolve(config.raw.data_dir);
  const logger = createPinoLogger({
    level: env.logLevel ?? config.raw.log.level,
    destination: options.logDestination,
  });
  // A bad CHATWARDEN_SECRET or secret file is refused before anything is opened.
  let secret = readSecret(env, dataDir);
  const url = options.storage?.url ?? env.storageUrl ?? config.raw.storage.url;
  const clock = options.clock ?? systemClock;
  // Looked at before our own store's file exists: SQLite files left in the data dir by earlier runs.
  const own = url.startsWith("sqlite://") ? sqlitePath(url) : undefined;
  const otherStores = secret ? [] : storesWithData(dataDir).filter((file) => file !== own);
  // One process per SQLite store (Redis and PostgreSQL are made for several): taken before opening it.
  const lock = url.startsWith("sqlite://") ? lockDataDir(dirname(sqlitePath(url))) : undefined;
  let store: KeyValueStore;
  try {
    store = await openStore(url, {
      now: () => clock.now(),
      cacheEntries: config.raw.storage.cache_entries,
      // Only this process writes a SQLite file it holds the data-dir lock of: it may cache what it reads.
      exclusive: lock !== undefined,
      onBackendError: (error) => logger.warn({ err: error.message }, "storage connection error (recovering)"),
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  try {
    if (!secret) {
      // Never a new key next to data sealed with the old one: the data would be unreadable for good.
      if ((await hasFingerprint(store)) || (await holdsData(store)))
        throw new SecretError(missingSecretMessage(dataDir, storeName(url)));
      const [other] = otherStores;
      if (other) throw new SecretError(missingSecretMessage(dataDir, other));
      secret = createSecretFile(dataDir);
    }
    options.onSecret?.({ source: secret.source, file: secret.file });
    const key = secret.secret;
    const monitoring = config.raw.metrics
      ? createMonitoring({ settings: config.core, store, clock })
      : undefined;
    const build = () =>
      createRuntime({
        settings: config.core,
        store,
        clock,
        sealer: new NodeSealer(key),
        random: nodeRandom,
        logger,
        defaultLanguage: config.raw.language,
        identityProvider: createHttpIdentityProvider({ token: (name) => env.variable?.(name) }),
        observer: monitoring?.observer,
        // Redis and PostgreSQL: other processes may run on the same store.
        sharedStore: lock === undefined && !url.startsWith("memory:"),
      });
    return { runtime: await build(), store, logger, rebuild: build, monitoring };
  } catch (error) {
    await store.close();
    lock?.release();
    throw error;
  }
}

async function holdsData(store: KeyValueStore): Promise<boolean> {
  for await (const record of store.dump()) return record !== undefined;
  return false;
}

/** The store as the user knows it: the SQLite file, or the URL without its password. */
function storeName(url: string): string {
  return url.startsWith("sqlite://") ? sqlitePath(url) : url.replace(/\/\/[^@/]*@/, "//");
}

/** Real time plus an offset that `wait` moves: lets the playground jump ahead. */
export class OffsetClock implements Clock {
  private offset = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): number {
    return this.base.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}
