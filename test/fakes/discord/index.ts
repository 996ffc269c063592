import { PermissionFlagsBits } from "discord.js";
import {
  buttonPayload,
  commandPayload,
  messageCommandPayload,
  modalPayload,
  type OptionValue,
  type Place,
} from "./interactions.js";
import { memberPayload, messagePayload, rolePayload, userPayload } from "./payloads.js";
import { DiscordServer, type CallRecord, type FailureSpec } from "./server.js";
import {
  DiscordState,
  snowflake,
  type FakeChannel,
  type FakeCommand,
  type FakeGuild,
  type FakeMember,
  type FakeUser,
  type StoredMessage,
} from "./state.js";

export { waitFor } from "../telegram/wait.js";
export { snowflake } from "./state.js";
export type { CallRecord, FailureSpec } from "./server.js";
export type { FakeChannel, FakeCommand, FakeGuild, FakeMember, FakeUser, StoredMessage } from "./state.js";
export type { OptionValue, Place } from "./interactions.js";

/** What the bot may do by default in a new guild: everything a moderation bot needs, no Administrator. */
export const MODERATOR_BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ManageMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.ModerateMembers |
  PermissionFlagsBits.KickMembers |
  PermissionFlagsBits.BanMembers |
  PermissionFlagsBits.ManageRoles |
  PermissionFlagsBits.ManageWebhooks;

export interface NewGuild {
  name?: string;
  ownerId?: string;
  /** The permissions of the bot's own role (default MODERATOR_BOT_PERMISSIONS). */
  botPermissions?: bigint;
  /** Where the bot's role sits (default 10: above the roles tests add below it). */
  botRolePosition?: number;
}

export interface FakeGuildHandle {
  id: string;
  /** The text channel "general" (also the system channel). */
  general: string;
  botRole: string;
}

/**
 * A fake Discord (REST under /api/v10 and the gateway WebSocket) on 127.0.0.1 for tests with the real
 * discord.js client: point the client at `apiUrl`, act as users through the driver methods, inspect
 * what the bot did through the state and the call log.
 *
 * @example
 * const discord = await FakeDiscord.start();
 * const guild = discord.addGuild({ name: "Lobby" });
 * const client = new Client({ rest: { api: discord.apiUrl }, intents: [...] });
 * await client.login(discord.token);
 * discord.postMessage(guild.general, alice.id, "hello");
 */
export class FakeDiscord {
  private constructor(
    readonly state: DiscordState,
    private readonly server: DiscordServer,
    readonly token: string,
  ) {}

  static async start(opts: { token?: string; botName?: string } = {}): Promise<FakeDiscord> {
    const botId = snowflake();
    const bot: FakeUser = {
      id: botId,
      username: opts.botName ?? "warden",
      global_name: null,
      avatar: null,
      bot: true,
    };
    const state = new DiscordState(bot, botId);
    const token = opts.token ?? `${Buffer.from(botId).toString("base64")}.fake.discord-token`;
    const server = new DiscordServer(state, token);
    await server.listen();
    return new FakeDiscord(state, server, token);
  }

  /** The REST base for `new Client({ rest: { api } })` (`http://127.0.0.1:PORT/api`). */
  get apiUrl(): string {
    return this.server.apiUrl;
  }

  get bot(): FakeUser {
    return this.state.bot;
  }

  get calls(): readonly CallRecord[] {
    return this.server.calls;
  }

  callsTo(route: string): CallRecord[] {
    return this.server.calls.filter((c) => c.route === route);
  }

  /** Gateway frames the client sent (IDENTIFY, heartbeats). */
  get gatewayFrames() {
    return this.server.gateway.received;
  }

  /**
   * Turns the application's privileged intents (GuildMembers, MessageContent, GuildPresences) on or off:
   * off, an IDENTIFY asking for them is closed with 4014 as Discord does.
   */
  setPrivilegedIntents(enabled: boolean): void {
    this.server.gateway.privilegedIntents = enabled;
  }

  whenReady(): Promise<void> {
    return this.server.gateway.whenReady();
  }

