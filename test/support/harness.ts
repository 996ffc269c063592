import { NodeSealer, nodeRandom } from "../../src/adapters/crypto/node-sealer.js";
import { ConsoleSession } from "../../src/adapters/console/session.js";
import { SimulatedWorld } from "../../src/adapters/console/world.js";
import { MemoryStore } from "../../src/adapters/storage/memory-store.js";
import { platformRuntime } from "../../src/app/platform-runtime.js";
import { createRuntime, type Runtime } from "../../src/app/runtime.js";
import { parseConfigText } from "../../src/config/load.js";
import type { Clock } from "../../src/core/ports/clock.js";
import type { Logger } from "../../src/core/ports/logger.js";
import type { EngineObserver } from "../../src/core/ports/observer.js";
import { silentLogger } from "../../src/core/ports/logger.js";
import type { KeyValueStore } from "../../src/core/ports/store.js";
import type { IdentityProvider } from "../../src/core/verification/identity-provider.js";
import { resolve } from "node:path";

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(public time = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export const TEST_SECRET = "test-secret-made-by-the-test-suite-0001";

export interface Harness {
  session: ConsoleSession;
  world: SimulatedWorld;
  clock: FakeClock;
  store: KeyValueStore;
  runtime: Runtime;
  /** Moves the clock and fires the timers that came due. */
  advance(ms: number): Promise<number>;
  /** Builds the engine again on the same store and world, as after a process restart. */
  restart(): Promise<void>;
}

/**
 * A whole bot on the console platform, with a fake clock and an in-memory store (or one you pass):
 * the real engine, modules, config parsing and simulated world. `config` is YAML; relative files
 * resolve against the repository root (so `config/news-domains.txt` works).
 */
export async function startHarness(
  config: string,
  options: {
    store?: KeyValueStore;
    clock?: FakeClock;
    logger?: Logger;
    secret?: string;
    identityProvider?: IdentityProvider;
    observer?: EngineObserver;
    /** As for Redis and PostgreSQL: other processes (harnesses) may share the store. */
    sharedStore?: boolean;
    /** The simulated platform, when another harness (a second process) uses it too. */
    world?: SimulatedWorld;
  } = {},
): Promise<Harness> {
  const loaded = parseConfigText(config, { baseDir: resolve(import.meta.dirname, "../..") });
  const store = options.store ?? new MemoryStore();
  const clock = options.clock ?? new FakeClock();
  const build = () =>
    createRuntime({
      settings: loaded.core,
      store,
      clock,
      sealer: new NodeSealer(options.secret ?? TEST_SECRET),
      random: nodeRandom,
      logger: options.logger ?? silentLogger,
      defaultLanguage: loaded.raw.language,
      identityProvider: options.identityProvider,
      observer: options.observer,
      sharedStore: options.sharedStore,
    });
  const world = options.world ?? new SimulatedWorld();
  const harness: Harness = {
    runtime: await build(),
    world,
    clock,
    store,
    session: undefined as unknown as ConsoleSession,
    async advance(ms) {
      clock.advance(ms);
      return harness.runtime.scheduler.runDue();
    },
    async restart() {
      harness.runtime.scheduler.stop();
      harness.runtime = await build();
      harness.session.replaceRuntime(platformRuntime(harness.runtime));
    },
  };
  harness.session = new ConsoleSession(platformRuntime(harness.runtime), world);
  return harness;
}

/** A minimal one-community config on the console platform; `extra` is YAML indented under the community. */
export function consoleConfig(extra = "", top = "", extraChats: readonly string[] = []): string {
  return `${top}
communities:
  - id: demo
    name: Demo
    admins: ["console:admin"]
    review_chat: "console:review"
    modlog_chat: "console:modlog"
    chats:
      - id: "console:lobby"
      - id: "console:second"
${extraChats.map((chat) => `      - id: "${chat}"\n`).join("")}${extra
    .split("\n")
    .map((l) => (l ? `    ${l}` : l))
    .join("\n")}
`;
}
