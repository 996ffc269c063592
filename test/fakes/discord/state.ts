/**
 * The fake Discord's world: users, guilds (roles, channels, members, bans), messages, webhooks, DM
 * channels and interaction answers. Plain data that tests assert on; the REST routes change it and the
 * gateway announces it.
 */

const DISCORD_EPOCH = 1_420_070_400_000n;
let sequence = 0n;

/** A snowflake whose timestamp is `ms` (the real layout: bulk-delete's 14-day check reads it). */
export function snowflake(ms = Date.now()): string {
  sequence = (sequence + 1n) & 0xfffn;
  return (((BigInt(ms) - DISCORD_EPOCH) << 22n) | sequence).toString();
}

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
}

export interface FakeRole {
  id: string;
  name: string;
  /** Permission bits as a decimal string (Discord's format). */
  permissions: string;
  position: number;
}

export interface FakeMember {
  userId: string;
  roles: string[];
  nick: string | null;
  joined_at: string;
  communication_disabled_until: string | null;
}

export interface FakeChannel {
  id: string;
  guildId: string | null;
  name: string;
  /** 0 text, 1 DM, 11 public thread. */
  type: number;
  parentId?: string;
  /** For DM channels: the other side. */
  recipientId?: string;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: Map<string, FakeRole>;
  members: Map<string, FakeMember>;
  bans: Map<string, { reason: string | null; deleteMessageSeconds: number }>;
  systemChannelId: string | null;
}

export interface StoredMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: FakeUser;
  content: string;
  components: unknown[];
  embeds: unknown[];
  attachments: unknown[];
  timestamp: string;
  edited_timestamp: string | null;
  webhook_id?: string;
  allowed_mentions?: unknown;
  message_reference?: { type: number; message_id: string; channel_id: string; guild_id?: string };
  deleted: boolean;
  /** An interaction's reply or follow-up: `ephemeral` when only the interaction's user sees it. */
  interaction?: { id: string; ephemeral: boolean };
}

/** An application command as the bot registered it (PUT …/commands), per guild or global. */
export interface FakeCommand {
  id: string;
  guildId?: string;
  name: string;
  [field: string]: unknown;
}

export interface FakeWebhook {
  id: string;
  token: string;
  channel_id: string;
  guild_id: string;
  name: string;
}

export interface InteractionAnswer {
  interactionId: string;
  type: number;
  data?: Record<string, unknown>;
}

export class DiscordState {
  readonly users = new Map<string, FakeUser>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, StoredMessage>();
  readonly webhooks = new Map<string, FakeWebhook>();
  /** Users whose DMs are closed to the bot (a DM answers 50007). */
  readonly closedDms = new Set<string>();
  readonly interactionAnswers: InteractionAnswer[] = [];
  /** Registered application commands (guild ones carry `guildId`). */
  commands: FakeCommand[] = [];
  /** Interaction id → the channel it happened in (where its replies and follow-ups appear). */
  readonly interactionChannels = new Map<string, string>();
  /** Interaction tokens the fake issued, for follow-ups (token → interaction id). */
  readonly interactionTokens = new Map<string, string>();

  constructor(
    readonly bot: FakeUser,
    readonly applicationId: string,
  ) {
    this.users.set(bot.id, bot);
  }

  guild(id: string): FakeGuild | undefined {
    return this.guilds.get(id);
  }

  /** An interaction's reply or follow-up, kept as a message so its buttons can be pressed. */
  interactionMessage(interactionId: string, body: Record<string, unknown>): StoredMessage {
    const flags = Number(body["flags"] ?? 0);
    const channel = this.interactionChannels.get(interactionId) ?? "0";
    const guildId = this.channels.get(channel)?.guildId ?? undefined;
    const m: StoredMessage = {
      id: snowflake(),
      channel_id: channel,
      ...(guildId ? { guild_id: guildId } : {}),
      author: this.bot,
      content: typeof body["content"] === "string" ? body["content"] : "",
      components: Array.isArray(body["components"]) ? body["components"] : [],
      embeds: [],
      attachments: [],
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      deleted: false,
      interaction: { id: interactionId, ephemeral: (flags & 64) !== 0 },
    };
    this.messages.set(m.id, m);
    return m;
  }

  channelMessages(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId);
  }

  /** The highest role position a member holds (0: only @everyone); the owner outranks everyone. */
  topPosition(guild: FakeGuild, userId: string): number {
    if (guild.ownerId === userId) return Number.MAX_SAFE_INTEGER;
    const member = guild.members.get(userId);
    if (!member) return -1;
    return Math.max(0, ...member.roles.map((r) => guild.roles.get(r)?.position ?? 0));
  }

  /** Permission bits of a member (the union of their roles and @everyone). */
  permissionsOf(guild: FakeGuild, userId: string): bigint {
    if (guild.ownerId === userId) return ~0n & 0xffffffffffffn;
    const member = guild.members.get(userId);
    const roles = [guild.id, ...(member?.roles ?? [])];
    return roles.reduce((bits, r) => bits | BigInt(guild.roles.get(r)?.permissions ?? "0"), 0n);
  }
}
