import type { CallbackQuery, Contact, Message, MessageEntity } from "grammy/types";
import { SetupDriver } from "./driver.js";
import { detectEntities } from "./markup.js";
import { isAdmin, isInChat, leftRecord, permissionFor } from "./members.js";
import { photoSizes } from "./methods/messages.js";
import { SERVICE_USERS, type FakeChat } from "./state.js";

export interface UserMessage {
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  /** true for a generated photo, or a file_id. */
  photo?: boolean | string;
  media_group_id?: string;
  /** message_id being replied to. */
  reply_to?: number;
  /** Forum topic (message_thread_id). */
  thread_id?: number;
  /** A forward of a post from this channel (forward_origin type "channel"). */
  forward_from_chat?: number;
  forward_message_id?: number;
  /** A forward of this user's message (forward_origin type "user"). */
  forward_from_user?: number;
  /** Post as this chat: the group itself (anonymous admin) or a channel. */
  sender_chat?: number;
  /** With sender_chat: a linked channel's automatic forward (from 777000). */
  automatic_forward?: boolean;
  contact?: Contact;
  date?: number;
}

const fail = (msg: string): never => {
  throw new Error(`fake telegram: ${msg}`);
};

/** What users do: each call produces the updates real Telegram would send the bot. */
export class UserActions extends SetupDriver {
  private chatOrPrivate(chatId: number, userId: number): FakeChat {
    if (chatId > 0) {
      if (chatId !== userId) fail(`user ${userId} cannot write in the private chat of ${chatId}`);
      return this.state.privateChatOf(userId) ?? fail(`unknown user ${userId}`);
    }
    return this.chat(chatId);
  }

  /** A user sends a message (or a channel/anonymous admin posts via sender_chat). */
  userSends(chatId: number, userId: number, input: string | UserMessage): Message {
    const m: UserMessage = typeof input === "string" ? { text: input } : input;
    const chat = this.chatOrPrivate(chatId, userId);
    const s = this.state;
    let from = this.user(userId);
    let senderChat: FakeChat | undefined;
    if (chat.type === "private") {
      const fu = s.findUser(userId);
      if (fu) {
        fu.startedBot = true;
        fu.blockedBot = false;
      }
    } else if (m.sender_chat !== undefined) {
      senderChat = this.chat(m.sender_chat);
      if (senderChat.id === chat.id) {
        if (!isAdmin(s.member(chat.id, userId))) fail(`user ${userId} is not an admin of ${chat.id}`);
        from = SERVICE_USERS.groupAnonymousBot;
      } else {
        if (chat.bannedSenderChats.has(senderChat.id))
          fail(`sender chat ${senderChat.id} is banned in ${chat.id}`);
        from = m.automatic_forward ? SERVICE_USERS.telegram : SERVICE_USERS.channelBot;
      }
    } else {
      const r = s.member(chat.id, userId);
      if (!isInChat(r)) fail(`user ${userId} is not in chat ${chat.id} (status ${r.status})`);
      const perm = permissionFor({ photo: m.photo, text: m.text });
      const allowed =
        isAdmin(r) || (r.status === "restricted" ? r.permissions[perm] : chat.permissions[perm]);
      if (!allowed) fail(`user ${userId} may not send this in chat ${chat.id} (${perm} is false)`);
    }
    const fields: Record<string, unknown> = { from };
    if (senderChat) fields["sender_chat"] = s.chatObj(senderChat);
    if (m.automatic_forward && senderChat) fields["is_automatic_forward"] = true;
    let thread = m.thread_id;
    if (m.reply_to !== undefined) {
      const target = s.liveMessage(chat.id, m.reply_to) ?? fail(`no message ${m.reply_to} in ${chat.id}`);
      const { reply_to_message: _nested, ...shallow } = target.message;
      fields["reply_to_message"] = shallow;
      thread ??= target.message.message_thread_id;
    }
    if (thread !== undefined) {
      if (chat.is_forum && !chat.topics.has(thread)) fail(`no topic ${thread} in ${chat.id}`);
      fields["message_thread_id"] = thread;
      if (chat.is_forum) fields["is_topic_message"] = true;
    }
    if (m.forward_from_chat !== undefined) {
      const ch = this.chat(m.forward_from_chat);
      fields["forward_origin"] = {
        type: "channel",
        chat: s.chatObj(ch),
        message_id: m.forward_message_id ?? 1,
        date: s.now() - 60,
      };
    } else if (m.forward_from_user !== undefined) {
      fields["forward_origin"] = {
        type: "user",
        sender_user: this.user(m.forward_from_user),
        date: s.now() - 60,
      };
    }
    if (m.text !== undefined) {
      fields["text"] = m.text;
      const ents = m.entities ?? detectEntities(m.text);
      if (ents.length) fields["entities"] = ents;
    }
    if (m.photo) fields["photo"] = photoSizes(typeof m.photo === "string" ? m.photo : undefined);
    if (m.caption !== undefined) {
      fields["caption"] = m.caption;
      const ents = m.caption_entities ?? detectEntities(m.caption);
      if (ents.length) fields["caption_entities"] = ents;
    }
    if (m.media_group_id) fields["media_group_id"] = m.media_group_id;
    if (m.contact) fields["contact"] = m.contact;
    if (m.date !== undefined) fields["date"] = m.date;
    const stored = s.postMessage(chat, fields as Omit<Message, "message_id" | "date" | "chat">, false);
    if (chat.type === "channel") s.emit({ channel_post: stored.message });
    else s.emit({ message: stored.message });
    return stored.message;
  }

