import type { Case } from "../engine/cases.js";
import type { Ctx, ViolationInput, ViolationSink } from "../engine/context.js";
import type { Translate } from "../i18n/translator.js";
import { categoryLabel } from "../rules/describe.js";
import { escalate, jumpFor } from "./ladder.js";
import {
  applySanction,
  changePoints,
  describeAction,
  openCase,
  policyFor,
  reassertSanction,
  round,
  subjectOf,
  targetsFor,
  tellMember,
} from "./service.js";
import { currentSanction } from "./state.js";

/**
 * Records a violation: adds its points (decayed total + points, raised for severe categories), finds the
 * ladder step, and applies it unless a sanction at least as high is already in force (the same step
 * renews it). Opens one case for the whole act, tells the member privately and the mod-log in one line.
 */
export async function recordViolation(ctx: Ctx, v: ViolationInput): Promise<Case> {
  const { community } = v;
  const policy = policyFor(ctx, community, v.chat);
  const settings = policy.sanctions;
  const ladder = settings.ladder;
  const category = policy.rules.categories[v.category];
  const fixed = (settings.points as Record<string, number | undefined>)[v.category];
  const points = v.points ?? category?.points ?? fixed ?? 1;
  const jump = jumpFor(category, ladder);

  const { subject, accounts } = await subjectOf(ctx, v.account, v.community);
  const escalation = await changePoints(ctx, community, subject, settings, (decayed) => {
    const e = escalate(decayed, points, ladder, jump);
    return { total: e.total, result: e };
  });
  const step = ladder[escalation.step];
  const current = await currentSanction(ctx.services.store, community.id, subject, ctx.now);
  const escalates = step !== undefined && (current === undefined || escalation.step >= current.rank);
  const action = escalates ? step.action : "violation";
  const duration = escalates && "duration" in step ? step.duration : undefined;
  const until = duration === undefined ? undefined : ctx.now + duration;

  const opened = await openCase(ctx, community, {
    action,
    source: v.source,
    subject: v.account,
    actor: v.actor,
    reason: v.reason,
    chat: v.chat,
    category: v.category,
    points: escalation.added,
    jumpedTo: escalation.jumped ? step?.action : undefined,
    until,
  });
  if (escalates && step.action !== "warn") {
    await applySanction(ctx, {
      community,
      subject,
      caseNumber: opened.number,
      action: step.action,
      targets: targetsFor(ctx, community, accounts, settings, v.chat),
      until,
      rank: escalation.step,
    });
  }
  if (settings.notify_member) {
    await tellMember(
      ctx,
      community,
      v.account,
      (t) =>
        t(action === "violation" && current ? "sanctions.noticeStays" : "sanctions.notice", {
          community: community.name,
          case: opened.number,
          what: describeAction(t, action, until, ctx.now),
          reason: memberReason(ctx, t, v),
          points: round(escalation.total),
        }),
      v.chat,
    );
  }
  return opened;
}

/**
 * The reason as the member reads it, in their language: a rule hit names the chat and the category (the
 * stored reason names the listed term or pattern for admins, in the audit log's wording).
 */
function memberReason(ctx: Ctx, t: Translate, v: ViolationInput): string {
  if (v.source !== "rule") return v.reason;
  const chat = v.chat ? ctx.services.directory.label(v.chat) : "";
  return t("sanctions.reasonRuleHit", { chat, category: categoryLabel(t, v.category) });
}

export function createViolationSink(): ViolationSink {
  return {
    async record(ctx, violation) {
      await recordViolation(ctx, violation);
    },
    reassert: reassertSanction,
  };
}
