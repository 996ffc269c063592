import type { ChatPermissions, Message } from "grammy/types";
import { E, badRequest, forbidden } from "../errors.js";
import { hasRight, isInChat, type MemberRecord } from "../members.js";
import { optBool, optInt, optObj, type Params } from "../params.js";
import type { FakeChat, TelegramState } from "../state.js";

export interface MethodContext {
  state: TelegramState;
  /** Registers a callback for when the HTTP client hangs up (long polling). */
  onAbort: (cb: () => void) => void;
}

export type Handler = (ctx: MethodContext, p: Params) => unknown;

/** The bot must currently be in a group or channel to act in it. */
export function botRecordIn(state: TelegramState, chat: FakeChat): MemberRecord {
  const r = state.member(chat.id, state.bot.id);
  if (chat.type === "private") return r;
  if (r.status === "kicked") throw chat.type === "channel" ? E.notMember("channel") : E.kicked(chat.type);
  if (!isInChat(r)) throw E.notMember(chat.type);
  return r;
}

/** Checks that the bot may post this kind of content in the chat, as Telegram does. */
export function assertCanSend(
  state: TelegramState,
  chat: FakeChat,
  permission: keyof ChatPermissions = "can_send_messages",
): void {
  if (chat.type === "private") {
    const u = state.findUser(chat.id);
    if (!u) throw E.chatNotFound();
    if (u.user.is_bot) throw forbidden("bot can't send messages to bots");
    if (u.blockedBot) throw E.blocked();
    if (!u.startedBot && u.privateAllowedUntil < state.now()) throw E.cantInitiate();
    return;
  }
  const r = botRecordIn(state, chat);
  if (chat.type === "channel") {
    if (!hasRight(r, "can_post_messages")) throw E.notMember("channel");
    return;
  }
  if (r.status === "creator" || r.status === "administrator") return;
  const allowed = r.status === "restricted" ? r.permissions[permission] : chat.permissions[permission];
  if (!allowed) {
    throw permission === "can_send_messages"
      ? E.notEnoughRightsSend()
      : badRequest(`not enough rights to send ${permission.replace("can_send_", "")} to the chat`);
  }
}

/** Resolves reply_parameters / reply_to_message_id and message_thread_id. */
export function replyAndThread(
  state: TelegramState,
  chat: FakeChat,
  p: Params,
): Pick<Message, "reply_to_message" | "message_thread_id" | "is_topic_message"> {
  const rp = optObj<{ message_id?: number; chat_id?: number; allow_sending_without_reply?: boolean }>(
    p,
    "reply_parameters",
  );
  const replyId = rp?.message_id ?? optInt(p, "reply_to_message_id");
  const allowWithout = rp?.allow_sending_without_reply ?? optBool(p, "allow_sending_without_reply") ?? false;
  let thread = optInt(p, "message_thread_id");
  const out: Pick<Message, "reply_to_message" | "message_thread_id" | "is_topic_message"> = {};
  if (replyId !== undefined) {
    const replyChat = rp?.chat_id !== undefined ? state.apiChat(rp.chat_id) : chat;
    const target = state.liveMessage(replyChat.id, replyId);
    if (!target && !allowWithout) throw E.replyNotFound();
    if (target) {
      const { reply_to_message: _nested, ...shallow } = target.message;
      out.reply_to_message = shallow as Message["reply_to_message"];
      if (thread === undefined && target.message.message_thread_id !== undefined)
        thread = target.message.message_thread_id;
    }
  }
  if (thread !== undefined) {
    if (chat.is_forum) {
      if (!chat.topics.has(thread)) throw E.threadNotFound();
      out.message_thread_id = thread;
      out.is_topic_message = true;
    } else if (chat.type === "supergroup" && state.findMessage(chat.id, thread)) {
      out.message_thread_id = thread;
    } else if (chat.type !== "private") {
      throw E.threadNotFound();
    }
  }
  return out;
}

/** Whether the bot may delete this message (rights, authorship, 48 h rule). */
export function canBotDelete(
  state: TelegramState,
  chat: FakeChat,
  m: Message,
  fromBot: boolean,
): true | "rights" | "age" {
  if (m.forum_topic_created || m.group_chat_created || m.supergroup_chat_created || m.channel_chat_created)
    return "rights";
  if (chat.type === "private") return state.now() - m.date > 48 * 3600 && !fromBot ? "age" : true;
  const r = botRecordIn(state, chat);
  const strong =
    (chat.type === "supergroup" || chat.type === "channel") && hasRight(r, "can_delete_messages");
  if (strong) return true;
  let allowed = false;
  if (chat.type === "group") allowed = fromBot || r.status === "administrator" || r.status === "creator";
  else if (chat.type === "supergroup") allowed = fromBot;
  else allowed = fromBot && hasRight(r, "can_post_messages");
  if (!allowed) return "rights";
  return state.now() - m.date > 48 * 3600 ? "age" : true;
}

/** Message content that copyMessage carries over (service fields and metadata are dropped). */
export const COPYABLE = [
  "text",
  "entities",
  "caption",
  "caption_entities",
  "photo",
  "video",
  "document",
  "audio",
  "voice",
  "animation",
  "sticker",
  "contact",
  "location",
  "venue",
  "dice",
  "video_note",
  "has_media_spoiler",
  "show_caption_above_media",
  "poll",
  "link_preview_options",
] as const;

export function copyContent(m: Message): Partial<Message> | undefined {
  const out: Record<string, unknown> = {};
  for (const k of COPYABLE) if (m[k] !== undefined) out[k] = structuredClone(m[k]);
  const hasContent = COPYABLE.some(
    (k) =>
      k !== "entities" && k !== "caption_entities" && k !== "link_preview_options" && out[k] !== undefined,
  );
  return hasContent ? (out as Partial<Message>) : undefined;
}
