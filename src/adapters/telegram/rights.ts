import type { Api } from "grammy";
import type { ChatMember, ChatMemberUpdated } from "grammy/types";
import type { TelegramTranslate } from "./texts.js";
import type { Logger } from "../../core/ports/logger.js";
import type { KeyValueStore } from "../../core/ports/store.js";
import { toFailure } from "./failures.js";
import { tgChatKey } from "./keys.js";

export type BotRight = "can_delete_messages" | "can_restrict_members" | "can_invite_users";
/** What the bot needs: delete (rule hits, news holds), restrict (mute, ban, kick), invite (join requests). */
export const NEEDED_RIGHTS: readonly BotRight[] = [
  "can_delete_messages",
  "can_restrict_members",
  "can_invite_users",
];

/** The rights the bot lacks in a chat, given its membership there. */
export function missingRights(member: ChatMember): BotRight[] {
  if (member.status === "creator") return [];
  if (member.status !== "administrator") return [...NEEDED_RIGHTS];
  return NEEDED_RIGHTS.filter((r) => !member[r]);
}

const RIGHT_TEXT = {
  can_delete_messages: "rightDelete",
  can_restrict_members: "rightRestrict",
  can_invite_users: "rightInvite",
} as const;

/** The notice for admins, in plain words; undefined when nothing is missing. */
export function rightsNotice(
  t: TelegramTranslate,
  missing: readonly BotRight[],
  cannotReadAll: boolean,
): string | undefined {
  const parts: string[] = [];
  if (missing.length)
    parts.push(t("missingRights", { rights: missing.map((r) => t(RIGHT_TEXT[r])).join(", ") }));
  if (cannotReadAll) parts.push(t("privacy"));
  return parts.length ? parts.join("\n\n") : undefined;
}

export interface RightsDeps {
  api: Api;
  store: KeyValueStore;
  logger: Logger;
  /** The community's translator when the chat is configured, undefined when it is not. */
  translatorOf(chatId: number): TelegramTranslate | undefined;
  /** The translator for chats that belong to no community. */
  fallback: TelegramTranslate;
  /** getMe().can_read_all_group_messages (privacy mode off). */
  canReadAllMessages: boolean;
}

const noticeKey = (chatId: number) => `telegram:rights-notice:${chatId}`;

/**
 * The bot was added to a chat or its rights changed (`my_chat_member`). A chat of no community is told
 * so once; in a configured chat the admins are told, once per change, which rights are missing and
 * whether privacy mode hides messages from the bot.
 */
export async function onBotMembership(update: ChatMemberUpdated, deps: RightsDeps): Promise<void> {
  const chat = update.chat;
  if (chat.type === "private" || chat.type === "channel") return;
  const member = update.new_chat_member;
  if (member.status === "left" || member.status === "kicked") {
    await deps.store.delete(noticeKey(chat.id));
    return;
  }
  const t = deps.translatorOf(chat.id);
  let text: string | undefined;
  let signature: string;
  if (!t) {
    signature = "not-configured";
    text = deps.fallback("notConfigured", { chat: tgChatKey(chat.id) });
  } else {
    const missing = missingRights(member);
    const cannotReadAll =
      !deps.canReadAllMessages && member.status !== "administrator" && member.status !== "creator";
    signature = `${missing.join(",")}|${cannotReadAll}`;
    text = rightsNotice(t, missing, cannotReadAll);
  }
  const previous = await deps.store.change<string, string | undefined>(noticeKey(chat.id), (cur) => ({
    value: signature,
    result: cur,
  }));
  if (previous === signature || !text) return;
  try {
    await deps.api.sendMessage(chat.id, text);
  } catch (error) {
    deps.logger.warn(
      { chat: chat.id, err: toFailure(error).message },
      "could not tell the chat about the bot's rights",
    );
  }
}
