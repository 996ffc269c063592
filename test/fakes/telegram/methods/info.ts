import type { BotCommand, BotCommandScope } from "grammy/types";
import { E, badRequest } from "../errors.js";
import { isAdmin, isInChat, leftRecord, toChatMember } from "../members.js";
import { chatIdParam, int, optBool, optInt, optObj, optStr, type Params } from "../params.js";
import type { UpdateType } from "../updates.js";
import { botRecordIn, type Handler } from "./common.js";

/** Key under which commands are stored: scope (type + ids) and language. */
export function commandKey(scope: BotCommandScope | undefined, lang: string | undefined): string {
  const s = scope ?? { type: "default" };
  const ids = ["chat_id" in s ? s.chat_id : "", "user_id" in s ? s.user_id : ""].join(":");
  return `${s.type}:${ids}|${lang ?? ""}`;
}

function scopeParams(p: Params): string {
  const lang = optStr(p, "language_code");
  if (lang !== undefined && lang !== "" && !/^[a-z]{2}$/.test(lang))
    throw badRequest("invalid language code specified");
  return commandKey(optObj<BotCommandScope>(p, "scope"), lang || undefined);
}

export const infoMethods: Record<string, Handler> = {
  getMe({ state }) {
    return {
      ...state.bot,
      can_join_groups: true,
      can_read_all_group_messages: !state.privacyMode,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
  },

  getChat({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    if (chat.type === "private") {
      const u = state.findUser(chat.id);
      if (!u?.startedBot && (u?.privateAllowedUntil ?? 0) < state.now()) throw E.chatNotFound();
    } else if (!isInChat(state.member(chat.id, state.bot.id)) && !chat.username) {
      throw E.chatNotFound();
    }
    return {
      ...state.chatObj(chat),
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false,
        limited_gifts: false,
        unique_gifts: false,
        premium_subscription: false,
        gifts_from_channels: false,
      },
      ...(chat.type === "group" || chat.type === "supergroup" ? { permissions: chat.permissions } : {}),
      ...(chat.join_by_request ? { join_by_request: true } : {}),
    };
  },

  getChatMember({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const user = state.apiUser(int(p, "user_id", "invalid user_id specified"));
    if (chat.type === "private") {
      if (chat.id !== user.user.id && user.user.id !== state.bot.id) throw E.userNotFound();
      return { status: "member", user: user.user };
    }
    botRecordIn(state, chat);
    return toChatMember(user.user, state.member(chat.id, user.user.id));
  },

  getChatAdministrators({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    if (chat.type === "private") throw badRequest("there are no administrators in the private chat");
    botRecordIn(state, chat);
    return state
      .membersOf(chat.id)
      .filter(([id, r]) => isAdmin(r) && !(state.findUser(id)?.user.is_bot && id !== state.bot.id))
      .map(([id, r]) => toChatMember(state.apiUser(id).user, r));
  },

  getChatMemberCount({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    if (chat.type === "private") return 2;
    botRecordIn(state, chat);
    return state.membersOf(chat.id).filter(([, r]) => isInChat(r)).length;
  },

  leaveChat({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    if (chat.type === "private") throw badRequest("chat member status can't be changed in private chats");
    botRecordIn(state, chat);
    state.changeMember(chat.id, state.bot.id, leftRecord(), state.bot);
    return true;
  },

  setMyCommands({ state }, p) {
    const commands = optObj<BotCommand[]>(p, "commands");
    if (!Array.isArray(commands) || commands.length > 100)
      throw badRequest("commands must be an array of at most 100 items");
    for (const c of commands) {
      if (typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw E.commandInvalid();
      if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256)
        throw E.commandDescriptionInvalid();
    }
    const key = scopeParams(p);
    if (commands.length)
      state.commandSets.set(
        key,
        commands.map((c) => ({ command: c.command, description: c.description })),
      );
    else state.commandSets.delete(key);
    return true;
  },

  getMyCommands({ state }, p) {
    return state.commandSets.get(scopeParams(p)) ?? [];
  },

  deleteMyCommands({ state }, p) {
    state.commandSets.delete(scopeParams(p));
    return true;
  },

  answerCallbackQuery({ state }, p) {
    const id = optStr(p, "callback_query_id");
    const entry = id === undefined ? undefined : state.callbacks.get(id);
    if (!id || !entry || entry.answer) throw E.queryInvalid();
    const text = optStr(p, "text");
    if (text !== undefined && text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
    const answer = {
      callback_query_id: id,
      ...(text !== undefined ? { text } : {}),
      ...(optBool(p, "show_alert") !== undefined ? { show_alert: optBool(p, "show_alert") } : {}),
      ...(optStr(p, "url") !== undefined ? { url: optStr(p, "url") } : {}),
      ...(optInt(p, "cache_time") !== undefined ? { cache_time: optInt(p, "cache_time") } : {}),
    };
    entry.answer = answer;
    state.answered.push(answer);
    return true;
  },

  getUpdates({ state, onAbort }, p) {
    if (state.webhook) throw E.webhookActive();
    const allowed = optObj<UpdateType[]>(p, "allowed_updates");
    return state.queue.get(
      {
        offset: optInt(p, "offset"),
        limit: optInt(p, "limit"),
        timeout: optInt(p, "timeout"),
        ...(allowed !== undefined ? { allowed_updates: allowed } : {}),
      },
      onAbort,
    );
  },

  setWebhook({ state }, p) {
    const url = optStr(p, "url");
    if (!url) {
      state.webhook = undefined;
      return true;
    }
    if (!/^https:\/\//.test(url)) throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    state.webhook = {
      url,
      allowed_updates: optObj(p, "allowed_updates"),
      max_connections: optInt(p, "max_connections") ?? 40,
    };
    if (optBool(p, "drop_pending_updates")) state.queue.dropPending();
    return true;
  },

  deleteWebhook({ state }, p) {
    state.webhook = undefined;
    if (optBool(p, "drop_pending_updates")) state.queue.dropPending();
    return true;
  },

  getWebhookInfo({ state }) {
    return {
      url: (state.webhook?.["url"] as string | undefined) ?? "",
      has_custom_certificate: false,
      pending_update_count: state.queue.pending().length,
      ...(state.webhook ? { max_connections: state.webhook["max_connections"] } : {}),
    };
  },
};
