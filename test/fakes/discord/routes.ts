import { D, DiscordError } from "./errors.js";
import { guildRoutes } from "./guild-routes.js";
import { followUp, interactionRoutes } from "./interaction-routes.js";
import { channelPayload, messagePayload, userPayload } from "./payloads.js";
import {
  channelOf,
  guildOf,
  id,
  liveMessage,
  need,
  P,
  type Body,
  type Route,
  type RouteContext,
  type RouteTable,
} from "./route-kit.js";
import { snowflake, type DiscordState, type StoredMessage } from "./state.js";

export type { Body, Handler, Route, RouteContext } from "./route-kit.js";

export function storeMessage(
  state: DiscordState,
  channelId: string,
  body: Body,
  author = state.bot,
  webhookId?: string,
): StoredMessage {
  const channel = state.channels.get(channelId);
  if (!channel) throw D.unknownChannel();
  if (channel.type === 1 && state.closedDms.has(channel.recipientId ?? "")) throw D.cannotDm();
  const content = typeof body["content"] === "string" ? body["content"] : "";
  const embeds = Array.isArray(body["embeds"]) ? body["embeds"] : [];
  const components = Array.isArray(body["components"]) ? body["components"] : [];
  if (!content && embeds.length === 0 && components.length === 0) throw D.invalidBody("empty message");
  if (content.length > 2000) throw D.invalidBody("content longer than 2000");
  const ref = body["message_reference"] as { message_id?: string } | undefined;
  const m: StoredMessage = {
    id: snowflake(),
    channel_id: channelId,
    ...(channel.guildId ? { guild_id: channel.guildId } : {}),
    author,
    content,
    components,
    embeds,
    attachments: [],
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    ...(webhookId ? { webhook_id: webhookId } : {}),
    ...(body["allowed_mentions"] !== undefined ? { allowed_mentions: body["allowed_mentions"] } : {}),
    ...(ref?.message_id
      ? { message_reference: { type: 0, message_id: ref.message_id, channel_id: channelId } }
      : {}),
    deleted: false,
  };
  state.messages.set(m.id, m);
  return m;
}

