import type { DiscordState, FakeGuild, FakeMember, FakeRole, FakeUser, StoredMessage } from "./state.js";

/**
 * API objects as Discord sends them (snake_case, ids as strings), built from the fake's state. Only
 * the fields discord.js 14 reads are filled in.
 */

export const userPayload = (u: FakeUser) => ({
  id: u.id,
  username: u.username,
  discriminator: "0",
  global_name: u.global_name,
  avatar: u.avatar,
  bot: u.bot ?? false,
});

export function memberPayload(state: DiscordState, m: FakeMember) {
  const user = state.users.get(m.userId);
  return {
    user: user ? userPayload(user) : { id: m.userId, username: m.userId, discriminator: "0" },
    roles: [...m.roles],
    nick: m.nick,
    joined_at: m.joined_at,
    communication_disabled_until: m.communication_disabled_until,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
  };
}

export function messagePayload(m: StoredMessage) {
  return {
    id: m.id,
    channel_id: m.channel_id,
    ...(m.guild_id ? { guild_id: m.guild_id } : {}),
    author: userPayload(m.author),
    content: m.content,
    timestamp: m.timestamp,
    edited_timestamp: m.edited_timestamp,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: m.attachments,
    embeds: m.embeds,
    components: m.components,
    pinned: false,
    type: m.message_reference ? 19 : 0,
    flags: 0,
    ...(m.webhook_id ? { webhook_id: m.webhook_id } : {}),
    ...(m.message_reference ? { message_reference: m.message_reference } : {}),
  };
}

export function channelPayload(state: DiscordState, id: string) {
  const c = state.channels.get(id);
  if (!c) return undefined;
  if (c.type === 1) {
    const other = state.users.get(c.recipientId ?? "");
    return { id: c.id, type: 1, recipients: other ? [userPayload(other)] : [], last_message_id: null };
  }
  return {
    id: c.id,
    type: c.type,
    guild_id: c.guildId,
    name: c.name,
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    ...(c.parentId ? { parent_id: c.parentId } : {}),
    ...(c.type === 11
      ? { thread_metadata: { archived: false, locked: false, auto_archive_duration: 1440 } }
      : {}),
  };
}

/** The GUILD_CREATE payload: roles (with @everyone, id = guild id), channels, members (the bot too). */
export function guildPayload(state: DiscordState, g: FakeGuild) {
  const channels = [...state.channels.values()].filter((c) => c.guildId === g.id && c.type !== 11);
  const threads = [...state.channels.values()].filter((c) => c.guildId === g.id && c.type === 11);
  return {
    id: g.id,
    name: g.name,
    icon: null,
    owner_id: g.ownerId,
    unavailable: false,
    large: false,
    member_count: g.members.size,
    joined_at: new Date().toISOString(),
    system_channel_id: g.systemChannelId,
    features: [],
    emojis: [],
    stickers: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    premium_tier: 0,
    preferred_locale: "en-US",
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    roles: [...g.roles.values()].map(rolePayload),
    channels: channels.map((c) => channelPayload(state, c.id)),
    threads: threads.map((c) => channelPayload(state, c.id)),
    members: [...g.members.values()].map((m) => memberPayload(state, m)),
  };
}

export const rolePayload = (r: FakeRole) => ({
  id: r.id,
  name: r.name,
  permissions: r.permissions,
  position: r.position,
  color: 0,
  hoist: false,
  managed: false,
  mentionable: false,
  flags: 0,
});
