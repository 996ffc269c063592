import type { AccountKey, ChatKey } from "../../core/ids.js";
import { accountKey, chatKey, parseKey } from "../../core/ids.js";
import type { MessageRef } from "../../core/model/content.js";

/**
 * Telegram ids ↔ chatwarden keys. Telegram ids are up to 52 significant bits: they fit a JS number
 * exactly (never `| 0` or parseInt into 32 bits), and keys keep them as decimal strings.
 *
 * Accounts are `telegram:<user id>`; a chat posting as itself (a channel, or the group for an anonymous
 * admin) is `telegram:chat<chat id>`, so a ban of it becomes `banChatSenderChat`.
 */
const INTEGER = /^-?\d{1,20}$/;

export const tgChatKey = (id: number | string): ChatKey => chatKey("telegram", String(id));
export const tgAccount = (userId: number | string): AccountKey => accountKey("telegram", String(userId));
export const tgSenderChatAccount = (chatId: number | string): AccountKey =>
  accountKey("telegram", `chat${chatId}`);

export function tgMessageRef(chatId: number, messageId: number, thread?: number): MessageRef {
  return {
    chat: tgChatKey(chatId),
    id: String(messageId),
    ...(thread !== undefined ? { thread: String(thread) } : {}),
  };
}

function toNumber(id: string, what: string): number {
  if (!INTEGER.test(id)) throw new TypeError(`not a Telegram ${what} id: ${JSON.stringify(id)}`);
  const n = Number(id);
  if (!Number.isSafeInteger(n)) throw new TypeError(`Telegram ${what} id out of range: ${id}`);
  return n;
}

/** The numeric Telegram chat id of a `telegram:` chat key. */
export function chatIdOf(key: ChatKey | string): number {
  const { platform, id } = parseKey(key);
  if (platform !== "telegram") throw new TypeError(`not a Telegram chat: ${key}`);
  return toNumber(id, "chat");
}

/** A Telegram account: a user, or a chat that posts as itself (`chat<id>`). */
export type TgSubject = { kind: "user"; id: number } | { kind: "sender_chat"; id: number };

export function subjectOf(key: AccountKey | string): TgSubject {
  const { platform, id } = parseKey(key);
  if (platform !== "telegram") throw new TypeError(`not a Telegram account: ${key}`);
  if (id.startsWith("chat")) return { kind: "sender_chat", id: toNumber(id.slice(4), "chat") };
  return { kind: "user", id: toNumber(id, "user") };
}

export const messageIdOf = (ref: MessageRef): number => toNumber(ref.id, "message");
export const threadOf = (ref: { thread?: string }): number | undefined =>
  ref.thread === undefined ? undefined : toNumber(ref.thread, "thread");

export function isTelegramKey(key: string): boolean {
  return key.startsWith("telegram:");
}

/** The Telegram user id of an account key; throws for a chat posting as itself. */
export function userIdOf(account: AccountKey | string): number {
  const who = subjectOf(account);
  if (who.kind !== "user") throw new TypeError(`${account} is a chat, not a user`);
  return who.id;
}