const routes: RouteTable = [
  [
    "getGatewayBot",
    "GET",
    "/gateway/bot",
    (ctx) => ({
      url: ctx.gatewayUrl,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
    }),
  ],
  ["getMe", "GET", "/users/@me", (ctx) => userPayload(ctx.state.bot)],
  [
    "getUser",
    "GET",
    `/users/${id}`,
    (ctx) => {
      const u = ctx.state.users.get(ctx.params[0] ?? "");
      if (!u) throw D.unknownUser();
      return userPayload(u);
    },
  ],
  [
    "createDm",
    "POST",
    "/users/@me/channels",
    (ctx) => {
      const recipient = String(ctx.body["recipient_id"] ?? "");
      if (!ctx.state.users.has(recipient)) throw D.unknownUser();
      let dm = [...ctx.state.channels.values()].find((c) => c.type === 1 && c.recipientId === recipient);
      if (!dm) {
        dm = { id: snowflake(), guildId: null, name: "", type: 1, recipientId: recipient };
        ctx.state.channels.set(dm.id, dm);
      }
      return channelPayload(ctx.state, dm.id);
    },
  ],
  ["getChannel", "GET", `/channels/${id}`, (ctx) => channelPayload(ctx.state, channelOf(ctx).id)],
  [
    "getMessage",
    "GET",
    `/channels/${id}/messages/${id}`,
    (ctx) => messagePayload(liveMessage(ctx, channelOf(ctx).id, ctx.params[1] ?? "")),
  ],
  [
    "createMessage",
    "POST",
    `/channels/${id}/messages`,
    (ctx) => messagePayload(storeMessage(ctx.state, channelOf(ctx).id, ctx.body)),
  ],
  [
    "editMessage",
    "PATCH",
    `/channels/${id}/messages/${id}`,
    (ctx) => {
      const m = liveMessage(ctx, channelOf(ctx).id, ctx.params[1] ?? "");
      if (m.author.id !== ctx.state.bot.id)
        throw new DiscordError(403, 50005, "Cannot edit a message authored by another user");
      if (typeof ctx.body["content"] === "string") m.content = ctx.body["content"];
      if (Array.isArray(ctx.body["components"])) m.components = ctx.body["components"];
      m.edited_timestamp = new Date().toISOString();
      return messagePayload(m);
    },
  ],
  [
    "deleteMessage",
    "DELETE",
    `/channels/${id}/messages/${id}`,
    (ctx) => {
      const c = channelOf(ctx);
      const m = liveMessage(ctx, c.id, ctx.params[1] ?? "");
      const g = c.guildId ? ctx.state.guild(c.guildId) : undefined;
      if (g && m.author.id !== ctx.state.bot.id) need(ctx, g, P.ManageMessages);
      m.deleted = true;
      return undefined;
    },
  ],
  [
    "bulkDeleteMessages",
    "POST",
    `/channels/${id}/messages/bulk-delete`,
    (ctx) => {
      const c = channelOf(ctx);
      const ids = Array.isArray(ctx.body["messages"]) ? (ctx.body["messages"] as string[]) : [];
      if (ids.length < 2 || ids.length > 100) throw D.invalidBody("messages: 2 to 100 ids");
      const g = c.guildId ? ctx.state.guild(c.guildId) : undefined;
      if (g) need(ctx, g, P.ManageMessages);
      for (const mid of ids) {
        const m = ctx.state.messages.get(mid);
        if (m && m.channel_id === c.id) m.deleted = true;
      }
      return undefined;
    },
  ],
  [
    "listWebhooks",
    "GET",
    `/channels/${id}/webhooks`,
    (ctx) => {
      const c = channelOf(ctx);
      if (c.guildId) need(ctx, guildOf({ ...ctx, params: [c.guildId] }), P.ManageWebhooks);
      return [...ctx.state.webhooks.values()].filter((w) => w.channel_id === c.id).map(webhookPayload(ctx));
    },
  ],
  [
    "createWebhook",
    "POST",
    `/channels/${id}/webhooks`,
    (ctx) => {
      const c = channelOf(ctx);
      if (!c.guildId) throw D.invalidBody("webhooks live in guild channels");
      need(ctx, guildOf({ ...ctx, params: [c.guildId] }), P.ManageWebhooks);
      const w = {
        id: snowflake(),
        token: `wh-${snowflake()}`,
        channel_id: c.id,
        guild_id: c.guildId,
        name: String(ctx.body["name"] ?? "webhook"),
      };
      ctx.state.webhooks.set(w.id, w);
      return webhookPayload(ctx)(w);
    },
  ],
  [
    "executeWebhook",
    "POST",
    `/webhooks/${id}/([^/]+)`,
    (ctx) => {
      const [hookId = "", token = ""] = ctx.params;
      if (hookId === ctx.state.applicationId) return followUp(ctx, token);
      const w = ctx.state.webhooks.get(hookId);
      if (!w || w.token !== token) throw D.unknownWebhook();
      const thread = ctx.query.get("thread_id");
      const author = {
        id: w.id,
        username: String(ctx.body["username"] ?? w.name),
        global_name: null,
        avatar: null,
        bot: true,
      };
      const m = storeMessage(ctx.state, thread ?? w.channel_id, ctx.body, author, w.id);
      if (typeof ctx.body["avatar_url"] === "string")
        m.author = { ...author, avatar: ctx.body["avatar_url"] };
      return ctx.query.get("wait") === "true" ? messagePayload(m) : undefined;
    },
  ],
];

const webhookPayload =
  (ctx: RouteContext) =>
  (w: { id: string; token: string; channel_id: string; guild_id: string; name: string }) => ({
    id: w.id,
    type: 1,
    token: w.token,
    channel_id: w.channel_id,
    guild_id: w.guild_id,
    name: w.name,
    avatar: null,
    application_id: ctx.state.applicationId,
    user: userPayload(ctx.state.bot),
  });

export const discordRoutes: Route[] = [...routes, ...guildRoutes, ...interactionRoutes].map(
  ([name, method, path, handler]) => ({
    name,
    method,
    pattern: new RegExp(`^/api/v10${path}$`),
    handler,
  }),
);
