import type { Api } from "grammy";
import type { InlineKeyboardMarkup, MessageEntity, ReplyKeyboardMarkup } from "grammy/types";
import type {
  Button,
  DecisionExecutor,
  Outcome,
  PlatformDecision,
  PostCard,
  Repost,
  Send,
  SendPrivate,
} from "../../core/decisions.js";
import type { Translate } from "../../core/i18n/translator.js";
import type { AccountKey } from "../../core/ids.js";
import type { MessageRef } from "../../core/model/content.js";
import type { Logger } from "../../core/ports/logger.js";
import { deepLink, encodePayload } from "./deeplink.js";
import { isAdminTarget, isNotModified, isPrivateChatClosed, toFailure } from "./failures.js";
import { chatIdOf, messageIdOf, subjectOf, threadOf, tgMessageRef } from "./keys.js";
import { DefaultPermissions, permissionsFor } from "./permissions.js";
import { pressScope } from "./press-scope.js";

export interface ExecutorDeps {
  api: Api;
  logger: Logger;
  botUsername: () => string;
  /** Texts in a member's language (the engine's choice of language). */
  translatorFor(account: AccountKey): Promise<Translate>;
  /** A member's display name, for the fallback notice. */
  displayName(account: AccountKey): Promise<string | undefined>;
  /** Texts that, sent privately to someone pressing a button, are a refusal of that press. */
  isRefusal(text: string): boolean;
  /** How long the "open a private chat with me" notice stays in the group. */
  fallbackTtlMs?: number;
}

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
const seconds = (ms: number) => Math.floor(ms / 1000);
const CALLBACK_TEXT_MAX = 200;

export function inlineKeyboard(buttons: Button[][]): InlineKeyboardMarkup {
  return {
    inline_keyboard: buttons.map((row) => row.map((b) => ({ text: b.label, callback_data: b.data }))),
  };
}

/**
 * Carries out decisions with the Bot API and reports each as an Outcome; errors never escape.
 * Short-lived notices (`ttlMs`) are deleted by an in-process timer: a restart forgets them (they are
 * meant for notices of a minute or two).
 */
