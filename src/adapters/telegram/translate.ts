import type {
  CallbackQuery,
  ChatMember,
  ChatMemberUpdated,
  Message,
  MessageEntity,
  Update,
  User,
} from "grammy/types";
import type { CoreEvent, RepliedMessage } from "../../core/events.js";
import type { Actor, ForwardOrigin, MediaItem, PostContent } from "../../core/model/content.js";
import type { MemberLookup } from "../../core/ports/members.js";
import { ANONYMOUS_ADMIN_ID } from "./admins.js";
import { decodePayload } from "./deeplink.js";
import { tgAccount, tgChatKey, tgMessageRef, tgSenderChatAccount } from "./keys.js";
import { telegramMentions } from "./mentions.js";

/** What translation needs to know besides the update. */
export interface TranslateEnv {
  botId: number;
  botUsername: string;
  isAdmin(chatId: number, userId: number): Promise<boolean>;
  membership: MembershipTracker;
  /** The members the bot has seen, to resolve `@username` and ids typed in commands. */
  members: MemberLookup;
}

/**
 * Telegram reports a join twice (a `chat_member` update and a `new_chat_members` service message) and
 * `chat_member` only reaches admins that asked for it. Whichever arrives first counts; the other is
 * dropped. A leave clears the mark, so a member who leaves and comes back is seen joining again.
 */
export class MembershipTracker {
  private readonly state = new Map<string, "in" | "out">();
  constructor(private readonly max = 50_000) {}

  /** True when this is news (the member was not already known to be in / out). */
  mark(chatId: number, userId: number, now: "in" | "out"): boolean {
    const key = `${chatId}|${userId}`;
    const before = this.state.get(key);
    this.state.delete(key);
    this.state.set(key, now);
    if (this.state.size > this.max) this.state.delete(this.state.keys().next().value as string);
    return before !== now;
  }
}

const at = (date: number) => date * 1000;

export function displayName(u: User): string {
  return [u.first_name, u.last_name].filter(Boolean).join(" ") || (u.username ?? String(u.id));
}

function userActor(u: User, isChatAdmin: boolean): Actor {
  return {
    account: tgAccount(u.id),
    displayName: displayName(u),
    ...(u.username ? { username: u.username } : {}),
    ...(u.language_code ? { language: u.language_code } : {}),
    isChatAdmin,
    ...(u.is_bot ? { isBot: true } : {}),
  };
}

/**
 * The author of a message. Anonymous admins (the "Group" user with sender_chat = the chat) are admins
 * under the chat's own account; channels posting in the group get their own `telegram:chat<id>`
 * account (bans then use banChatSenderChat). Linked-channel automatic forwards are the channel's
 * own posts mirrored by Telegram, not members' posts: they yield no actor and are ignored.
 */
async function messageActor(m: Message, env: TranslateEnv): Promise<Actor | undefined> {
  if (m.is_automatic_forward) return undefined;
  const sc = m.sender_chat;
  if (sc) {
    const own = sc.id === m.chat.id && m.from?.id === ANONYMOUS_ADMIN_ID;
    return {
      account: tgSenderChatAccount(sc.id),
      displayName: "title" in sc && sc.title ? sc.title : String(sc.id),
      isChatAdmin: own,
    };
  }
  if (!m.from) return undefined;
  return userActor(m.from, m.chat.type !== "private" && (await env.isAdmin(m.chat.id, m.from.id)));
}

function mediaOf(m: Message): MediaItem[] {
  if (m.photo?.length) return [{ kind: "photo", ref: (m.photo.at(-1) as { file_id: string }).file_id }];
  if (m.animation) return [{ kind: "animation", ref: m.animation.file_id }];
  if (m.video) return [{ kind: "video", ref: m.video.file_id }];
  if (m.document) return [{ kind: "document", ref: m.document.file_id }];
  if (m.audio) return [{ kind: "audio", ref: m.audio.file_id }];
  if (m.voice) return [{ kind: "voice", ref: m.voice.file_id }];
  if (m.sticker) return [{ kind: "sticker", ref: m.sticker.file_id }];
  if (m.video_note) return [{ kind: "other", ref: m.video_note.file_id }];
  return [];
}

