import {
  ApplicationCommandType,
  InteractionContextType,
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Message,
  type ModalSubmitInteraction,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from "discord.js";
import type { CommandIssued } from "../../core/events.js";
import type { Language } from "../../core/i18n/translator.js";
import type { Instant } from "../../core/ports/clock.js";
import { discordAccount } from "./keys.js";
import { discordTexts } from "./texts.js";
import { actorOf, contentOf, messageRefOf } from "./translate.js";

/**
 * "Report message": Discord's way to point at a message (slash commands cannot reply to one). The
 * message context-menu command opens a form for an optional reason; its submission becomes the core's
 * `/report <reason>` as a reply to that message, so the report takes the same path as on Telegram and
 * Matrix (a card with Confirm / Dismiss in the review channel, the reporter thanked privately).
 */

/** The core command the menu files. */
export const REPORT_COMMAND = "report";
/** The form's custom id: `report-form:<message id>` (the channel is the submission's own). */
export const REPORT_FORM = "report-form:";
/** The reason field of the form. */
const REASON = "reason";
/** Room for the reason well inside the core's limit on command arguments. */
const REASON_MAX = 500;

const en = discordTexts("en");
const zh = discordTexts("zh");

/** The message command as registered: in servers only, for everyone, named in English and Chinese. */
export function reportMenuCommand(): RESTPostAPIContextMenuApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.Message,
    name: en("reportMenu"),
    name_localizations: { "en-US": en("reportMenu"), "zh-CN": zh("reportMenu") },
    default_member_permissions: null,
    contexts: [InteractionContextType.Guild],
  };
}

/** Whether a context-menu command's name is the report menu's, in any language. */
export const isReportMenu = (commandName: string): boolean => commandName === en("reportMenu");

/** The form for the reason (optional: an empty submission reports without one). */
export function reportForm(messageId: string, language: Language): ModalBuilder {
  const t = discordTexts(language);
  return new ModalBuilder()
    .setCustomId(`${REPORT_FORM}${messageId}`)
    .setTitle(t("reportTitle").slice(0, 45))
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(t("reportReason").slice(0, 45))
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId(REASON)
            .setStyle(TextInputStyle.Paragraph)
            .setRequired(false)
            .setMaxLength(REASON_MAX),
        ),
    );
}

/** The message id a form submission names, or undefined when the custom id is not a report form's. */
export function reportedMessageId(customId: string): string | undefined {
  if (!customId.startsWith(REPORT_FORM)) return undefined;
  const id = customId.slice(REPORT_FORM.length);
  return /^[0-9]{1,20}$/.test(id) ? id : undefined;
}

/** Whether a member wrote the message (not the bot, a webhook such as the bot's re-posts, or the system). */
export const byMember = (message: Message): boolean => !message.webhookId && !message.author.bot;

/**
 * The submitted form as the core's `/report <reason>` replying to `target` (the message as Discord has
 * it, fetched by the adapter: its author is Discord's word, never the form's).
 */
export function reportEvent(i: ModalSubmitInteraction, target: Message): CommandIssued | undefined {
  const ref = messageRefOf(target);
  if (!ref) return undefined;
  let reason = "";
  try {
    reason = i.fields.getTextInputValue(REASON).trim().slice(0, REASON_MAX);
  } catch {
    // A submission without the field (an older form): a report without a reason.
  }
  const member = i.inCachedGuild() ? i.member : null;
  return {
    kind: "command",
    name: REPORT_COMMAND,
    args: reason,
    mentions: [],
    actor: actorOf(i.user, member),
    chat: ref.chat,
    replyTo: {
      message: ref,
      author: discordAccount(target.author.id),
      authorName: target.member?.displayName ?? target.author.globalName ?? target.author.username,
      content: contentOf(target),
    },
    at: i.createdTimestamp as Instant,
  };
}
