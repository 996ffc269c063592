import type { AccountKey, ChatKey } from "./ids.js";
import type { Actor, MessageRef, PostContent } from "./model/content.js";
import type { Instant } from "./ports/clock.js";
import type { Timer } from "./ports/scheduler.js";

/**
 * Everything an adapter can tell the core. Adapters translate platform updates into these and nothing
 * else; the core never sees a platform payload.
 */
export type CoreEvent =
  | MemberJoined
  | MemberLeft
  | JoinRequested
  | MessagePosted
  | MessageEdited
  | CommandIssued
  | ButtonPressed
  | PrivateMessage
  | ContactShared
  | TimerFired;

interface EventBase {
  /** When the platform says it happened (the engine's clock when unknown). */
  at?: Instant;
}

export interface MemberJoined extends EventBase {
  kind: "member_joined";
  chat: ChatKey;
  actor: Actor;
}

export interface MemberLeft extends EventBase {
  kind: "member_left";
  chat: ChatKey;
  account: AccountKey;
  /** Left by themselves, or removed by someone. */
  removed: boolean;
}

/** A request to join a chat that uses join requests; the bot may message the applicant privately. */
export interface JoinRequested extends EventBase {
  kind: "join_requested";
  chat: ChatKey;
  actor: Actor;
}

export interface MessagePosted extends EventBase {
  kind: "message_posted";
  message: MessageRef;
  actor: Actor;
  content: PostContent;
  /** The message this one replies to, if any. */
  replyTo?: RepliedMessage;
}

export interface MessageEdited extends EventBase {
  kind: "message_edited";
  message: MessageRef;
  actor: Actor;
  content: PostContent;
}

export interface RepliedMessage {
  message: MessageRef;
  author?: AccountKey;
  authorName?: string;
  content?: PostContent;
}

/**
 * A member named in a command's arguments, resolved by the adapter (a Telegram `@username` or
 * text_mention, a Discord `<@id>`, a Matrix pill). `offset` and `length` locate the words in `args`
 * (UTF-16 code units, as JavaScript indexes strings); a mention may span several words (a display name).
 */
export interface Mention {
  account: AccountKey;
  offset: number;
  length: number;
}

/**
 * A bot command, in a group chat (`chat` set) or in the private chat with the bot (`chat` undefined).
 * `args` is the raw text after the command name. `mentions` are the members the adapter recognised in
 * `args`; a name it could not resolve is simply not among them (the core never guesses an account from
 * a word).
 */
export interface CommandIssued extends EventBase {
  kind: "command";
  name: string;
  args: string;
  mentions: readonly Mention[];
  actor: Actor;
  chat?: ChatKey;
  message?: MessageRef;
  replyTo?: RepliedMessage;
}

/** An inline button or a reaction used as one. `data` is what the core put on the button. */
export interface ButtonPressed extends EventBase {
  kind: "button_pressed";
  data: string;
  actor: Actor;
  /** The chat the button was in; undefined for the private chat with the bot. */
  chat?: ChatKey;
  message?: MessageRef;
}

/** Plain text in the private chat with the bot (answers to a verification prompt). */
export interface PrivateMessage extends EventBase {
  kind: "private_message";
  actor: Actor;
  text: string;
  /**
   * The message itself, where the bot may remove it from the private chat (Matrix DMs): answers that
   * carry personal data (a name, an ID number, a phone) are deleted once read.
   */
  message?: MessageRef;
}

/** A contact card shared in the private chat; `contactAccount` is whose contact it is. */
export interface ContactShared extends EventBase {
  kind: "contact_shared";
  actor: Actor;
  phone: string;
  contactAccount?: AccountKey;
}

/** A durable timer came due (mute expiry, hold expiry, grace period, step timeout). */
export interface TimerFired extends EventBase {
  kind: "timer_fired";
  timer: Timer;
}

export type EventKind = CoreEvent["kind"];
