import type { ChatAdministratorRights, ChatPermissions } from "grammy/types";
import { E, badRequest } from "../errors.js";
import {
  completePermissions,
  hasRight,
  isInChat,
  leftRecord,
  noRights,
  PERMISSION_KEYS,
  type MemberRecord,
} from "../members.js";
import { chatIdParam, int, optBool, optInt, optObj, type Params } from "../params.js";
import type { FakeChat, FakeUser, TelegramState } from "../state.js";
import { botRecordIn, type Handler } from "./common.js";

/** until_date under 30 s or over 366 days from now means "forever" (0). */
export function normalizeUntil(until: number | undefined, now: number): number {
  if (!until) return 0;
  const d = until - now;
  return d < 30 || d > 366 * 86400 ? 0 : until;
}

function target(state: TelegramState, p: Params): FakeUser {
  return state.apiUser(int(p, "user_id", "invalid user_id specified"));
}

/** Common checks before changing someone's membership. */
function guard(
  state: TelegramState,
  chat: FakeChat,
  user: FakeUser,
  right: keyof ChatAdministratorRights,
): MemberRecord {
  if (chat.type === "private") throw E.privateChatStatus();
  const bot = botRecordIn(state, chat);
  if (!hasRight(bot, right))
    throw right === "can_restrict_members" ? E.notEnoughRightsRestrict() : E.chatAdminRequired();
  const r = state.member(chat.id, user.user.id);
  if (user.user.id === state.bot.id) throw E.cantRestrictSelf();
  if (r.status === "creator") throw E.cantRemoveOwner();
  if (r.status === "administrator" && !r.can_be_edited) throw E.userIsAdmin();
  return r;
}

/** Posts the service message Telegram shows when an admin removes someone. */
function removedNotice(state: TelegramState, chat: FakeChat, user: FakeUser): void {
  if (chat.type === "channel") return;
  const stored = state.postMessage(chat, { from: state.bot, left_chat_member: user.user }, true);
  state.emit({ message: stored.message });
}

export const adminMethods: Record<string, Handler> = {
  restrictChatMember({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const user = target(state, p);
    if (chat.type === "group" || chat.type === "channel") throw E.supergroupOnly();
    const r = guard(state, chat, user, "can_restrict_members");
    const given = optObj<ChatPermissions>(p, "permissions");
    if (!given || typeof given !== "object") throw badRequest("can't parse permissions JSON object");
    const perms = completePermissions(given, optBool(p, "use_independent_chat_permissions") ?? false);
    const until = normalizeUntil(optInt(p, "until_date"), state.now());
    const inChat = isInChat(r);
    const unrestricted = PERMISSION_KEYS.every((k) => perms[k]);
    const next: MemberRecord = unrestricted
      ? inChat
        ? { ...leftRecord(), status: "member" }
        : leftRecord()
      : { ...leftRecord(), status: "restricted", permissions: perms, until_date: until, is_member: inChat };
    if (r.status === "kicked" && unrestricted) return true;
    state.changeMember(chat.id, user.user.id, next, state.bot);
    return true;
  },

  promoteChatMember({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const user = target(state, p);
    if (chat.type === "private") throw E.privateChatStatus();
    const bot = botRecordIn(state, chat);
    if (!hasRight(bot, "can_promote_members")) throw E.notEnoughRightsPromote();
    const r = state.member(chat.id, user.user.id);
    if (r.status === "creator") throw badRequest("USER_CREATOR");
    if (r.status === "administrator" && !r.can_be_edited) throw E.chatAdminRequired();
    if (!isInChat(r)) throw badRequest("USER_NOT_PARTICIPANT");
    const rights = noRights();
    for (const k of Object.keys(rights) as (keyof ChatAdministratorRights)[]) {
      const v = optBool(p, k);
      if (v) {
        if (!hasRight(bot, k) && k !== "is_anonymous") throw badRequest("RIGHT_FORBIDDEN");
        (rights as unknown as Record<string, boolean>)[k] = true;
      }
    }
    const any = Object.entries(rights).some(([k, v]) => v && k !== "is_anonymous");
    if (any) rights.can_manage_chat = true;
    const next: MemberRecord = any
      ? { ...leftRecord(), status: "administrator", rights, can_be_edited: true }
      : { ...leftRecord(), status: "member" };
    state.changeMember(chat.id, user.user.id, next, state.bot);
    return true;
  },

  banChatMember({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const user = target(state, p);
    const r = guard(state, chat, user, "can_restrict_members");
    const until = chat.type === "group" ? 0 : normalizeUntil(optInt(p, "until_date"), state.now());
    optBool(p, "revoke_messages");
    const wasIn = isInChat(r);
    state.changeMember(
      chat.id,
      user.user.id,
      { ...leftRecord(), status: "kicked", until_date: until },
      state.bot,
    );
    if (wasIn) removedNotice(state, chat, user);
    return true;
  },

  unbanChatMember({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const user = target(state, p);
    const r = guard(state, chat, user, "can_restrict_members");
    if (r.status === "kicked") {
      state.changeMember(chat.id, user.user.id, leftRecord(), state.bot);
      return true;
    }
    if (optBool(p, "only_if_banned")) return true;
    // Without only_if_banned, Telegram removes a current member from the chat.
    if (isInChat(r)) {
      state.changeMember(chat.id, user.user.id, leftRecord(), state.bot);
      removedNotice(state, chat, user);
    }
    return true;
  },

  banChatSenderChat({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const sender = int(p, "sender_chat_id", "sender_chat_id is empty");
    if (chat.type !== "supergroup" && chat.type !== "channel") throw E.supergroupOnly();
    if (!hasRight(botRecordIn(state, chat), "can_restrict_members")) throw E.notEnoughRightsRestrict();
    if (sender === chat.id) throw badRequest("can't ban the chat itself");
    chat.bannedSenderChats.add(sender);
    return true;
  },

  unbanChatSenderChat({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const sender = int(p, "sender_chat_id", "sender_chat_id is empty");
    if (chat.type !== "supergroup" && chat.type !== "channel") throw E.supergroupOnly();
    if (!hasRight(botRecordIn(state, chat), "can_restrict_members")) throw E.notEnoughRightsRestrict();
    chat.bannedSenderChats.delete(sender);
    return true;
  },

  approveChatJoinRequest({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const user = target(state, p);
    if (!hasRight(botRecordIn(state, chat), "can_invite_users")) throw E.chatAdminRequired();
    if (isInChat(state.member(chat.id, user.user.id))) throw E.alreadyParticipant();
    if (!chat.joinRequests.has(user.user.id)) throw E.hideRequesterMissing();
    chat.joinRequests.delete(user.user.id);
    state.changeMember(chat.id, user.user.id, { ...leftRecord(), status: "member" }, state.bot, {
      via_join_request: true,
    });
    if (chat.type !== "channel") {
      const stored = state.postMessage(chat, { from: user.user, new_chat_members: [user.user] }, false);
      state.emit({ message: stored.message });
    }
    return true;
  },

  declineChatJoinRequest({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const user = target(state, p);
    if (!hasRight(botRecordIn(state, chat), "can_invite_users")) throw E.chatAdminRequired();
    if (!chat.joinRequests.has(user.user.id)) throw E.hideRequesterMissing();
    chat.joinRequests.delete(user.user.id);
    return true;
  },
};