  /** A post in a channel (channel_post update). */
  channelPost(chatId: number, text: string): Message {
    const chat = this.chat(chatId);
    if (chat.type !== "channel") fail(`${chatId} is not a channel`);
    const ents = detectEntities(text);
    const stored = this.state.postMessage(
      chat,
      { sender_chat: this.state.chatObj(chat), text, ...(ents.length ? { entities: ents } : {}) },
      false,
    );
    this.state.emit({ channel_post: stored.message });
    return stored.message;
  }

  /** The user opens the bot (t.me/bot?start=payload): "/start payload" in private. */
  userStartsBot(userId: number, startPayload?: string): Message {
    const text = startPayload ? `/start ${startPayload}` : "/start";
    return this.userSends(userId, userId, {
      text,
      entities: [{ type: "bot_command", offset: 0, length: 6 }],
    });
  }

  userBlocksBot(userId: number): void {
    const fu = this.state.findUser(userId) ?? fail(`unknown user ${userId}`);
    fu.blockedBot = true;
    const chat = this.state.privateChatOf(userId);
    if (!chat) return;
    const old = { status: "member" as const, user: this.state.bot };
    this.state.queue.push({
      my_chat_member: {
        chat: this.state.chatObj(chat),
        from: fu.user,
        date: this.state.now(),
        old_chat_member: old,
        new_chat_member: { status: "kicked", user: this.state.bot, until_date: 0 },
      },
    });
  }

  /** The author edits a message: edited_message update. */
  userEdits(chatId: number, messageId: number, newText: string): Message {
    const stored = this.state.liveMessage(chatId, messageId) ?? fail(`no message ${messageId} in ${chatId}`);
    if (stored.fromBot) fail("users cannot edit the bot's messages");
    const next: Message = { ...stored.message, edit_date: this.state.now() };
    const ents = detectEntities(newText);
    if (next.text !== undefined) {
      next.text = newText;
      if (ents.length) next.entities = ents;
      else delete next.entities;
    } else {
      next.caption = newText;
      if (ents.length) next.caption_entities = ents;
      else delete next.caption_entities;
    }
    stored.edits.push(stored.message);
    stored.message = next;
    this.state.emit(next.chat.type === "channel" ? { edited_channel_post: next } : { edited_message: next });
    return next;
  }

  /** The author deletes a message (Telegram sends bots no update for this). */
  userDeletes(chatId: number, messageId: number): void {
    const stored = this.state.liveMessage(chatId, messageId) ?? fail(`no message ${messageId} in ${chatId}`);
    stored.deleted = true;
  }

