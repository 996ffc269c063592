import type { Api } from "grammy";
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup } from "grammy/types";
import type { Language } from "../../core/i18n/translator.js";
import type { AccountKey } from "../../core/ids.js";
import type { Outcome, SendPrivate } from "../../core/decisions.js";
import type { MessageRef } from "../../core/model/content.js";
import { telegramTexts } from "./texts.js";
import { inlineKeyboard } from "./markup.js";
import { isPrivateChatClosed } from "./failures.js";
import { tgMessageRef, userIdOf } from "./keys.js";
import { pressScope } from "./press-scope.js";

export interface PrivateChatDeps {
  api: Api;
  languageOf(account: AccountKey): Promise<Language>;
}

const ok = (refs?: MessageRef[]): Outcome => (refs ? { status: "ok", refs } : { status: "ok" });
const CALLBACK_TEXT_MAX = 200;

/**
 * Private messages on Telegram, where the bot cannot write first. A refusal of a button press (and any
 * short answer to the presser whose private chat is closed) becomes the press's alert. Otherwise a
 * closed private chat is reported as `forbidden`: the engine keeps the text in its outbox and asks the
 * member, in the fallback chat, to open the bot (`Send.invite`, rendered by the executor).
 */
export class PrivateChat {
  constructor(private readonly deps: PrivateChatDeps) {}

  async send(d: SendPrivate): Promise<Outcome> {
    const user = userIdOf(d.account);
    const press = pressScope.getStore();
    const answersPress = press && !press.answered && press.presser === d.account;
    if (
      answersPress &&
      d.refusal &&
      !d.buttons?.length &&
      !d.requestContact &&
      d.text.length <= CALLBACK_TEXT_MAX
    ) {
      press.answered = true;
      await this.deps.api.answerCallbackQuery(press.queryId, { text: d.text, show_alert: true });
      return ok();
    }
    let reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | undefined;
    if (d.requestContact) {
      const t = telegramTexts(await this.deps.languageOf(d.account));
      reply_markup = {
        keyboard: [[{ text: t("shareContactButton"), request_contact: true }]],
        one_time_keyboard: true,
        resize_keyboard: true,
      };
    } else if (d.buttons?.length) reply_markup = inlineKeyboard(d.buttons);
    try {
      const sent = await this.deps.api.sendMessage(user, d.text, reply_markup ? { reply_markup } : {});
      return ok([tgMessageRef(user, sent.message_id)]);
    } catch (error) {
      if (!isPrivateChatClosed(error)) throw error;
      if (answersPress && d.text.length <= CALLBACK_TEXT_MAX) {
        press.answered = true;
        await this.deps.api.answerCallbackQuery(press.queryId, { text: d.text, show_alert: true });
        return ok();
      }
      throw error;
    }
  }
}
