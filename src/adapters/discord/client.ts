import { Client, GatewayIntentBits, Partials, type ClientOptions, type Interaction } from "discord.js";
import type { CoreEvent } from "../../core/events.js";
import {
  fromButton,
  fromMemberAdd,
  fromMemberRemove,
  fromMessageCreate,
  fromMessageUpdate,
} from "./translate.js";

/**
 * The intents the bot needs. GuildMembers and MessageContent are privileged: enable them for the
 * application in the developer portal, or Discord closes the gateway with 4014 (GuildMembers) or sends
 * messages with empty content (MessageContent).
 */
export const DISCORD_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.GuildMembers,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.DirectMessages,
];

export interface DiscordClientOptions {
  /** REST base without the version, e.g. `http://127.0.0.1:PORT/api` (a REST proxy, or a fake in tests). */
  apiUrl?: string;
  /**
   * 429s asking for a longer wait than this are not waited out by discord.js but reported (`rate_limited`,
   * retryable) so the engine can retry later instead of blocking; shorter ones are waited out (default 10 s).
   */
  maxRateLimitWaitMs?: number;
}

/** A discord.js client with the bot's intents (DM channels arrive uncached: the Channel partial). */
export function createDiscordClient(opts: DiscordClientOptions = {}): Client {
  const options: ClientOptions = {
    intents: DISCORD_INTENTS,
    partials: [Partials.Channel],
    rest: {
      ...(opts.apiUrl ? { api: opts.apiUrl } : {}),
      rejectOnRateLimit: (limit) => limit.retryAfter > (opts.maxRateLimitWaitMs ?? 10_000),
    },
  };
  return new Client(options);
}

/**
 * Feeds the client's events to `emit` as core events; returns a function that stops listening. Button
 * presses arrive here as core events, but answering the interaction (within 3 s) is the caller's job;
 * `buttons: false` leaves interactions to the caller altogether (the adapter answers them itself).
 */
export function listen(
  client: Client,
  emit: (event: CoreEvent) => void,
  options: { buttons?: boolean } = {},
): () => void {
  const botId = () => client.user?.id;
  const handlers = {
    messageCreate: (m: Parameters<typeof fromMessageCreate>[0]) => {
      const e = fromMessageCreate(m, botId());
      if (e) emit(e);
    },
    messageUpdate: (_old: unknown, m: Parameters<typeof fromMessageUpdate>[0]) => {
      const e = fromMessageUpdate(m, botId());
      if (e) emit(e);
    },
    guildMemberAdd: (m: Parameters<typeof fromMemberAdd>[0]) => emit(fromMemberAdd(m)),
    guildMemberRemove: (m: Parameters<typeof fromMemberRemove>[0]) => emit(fromMemberRemove(m)),
    interactionCreate: (i: Interaction) => {
      if (options.buttons === false || !i.isButton()) return;
      const e = fromButton(i);
      if (e) emit(e);
    },
  };
  client.on("messageCreate", handlers.messageCreate);
  client.on("messageUpdate", handlers.messageUpdate);
  client.on("guildMemberAdd", handlers.guildMemberAdd);
  client.on("guildMemberRemove", handlers.guildMemberRemove);
  client.on("interactionCreate", handlers.interactionCreate);
  return () => {
    client.off("messageCreate", handlers.messageCreate);
    client.off("messageUpdate", handlers.messageUpdate);
    client.off("guildMemberAdd", handlers.guildMemberAdd);
    client.off("guildMemberRemove", handlers.guildMemberRemove);
    client.off("interactionCreate", handlers.interactionCreate);
  };
}
