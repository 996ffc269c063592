import type { InlineKeyboardMarkup, MessageEntity, ReplyKeyboardMarkup } from "grammy/types";
import type { Outcome, SendPrivate } from "../../core/decisions.js";
import type { MessageRef } from "../../core/model/content.js";
import { deepLink, encodePayload } from "./deeplink.js";
import type { ExecutorDeps } from "./executor.js";
import { inlineKeyboard } from "./markup.js";
import { isPrivateChatClosed, toFailure } from "./failures.js";
import { chatIdOf, tgMessageRef, userIdOf } from "./keys.js";
import type { NoticeTimers } from "./notices.js";
import { pressScope } from "./press-scope.js";

/** Private texts kept for a member who has not opened the bot yet: how many, and for how long. */
const PENDING_MAX = 10;
const PENDING_TTL_MS = 24 * 60 * 60_000;
const PENDING_USERS_MAX = 10_000;

interface Pending {
  /** Texts (and reply markup) that could not be delivered, oldest first, with when they were queued. */
  texts: { text: string; markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup; at: number }[];
  /** The live "open a private chat" notice per group chat. */
  notices: Map<number, number>;
}

const ok = (refs?: MessageRef[]): Outcome => (refs ? { status: "ok", refs } : { status: "ok" });
const CALLBACK_TEXT_MAX = 200;

/**
 * Private messages on Telegram, where the bot cannot write first: a refusal of a button press becomes
 * the press's alert; a member who never opened the bot gets one short notice in the group with a
 * deep-link button, and the texts meant for them wait in memory until they write to the bot.
 */
