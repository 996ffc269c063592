import type { DecisionExecutor } from "../core/decisions.js";
import type { Platform } from "../core/ids.js";
import type { Clock } from "../core/ports/clock.js";
import type { RandomSource, Sealer } from "../core/ports/crypto.js";
import type { Logger } from "../core/ports/logger.js";
import type { EngineObserver } from "../core/ports/observer.js";
import type { KeyValueStore } from "../core/ports/store.js";
import { groupedView } from "../core/ports/store.js";
import type { CoreSettings } from "../core/settings/community.js";
import type { Language } from "../core/i18n/translator.js";
import type { IdentityProvider } from "../core/verification/identity-provider.js";
import { AccessService } from "../core/engine/access.js";
import { CaseLog } from "../core/engine/cases.js";
import type { Services } from "../core/engine/context.js";
import { CommunityDirectory } from "../core/engine/directory.js";
import { Engine } from "../core/engine/engine.js";
import { MemberRegistry } from "../core/engine/members.js";
import { RunLeases } from "../core/engine/runs.js";
import { TimerStore } from "../core/engine/timers.js";
import { SecretMismatchError } from "../adapters/crypto/node-sealer.js";
import { upgradeIdentityRecords } from "../core/verification/upgrade.js";
import { createModules } from "./modules.js";
import { SchedulerLoop } from "./scheduler-loop.js";

export interface RuntimeParts {
  settings: CoreSettings;
  store: KeyValueStore;
  clock: Clock;
  sealer: Sealer;
  random: RandomSource;
  logger: Logger;
  executors?: Partial<Record<Platform, DecisionExecutor>>;
  defaultLanguage?: Language;
  /** The communities' identity providers (verification method "external"); without it, admins are told. */
  identityProvider?: IdentityProvider;
  /** Metrics (src/adapters/metrics); absent: nothing is measured. */
  observer?: EngineObserver;
  /**
   * Other bot processes may use the store at the same time (Redis, PostgreSQL): their runs' marks
   * (`registerInstance`) then tell their work in progress from what a dead run left half-done.
   */
  sharedStore?: boolean;
}

export interface Runtime {
  engine: Engine;
  /**
   * The engine's services. Their store is the grouped view where the store offers one (SQLite as its
   * file's one process): writes made while an event is handled are committed at the engine's durability
   * points (before each platform action, at the end of the event).
   */
  services: Services;
  /** The store itself, for adapters: each write is durable when its call returns. */
  store: KeyValueStore;
  scheduler: SchedulerLoop;
  close(): Promise<void>;
}

const FINGERPRINT_KEY = "meta:key-fingerprint";

/**
 * The composition root: wires the ports to the engine and the modules. Platform adapters attach their
 * executors with `engine.setExecutor` and feed events to `engine.handle`.
 */
export async function createRuntime(parts: RuntimeParts): Promise<Runtime> {
  await checkSecret(parts.store, parts.sealer);
  const store = groupedView(parts.store);
  const timers = new TimerStore(store);
  const repaired = await timers.repair();
  if (repaired > 0) parts.logger.info({ repaired }, "timer index repaired");
  const upgraded = await upgradeIdentityRecords(parts.store);
  if (upgraded > 0) parts.logger.info({ upgraded }, "identity records rewritten in the compact form");
  const directory = new CommunityDirectory(parts.settings);
  const base = {
    runId: parts.random.id(),
    runs: new RunLeases(parts.store, parts.sharedStore ?? false),
    store,
    sealer: parts.sealer,
    random: parts.random,
    logger: parts.logger,
    directory,
    members: new MemberRegistry(store),
    access: new AccessService(store),
    cases: new CaseLog(store),
    timers,
    ...(parts.observer ? { observer: parts.observer } : {}),
  };
  const { modules, identities, violations } = createModules(base, {
    identityProvider: parts.identityProvider,
  });
  const services: Services = { ...base, identities, violations };
  const engine = new Engine({
    services,
    clock: parts.clock,
    modules,
    executors: parts.executors ?? {},
    defaultLanguage: parts.defaultLanguage,
  });
  const scheduler = new SchedulerLoop(engine, services.timers, parts.clock, parts.logger, parts.observer);
  return {
    engine,
    services,
    store: parts.store,
    scheduler,
    /** Stops the scheduler, lets the timer pass and the events in progress finish, then closes the store. */
    async close() {
      await scheduler.stop();
      await engine.idle();
      await parts.store.close();
    },
  };
}

/** True when the store was written with some key before (it keeps that key's fingerprint). */
export async function hasFingerprint(store: KeyValueStore): Promise<boolean> {
  return (await store.get<string>(FINGERPRINT_KEY)) !== undefined;
}

/**
 * Detects a missing or changed CHATWARDEN_SECRET before any sealed data is read: the store keeps a
 * fingerprint derived from the key, and a different key is a clear error instead of garbage later.
 */
export async function checkSecret(store: KeyValueStore, sealer: Sealer): Promise<void> {
  const expected = sealer.fingerprint();
  const stored = await store.get<string>(FINGERPRINT_KEY);
  if (stored === undefined) {
    await store.set(FINGERPRINT_KEY, expected);
    return;
  }
  if (stored !== expected) {
    throw new SecretMismatchError(
      "the key material does not match the data in the store: CHATWARDEN_SECRET is missing or different from the one " +
        "this data was written with. Set the original CHATWARDEN_SECRET (or restore data/secret.key); chatwarden will not " +
        "start with a key that cannot read the stored identities.",
    );
  }
}
