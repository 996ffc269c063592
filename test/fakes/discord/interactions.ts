import { memberPayload, messagePayload, userPayload } from "./payloads.js";
import { snowflake, type DiscordState } from "./state.js";

/**
 * INTERACTION_CREATE payloads the fake dispatches: button presses (on guild messages, ephemeral
 * follow-ups and DMs), slash commands with their options (USER options resolved, as Discord sends them),
 * message context-menu commands (the target message resolved) and modal submissions.
 */

export interface Place {
  channelId: string;
  guildId?: string;
}

/** A slash-command option as a user fills it in: a user (by id) or a string. */
export type OptionValue = { user: string } | string;

/** The fields every interaction carries; the token is registered for callbacks and follow-ups. */
export function interactionBase(state: DiscordState, userId: string, where: Place, type: number) {
  const id = snowflake();
  const token = `itoken-${id}`;
  state.interactionTokens.set(token, id);
  const guild = where.guildId ? state.guild(where.guildId) : undefined;
  const member = guild?.members.get(userId);
  if (guild && !member) throw new Error(`${userId} is not a member of ${guild.id}`);
  const user = state.users.get(userId);
  if (!user) throw new Error(`no fake user ${userId}`);
  const who =
    guild && member
      ? {
          guild_id: guild.id,
          member: {
            ...memberPayload(state, member),
            permissions: state.permissionsOf(guild, userId).toString(),
          },
          app_permissions: state.permissionsOf(guild, state.bot.id).toString(),
          guild_locale: "en-US",
          authorizing_integration_owners: { "0": guild.id },
          context: 0,
        }
      : { user: userPayload(user), authorizing_integration_owners: { "1": userId }, context: 1 };
  return {
    id,
    payload: {
      id,
      application_id: state.applicationId,
      type,
      token,
      version: 1,
      channel_id: where.channelId,
      channel: where.guildId
        ? { id: where.channelId, type: 0, guild_id: where.guildId }
        : { id: where.channelId, type: 1 },
      locale: "en-US",
      entitlements: [],
      attachment_size_limit: 10_485_760,
      ...who,
    } as Record<string, unknown>,
  };
}

export function buttonPayload(state: DiscordState, messageId: string, userId: string, customId: string) {
  const m = state.messages.get(messageId);
  if (!m) throw new Error(`no fake message ${messageId}`);
  const base = interactionBase(state, userId, { channelId: m.channel_id, guildId: m.guild_id }, 3);
  return {
    id: base.id,
    payload: {
      ...base.payload,
      data: { custom_id: customId, component_type: 2 },
      message: messagePayload(m),
    },
  };
}

export function commandPayload(
  state: DiscordState,
  where: Place,
  userId: string,
  name: string,
  options: Record<string, OptionValue> = {},
) {
  const base = interactionBase(state, userId, where, 2);
  const users: Record<string, unknown> = {};
  const opts = Object.entries(options).map(([optName, value]) => {
    if (typeof value === "string") return { name: optName, type: 3, value };
    const u = state.users.get(value.user);
    if (u) users[u.id] = userPayload(u);
    return { name: optName, type: 6, value: value.user };
  });
  const command = state.commands.find((c) => c.name === name && (!c.guildId || c.guildId === where.guildId));
  return {
    id: base.id,
    payload: {
      ...base.payload,
      data: {
        id: command?.id ?? snowflake(),
        name,
        type: 1,
        options: opts,
        ...(Object.keys(users).length ? { resolved: { users } } : {}),
        ...(where.guildId ? { guild_id: where.guildId } : {}),
      },
    },
  };
}

/** A message command (context menu → Apps) used on a message: type 2, data.type 3 with the message resolved. */
export function messageCommandPayload(state: DiscordState, messageId: string, userId: string, name: string) {
  const m = state.messages.get(messageId);
  if (!m) throw new Error(`no fake message ${messageId}`);
  const base = interactionBase(state, userId, { channelId: m.channel_id, guildId: m.guild_id }, 2);
  const command = state.commands.find((c) => c.name === name && (!c.guildId || c.guildId === m.guild_id));
  return {
    id: base.id,
    payload: {
      ...base.payload,
      data: {
        id: command?.id ?? snowflake(),
        name,
        type: 3,
        target_id: m.id,
        resolved: { messages: { [m.id]: messagePayload(m) } },
        ...(m.guild_id ? { guild_id: m.guild_id } : {}),
      },
    },
  };
}

export function modalPayload(
  state: DiscordState,
  where: Place,
  userId: string,
  customId: string,
  fields: Record<string, string>,
) {
  const base = interactionBase(state, userId, where, 5);
  let n = 1;
  return {
    id: base.id,
    payload: {
      ...base.payload,
      data: {
        custom_id: customId,
        components: Object.entries(fields).map(([field, value]) => ({
          type: 18,
          id: n++,
          component: { type: 4, id: n++, custom_id: field, value },
        })),
      },
    },
  };
}
