import type { ChatAdministratorRights, ChatPermissions, Message, User } from "grammy/types";
import {
  adminRights,
  allPermissions,
  isInChat,
  leftRecord,
  type MemberRecord,
  type MemberStatus,
} from "./members.js";
import type { ChatType, FakeChat, TelegramState } from "./state.js";

export interface NewUser {
  id?: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_bot?: boolean;
}

export interface NewChat {
  id?: number;
  type: ChatType;
  title?: string;
  username?: string;
  is_forum?: boolean;
  permissions?: ChatPermissions;
  join_by_request?: boolean;
  /** Owner of the chat (status "creator"); a fresh user when omitted. */
  creatorId?: number;
  members?: number[];
  admins?: number[];
  /**
   * The bot's place in the chat: "administrator" (default, all rights but promote),
   * "member", "none" (not in the chat), or explicit admin rights.
   */
  bot?: "administrator" | "member" | "none" | Partial<ChatAdministratorRights>;
}

export type MemberSpec =
  | MemberStatus
  | {
      status: MemberStatus;
      rights?: Partial<ChatAdministratorRights>;
      permissions?: ChatPermissions;
      until_date?: number;
      is_member?: boolean;
      custom_title?: string;
    };

const fail = (msg: string): never => {
  throw new Error(`fake telegram: ${msg}`);
};

/** Test-side setup of users, chats and membership. */
export class SetupDriver {
  private nextUserId = 5_000_000_001;
  private nextGroupId = 1;

  constructor(readonly state: TelegramState) {}

  get botUser(): User {
    return this.state.bot;
  }

  addUser(u: NewUser = {}): User {
    const id = u.id ?? this.nextUserId++;
    const user: User = {
      id,
      is_bot: u.is_bot ?? false,
      first_name: u.first_name ?? `User${id % 10000}`,
      ...(u.last_name ? { last_name: u.last_name } : {}),
      ...(u.username ? { username: u.username } : {}),
      ...(u.language_code ? { language_code: u.language_code } : {}),
    };
    this.state.addUser(user);
    return user;
  }

  /** Creates a group, supergroup or channel (private chats exist per user). */
  addChat(c: NewChat): FakeChat {
    if (c.type === "private") fail("private chats are created by addUser/userStartsBot");
    const n = this.nextGroupId++;
    const id = c.id ?? (c.type === "group" ? -(4_000_000_000 + n) : -(1_001_234_567_890 + n * 1000));
    const chat = this.state.addChat({
      id,
      type: c.type,
      title: c.title ?? `${c.type} ${n}`,
      ...(c.username ? { username: c.username } : {}),
      is_forum: c.is_forum ?? false,
      ...(c.permissions ? { permissions: c.permissions } : {}),
      join_by_request: c.join_by_request ?? false,
    });
    const creator = c.creatorId ?? this.addUser({ first_name: "Owner" }).id;
    this.setMember(id, creator, "creator");
    for (const m of c.members ?? []) this.setMember(id, m, "member");
    for (const a of c.admins ?? []) this.setMember(id, a, "administrator");
    const bot = c.bot ?? "administrator";
    if (bot === "member") this.setMember(id, this.state.bot.id, "member");
    else if (bot === "administrator") this.setMember(id, this.state.bot.id, { status: "administrator" });
    else if (bot !== "none") this.setMember(id, this.state.bot.id, { status: "administrator", rights: bot });
    return chat;
  }

  chat(chatId: number): FakeChat {
    return this.state.chats.get(chatId) ?? fail(`unknown chat ${chatId}`);
  }

  user(userId: number): User {
    return this.state.findUser(userId)?.user ?? fail(`unknown user ${userId}`);
  }

  creatorOf(chatId: number): User {
    const found = this.state.membersOf(chatId).find(([, r]) => r.status === "creator");
    return found ? this.user(found[0]) : this.state.bot;
  }

  /** Sets membership directly, without any update (test setup). */
  setMember(chatId: number, userId: number, spec: MemberSpec): void {
    this.chat(chatId);
    this.user(userId);
    this.state.changeMember(chatId, userId, this.recordOf(spec), this.state.bot, { silent: true });
  }

  protected recordOf(spec: MemberSpec): MemberRecord {
    const s = typeof spec === "string" ? { status: spec } : spec;
    return {
      ...leftRecord(),
      status: s.status,
      rights:
        s.status === "administrator" || s.status === "creator" ? adminRights(s.rights) : leftRecord().rights,
      permissions: { ...allPermissions(false), ...s.permissions },
      until_date: s.until_date ?? 0,
      is_member: s.is_member ?? s.status === "restricted",
      ...(s.custom_title ? { custom_title: s.custom_title } : {}),
    };
  }

  /** The bot is added (as member, or admin with rights): my_chat_member + service message. */
  botAddedToChat(chatId: number, rights?: Partial<ChatAdministratorRights> | null, byUserId?: number): void {
    const chat = this.chat(chatId);
    const actor = byUserId !== undefined ? this.user(byUserId) : this.creatorOf(chatId);
    const wasIn = isInChat(this.state.member(chatId, this.state.bot.id));
    const rec = this.recordOf(rights ? { status: "administrator", rights } : "member");
    this.state.changeMember(chatId, this.state.bot.id, rec, actor);
    if (!wasIn && chat.type !== "channel") {
      const m = this.state.postMessage(chat, { from: actor, new_chat_members: [this.state.bot] }, false);
      this.state.emit({ message: m.message });
    }
  }

  /** The bot is removed (kicked) from a chat by a user: my_chat_member. */
  botRemovedFromChat(chatId: number, byUserId?: number): void {
    const actor = byUserId !== undefined ? this.user(byUserId) : this.creatorOf(chatId);
    this.state.changeMember(chatId, this.state.bot.id, { ...leftRecord(), status: "kicked" }, actor);
  }

  /** The owner makes a member an admin: chat_member update. */
  promote(chatId: number, userId: number, rights?: Partial<ChatAdministratorRights>): void {
    this.state.changeMember(
      chatId,
      userId,
      this.recordOf({ status: "administrator", rights: rights ?? {} }),
      this.creatorOf(chatId),
    );
  }

  /** The owner demotes an admin to a plain member: chat_member update. */
  demote(chatId: number, userId: number): void {
    this.state.changeMember(chatId, userId, { ...leftRecord(), status: "member" }, this.creatorOf(chatId));
  }

  /** Creates a forum topic (service message); returns its message_thread_id. */
  createTopic(chatId: number, name: string): number {
    const chat = this.chat(chatId);
    if (!chat.is_forum) fail(`chat ${chatId} is not a forum`);
    const m = this.state.postMessage(
      chat,
      { from: this.creatorOf(chatId), forum_topic_created: { name, icon_color: 7322096 } } as Omit<
        Message,
        "message_id" | "date" | "chat"
      >,
      false,
    );
    const id = m.message.message_id;
    m.message = { ...m.message, message_thread_id: id, is_topic_message: true };
    chat.topics.set(id, name);
    this.state.emit({ message: m.message });
    return id;
  }
}