  /** The user joins: chat_member (left → member) plus the new_chat_members service message. */
  userJoins(chatId: number, userId: number): Message | undefined {
    const chat = this.chat(chatId);
    const r = this.state.member(chatId, userId);
    if (r.status === "kicked") fail(`user ${userId} is banned from ${chatId}`);
    if (isInChat(r)) fail(`user ${userId} is already in ${chatId}`);
    const user = this.user(userId);
    const next =
      r.status === "restricted" ? { ...r, is_member: true } : { ...leftRecord(), status: "member" as const };
    this.state.changeMember(chatId, userId, next, user);
    if (chat.type === "channel") return undefined;
    const stored = this.state.postMessage(chat, { from: user, new_chat_members: [user] }, false);
    this.state.emit({ message: stored.message });
    return stored.message;
  }

  /** The user leaves: chat_member (→ left) plus the left_chat_member service message. */
  userLeaves(chatId: number, userId: number): Message | undefined {
    const chat = this.chat(chatId);
    const r = this.state.member(chatId, userId);
    if (!isInChat(r)) fail(`user ${userId} is not in ${chatId}`);
    const user = this.user(userId);
    const next = r.status === "restricted" ? { ...r, is_member: false } : leftRecord();
    this.state.changeMember(chatId, userId, next, user);
    if (chat.type === "channel") return undefined;
    const stored = this.state.postMessage(chat, { from: user, left_chat_member: user }, false);
    this.state.emit({ message: stored.message });
    return stored.message;
  }

  /** A join request: chat_join_request; the bot may then write to the user for 5 minutes. */
  userRequestsJoin(chatId: number, userId: number, opts: { bio?: string } = {}): void {
    const chat = this.chat(chatId);
    if (chat.type !== "supergroup" && chat.type !== "channel")
      fail("join requests exist in supergroups and channels");
    const fu = this.state.findUser(userId) ?? fail(`unknown user ${userId}`);
    const now = this.state.now();
    chat.joinRequests.set(userId, now);
    fu.privateAllowedUntil = now + 300;
    this.state.privateChatOf(userId);
    this.state.emit({
      chat_join_request: {
        chat: this.state.chatObj(chat) as never,
        from: fu.user,
        user_chat_id: userId,
        date: now,
        ...(opts.bio ? { bio: opts.bio } : {}),
      },
    });
  }

  /** A user presses an inline button carrying `data`; returns the callback query id. */
  pressButton(chatId: number, messageId: number, userId: number, data: string): string {
    const stored = this.state.liveMessage(chatId, messageId) ?? fail(`no message ${messageId} in ${chatId}`);
    const buttons = stored.message.reply_markup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((b) => "callback_data" in b && b.callback_data === data))
      fail(`message ${messageId} has no button with data ${JSON.stringify(data)}`);
    const id = this.state.newCallbackId();
    const query: CallbackQuery = {
      id,
      from: this.user(userId),
      message: stored.message,
      chat_instance: String(Math.abs(chatId * 7919) % 9_007_199_254_740_991),
      data,
    };
    this.state.callbacks.set(id, { query });
    this.state.emit({ callback_query: query });
    return id;
  }

  /**
   * A callback query with `data` the message never showed: what a modified client can send (the Bot
   * API does not check callback data against the keyboard). Returns the callback query id.
   */
  pressForged(chatId: number, messageId: number, userId: number, data: string): string {
    const stored = this.state.findMessage(chatId, messageId) ?? fail(`no message ${messageId} in ${chatId}`);
    const id = this.state.newCallbackId();
    const query: CallbackQuery = {
      id,
      from: this.user(userId),
      message: stored.message,
      chat_instance: String(Math.abs(chatId * 7919) % 9_007_199_254_740_991),
      data,
    };
    this.state.callbacks.set(id, { query });
    this.state.emit({ callback_query: query });
    return id;
  }

  /** The user shares a contact card in private (own when user_id = their id). */
  shareContact(
    userId: number,
    contact: { phone_number: string; user_id?: number; first_name?: string },
  ): Message {
    const user = this.user(userId);
    return this.userSends(userId, userId, {
      contact: {
        phone_number: contact.phone_number,
        first_name: contact.first_name ?? user.first_name,
        ...(contact.user_id !== undefined ? { user_id: contact.user_id } : {}),
      },
    });
  }
}
