import { resolve } from "node:path";
import { NodeSealer, nodeRandom } from "../../../src/adapters/crypto/node-sealer.js";
import { ConsoleSession } from "../../../src/adapters/console/session.js";
import { SimulatedWorld } from "../../../src/adapters/console/world.js";
import { createMemoryStore } from "../../../src/adapters/storage/keyv-store.js";
import { createRuntime } from "../../../src/app/runtime.js";
import { parseConfigText } from "../../../src/config/load.js";
import type { Logger } from "../../../src/core/ports/logger.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import type { KeyValueStore } from "../../../src/core/ports/store.js";
import type { IdentityProvider } from "../../../src/core/verification/identity-provider.js";
import { cnResidentCheckChar } from "../../../src/core/verification/id-validators.js";
import { FakeClock, TEST_SECRET, consoleConfig, type Harness } from "../../support/harness.js";

export { consoleConfig };

/** The test harness with an identity provider (the shared one has no slot for it). */
export async function startVerification(
  config: string,
  options: {
    store?: KeyValueStore;
    logger?: Logger;
    identityProvider?: IdentityProvider;
    secret?: string;
  } = {},
): Promise<Harness> {
  const loaded = parseConfigText(config, { baseDir: resolve(import.meta.dirname, "../../..") });
  const store = options.store ?? createMemoryStore();
  const clock = new FakeClock();
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
    });
  const world = new SimulatedWorld();
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
      harness.session.replaceRuntime(harness.runtime);
    },
  };
  harness.session = new ConsoleSession(harness.runtime, world);
  return harness;
}

/** A valid resident ID number built from 17 digits. */
export function cnId(first17: string): string {
  return first17 + cnResidentCheckChar(first17);
}

/** The newest private message the bot sent to `user`. */
export function lastPrivate(h: Harness, user: string): string {
  return (
    h.world
      .privateMessages(h.session.account(user))
      .filter((m) => m.author === "bot")
      .at(-1)?.text ?? ""
  );
}

export function privateTexts(h: Harness, user: string): string[] {
  return h.world
    .privateMessages(h.session.account(user))
    .filter((m) => m.author === "bot")
    .map((m) => m.text);
}

/** Every text the bot put into a group chat (not private chats, not the review chat). */
export function groupTexts(h: Harness, chats: string[]): string[] {
  return chats.flatMap((c) => (h.world.messages.get(h.session.chat(c)) ?? []).map((m) => m.text));
}
