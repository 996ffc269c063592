import type {
  BotCommand,
  CallbackQuery,
  Chat,
  ChatPermissions,
  ForceReply,
  Message,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  Update,
  User,
} from "grammy/types";
import { E } from "./errors.js";
import {
  defaultChatPermissions,
  expire,
  hasRight,
  isAdmin,
  isInChat,
  leftRecord,
  toChatMember,
  type MemberRecord,
} from "./members.js";
import { UpdateQueue, type NewUpdate } from "./updates.js";

export type ChatType = "private" | "group" | "supergroup" | "channel";

export interface FakeUser {
  user: User;
  /** The user opened the bot's private chat (/start): the bot may write to them. */
  startedBot: boolean;
  blockedBot: boolean;
  /** After a join request the bot may write to the user until then (unix s). */
  privateAllowedUntil: number;
}

export interface FakeChat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  is_forum: boolean;
  permissions: Required<ChatPermissions>;
  join_by_request: boolean;
  nextMessageId: number;
  /** Forum topics: thread id → name. */
  topics: Map<number, string>;
  bannedSenderChats: Set<number>;
  /** Pending join requests: user id → date. */
  joinRequests: Map<number, number>;
}

export interface StoredMessage {
  message: Message;
  deleted: boolean;
  fromBot: boolean;
  /** Earlier versions of the message, oldest first. */
  edits: Message[];
  /** A reply keyboard (or its removal) sent along; not part of Message in the API. */
  replyKeyboard?: ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;
}

export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
}

export const SERVICE_USERS = {
  telegram: { id: 777000, is_bot: false, first_name: "Telegram" },
  groupAnonymousBot: {
    id: 1087968824,
    is_bot: true,
    first_name: "Group",
    username: "GroupAnonymousBot",
  },
  channelBot: { id: 136817688, is_bot: true, first_name: "Channel", username: "Channel_Bot" },
} satisfies Record<string, User>;

/** The whole simulated Telegram: users, chats, members, messages and the update queue. */
export class TelegramState {
  readonly users = new Map<number, FakeUser>();
  readonly chats = new Map<number, FakeChat>();
  private readonly memberMap = new Map<number, Map<number, MemberRecord>>();
  private readonly messageMap = new Map<number, Map<number, StoredMessage>>();
  readonly queue = new UpdateQueue();
  readonly callbacks = new Map<string, { query: CallbackQuery; answer?: CallbackAnswer }>();
  readonly answered: CallbackAnswer[] = [];
  readonly commandSets = new Map<string, BotCommand[]>();
  webhook: Record<string, unknown> | undefined;
  private nextCallback = 4_000_000_000_000_000;

  constructor(
    readonly bot: User,
    readonly now: () => number,
    /** Privacy mode: a bot that is not an admin sees only commands, replies to it and service messages. */
    readonly privacyMode = false,
  ) {
    for (const u of [bot, ...Object.values(SERVICE_USERS)]) this.addUser(u);
  }

  addUser(user: User): FakeUser {
    const fu: FakeUser = { user, startedBot: false, blockedBot: false, privateAllowedUntil: 0 };
    this.users.set(user.id, fu);
    return fu;
  }

  addChat(
    chat: Omit<
      FakeChat,
      "nextMessageId" | "topics" | "bannedSenderChats" | "joinRequests" | "permissions"
    > & { permissions?: ChatPermissions },
  ): FakeChat {
    const fc: FakeChat = {
      ...chat,
      permissions: { ...defaultChatPermissions(), ...chat.permissions },
      nextMessageId: 1,
      topics: new Map(),
      bannedSenderChats: new Set(),
      joinRequests: new Map(),
    };
    this.chats.set(fc.id, fc);
    return fc;
  }

  findUser(id: number): FakeUser | undefined {
    return this.users.get(id);
  }

  /** A user the API was asked about; unknown ids are what Telegram calls invalid. */
  apiUser(id: number): FakeUser {
    const u = this.users.get(id);
    if (!u) throw E.participantInvalid();
    return u;
  }

  /** Resolves chat_id (number or @username) the way the API does. */
  apiChat(id: number | string): FakeChat {
    if (typeof id === "string") {
      const name = id.slice(1).toLowerCase();
      for (const c of this.chats.values()) if (c.username?.toLowerCase() === name) return c;
      throw E.chatNotFound();
    }
    const c = this.chats.get(id) ?? (id > 0 ? this.privateChatOf(id) : undefined);
    if (!c) throw E.chatNotFound();
    return c;
  }

  /** The private chat between the bot and a user (created on first use). */
  privateChatOf(userId: number): FakeChat | undefined {
    const existing = this.chats.get(userId);
    if (existing) return existing;
    const u = this.users.get(userId);
    if (!u || userId === this.bot.id) return undefined;
    return this.addChat({ id: userId, type: "private", is_forum: false, join_by_request: false });
  }

  chatObj(c: FakeChat): Chat {
    if (c.type === "private") {
      const u = this.users.get(c.id)?.user;
      return {
        id: c.id,
        type: "private",
        first_name: u?.first_name ?? "",
        ...(u?.last_name ? { last_name: u.last_name } : {}),
        ...(u?.username ? { username: u.username } : {}),
      };
    }
    if (c.type === "group") return { id: c.id, type: "group", title: c.title ?? "" };
    if (c.type === "channel") {
      return {
        id: c.id,
        type: "channel",
        title: c.title ?? "",
        ...(c.username ? { username: c.username } : {}),
      };
    }
    return {
      id: c.id,
      type: "supergroup",
      title: c.title ?? "",
      ...(c.username ? { username: c.username } : {}),
      ...(c.is_forum ? { is_forum: true } : {}),
    } as Chat;
  }

