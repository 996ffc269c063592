import type { Ctx, ViolationSink } from "../engine/context.js";
import { translator } from "../i18n/translator.js";
import type { Module } from "../engine/module.js";
import type { AccountKey } from "../ids.js";
import { sanctionCommands } from "./commands.js";
import { liftSanction, openCase, pointsOf, round, subjectOf, tellMember } from "./service.js";
import { createViolationSink } from "./sink.js";
import {
  BUTTON_PREFIX,
  onReviewButton,
  openReportsAbout,
  recordReportCard,
  recordReportDeleted,
  REPORT_CARD_TAG,
  REPORT_DELETED_TAG,
  reportsFiledBy,
  reviewCommands,
  withdrawReports,
} from "./reviews.js";
import { UNBAN_TIMER } from "./state.js";

/**
 * The graduated-sanctions pillar: the ladder behind the ViolationSink, the admin commands (/warn /mute
 * /limit /ban /unban /kick /pardon /cases), member reports and appeals through the review chat, the
 * timed-ban timer, and the data hooks for /mydata and /forgetme.
 */
export function createSanctions(): { module: Module; violations: ViolationSink } {
  const module: Module = {
    name: "sanctions",
    commands: [...sanctionCommands, ...reviewCommands],
    buttons: { [BUTTON_PREFIX]: onReviewButton },
    timers: { [UNBAN_TIMER]: onUnbanTimer },
    recorders: { [REPORT_CARD_TAG]: recordReportCard, [REPORT_DELETED_TAG]: recordReportDeleted },
    exportData,
    eraseData,
  };
  return { module, violations: createViolationSink() };
}

/** A timed ban came to its end (also after a restart: the timer is durable). */
async function onUnbanTimer(ctx: Ctx, timer: { payload: Record<string, unknown> }): Promise<void> {
  const community = ctx.services.directory.community(String(timer.payload.community));
  const number = Number(timer.payload.case);
  if (!community || !Number.isInteger(number)) return;
  const lifted = await liftSanction(ctx, community, number);
  if (!lifted) return;
  const subject = (await ctx.services.cases.get(community.id, number))?.subject ?? lifted.targets[0]?.account;
  if (!subject) return;
  const opened = await openCase(ctx, community, {
    action: "unban",
    source: "system",
    subject,
    actor: "bot",
    reason: translator(community.language)("sanctions.reasonBanEnded"),
    refersTo: number,
  });
  await tellMember(ctx, community, subject, (t) =>
    t("sanctions.banEndedMember", { community: community.name, case: opened.number }),
  );
}

async function exportData(ctx: Ctx, account: AccountKey): Promise<Record<string, unknown> | undefined> {
  const out: Record<string, unknown>[] = [];
  for (const community of ctx.services.directory.communities) {
    const { subject } = await subjectOf(ctx, account, community);
    const cases = await ctx.services.cases.of(community.id, account);
    const points = await pointsOf(ctx, community, subject, community.policy.sanctions);
    const reports = await reportsFiledBy(ctx, community, account);
    if (!cases.length && points === 0 && !reports.length) continue;
    out.push({
      community: community.name,
      points: round(points),
      ...(reports.length
        ? {
            reportsFiled: reports.map((r) => ({
              id: r.id,
              community: community.name,
              status: r.status,
              reason: r.reason,
            })),
          }
        : {}),
      cases: cases.map((c) => ({
        number: c.number,
        action: c.action,
        source: c.source,
        reason: c.reason,
        at: new Date(c.at).toISOString(),
        category: c.category,
        points: c.points,
        until: c.until === undefined ? undefined : new Date(c.until).toISOString(),
        refersTo: c.refersTo,
      })),
    });
  }
  return out.length ? { sanctions: out } : undefined;
}

/**
 * /forgetme keeps the moderation record: cases and points carry no name, phone or ID number (only the
 * account key and the admins' reasons), the audit log is append-only, and erasing it would let a member
 * reset the ladder. The member is told what stays and why. Reports *against* the member are part of that
 * record (a decided one is a case; an open one waits for the admins, and the answer says so). Reports the member *filed* stay for the admins but lose the reporter's
 * account and reason (withdrawReports).
 */
async function eraseData(ctx: Ctx, account: AccountKey): Promise<string[]> {
  const t = await ctx.translatorFor(account);
  const kept: string[] = [];
  for (const community of ctx.services.directory.communities) {
    const cases = await ctx.services.cases.of(community.id, account);
    if (cases.length > 0)
      kept.push(t("sanctions.keptRecord", { community: community.name, count: cases.length }));
    const filed = await reportsFiledBy(ctx, community, account);
    await withdrawReports(ctx, community, account);
    if (filed.length > 0)
      kept.push(t("sanctions.keptReports", { community: community.name, count: filed.length }));
    const about = await openReportsAbout(ctx, community, account);
    if (about > 0) kept.push(t("sanctions.keptReportsAbout", { community: community.name, count: about }));
  }
  return kept;
}
