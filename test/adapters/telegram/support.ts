import { resolve } from "node:path";
import type { User } from "grammy/types";
import { NodeSealer, nodeRandom } from "../../../src/adapters/crypto/node-sealer.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import {
  createTelegramAdapter,
  type TelegramAdapter,
  type TelegramAdapterConfig,
} from "../../../src/adapters/telegram/adapter.js";
import { platformRuntime } from "../../../src/app/platform-runtime.js";
import { createRuntime, type Runtime } from "../../../src/app/runtime.js";
import { parseConfigText } from "../../../src/config/load.js";
import type { CoreEvent } from "../../../src/core/events.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import type { KeyValueStore } from "../../../src/core/ports/store.js";
import {
  FakeTelegram,
  type FakeChat,
  type FakeTelegramOptions,
  type NewChat,
} from "../../fakes/telegram/index.js";
import { FakeClock, TEST_SECRET } from "../../support/harness.js";

/** Sends are not paced in tests unless a test asks for Telegram's real limits. */
export const NO_PACING = { global: {}, group: { maxConcurrent: 1 }, out: { maxConcurrent: 1 } };

export interface TgWorld {
  tg: FakeTelegram;
  group: FakeChat;
  review: FakeChat;
  modlog: FakeChat;
  /** The group's owner (a platform admin of the group). */
  owner: User;
  /** A platform admin of the review chat (and of the group). */
  admin: User;
  runtime: Runtime;
  adapter: TelegramAdapter;
  store: KeyValueStore;
  clock: FakeClock;
  /** Every event the adapter handed to the engine. */
  events: CoreEvent[];
  /** Stops the bot, builds a new runtime on the same store, starts a new bot (a process restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** YAML indented under the community (policy sections). */
  policy?: string;
  fake?: FakeTelegramOptions;
  group?: Partial<NewChat>;
  adapter?: Partial<TelegramAdapterConfig>;
}

/**
 * A real grammY bot (runner, auto-retry, pacing) against the fake Bot API server, on the real runtime
 * with the real modules, a memory store and a clock at real time (the fake's clock).
 */
export async function startWorld(options: WorldOptions = {}): Promise<TgWorld> {
  const tg = await FakeTelegram.start(options.fake);
  const owner = tg.addUser({ first_name: "Olga", username: "olga" });
  const admin = tg.addUser({ first_name: "Adam", username: "adam" });
  const group = tg.addChat({
    type: "supergroup",
    title: "Lobby",
    creatorId: owner.id,
    admins: [admin.id],
    ...options.group,
  });
  const review = tg.addChat({ type: "supergroup", title: "Review", creatorId: owner.id, admins: [admin.id] });
  const modlog = tg.addChat({ type: "supergroup", title: "Modlog", creatorId: owner.id });
  const config = `
language: en
storage: { url: "memory://" }
communities:
  - id: demo
    name: Demo
    review_chat: "telegram:${review.id}"
    modlog_chat: "telegram:${modlog.id}"
    chats:
      - id: "telegram:${group.id}"
${(options.policy ?? "")
  .split("\n")
  .map((l) => (l ? `    ${l}` : l))
  .join("\n")}
`;
  const loaded = parseConfigText(config, { baseDir: resolve(import.meta.dirname, "../../..") });
  const store = new MemoryStore();
  const clock = new FakeClock(Date.now());
  const events: CoreEvent[] = [];
  const build = async () => {
    const runtime = await createRuntime({
      settings: loaded.core,
      store,
      clock,
      sealer: new NodeSealer(TEST_SECRET),
      random: nodeRandom,
      logger: silentLogger,
      defaultLanguage: "en",
    });
    const handle = runtime.engine.handle.bind(runtime.engine);
    runtime.engine.handle = (event) => {
      events.push(event);
      return handle(event);
    };
    const adapter = createTelegramAdapter({
      token: tg.token,
      apiRoot: tg.apiRoot,
      runtime: platformRuntime(runtime),
      logger: silentLogger,
      pollingTimeout: 1,
      throttle: NO_PACING,
      ...options.adapter,
    });
    await adapter.start();
    return { runtime, adapter };
  };
  const world: TgWorld = {
    tg,
    group,
    review,
    modlog,
    owner,
    admin,
    store,
    clock,
    events,
    ...(await build()),
    async restart() {
      await world.adapter.stop();
      world.runtime.scheduler.stop();
      Object.assign(world, await build());
    },
    async close() {
      await world.adapter.stop();
      await world.runtime.close();
      await tg.close();
    },
  };
  return world;
}

/** A new member of the group (added without any update, as if they had been there before). */
export function member(w: TgWorld, first_name: string, chat = w.group.id): User {
  const u = w.tg.addUser({ first_name });
  w.tg.setMember(chat, u.id, "member");
  return u;
}

export const texts = (w: TgWorld, chatId: number) =>
  w.tg.messages(chatId).map((m) => m.message.text ?? m.message.caption ?? "");
export const botTexts = (w: TgWorld, chatId: number) =>
  w.tg.botMessages(chatId).map((m) => m.message.text ?? "");
