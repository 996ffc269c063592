import { D } from "./errors.js";
import { messagePayload } from "./payloads.js";
import { id, type RouteContext, type RouteTable } from "./route-kit.js";
import { snowflake } from "./state.js";

/**
 * Interactions and application commands: callbacks (a reply, a deferral, a modal), the deferred reply's
 * edit and deletion, follow-ups, and command registration per guild or global. Replies and follow-ups
 * are kept as messages (ephemeral ones flagged) so their buttons can be pressed.
 */

function interactionOf(ctx: RouteContext, token: string): string {
  const interactionId = ctx.state.interactionTokens.get(token);
  if (!interactionId) throw D.unknownInteraction();
  return interactionId;
}

/** The reply's message: made by a type-4 callback or the first edit of a deferred one. */
const originals = new WeakMap<object, Map<string, string>>();
function originalOf(ctx: RouteContext): Map<string, string> {
  let map = originals.get(ctx.state);
  if (!map) originals.set(ctx.state, (map = new Map()));
  return map;
}

/** A follow-up message to an interaction (`POST /webhooks/{application}/{token}`). */
export function followUp(ctx: RouteContext, token: string) {
  const interactionId = interactionOf(ctx, token);
  ctx.state.interactionAnswers.push({ interactionId, type: 0, data: ctx.body });
  return messagePayload(ctx.state.interactionMessage(interactionId, ctx.body));
}

/**
 * Discord's name rules: a slash command (type 1) is 1–32 lower-case letters, digits, `-` or `_`; a user
 * or message command (types 2, 3, the context menu) any 1–32 characters, spaces and capitals allowed.
 */
function validName(c: Record<string, unknown>): boolean {
  const name = c["name"];
  if (typeof name !== "string") return false;
  const type = Number(c["type"] ?? 1);
  if (type === 2 || type === 3) return name.trim().length > 0 && [...name].length <= 32;
  return type === 1 && /^[-_\p{L}\p{N}]{1,32}$/u.test(name) && name === name.toLowerCase();
}

function commandsPut(ctx: RouteContext, guildId?: string) {
  if (ctx.params[0] !== ctx.state.applicationId) throw D.unknownApplication();
  if (guildId && !ctx.state.guild(guildId)) throw D.missingAccess();
  const list = Array.isArray(ctx.body) ? (ctx.body as Record<string, unknown>[]) : [];
  if (list.length > 100) throw D.invalidBody("at most 100 commands");
  for (const c of list) if (!validName(c)) throw D.invalidBody(`command name ${JSON.stringify(c["name"])}`);
  // Names are unique per command type.
  const seen = new Set(list.map((c) => `${Number(c["type"] ?? 1)}:${String(c["name"])}`));
  if (seen.size !== list.length) throw D.invalidBody("two commands of one type with the same name");
  const made = list.map((c) => ({
    ...c,
    id: snowflake(),
    application_id: ctx.state.applicationId,
    version: snowflake(),
    type: Number(c["type"] ?? 1),
    name: String(c["name"]),
    ...(guildId ? { guild_id: guildId, guildId } : {}),
  }));
  ctx.state.commands = [...ctx.state.commands.filter((c) => c.guildId !== guildId), ...made];
  return made.map(({ guildId: _g, ...c }) => c);
}

export const interactionRoutes: RouteTable = [
  [
    "getApplication",
    "GET",
    "/applications/@me",
    (ctx) => ({ id: ctx.state.applicationId, name: ctx.state.bot.username, flags: 0, bot_public: true }),
  ],
  [
    "putGuildCommands",
    "PUT",
    `/applications/${id}/guilds/${id}/commands`,
    (ctx) => commandsPut(ctx, ctx.params[1]),
  ],
  ["putGlobalCommands", "PUT", `/applications/${id}/commands`, (ctx) => commandsPut(ctx)],
  [
    "interactionCallback",
    "POST",
    `/interactions/${id}/([^/]+)/callback`,
    (ctx) => {
      const [interactionId = "", token = ""] = ctx.params;
      if (ctx.state.interactionTokens.get(token) !== interactionId) throw D.unknownInteraction();
      if (ctx.state.interactionAnswers.some((a) => a.interactionId === interactionId && a.type > 0))
        throw D.alreadyAcknowledged();
      const data = ctx.body["data"] as Record<string, unknown> | undefined;
      const type = Number(ctx.body["type"]);
      ctx.state.interactionAnswers.push({ interactionId, type, ...(data ? { data } : {}) });
      if (type === 4 && data)
        originalOf(ctx).set(interactionId, ctx.state.interactionMessage(interactionId, data).id);
      return undefined;
    },
  ],
  [
    "editOriginalResponse",
    "PATCH",
    `/webhooks/${id}/([^/]+)/messages/@original`,
    (ctx) => {
      const interactionId = interactionOf(ctx, ctx.params[1] ?? "");
      ctx.state.interactionAnswers.push({ interactionId, type: -1, data: ctx.body });
      const existing = ctx.state.messages.get(originalOf(ctx).get(interactionId) ?? "");
      if (existing) {
        if (typeof ctx.body["content"] === "string") existing.content = ctx.body["content"];
        if (Array.isArray(ctx.body["components"])) existing.components = ctx.body["components"];
        return messagePayload(existing);
      }
      const deferred = ctx.state.interactionAnswers.find(
        (a) => a.interactionId === interactionId && a.type === 5,
      );
      const m = ctx.state.interactionMessage(interactionId, {
        ...ctx.body,
        flags: deferred?.data?.["flags"] ?? 0,
      });
      originalOf(ctx).set(interactionId, m.id);
      return messagePayload(m);
    },
  ],
  [
    "deleteOriginalResponse",
    "DELETE",
    `/webhooks/${id}/([^/]+)/messages/@original`,
    (ctx) => {
      const interactionId = interactionOf(ctx, ctx.params[1] ?? "");
      ctx.state.interactionAnswers.push({ interactionId, type: -2 });
      const m = ctx.state.messages.get(originalOf(ctx).get(interactionId) ?? "");
      if (m) m.deleted = true;
      return undefined;
    },
  ],
];