function forwardOf(m: Message): ForwardOrigin | undefined {
  const o = m.forward_origin;
  if (!o) return undefined;
  switch (o.type) {
    case "channel":
      return { kind: "channel", id: String(o.chat.id), ...(o.chat.title ? { title: o.chat.title } : {}) };
    case "chat":
      return {
        kind: "chat",
        id: String(o.sender_chat.id),
        ...("title" in o.sender_chat && o.sender_chat.title ? { title: o.sender_chat.title } : {}),
      };
    case "user":
      return { kind: "user", id: String(o.sender_user.id), title: displayName(o.sender_user) };
    case "hidden_user":
      return { kind: "hidden", title: o.sender_user_name };
  }
}

/** Text or caption, links from url / text_link entities, media by file_id; entities kept for re-posts. */
export function contentOf(m: Message): PostContent {
  const text = m.text ?? m.caption ?? "";
  const entities: MessageEntity[] | undefined = m.entities ?? m.caption_entities;
  const links: string[] = [];
  for (const e of entities ?? []) {
    if (e.type === "text_link") links.push(e.url);
    else if (e.type === "url") links.push(text.slice(e.offset, e.offset + e.length));
  }
  const forwardedFrom = forwardOf(m);
  return {
    text,
    links,
    media: mediaOf(m),
    ...(forwardedFrom ? { forwardedFrom } : {}),
    ...(m.media_group_id ? { albumId: m.media_group_id } : {}),
    ...(entities?.length ? { formatting: entities } : {}),
  };
}

const threadOf = (m: Message) => (m.is_topic_message ? m.message_thread_id : undefined);

function repliedOf(m: Message): RepliedMessage | undefined {
  const r = m.reply_to_message;
  // In forums every topic message "replies" to the topic's first message: that is no reply.
  if (!r || (m.is_topic_message && r.message_id === m.message_thread_id)) return undefined;
  const author = r.sender_chat
    ? tgSenderChatAccount(r.sender_chat.id)
    : r.from
      ? tgAccount(r.from.id)
      : undefined;
  return {
    message: tgMessageRef(r.chat.id, r.message_id, threadOf(r)),
    ...(author ? { author } : {}),
    ...(r.from && !r.sender_chat ? { authorName: displayName(r.from) } : {}),
    content: contentOf(r),
  };
}

