import type { Api } from "grammy";
import { GrammyError } from "grammy";
import type { MessageEntity } from "grammy/types";
import {
  DecisionInterrupted,
  type DecisionExecutor,
  type Outcome,
  type PlatformDecision,
  type PostCard,
  type Repost,
  type Send,
} from "../../core/decisions.js";
import type { Language } from "../../core/i18n/translator.js";
import type { AccountKey } from "../../core/ids.js";
import type { MessageRef, PostContent } from "../../core/model/content.js";
import type { Logger } from "../../core/ports/logger.js";
import { isAdminTarget, isAlreadyDeleted, isNotModified, toFailure } from "./failures.js";
import { chatIdOf, messageIdOf, subjectOf, threadOf, tgMessageRef, userIdOf } from "./keys.js";
import { DefaultPermissions, permissionsFor } from "./permissions.js";
import { inlineKeyboard } from "./markup.js";
import { deepLink, encodePayload } from "./deeplink.js";
import { PrivateChat } from "./private-chat.js";

export interface ExecutorDeps {
  api: Api;
  logger: Logger;
  botUsername: () => string;
  /** The language the bot uses with a member (for the adapter's own texts). */
  languageOf(account: AccountKey): Promise<Language>;
  /** True once a stop cut the calls in flight off: their errors are no outcome (DecisionInterrupted). */
  cutOff?(): boolean;
}

const ok = (refs?: MessageRef[]): Outcome => (refs ? { status: "ok", refs } : { status: "ok" });
const seconds = (ms: number) => Math.floor(ms / 1000);
const TOPICS_MAX = 10_000;

/**
 * Carries out decisions with the Bot API and reports each as an Outcome; errors never escape.
 * Short-lived notices (`ttlMs`) are the engine's to delete (a durable timer): ignored here.
 */
export class TelegramExecutor implements DecisionExecutor {
  private readonly defaults: DefaultPermissions;
  private readonly privateChat: PrivateChat;
  /** The forum topic each member last wrote in, per chat: where a notice inviting them goes. */
  private readonly topics = new Map<string, number>();

  constructor(private readonly deps: ExecutorDeps) {
    this.defaults = new DefaultPermissions(deps.api);
    this.privateChat = new PrivateChat(deps);
  }

  /** Forgets the noted topics (on stop). */
  dispose(): void {
    this.topics.clear();
  }

  /** A member wrote in a forum topic (or, with `thread` undefined, outside any topic). */
  noteTopic(chat: number, user: number, thread: number | undefined): void {
    const key = `${chat}|${user}`;
    this.topics.delete(key);
    if (thread === undefined) return;
    this.topics.set(key, thread);
    if (this.topics.size > TOPICS_MAX) {
      const oldest = this.topics.keys().next().value;
      if (oldest !== undefined) this.topics.delete(oldest);
    }
  }

  async execute(decision: PlatformDecision): Promise<Outcome> {
    try {
      return await this.run(decision);
    } catch (error) {
      if (this.deps.cutOff?.()) throw new DecisionInterrupted(`${decision.kind} cut off by the stop`);
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
        return this.privateChat.send(d);
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
        await api.approveChatJoinRequest(chatIdOf(d.chat), userIdOf(d.account));
        return ok();
      case "decline_join":
        await api.declineChatJoinRequest(chatIdOf(d.chat), userIdOf(d.account));
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
      if (ids.length === 1)
        await this.deps.api.deleteMessage(chat, ids[0] as number).catch((error: unknown) => {
          if (!isAlreadyDeleted(error)) throw error;
        });
      else
        for (let i = 0; i < ids.length; i += 100)
          await this.deps.api.deleteMessages(chat, ids.slice(i, i + 100));
    }
  }

  private async send(d: Send): Promise<Outcome> {
    if (d.invite) return this.invite(d, d.invite);
    const chat = chatIdOf(d.chat);
    const thread = threadOf(d);
    const sent = await this.deps.api.sendMessage(chat, d.text, {
      ...(thread !== undefined ? { message_thread_id: thread } : {}),
      ...(d.buttons?.length ? { reply_markup: inlineKeyboard(d.buttons) } : {}),
      ...(d.replyTo
        ? { reply_parameters: { message_id: messageIdOf(d.replyTo), allow_sending_without_reply: true } }
        : {}),
    });
    return ok([tgMessageRef(chat, sent.message_id, thread)]);
  }

