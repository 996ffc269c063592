import { PermissionFlagsBits } from "discord.js";
import { D } from "./errors.js";
import type { DiscordState, FakeGuild, StoredMessage } from "./state.js";

/** The pieces every route file shares: the handler's context, permission and hierarchy checks. */

export type Body = Record<string, unknown>;

export interface RouteContext {
  state: DiscordState;
  /** The path's parameters in order (`/channels/:c/messages/:m` → [c, m]). */
  params: string[];
  body: Body;
  query: URLSearchParams;
  /** The audit-log reason (X-Audit-Log-Reason, URL-decoded). */
  reason: string | null;
  gatewayUrl: string;
}

/** A route's answer: a JSON body, or undefined for 204 No Content. */
export type Handler = (ctx: RouteContext) => unknown;

export interface Route {
  /** A stable name for failure injection and the call log (`editMember`, `createMessage`, ...). */
  name: string;
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export const P = PermissionFlagsBits;
/** A snowflake in a route pattern. */
export const id = "([0-9]+)";

export function guildOf(ctx: RouteContext, index = 0): FakeGuild {
  const g = ctx.state.guild(ctx.params[index] ?? "");
  if (!g) throw D.unknownGuild();
  return g;
}

/** The bot needs `perm` in the guild (Administrator counts as every permission). */
export function need(ctx: RouteContext, g: FakeGuild, perm: bigint): void {
  const bits = ctx.state.permissionsOf(g, ctx.state.bot.id);
  if ((bits & P.Administrator) === 0n && (bits & perm) === 0n) throw D.missingPermissions();
}

/** Role hierarchy: the bot's highest role must sit above the target's (and the owner is untouchable). */
export function outranks(ctx: RouteContext, g: FakeGuild, userId: string): void {
  if (ctx.state.topPosition(g, ctx.state.bot.id) <= ctx.state.topPosition(g, userId))
    throw D.missingPermissions();
}

export function channelOf(ctx: RouteContext, index = 0) {
  const c = ctx.state.channels.get(ctx.params[index] ?? "");
  if (!c) throw D.unknownChannel();
  return c;
}

export function liveMessage(ctx: RouteContext, channelId: string, messageId: string): StoredMessage {
  const m = ctx.state.messages.get(messageId);
  if (!m || m.deleted || m.channel_id !== channelId) throw D.unknownMessage();
  return m;
}

/** Stores a message the bot (or a webhook) sends; DMs to closed users answer 50007. */
/** Routes as `[name, method, path under /api/v10, handler]`. */
export type RouteTable = [string, string, string, Handler][];