export class PrivateChat {
  /** The forum topic each member last wrote in, per chat: where their "open a private chat" notice goes. */
  private readonly topics = new Map<string, number>();
  /** Per user: what waits for them to open the private chat (memory only; a restart forgets it). */
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly deps: ExecutorDeps,
    private readonly notices: NoticeTimers,
  ) {}

  clear(): void {
    this.pending.clear();
  }

  /**
   * The member wrote to the bot in private (a `/start` from the notice's button, or anything else):
   * deliver the texts that waited for them, oldest first, before their message is handled.
   */
  async deliverPending(userId: number, now = Date.now()): Promise<void> {
    const entry = this.pending.get(userId);
    if (!entry?.texts.length) return;
    const texts = entry.texts.splice(0).filter((p) => now - p.at < PENDING_TTL_MS);
    if (!entry.notices.size) this.pending.delete(userId);
    for (const p of texts) {
      try {
        await this.deps.api.sendMessage(userId, p.text, p.markup ? { reply_markup: p.markup } : {});
      } catch (error) {
        this.deps.logger.debug({ err: toFailure(error).message }, "could not deliver a waiting private text");
        return;
      }
    }
  }

  /** A member wrote in a forum topic (or, with `thread` undefined, outside any topic). */
  noteTopic(chat: number, user: number, thread: number | undefined): void {
    const key = `${chat}|${user}`;
    this.topics.delete(key);
    if (thread === undefined) return;
    this.topics.set(key, thread);
    if (this.topics.size > PENDING_USERS_MAX) {
      const oldest = this.topics.keys().next().value;
      if (oldest !== undefined) this.topics.delete(oldest);
    }
  }

  async send(d: SendPrivate): Promise<Outcome> {
    const user = userIdOf(d.account);
    const press = pressScope.getStore();
    if (
      press &&
      !press.answered &&
      press.presser === d.account &&
      !d.buttons?.length &&
      !d.requestContact &&
      d.text.length <= CALLBACK_TEXT_MAX &&
      d.refusal
    ) {
      press.answered = true;
      await this.deps.api.answerCallbackQuery(press.queryId, { text: d.text, show_alert: true });
      return ok();
    }
    let reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | undefined;
    if (d.requestContact) {
      const t = await this.deps.translatorFor(d.account);
      reply_markup = {
        keyboard: [[{ text: t("core.telegramShareContactButton"), request_contact: true }]],
        one_time_keyboard: true,
        resize_keyboard: true,
      };
    } else if (d.buttons?.length) reply_markup = inlineKeyboard(d.buttons);
    try {
      const sent = await this.deps.api.sendMessage(user, d.text, reply_markup ? { reply_markup } : {});
      return ok([tgMessageRef(user, sent.message_id)]);
    } catch (error) {
      if (!isPrivateChatClosed(error)) throw error;
      if (press && !press.answered && press.presser === d.account && d.text.length <= CALLBACK_TEXT_MAX) {
        press.answered = true;
        await this.deps.api.answerCallbackQuery(press.queryId, { text: d.text, show_alert: true });
        return ok();
      }
      if (!d.fallbackChat) {
        // Kept for when the member writes to the bot; the decision still failed (nothing reached them).
        this.queue(user, d.text, reply_markup);
        throw error;
      }
      return this.fallbackNotice(d, user, reply_markup);
    }
  }

  /**
   * The member never opened a private chat: a short notice in the group with a deep-link button, at
   * most one live notice per member and chat. An invitation whose button fits the deep-link payload
   * travels in the link (the member lands in the dialogue); any other text waits in memory and is
   * delivered as soon as the member writes to the bot (the `/start` the button sends).
   */
  private async fallbackNotice(
    d: SendPrivate,
    user: number,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | undefined,
  ): Promise<Outcome> {
    const chat = chatIdOf(d.fallbackChat as string);
    const data = d.buttons?.flat()[0]?.data;
    const payload = data ? encodePayload(data) : undefined;
    const entry = this.pendingOf(user);
    if (!payload) {
      this.queue(user, d.text, markup);
      const live = entry.notices.get(chat);
      if (live !== undefined) return ok([tgMessageRef(chat, live)]);
    }
    const t = await this.deps.translatorFor(d.account);
    const name = (await this.deps.displayName(d.account)) || t("core.telegramSomeone");
    const text = t("core.telegramOpenPrivate", { name });
    const entities: MessageEntity[] = [
      {
        type: "text_mention",
        offset: 0,
        length: name.length,
        user: { id: user, is_bot: false, first_name: name },
      },
    ];
    const options = {
      entities: text.startsWith(name) ? entities : [],
      reply_markup: {
        inline_keyboard: [
          [{ text: t("core.telegramOpenPrivateButton"), url: deepLink(this.deps.botUsername(), payload) }],
        ],
      },
    };
    // In a forum, where the member last wrote; the general topic if that topic is gone or closed.
    const topic = this.topics.get(`${chat}|${user}`);
    const sent =
      topic === undefined
        ? await this.deps.api.sendMessage(chat, text, options)
        : await this.deps.api
            .sendMessage(chat, text, { ...options, message_thread_id: topic })
            .catch(() => this.deps.api.sendMessage(chat, text, options));
    entry.notices.set(chat, sent.message_id);
    this.notices.schedule(chat, sent.message_id, this.deps.fallbackTtlMs ?? 120_000, () => {
      if (entry.notices.get(chat) === sent.message_id) entry.notices.delete(chat);
      if (!entry.notices.size && !entry.texts.length && this.pending.get(user) === entry)
        this.pending.delete(user);
    });
    return ok([tgMessageRef(chat, sent.message_id)]);
  }

  private queue(user: number, text: string, markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup): void {
    const entry = this.pendingOf(user);
    entry.texts.push({ text, ...(markup ? { markup } : {}), at: Date.now() });
    if (entry.texts.length > PENDING_MAX) entry.texts.shift();
  }

  private pendingOf(user: number): Pending {
    let entry = this.pending.get(user);
    if (!entry) {
      if (this.pending.size >= PENDING_USERS_MAX) {
        const oldest = this.pending.keys().next().value;
        if (oldest !== undefined) this.pending.delete(oldest);
      }
      entry = { texts: [], notices: new Map() };
      this.pending.set(user, entry);
    }
    return entry;
  }
}
