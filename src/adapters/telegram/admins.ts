import type { Api } from "grammy";
import type { ChatMember, ChatMemberUpdated } from "grammy/types";
import type { Logger } from "../../core/ports/logger.js";

/** Telegram's "Group" user that anonymous admins post as (with sender_chat = the group itself). */
export const ANONYMOUS_ADMIN_ID = 1087968824;
/** Telegram's service account behind linked-channel automatic forwards. */
export const TELEGRAM_SERVICE_ID = 777000;

export const isAdminStatus = (m: ChatMember): boolean =>
  m.status === "administrator" || m.status === "creator";

/**
 * Who administers each chat, from `getChatAdministrators`, kept fresh by `chat_member` updates and
 * refetched after `ttlMs`. Every event asks it again (buttons included): a demoted admin loses
 * their buttons at once, because the demotion arrives as a `chat_member` update.
 */
export class AdminCache {
  private readonly chats = new Map<number, { admins: Set<number>; at: number }>();
  private readonly loading = new Map<number, Promise<Set<number>>>();

  constructor(
    private readonly api: Api,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  async isAdmin(chatId: number, userId: number): Promise<boolean> {
    if (chatId > 0) return false;
    return (await this.admins(chatId)).has(userId);
  }

  /** A chat_member / my_chat_member update: adjust the cached set without a refetch. */
  onMemberUpdate(update: ChatMemberUpdated): void {
    const entry = this.chats.get(update.chat.id);
    if (!entry) return;
    const user = update.new_chat_member.user.id;
    if (isAdminStatus(update.new_chat_member)) entry.admins.add(user);
    else entry.admins.delete(user);
  }

  forget(chatId: number): void {
    this.chats.delete(chatId);
  }

  private async admins(chatId: number): Promise<Set<number>> {
    const hit = this.chats.get(chatId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.admins;
    const pending = this.loading.get(chatId);
    if (pending) return pending;
    const load = this.api
      .getChatAdministrators(chatId)
      .then((list) => {
        const admins = new Set(list.map((m) => m.user.id));
        this.chats.set(chatId, { admins, at: this.now() });
        return admins;
      })
      .catch((error: unknown) => {
        this.logger.warn({ chat: chatId, err: String(error) }, "could not list the chat's admins");
        return hit?.admins ?? new Set<number>();
      })
      .finally(() => this.loading.delete(chatId));
    this.loading.set(chatId, load);
    return load;
  }
}
