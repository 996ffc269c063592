import { AsyncLocalStorage } from "node:async_hooks";
import { MessageFlags, type RepliableInteraction } from "discord.js";
import type { Button, Send, SendPrivate } from "../../core/decisions.js";
import type { AccountKey, ChatKey } from "../../core/ids.js";
import { actionRows, CONTENT_MAX } from "./messaging.js";

/** One answer from a modal, given to the core when it asks for that step. */
export interface FormAnswer {
  step: NonNullable<SendPrivate["asks"]>;
  text: string;
}

/**
 * The interaction being handled (a slash command, a button press, a modal submission). Decisions run
 * inside `engine.handle`, so the executor can tell that a private text to the interaction's user
 * answers it: it becomes an ephemeral reply there (only they see it) instead of a DM. A slash command's
 * short answer in its channel (a `send` with `ttlMs`) becomes that reply too.
 *
 * The interaction was deferred (ephemeral "thinking…", or an update for a button) before any work,
 * so Discord's 3-second limit never bites; the first text edits the deferred reply, later ones follow up.
 */
export class InteractionScope {
  /** Texts said to the user so far. */
  said = 0;
  /** Answers from a modal, in the order the core asks for them; the next one is handed out here. */
  answers: FormAnswer[] = [];
  /** The answer the core asked for during the last event (the adapter feeds it next). */
  nextAnswer: string | undefined;
  /**
   * A form's Verify button: a question the form did not answer (an answer was refused) comes with it, so
   * the member fills in the form again instead of typing into a channel.
   */
  retry: Button | undefined;

  constructor(
    readonly interaction: RepliableInteraction,
    readonly user: AccountKey,
    /** The channel's chat key (undefined in a DM). */
    readonly chat: ChatKey | undefined,
    /** A slash command: its channel answers become ephemeral replies too. */
    readonly command: boolean,
  ) {}

  /** Whether a private text is for this interaction's user (Discord has no contact button to ask for). */
  answersPrivate(d: SendPrivate): boolean {
    return d.account === this.user;
  }

  /** A slash command's short answer where it was issued. */
  answersSend(d: Send): boolean {
    return this.command && d.chat === this.chat && d.ttlMs !== undefined && !d.invite;
  }

  /** A question the form already answered: taken, the answer queued for the next event. */
  takeAsked(d: SendPrivate): boolean {
    const next = this.answers[0];
    if (!d.asks || !next || next.step !== d.asks) return false;
    this.answers.shift();
    this.nextAnswer = next.text;
    return true;
  }

  /** The buttons to show with a text: a typed-answer question gets the form's button when there is one. */
  buttonsFor(d: SendPrivate): Button[][] | undefined {
    if (this.retry && d.asks && d.asks !== "rules") return [[this.retry]];
    return d.buttons;
  }

  /** Shows `text` to the interaction's user only. */
  async say(text: string, buttons?: Button[][]): Promise<void> {
    const i = this.interaction;
    const body = { content: text.slice(0, CONTENT_MAX), components: actionRows(buttons) };
    this.said++;
    if (i.deferred && !i.replied && this.said === 1 && !i.isMessageComponent()) {
      await i.editReply(body);
      return;
    }
    if (!i.deferred && !i.replied) {
      await i.reply({ ...body, flags: MessageFlags.Ephemeral });
      return;
    }
    await i.followUp({ ...body, flags: MessageFlags.Ephemeral });
  }

  /** Ends the interaction: a deferred reply that nothing filled is removed. */
  async finish(): Promise<void> {
    const i = this.interaction;
    if (this.said === 0 && i.deferred && !i.isMessageComponent()) await i.deleteReply();
  }
}

export const interactionScope = new AsyncLocalStorage<InteractionScope>();
