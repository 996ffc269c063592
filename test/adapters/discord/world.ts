import { resolve } from "node:path";
import { NodeSealer, nodeRandom } from "../../../src/adapters/crypto/node-sealer.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import {
  createDiscordAdapter,
  type DiscordAdapter,
  type DiscordAdapterConfig,
} from "../../../src/adapters/discord/adapter.js";
import type { DiscordGuildConfig } from "../../../src/adapters/discord/guild-checks.js";
import { platformRuntime } from "../../../src/app/platform-runtime.js";
import { createRuntime, type Runtime } from "../../../src/app/runtime.js";
import { parseConfigText } from "../../../src/config/load.js";
import type { CoreEvent } from "../../../src/core/events.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import type { KeyValueStore } from "../../../src/core/ports/store.js";
import {
  FakeDiscord,
  type FakeGuildHandle,
  type FakeUser,
  type NewGuild,
} from "../../fakes/discord/index.js";
import { FakeClock, TEST_SECRET } from "../../support/harness.js";

export interface DcWorld {
  discord: FakeDiscord;
  guild: FakeGuildHandle;
  /** Channel ids: the review channel and the mod-log. */
  review: string;
  modlog: string;
  /** A moderator (a role with ModerateMembers), also a configured admin of the community. */
  mod: FakeUser;
  runtime: Runtime;
  adapter: DiscordAdapter;
  store: KeyValueStore;
  clock: FakeClock;
  events: CoreEvent[];
  /** Stops the bot, builds a new runtime on the same store and logs in again (a process restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface DcOptions {
  /** YAML indented under the community (policy sections). */
  policy?: string;
  guild?: NewGuild;
  /** Before the bot starts: make roles and channels, return the `discord.guilds.<id>` settings. */
  prepare?: (discord: FakeDiscord, guild: FakeGuildHandle) => DiscordGuildConfig;
  adapter?: Partial<DiscordAdapterConfig>;
}

/**
 * The real discord.js client in the Discord adapter against the fake Discord, on the real runtime with
 * the real modules, a memory store and a clock at real time. The community has the guild as a whole and
 * its "general" channel as chats, a review channel and a mod-log channel.
 */
export async function startDcWorld(options: DcOptions = {}): Promise<DcWorld> {
  const discord = await FakeDiscord.start();
  const guild = discord.addGuild({ name: "Lobby", ...options.guild });
  const review = discord.addChannel(guild.id, "review");
  const modlog = discord.addChannel(guild.id, "modlog");
  const mods = discord.addRole(guild.id, { name: "mods", position: 5, permissions: 1n << 40n });
  const mod = discord.addUser({ username: "mo", global_name: "Mo" });
  discord.addMember(guild.id, mod.id, [mods]);
  const guildSettings = options.prepare?.(discord, guild);
  const config = `
language: en
storage: { url: "memory://" }
communities:
  - id: demo
    name: Demo
    admins: ["discord:${mod.id}"]
    review_chat: "discord:${guild.id}/${review}"
    modlog_chat: "discord:${guild.id}/${modlog}"
    chats:
      - id: "discord:${guild.id}"
      - id: "discord:${guild.id}/${guild.general}"
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
    const adapter = createDiscordAdapter({
      token: discord.token,
      apiUrl: discord.apiUrl,
      runtime: platformRuntime(runtime),
      logger: silentLogger,
      ...(guildSettings ? { guilds: { [guild.id]: guildSettings } } : {}),
      ...options.adapter,
    });
    await adapter.start();
    return { runtime, adapter };
  };
  const world: DcWorld = {
    discord,
    guild,
    review,
    modlog,
    mod,
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
      await discord.close();
    },
  };
  return world;
}

/** A plain member of the guild (there before the bot started, no event). */
export function member(w: DcWorld, username: string): FakeUser {
  const u = w.discord.addUser({ username, global_name: username[0]?.toUpperCase() + username.slice(1) });
  w.discord.addMember(w.guild.id, u.id);
  return u;
}

/** The bot's last message in a channel with buttons, and the custom_id of the button labelled `label`. */
export function buttonOf(w: DcWorld, channel: string, label: RegExp): { message: string; customId: string } {
  for (const m of [...w.discord.messagesIn(channel)].reverse()) {
    const rows = m.components as { components?: { label?: string; custom_id?: string }[] }[];
    const b = rows.flatMap((r) => r.components ?? []).find((c) => label.test(c.label ?? ""));
    if (b?.custom_id) return { message: m.id, customId: b.custom_id };
  }
  return { message: "", customId: "" };
}
