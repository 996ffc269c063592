import {
  DecisionInterrupted,
  type Decision,
  type DecisionExecutor,
  type Outcome,
  type PlatformDecision,
  type SendPrivate,
} from "../decisions.js";
import type { AccountKey, ChatKey, Platform } from "../ids.js";
import type { StoreUnit } from "../ports/store.js";
import { translator } from "../i18n/translator.js";
import type { Ctx, Services } from "./context.js";
import { renewalTimer, renewalTimerId } from "./access.js";
import { describeForAdmins, targetPlatform } from "./describe.js";
import type { Module } from "./module.js";
import { ownHandler } from "./module.js";
import { noticeTimers } from "./notices.js";
import { OPEN_PRIVATE_NOTICE_TTL_MS, OPEN_PRIVATE_TAG, PrivateOutbox } from "./outbox.js";

/**
 * Carries out an event's decisions in order and records each outcome: timers in the store, platform
 * decisions through the executor of the target's platform, restrictions as applied only on success,
 * other outcome tags through the module that owns them, failures reported to the community's admins.
 * Decisions a recorder emits (through ctx.emit) join the same list and run after the current one.
 */
export class DecisionRunner {
  constructor(
    private readonly services: Services,
    private readonly modules: readonly Module[],
    private readonly executors: Partial<Record<Platform, DecisionExecutor>>,
  ) {}