  /** A member record with expired restrictions lifted. */
  member(chatId: number, userId: number): MemberRecord {
    const m = this.memberMap.get(chatId);
    const r = m?.get(userId);
    if (!r) return leftRecord();
    const e = expire(r, this.now());
    if (e !== r) m?.set(userId, e);
    return e;
  }

  membersOf(chatId: number): [number, MemberRecord][] {
    const m = this.memberMap.get(chatId);
    if (!m) return [];
    return [...m.keys()].map((id) => [id, this.member(chatId, id)]);
  }

  /**
   * Stores a membership change and emits the chat_member (or, for the bot itself,
   * my_chat_member) update Telegram would send. Returns whether anything changed.
   */
  changeMember(
    chatId: number,
    userId: number,
    next: MemberRecord,
    actor: User,
    extra: { via_join_request?: boolean; silent?: boolean } = {},
  ): boolean {
    const chat = this.chats.get(chatId);
    const user = this.users.get(userId)?.user;
    if (!chat || !user) throw new Error(`fake telegram: unknown chat ${chatId} or user ${userId}`);
    const old = toChatMember(user, this.member(chatId, userId));
    let m = this.memberMap.get(chatId);
    if (!m) this.memberMap.set(chatId, (m = new Map()));
    m.set(userId, next);
    const now = toChatMember(user, next);
    if (JSON.stringify(old) === JSON.stringify(now)) return false;
    if (extra.silent) return true;
    const payload = {
      chat: this.chatObj(chat),
      from: actor,
      date: this.now(),
      old_chat_member: old,
      new_chat_member: now,
      ...(extra.via_join_request ? { via_join_request: true } : {}),
    };
    if (userId === this.bot.id) this.emit({ my_chat_member: payload });
    else this.emit({ chat_member: payload });
    return true;
  }

  /** Adds a message to a chat, assigning the next id and the date. */
  postMessage(
    chat: FakeChat,
    fields: Omit<Message, "message_id" | "date" | "chat"> & { date?: number },
    fromBot: boolean,
  ): StoredMessage {
    const message = {
      message_id: chat.nextMessageId++,
      ...fields,
      date: fields.date ?? this.now(),
      chat: this.chatObj(chat),
    } as Message;
    const stored: StoredMessage = { message, deleted: false, fromBot, edits: [] };
    let m = this.messageMap.get(chat.id);
    if (!m) this.messageMap.set(chat.id, (m = new Map()));
    m.set(message.message_id, stored);
    return stored;
  }

  findMessage(chatId: number, messageId: number): StoredMessage | undefined {
    return this.messageMap.get(chatId)?.get(messageId);
  }

  /** A message that exists and was not deleted. */
  liveMessage(chatId: number, messageId: number): StoredMessage | undefined {
    const m = this.findMessage(chatId, messageId);
    return m && !m.deleted ? m : undefined;
  }

  messagesOf(chatId: number): StoredMessage[] {
    return [...(this.messageMap.get(chatId)?.values() ?? [])];
  }

  newCallbackId(): string {
    return String(this.nextCallback++);
  }

  private passesPrivacy(m: Message): boolean {
    if (!this.privacyMode || (m.chat.type !== "group" && m.chat.type !== "supergroup")) return true;
    if (isAdmin(this.member(m.chat.id, this.bot.id))) return true;
    if (m.new_chat_members || m.left_chat_member || m.forum_topic_created || m.pinned_message) return true;
    const text = m.text ?? m.caption ?? "";
    const mine = this.bot.username ?? "";
    return (
      m.reply_to_message?.from?.id === this.bot.id ||
      (/^\/[A-Za-z0-9_]+(@\w+)?/.test(text) &&
        (!/^\/\w+@/.test(text) || text.split(/\s/)[0]?.endsWith(`@${mine}`) === true)) ||
      text.includes(`@${mine}`)
    );
  }

  /** Whether the bot would receive this update at all (membership, rights, blocks). */
  private relevant(u: NewUpdate): boolean {
    const botIn = (chatId: number): boolean => {
      const c = this.chats.get(chatId);
      if (c?.type === "private") return !this.users.get(chatId)?.blockedBot;
      return isInChat(this.member(chatId, this.bot.id));
    };
    const [type, payload] = Object.entries(u)[0] ?? ["", undefined];
    const chatId = (payload as { chat?: { id: number } } | undefined)?.chat?.id;
    if (chatId === undefined) return true;
    if (["message", "edited_message", "channel_post", "edited_channel_post"].includes(type)) {
      return botIn(chatId) && this.passesPrivacy(payload as Message);
    }
    if (type === "chat_member") return isAdmin(this.member(chatId, this.bot.id));
    if (type === "chat_join_request") return hasRight(this.member(chatId, this.bot.id), "can_invite_users");
    return true;
  }

  emit(u: NewUpdate): Update | undefined {
    if (!this.relevant(u)) return undefined;
    return this.queue.push(u);
  }
}