  /**
   * The notice asking a member to open the bot: a text_mention of them and a t.me deep-link button.
   * Button data that fits the start payload travels in it, so the member lands where the button would
   * have taken them. In a forum it goes where the member last wrote; the general topic if that topic is
   * gone or closed.
   */
  private async invite(d: Send, invite: NonNullable<Send["invite"]>): Promise<Outcome> {
    const chat = chatIdOf(d.chat);
    const user = userIdOf(invite.account);
    const payload = invite.start ? encodePayload(invite.start) : undefined;
    const options = {
      entities: d.text.startsWith(invite.name)
        ? [
            {
              type: "text_mention" as const,
              offset: 0,
              length: invite.name.length,
              user: { id: user, is_bot: false, first_name: invite.name },
            },
          ]
        : [],
      reply_markup: {
        inline_keyboard: [[{ text: invite.label, url: deepLink(this.deps.botUsername(), payload) }]],
      },
    };
    const topic = threadOf(d) ?? this.topics.get(`${chat}|${user}`);
    const sent =
      topic === undefined
        ? await this.deps.api.sendMessage(chat, d.text, options)
        : await this.deps.api
            .sendMessage(chat, d.text, { ...options, message_thread_id: topic })
            .catch(() => this.deps.api.sendMessage(chat, d.text, options));
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

  /**
   * The re-post of a held message in its chat and topic, with the attribution line. One message where
   * Telegram allows it (a text, or one captionable media message: the attribution goes into the text or
   * caption), so no crash can leave the attribution line alone in the chat. Otherwise (an album, a
   * sticker, a text or caption too long to take the line) the attribution line, then the preserved
   * copies; if Telegram refuses the copies, the line is taken down again.
   */
  private async repost(d: Repost): Promise<Outcome> {
    const chat = chatIdOf(d.chat);
    const thread = threadOf(d);
    const where = thread !== undefined ? { message_thread_id: thread } : {};
    const reply = d.replyTo
      ? { reply_parameters: { message_id: Number(d.replyTo), allow_sending_without_reply: true } }
      : {};
    const one = await this.repostAsOne(d, chat, { ...where, ...reply });
    if (one !== undefined) return ok([tgMessageRef(chat, one, thread)]);
    const head = await this.deps.api.sendMessage(chat, d.attribution, { ...where, ...reply });
    const refs = [tgMessageRef(chat, head.message_id, thread)];
    try {
      if (d.copies?.length) {
        refs.push(...(await this.copy(d.copies, chat, thread)));
        return ok(refs);
      }
      for (const c of d.content) {
        const entities = entitiesOf(c);
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
    } catch (error) {
      // Telegram said no (a network failure may have carried the call out: then the line stays).
      if (error instanceof GrammyError)
        await this.deps.api.deleteMessage(chat, head.message_id).catch(() => undefined);
      throw error;
    }
    return ok(refs);
  }

  /** The re-post as one message with the attribution in it, or undefined where Telegram cannot. */
  private async repostAsOne(d: Repost, chat: number, options: object): Promise<number | undefined> {
    const copies = d.copies ?? [];
    if (d.content.length !== 1 || copies.length > 1) return undefined;
    const c = d.content[0]!;
    const copy = copies[0];
    const text = c.text ? `${d.attribution}\n${c.text}` : d.attribution;
    const shifted = entitiesOf(c)?.map((e) => ({ ...e, offset: e.offset + d.attribution.length + 1 }));
    if (c.media.length === 0) {
      if (!c.text || text.length > TEXT_MAX) return undefined;
      const sent = await this.deps.api.sendMessage(chat, text, {
        ...options,
        ...(shifted ? { entities: shifted } : {}),
      });
      return sent.message_id;
    }
    const media = c.media[0]!;
    if (c.media.length !== 1 || !CAPTIONED.has(media.kind) || text.length > CAPTION_MAX) return undefined;
    const caption = { caption: text, ...(shifted ? { caption_entities: shifted } : {}) };
    if (copy) {
      const sent = await this.deps.api.copyMessage(chat, chatIdOf(copy.chat), messageIdOf(copy), {
        ...options,
        ...caption,
      });
      return sent.message_id;
    }
    if (media.kind !== "photo") return undefined;
    return (await this.deps.api.sendPhoto(chat, media.ref, { ...options, ...caption })).message_id;
  }
}

/** Telegram's limits for a message text and a media caption (UTF-16 code units, as JS counts). */
const TEXT_MAX = 4096;
const CAPTION_MAX = 1024;
/** Media a caption can go with (a sticker or a round video cannot carry the attribution). */
const CAPTIONED = new Set(["photo", "video", "animation", "document", "audio", "voice"]);

function entitiesOf(c: PostContent): MessageEntity[] | undefined {
  return Array.isArray(c.formatting) && c.formatting.length > 0
    ? (c.formatting as MessageEntity[])
    : undefined;
}