/** `/name@bot args` at offset 0; undefined when it is no command or one for another bot. */
export function parseCommand(m: Message, botUsername: string): { name: string; args: string } | undefined {
  const text = m.text ?? "";
  const e = m.entities?.[0];
  if (!e || e.type !== "bot_command" || e.offset !== 0) return undefined;
  const [name = "", target] = text.slice(1, e.length).split("@");
  if (target !== undefined && target.toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return { name: name.toLowerCase(), args: text.slice(e.length).trim() };
}

async function fromMessage(m: Message, env: TranslateEnv, edited: boolean): Promise<CoreEvent[]> {
  const chatId = m.chat.id;
  if (m.chat.type === "channel") return [];
  if (m.chat.type === "private") {
    if (edited || !m.from) return [];
    const actor = userActor(m.from, false);
    if (m.contact) {
      const contactAccount = m.contact.user_id !== undefined ? tgAccount(m.contact.user_id) : undefined;
      return [
        {
          kind: "contact_shared",
          actor,
          phone: m.contact.phone_number,
          ...(contactAccount ? { contactAccount } : {}),
          at: at(m.date),
        },
      ];
    }
    const command = parseCommand(m, env.botUsername);
    if (command) {
      const data = command.name === "start" && command.args ? decodePayload(command.args) : undefined;
      if (data !== undefined) return [{ kind: "button_pressed", data, actor, at: at(m.date) }];
      return [
        {
          kind: "command",
          ...command,
          mentions: await telegramMentions(m, command.args, env.members),
          actor,
          message: tgMessageRef(chatId, m.message_id),
          at: at(m.date),
        },
      ];
    }
    return m.text !== undefined ? [{ kind: "private_message", actor, text: m.text, at: at(m.date) }] : [];
  }
  if (m.new_chat_members?.length) {
    const events: CoreEvent[] = [];
    for (const u of m.new_chat_members) {
      if (u.id === env.botId || !env.membership.mark(chatId, u.id, "in")) continue;
      events.push({
        kind: "member_joined",
        chat: tgChatKey(chatId),
        actor: userActor(u, false),
        at: at(m.date),
      });
    }
    return events;
  }
  if (m.left_chat_member) {
    const u = m.left_chat_member;
    if (!env.membership.mark(chatId, u.id, "out")) return [];
    return [
      {
        kind: "member_left",
        chat: tgChatKey(chatId),
        account: tgAccount(u.id),
        removed: m.from?.id !== u.id,
        at: at(m.date),
      },
    ];
  }
  const actor = await messageActor(m, env);
  if (!actor) return [];
  const ref = tgMessageRef(chatId, m.message_id, threadOf(m));
  const replyTo = repliedOf(m);
  if (!edited) {
    const command = parseCommand(m, env.botUsername);
    if (command) {
      return [
        {
          kind: "command",
          ...command,
          mentions: await telegramMentions(m, command.args, env.members),
          actor,
          chat: tgChatKey(chatId),
          message: ref,
          ...(replyTo ? { replyTo } : {}),
          at: at(m.date),
        },
      ];
    }
  }
  const content = contentOf(m);
  if (!content.text && content.media.length === 0) return [];
  if (edited)
    return [{ kind: "message_edited", message: ref, actor, content, at: at(m.edit_date ?? m.date) }];
  return [
    { kind: "message_posted", message: ref, actor, content, ...(replyTo ? { replyTo } : {}), at: at(m.date) },
  ];
}

export const isInChat = (m: ChatMember): boolean =>
  m.status === "member" ||
  m.status === "administrator" ||
  m.status === "creator" ||
  (m.status === "restricted" && m.is_member);

function fromChatMember(u: ChatMemberUpdated, env: TranslateEnv): CoreEvent[] {
  const was = isInChat(u.old_chat_member);
  const is = isInChat(u.new_chat_member);
  const user = u.new_chat_member.user;
  const chat = tgChatKey(u.chat.id);
  if (!was && is) {
    if (!env.membership.mark(u.chat.id, user.id, "in")) return [];
    return [
      {
        kind: "member_joined",
        chat,
        actor: userActor(
          user,
          u.new_chat_member.status === "administrator" || u.new_chat_member.status === "creator",
        ),
        at: at(u.date),
      },
    ];
  }
  if (was && !is) {
    if (!env.membership.mark(u.chat.id, user.id, "out")) return [];
    return [
      {
        kind: "member_left",
        chat,
        account: tgAccount(user.id),
        removed: u.new_chat_member.status === "kicked" || u.from.id !== user.id,
        at: at(u.date),
      },
    ];
  }
  return [];
}

async function fromCallback(q: CallbackQuery, env: TranslateEnv): Promise<CoreEvent[]> {
  if (q.data === undefined) return [];
  const m = q.message;
  const inGroup = m !== undefined && m.chat.type !== "private";
  const admin = inGroup ? await env.isAdmin(m.chat.id, q.from.id) : false;
  return [
    {
      kind: "button_pressed",
      data: q.data,
      actor: userActor(q.from, admin),
      ...(inGroup ? { chat: tgChatKey(m.chat.id) } : {}),
      ...(m
        ? {
            message: tgMessageRef(
              m.chat.id,
              m.message_id,
              "is_topic_message" in m && m.is_topic_message ? m.message_thread_id : undefined,
            ),
          }
        : {}),
    },
  ];
}

/** One update → the core events it means (none for what the core does not care about). */
export async function translateUpdate(update: Update, env: TranslateEnv): Promise<CoreEvent[]> {
  if (update.message) return fromMessage(update.message, env, false);
  if (update.edited_message) return fromMessage(update.edited_message, env, true);
  if (update.callback_query) return fromCallback(update.callback_query, env);
  if (update.chat_member) return fromChatMember(update.chat_member, env);
  if (update.chat_join_request) {
    const r = update.chat_join_request;
    return [
      { kind: "join_requested", chat: tgChatKey(r.chat.id), actor: userActor(r.from, false), at: at(r.date) },
    ];
  }
  return [];
}

/** The chat an update belongs to (for the configured-chats filter and per-chat sequencing). */
export function chatOfUpdate(update: Update): number | undefined {
  return (
    update.message?.chat.id ??
    update.edited_message?.chat.id ??
    update.callback_query?.message?.chat.id ??
    update.chat_member?.chat.id ??
    update.my_chat_member?.chat.id ??
    update.chat_join_request?.chat.id ??
    update.callback_query?.from.id
  );
}