  /**
   * `unit`: the store's unit of work for this event; committed before every platform action, so what
   * the event wrote (a held post, a claim, a constraint) is durable before the platform acts on it.
   */
  async execute(ctx: Ctx, decisions: Decision[], unit: StoreUnit): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    let previous: Outcome | undefined;
    for (const decision of decisions) {
      const outcome: Outcome =
        decision.requires === "previous" && previous && previous.status !== "ok"
          ? { status: "skipped", reason: "the decision before it did not succeed" }
          : await this.carryOut(decision, unit);
      outcomes.push(outcome);
      previous = outcome;
      await this.record(ctx, decision, outcome, unit);
    }
    return outcomes;
  }

  async carryOut(decision: Decision, unit: StoreUnit): Promise<Outcome> {
    const { timers, logger } = this.services;
    if (decision.kind === "schedule") {
      await timers.schedule(decision.timer);
      return { status: "ok" };
    }
    if (decision.kind === "cancel_timer") {
      await timers.cancel(decision.timerId);
      return { status: "ok" };
    }
    const platform = targetPlatform(decision);
    const executor = this.executors[platform];
    if (!executor) return { status: "skipped", reason: `no ${platform} adapter is running` };
    // Outside the try: a commit that fails ends the event (its writes were lost), not this decision.
    unit.commit();
    try {
      return await executor.execute(decision as PlatformDecision);
    } catch (error) {
      if (error instanceof DecisionInterrupted) throw error;
      logger.error(
        { err: errorSummary(error), decision: decision.kind },
        "executor threw instead of reporting",
      );
      return {
        status: "failed",
        error: { code: "unavailable", message: errorSummary(error), retryable: true },
      };
    }
  }

  private async record(ctx: Ctx, decision: Decision, outcome: Outcome, unit: StoreUnit): Promise<void> {
    if (decision.kind === "send")
      for (const timer of noticeTimers(decision, outcome, ctx.now))
        await this.services.timers.schedule(timer);
    const tag = decision.record;
    if (tag?.kind === "enforcement" && (decision.kind === "restrict" || decision.kind === "lift")) {
      const restrict = decision.kind === "restrict" ? decision : undefined;
      const shortened = outcome.status === "ok" ? outcome.until : undefined;
      const { mayHaveRenewal } = await this.services.access.recordOutcome(
        decision.chat,
        decision.account,
        restrict ? restrict.level : "full",
        outcome.status === "ok",
        outcome.status === "failed" ? outcome.error.message : undefined,
        shortened ?? restrict?.until,
      );
      // The platform lifts it early by itself (Discord: 28 days at most): re-apply it before then.
      const renewal =
        restrict && renewalTimer(decision.chat, decision.account, shortened, restrict.until, ctx.now);
      if (renewal) await this.services.timers.schedule(renewal);
      // Lifted (a pardon, an accepted appeal) or applied in full: an earlier renewal has nothing to renew.
      else if (outcome.status === "ok" && mayHaveRenewal)
        await this.services.timers.cancel(renewalTimerId(decision.chat, decision.account));
    } else if (tag?.kind === OPEN_PRIVATE_TAG) {
      if (outcome.status === "ok")
        await new PrivateOutbox(this.services.store, this.services.sealer).noticePosted(
          String(tag.chat) as ChatKey,
          String(tag.account) as AccountKey,
        );
    } else if (tag) {
      for (const m of this.modules) {
        const recorder = ownHandler(m.recorders, tag.kind);
        if (recorder) {
          await recorder(ctx, tag, outcome, decision);
          break;
        }
      }
    }
    if (outcome.status !== "failed") return;
    if (decision.kind === "send_private" && outcome.error.code === "forbidden") {
      // The member never opened a private chat with the bot (or blocked it): nothing an admin can fix.
      this.services.logger.info(
        { decision: decision.kind, account: decision.account },
        "private message impossible",
      );
      await this.privateChatClosed(ctx, decision);
      return;
    }
    await this.reportFailure(decision, outcome.error.message, unit);
  }

  /**
   * A private text the platform would not deliver waits in the outbox (a refusal of a press does not:
   * it answers that moment only). With a fallback chat, the member is asked there, in a notice that
   * deletes itself, to open a private chat; one live notice per member and chat.
   */
  private async privateChatClosed(ctx: Ctx, decision: SendPrivate): Promise<void> {
    const outbox = new PrivateOutbox(this.services.store, this.services.sealer);
    if (!decision.refusal) await outbox.keep(decision, ctx.now);
    const chat = decision.fallbackChat;
    if (!chat || !(await outbox.claimNotice(chat, decision.account, ctx.now, this.services.runId))) return;
    const t = await ctx.translatorFor(decision.account);
    const profile = await this.services.members.profile(decision.account);
    const name = profile?.displayName || t("core.someone");
    const start = decision.buttons?.flat()[0]?.data;
    ctx.emit({
      kind: "send",
      chat,
      text: t("core.openPrivate", { name }),
      ttlMs: OPEN_PRIVATE_NOTICE_TTL_MS,
      record: { kind: OPEN_PRIVATE_TAG, chat, account: decision.account },
      invite: {
        account: decision.account,
        name,
        label: t("core.openPrivateButton"),
        ...(start ? { start } : {}),
      },
    });
  }

  /** Platform failures reach the community's mod-log chat (never in a loop, never with personal data). */
  private async reportFailure(decision: Decision, message: string, unit: StoreUnit): Promise<void> {
    const { logger, directory } = this.services;
    logger.warn({ decision: decision.kind, error: message }, "platform refused a decision");
    const chat = decisionChat(decision);
    const community = chat
      ? (directory.lookupChat(chat)?.community ?? directory.reviewedBy(chat))
      : undefined;
    const logChat = community?.modlogChat ?? community?.reviewChat;
    if (!community || !logChat || logChat === chat) return;
    const t = translator(community.language);
    const report: Decision = {
      kind: "send",
      chat: logChat,
      text: t("core.actionFailed", {
        action: describeForAdmins(decision, t, (c) => directory.label(c)),
        error: message,
      }),
    };
    const outcome = await this.carryOut(report, unit);
    if (outcome.status !== "ok")
      logger.error({ decision: decision.kind }, "could not report a failure to admins");
  }
}

/** The chat a decision acts in, for failure reports. */
function decisionChat(decision: Decision): ChatKey | undefined {
  switch (decision.kind) {
    case "delete":
      return decision.messages[0]?.chat;
    case "update_card":
      return decision.card.chat;
    case "send_private":
      return decision.fallbackChat;
    case "schedule":
    case "cancel_timer":
      return undefined;
    default:
      return decision.chat;
  }
}

export function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
