import type { DecisionExecutor } from "../decisions.js";
import type { Handled } from "../engine/engine.js";
import type { CommandSpec } from "../engine/module.js";
import type { CoreEvent } from "../events.js";
import type { AccountKey, Platform } from "../ids.js";
import type { Language } from "../i18n/translator.js";
import type { CommunitySettings } from "../settings/community.js";
import type { HealthReporter } from "./health.js";
import type { Logger } from "./logger.js";
import type { MemberLookup } from "./members.js";
import type { KeyValueStore } from "./store.js";

/**
 * What a platform adapter sees of the running bot: all it needs to turn platform updates into events
 * and to carry out the decisions that come back. Adapters depend on this port, never on the
 * composition root (src/app), so a new platform plugs in without reaching into the runtime.
 */
export interface PlatformRuntime {
  /** Hands one event to the engine; resolves once its decisions are carried out and recorded. */
  handle(event: CoreEvent): Promise<Handled>;
  /** Attaches the executor that carries out this platform's decisions. */
  setExecutor(platform: Platform, executor: DecisionExecutor): void;
  /** Every command, for the platform's command menus. */
  commands(): readonly CommandSpec[];
  /** The configured communities: which chats (and review / mod-log chats) are the bot's. */
  readonly communities: readonly CommunitySettings[];
  /** For the adapter's own small state (e.g. which rights notice a chat got); prefix keys with the platform. */
  readonly store: KeyValueStore;
  /** The members the bot has seen, to resolve mentions (`@alice`) into accounts. */
  readonly members: MemberLookup;
  /** The language the bot uses with a member (their choice, the platform's report, their community's). */
  languageOf(account: AccountKey): Promise<Language>;
}

/**
 * A platform adapter as the composition root starts it. `Settings` are the adapter's own (token,
 * mode, ...): the composition root reads them from the config and the environment, never the adapter.
 */
export interface PlatformStarter<Settings> {
  readonly name: Platform;
  /** Starts the adapter; resolves to the function that stops it. */
  start(parts: {
    runtime: PlatformRuntime;
    settings: Settings;
    logger: Logger;
    /** Aborted on SIGTERM / SIGINT: a start in progress gives up at once (and throws). */
    signal?: AbortSignal;
    /** Where the adapter reports whether its connection works (`/healthz`). */
    health?: HealthReporter;
  }): Promise<() => Promise<void>>;
}