export class TelegramExecutor implements DecisionExecutor {
  private readonly defaults: DefaultPermissions;
  private readonly deletions = new Set<NodeJS.Timeout>();
  /** The forum topic each member last wrote in, per chat: where their "open a private chat" notice goes. */
  private readonly topics = new Map<string, number>();
  /** Per user: what waits for them to open the private chat (memory only; a restart forgets it). */
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly deps: ExecutorDeps) {
    this.defaults = new DefaultPermissions(deps.api);
  }

  /** Cancels the pending notice deletions (on stop). */
  dispose(): void {
    for (const t of this.deletions) clearTimeout(t);
    this.deletions.clear();
    this.pending.clear();
  }

  async execute(decision: PlatformDecision): Promise<Outcome> {
    try {
      return await this.run(decision);
    } catch (error) {
      this.deps.logger.warn(
        { decision: decision.kind, err: toFailure(error).message },
        "telegram refused a decision",
      );
      return { status: "failed", error: toFailure(error) };
    }
  }

  private async run(d: PlatformDecision): Promise<Outcome> {
    const { api } = this.deps;
    switch (d.kind) {
      case "restrict": {
        const who = subjectOf(d.account);
        if (who.kind !== "user")
          return {
            status: "failed",
            error: {
              code: "unsupported",
              message: "a chat posting as itself cannot be restricted; ban it instead",
              retryable: false,
            },
          };
        await api.restrictChatMember(chatIdOf(d.chat), who.id, permissionsFor(d.level), {
          use_independent_chat_permissions: true,
          ...(d.until !== undefined ? { until_date: seconds(d.until) } : {}),
        });
        return ok();
      }
      case "lift": {
        const who = subjectOf(d.account);
        if (who.kind !== "user") return ok();
        const chat = chatIdOf(d.chat);
        try {
          await api.restrictChatMember(chat, who.id, await this.defaults.of(chat), {
            use_independent_chat_permissions: true,
          });
        } catch (error) {
          if (!isAdminTarget(error)) throw error; // an admin has nothing to lift
        }
        return ok();
      }
      case "ban": {
        const chat = chatIdOf(d.chat);
        const who = subjectOf(d.account);
        if (who.kind === "sender_chat") await api.banChatSenderChat(chat, who.id);
        else
          await api.banChatMember(chat, who.id, {
            ...(d.until !== undefined ? { until_date: seconds(d.until) } : {}),
            ...(d.deleteRecent ? { revoke_messages: true } : {}),
          });
        return ok();
      }
      case "unban": {
        const chat = chatIdOf(d.chat);
        const who = subjectOf(d.account);
        if (who.kind === "sender_chat") await api.unbanChatSenderChat(chat, who.id);
        else await api.unbanChatMember(chat, who.id, { only_if_banned: true });
        return ok();
      }
      case "kick": {
        const chat = chatIdOf(d.chat);
        const who = subjectOf(d.account);
        if (who.kind === "sender_chat")
          return {
            status: "failed",
            error: {
              code: "unsupported",
              message: "a chat posting as itself can only be banned",
              retryable: false,
            },
          };
        await api.banChatMember(chat, who.id);
        await api.unbanChatMember(chat, who.id, { only_if_banned: true });
        return ok();
      }
      case "delete":
        await this.delete(d.messages);
        return ok();
      case "send":
        return this.send(d);
      case "send_private":
        return this.sendPrivate(d);
      case "post_card":
        return this.postCard(d);
      case "update_card": {
        try {
          await api.editMessageText(chatIdOf(d.card.chat), messageIdOf(d.card), d.text, {
            reply_markup: inlineKeyboard(d.buttons),
          });
        } catch (error) {
          if (!isNotModified(error)) throw error;
        }
        return ok([d.card]);
      }
      case "repost":
        return this.repost(d);
      case "approve_join":
        await api.approveChatJoinRequest(chatIdOf(d.chat), userOf(d.account));
        return ok();
      case "decline_join":
        await api.declineChatJoinRequest(chatIdOf(d.chat), userOf(d.account));
        return ok();
      case "grant_role":
      case "revoke_role":
        return { status: "skipped", reason: "Telegram has no roles besides admin" };
    }
  }

  private async delete(refs: MessageRef[]): Promise<void> {
    const byChat = new Map<number, number[]>();
    for (const ref of refs) {
      const chat = chatIdOf(ref.chat);
      byChat.set(chat, [...(byChat.get(chat) ?? []), messageIdOf(ref)]);
    }
    for (const [chat, ids] of byChat) {
      if (ids.length === 1) await this.deps.api.deleteMessage(chat, ids[0] as number);
      else
        for (let i = 0; i < ids.length; i += 100)
          await this.deps.api.deleteMessages(chat, ids.slice(i, i + 100));
    }
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

  private scheduleDeletion(chat: number, messageId: number, ms: number, after?: () => void): void {
    const timer = setTimeout(() => {
      this.deletions.delete(timer);
      after?.();
      this.deps.api
        .deleteMessage(chat, messageId)
        .catch((error: unknown) =>
          this.deps.logger.debug({ chat, err: toFailure(error).message }, "could not delete a notice"),
        );
    }, ms);
    timer.unref();
    this.deletions.add(timer);
  }

  private async send(d: Send): Promise<Outcome> {
    const chat = chatIdOf(d.chat);
    const thread = threadOf(d);
    const sent = await this.deps.api.sendMessage(chat, d.text, {
      ...(thread !== undefined ? { message_thread_id: thread } : {}),
      ...(d.buttons?.length ? { reply_markup: inlineKeyboard(d.buttons) } : {}),
      ...(d.replyTo
        ? { reply_parameters: { message_id: messageIdOf(d.replyTo), allow_sending_without_reply: true } }
        : {}),
    });
    if (d.ttlMs !== undefined) this.scheduleDeletion(chat, sent.message_id, d.ttlMs);
    return ok([tgMessageRef(chat, sent.message_id, thread)]);
  }

  private async sendPrivate(d: SendPrivate): Promise<Outcome> {
    const user = userOf(d.account);
    const press = pressScope.getStore();
    if (
      press &&
      !press.answered &&
      press.presser === d.account &&
      !d.buttons?.length &&
      !d.requestContact &&
      d.text.length <= CALLBACK_TEXT_MAX &&
      this.deps.isRefusal(d.text)
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
    this.scheduleDeletion(chat, sent.message_id, this.deps.fallbackTtlMs ?? 120_000, () => {
      if (entry.notices.get(chat) === sent.message_id) entry.notices.delete(chat);
      if (!entry.notices.size && !entry.texts.length && this.pending.get(user) === entry)
        this.pending.delete(user);
    });
    return ok([tgMessageRef(chat, sent.message_id)]);
  }

  /** Copies the originals into the review chat first (their media outlive the deletion), then the card. */
  private async postCard(d: PostCard): Promise<Outcome> {
    const chat = chatIdOf(d.chat);
    const copies = await this.copy(d.preserve ?? [], chat, undefined);
    const first = copies[0];
    const card = await this.deps.api.sendMessage(chat, d.text, {
      reply_markup: inlineKeyboard(d.buttons),
      ...(first
        ? { reply_parameters: { message_id: messageIdOf(first), allow_sending_without_reply: true } }
        : {}),
    });
    return ok([tgMessageRef(chat, card.message_id), ...copies]);
  }

  /** copyMessages per source chat, ids ascending: an album stays one album. */
  private async copy(refs: MessageRef[], to: number, thread: number | undefined): Promise<MessageRef[]> {
    const byChat = new Map<number, number[]>();
    for (const ref of refs) {
      const from = chatIdOf(ref.chat);
      byChat.set(from, [...(byChat.get(from) ?? []), messageIdOf(ref)]);
    }
    const out: MessageRef[] = [];
    for (const [from, ids] of byChat) {
      const sorted = [...new Set(ids)].sort((a, b) => a - b);
      const copied = await this.deps.api.copyMessages(
        to,
        from,
        sorted,
        thread !== undefined ? { message_thread_id: thread } : {},
      );
      out.push(...copied.map((m) => tgMessageRef(to, m.message_id, thread)));
    }
    return out;
  }

  /** The attribution line, then the preserved copies, in the original chat and topic. */
  private async repost(d: Repost): Promise<Outcome> {
    const chat = chatIdOf(d.chat);
    const thread = threadOf(d);
    const where = thread !== undefined ? { message_thread_id: thread } : {};
    const head = await this.deps.api.sendMessage(chat, d.attribution, {
      ...where,
      ...(d.replyTo
        ? { reply_parameters: { message_id: Number(d.replyTo), allow_sending_without_reply: true } }
        : {}),
    });
    const refs = [tgMessageRef(chat, head.message_id, thread)];
    if (d.copies?.length) {
      refs.push(...(await this.copy(d.copies, chat, thread)));
      return ok(refs);
    }
    for (const c of d.content) {
      const entities = Array.isArray(c.formatting) ? (c.formatting as MessageEntity[]) : undefined;
      const photo = c.media.find((m) => m.kind === "photo");
      const sent = photo
        ? await this.deps.api.sendPhoto(chat, photo.ref, {
            ...where,
            caption: c.text,
            ...(entities ? { caption_entities: entities } : {}),
          })
        : c.text
          ? await this.deps.api.sendMessage(chat, c.text, { ...where, ...(entities ? { entities } : {}) })
          : undefined;
      if (sent) refs.push(tgMessageRef(chat, sent.message_id, thread));
    }
    return ok(refs);
  }
}

function userOf(account: AccountKey): number {
  const who = subjectOf(account);
  if (who.kind !== "user") throw new TypeError(`${account} is a chat, not a user`);
  return who.id;
}