  failNext(route: string, spec: FailureSpec, times = 1): void {
    this.server.failNext(route, spec, times);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  addUser(u: { username: string; global_name?: string; avatar?: string; bot?: boolean }): FakeUser {
    const user: FakeUser = {
      id: snowflake(),
      username: u.username,
      global_name: u.global_name ?? null,
      avatar: u.avatar ?? null,
      ...(u.bot ? { bot: true } : {}),
    };
    this.state.users.set(user.id, user);
    return user;
  }

  /** A guild with @everyone, the bot's role, the bot as a member and a "general" channel. Add before login. */
  addGuild(g: NewGuild = {}): FakeGuildHandle {
    const id = snowflake();
    const ownerId = g.ownerId ?? this.addUser({ username: "owner" }).id;
    const guild: FakeGuild = {
      id,
      name: g.name ?? "Guild",
      ownerId,
      roles: new Map(),
      members: new Map(),
      bans: new Map(),
      systemChannelId: null,
    };
    this.state.guilds.set(id, guild);
    guild.roles.set(id, { id, name: "@everyone", permissions: "0", position: 0 });
    const botRole = this.addRole(id, {
      name: "warden",
      position: g.botRolePosition ?? 10,
      permissions: g.botPermissions ?? MODERATOR_BOT_PERMISSIONS,
    });
    this.addMember(id, ownerId);
    this.addMember(id, this.state.bot.id, [botRole]);
    const general = this.addChannel(id, "general");
    guild.systemChannelId = general;
    return { id, general, botRole };
  }

  addRole(guildId: string, r: { name: string; position: number; permissions?: bigint }): string {
    const id = snowflake();
    const role = { id, name: r.name, position: r.position, permissions: (r.permissions ?? 0n).toString() };
    this.guild(guildId).roles.set(id, role);
    this.server.gateway.dispatch("GUILD_ROLE_CREATE", { guild_id: guildId, role: rolePayload(role) });
    return id;
  }

  addChannel(guildId: string, name: string, opts: { thread?: string } = {}): string {
    const id = snowflake();
    const channel: FakeChannel = {
      id,
      guildId,
      name,
      type: opts.thread ? 11 : 0,
      ...(opts.thread ? { parentId: opts.thread } : {}),
    };
    this.state.channels.set(id, channel);
    return id;
  }

  /** Puts a member in the guild's state without telling the bot (before login, or a silent change). */
  addMember(guildId: string, userId: string, roles: string[] = []): FakeMember {
    const member: FakeMember = {
      userId,
      roles: [...roles],
      nick: null,
      joined_at: new Date().toISOString(),
      communication_disabled_until: null,
    };
    this.guild(guildId).members.set(userId, member);
    return member;
  }

  member(guildId: string, userId: string): FakeMember | undefined {
    return this.guild(guildId).members.get(userId);
  }

  guild(id: string): FakeGuild {
    const g = this.state.guild(id);
    if (!g) throw new Error(`no fake guild ${id}`);
    return g;
  }

  /** A user joins: GUILD_MEMBER_ADD. */
  memberJoins(guildId: string, userId: string): FakeMember {
    const m = this.addMember(guildId, userId);
    this.server.gateway.dispatch("GUILD_MEMBER_ADD", { ...memberPayload(this.state, m), guild_id: guildId });
    return m;
  }

  /** A user leaves: GUILD_MEMBER_REMOVE. */
  memberLeaves(guildId: string, userId: string): void {
    this.guild(guildId).members.delete(userId);
    const user = this.state.users.get(userId);
    this.server.gateway.dispatch("GUILD_MEMBER_REMOVE", {
      guild_id: guildId,
      user: user ? userPayload(user) : { id: userId, username: userId, discriminator: "0" },
    });
  }

  /** A user posts in a channel (or a DM channel): stored, then MESSAGE_CREATE. */
  postMessage(
    channelId: string,
    userId: string,
    content: string,
    opts: {
      replyTo?: string;
      attachments?: { url: string; content_type?: string }[];
      embeds?: unknown[];
    } = {},
  ): StoredMessage {
    const channel = this.state.channels.get(channelId);
    const author = this.state.users.get(userId);
    if (!channel || !author) throw new Error("postMessage: unknown channel or user");
    const m: StoredMessage = {
      id: snowflake(),
      channel_id: channelId,
      ...(channel.guildId ? { guild_id: channel.guildId } : {}),
      author,
      content,
      components: [],
      embeds: opts.embeds ?? [],
      attachments: (opts.attachments ?? []).map((a, i) => ({
        id: snowflake(),
        filename: `file${i}`,
        size: 1,
        url: a.url,
        proxy_url: a.url,
        ...(a.content_type ? { content_type: a.content_type } : {}),
      })),
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      ...(opts.replyTo
        ? { message_reference: { type: 0, message_id: opts.replyTo, channel_id: channelId } }
        : {}),
      deleted: false,
    };
    this.state.messages.set(m.id, m);
    this.server.gateway.dispatch("MESSAGE_CREATE", this.withMember(m));
    return m;
  }

  /** A user edits their message: MESSAGE_UPDATE. */
  editMessage(messageId: string, content: string): StoredMessage {
    const m = this.state.messages.get(messageId);
    if (!m) throw new Error(`no fake message ${messageId}`);
    m.content = content;
    m.edited_timestamp = new Date().toISOString();
    this.server.gateway.dispatch("MESSAGE_UPDATE", this.withMember(m));
    return m;
  }

  /**
   * A user presses a button on a message (a guild message, an ephemeral reply they got, or a DM):
   * INTERACTION_CREATE (component). Returns the interaction id.
   */
  pressButton(messageId: string, userId: string, customId: string): string {
    return this.interact(buttonPayload(this.state, messageId, userId, customId));
  }

  /** A user runs a slash command in a channel (`guildId` set) or a DM. Returns the interaction id. */
  useCommand(where: Place, userId: string, name: string, options: Record<string, OptionValue> = {}): string {
    return this.interact(commandPayload(this.state, where, userId, name, options));
  }

  /**
   * A user runs a message command (right-click a message → Apps → `name`) on a message. Returns the
   * interaction id.
   */
  useMessageCommand(messageId: string, userId: string, name: string): string {
    return this.interact(messageCommandPayload(this.state, messageId, userId, name));
  }

  /** A user submits a modal the bot showed them. Returns the interaction id. */
  submitModal(where: Place, userId: string, customId: string, fields: Record<string, string>): string {
    return this.interact(modalPayload(this.state, where, userId, customId, fields));
  }

  /** The commands the bot registered in a guild (or globally, without `guildId`). */
  commandsOf(guildId?: string): FakeCommand[] {
    return this.state.commands.filter((c) => c.guildId === guildId);
  }

  /** An interaction's replies and follow-ups that are still up (ephemeral ones included), oldest first. */
  repliesTo(interactionId: string): StoredMessage[] {
    return [...this.state.messages.values()].filter((m) => m.interaction?.id === interactionId && !m.deleted);
  }

  private interact(i: { id: string; payload: Record<string, unknown> }): string {
    this.state.interactionChannels.set(i.id, String(i.payload["channel_id"]));
    this.server.gateway.dispatch("INTERACTION_CREATE", i.payload);
    return i.id;
  }

  interactionAnswers(interactionId: string) {
    return this.state.interactionAnswers.filter((a) => a.interactionId === interactionId);
  }

  /** Messages still present in a channel that everyone sees (no ephemeral replies), oldest first. */
  messagesIn(channelId: string): StoredMessage[] {
    return this.state.channelMessages(channelId).filter((m) => !m.deleted && !m.interaction?.ephemeral);
  }

  /** The DM channel the bot opened with a user, if any. */
  dmChannelOf(userId: string): string | undefined {
    return [...this.state.channels.values()].find((c) => c.type === 1 && c.recipientId === userId)?.id;
  }

  /** The user refuses DMs from the bot (sending answers 403 / 50007). */
  closeDms(userId: string): void {
    this.state.closedDms.add(userId);
  }

  /** Someone deletes a webhook by hand (the bot's cached one goes stale). */
  deleteWebhook(id: string): void {
    this.state.webhooks.delete(id);
  }

  webhooksIn(channelId: string) {
    return [...this.state.webhooks.values()].filter((w) => w.channel_id === channelId);
  }

  private withMember(m: StoredMessage) {
    const member = m.guild_id ? this.state.guild(m.guild_id)?.members.get(m.author.id) : undefined;
    const { user: _user, ...partial } = member ? memberPayload(this.state, member) : { user: undefined };
    return { ...messagePayload(m), ...(member ? { member: partial } : {}) };
  }
}
