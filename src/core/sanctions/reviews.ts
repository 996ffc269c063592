import type { Ctx } from "../engine/context.js";
import type { CommandSpec } from "../engine/module.js";
import { UsageError } from "../engine/module.js";
import type { Button, Decision, Outcome, OutcomeTag } from "../decisions.js";
import type { ButtonPressed } from "../events.js";
import { translator, type Translate } from "../i18n/translator.js";
import type { CommunitySettings } from "../settings/community.js";
import { reply } from "./commands.js";
import { correctable, voidCase } from "./pardon.js";
import {
  describeAction,
  openCase,
  reassertLift,
  reassertSanction,
  subjectOf,
  tellMember,
} from "./service.js";
import { recordViolation } from "./sink.js";
import { keys, type AppealRecord, type ReportRecord } from "./state.js";
import { allMembers, KEEP } from "../ports/store.js";
import { communityId, type AccountKey } from "../ids.js";

/** Button data prefix of this module: `sanct:rc:<report>`, `sanct:rd:<report>`, `sanct:aa:<case>`, `sanct:ad:<case>`. */
export const BUTTON_PREFIX = "sanct";
const reportCounter = (community: string) => `sanctions:report-counter:${community}`;
/** The outcome tag of a posted report card: its recorder keeps the card's ref in the report. */
export const REPORT_CARD_TAG = "sanctions.reportCard";
/** The outcome tag of a confirmed report's deletion: its recorder marks the report `deleted`. */
export const REPORT_DELETED_TAG = "sanctions.reportDeleted";

/** An open report card's buttons (also on its redraw after the reporter's /forgetme). */
const reportButtons = (t: Translate, id: string): Button[][] => [
  [
    { label: t("sanctions.buttonConfirm"), data: `${BUTTON_PREFIX}:rc:${id}` },
    { label: t("sanctions.buttonDismiss"), data: `${BUTTON_PREFIX}:rd:${id}` },
  ],
];

/** /report (a member, replying to a message) and /appeal <case>: both end as a card in the review chat. */
export const reviewCommands: CommandSpec[] = [
  {
    name: "report",
    scope: "group",
    admin: false,
    usage: "sanctions.usageReport",
    description: "sanctions.describeReport",
    async run(ctx, event) {
      const community = ctx.community;
      const replied = event.replyTo;
      if (!community || !ctx.chat) throw new UsageError();
      // The usage line already says it must be a reply.
      if (!replied?.author) throw new UsageError();
      if (!community.reviewChat) return ctx.emit(reply(event, ctx.t("sanctions.noReviewChat")));
      const id = String(
        await ctx.services.store.update<number>(reportCounter(community.id), (n = 0) => n + 1),
      );
      const t = translator(community.language);
      const reason = event.args.trim() || t("sanctions.noReason");
      const cardText = t("sanctions.reportCard", {
        id,
        chat: ctx.services.directory.label(replied.message.chat),
        target: replied.author,
        reporter: event.actor.account,
        reason,
      });
      const report: ReportRecord = {
        id,
        community: community.id,
        reporter: event.actor.account,
        target: replied.author,
        message: replied.message,
        reason,
        status: "open",
        cardText,
      };
      await ctx.services.store.set(keys.report(community.id, id), report);
      await ctx.services.store.addToSet(keys.reportsBy(community.id, event.actor.account), id);
      await ctx.services.store.addToSet(keys.reportsAbout(community.id, replied.author), id);
      ctx.emit({
        kind: "post_card",
        chat: community.reviewChat,
        text: cardText,
        buttons: reportButtons(t, id),
        // Copy the reported message into the review chat first: confirming deletes the original.
        preserve: [replied.message],
        // The card's ref, so the reporter's /forgetme can redraw it without their name and reason.
        record: { kind: REPORT_CARD_TAG, community: community.id, report: id },
      });
      ctx.emit({
        kind: "send_private",
        account: event.actor.account,
        text: ctx.t("sanctions.reportThanks"),
        fallbackChat: event.chat,
      });
    },
  },
  {
    name: "appeal",
    scope: "any",
    admin: false,
    usage: "sanctions.usageAppeal",
    description: "sanctions.describeAppeal",
    async run(ctx, event) {
      const [first, ...rest] = event.args.split(/\s+/).filter(Boolean);
      const number = Number((first ?? "").replace(/^#/, ""));
      if (!Number.isInteger(number) || number <= 0) throw new UsageError();
      const { accounts } = await subjectOf(ctx, event.actor.account, ctx.community);
      const candidates = ctx.community ? [ctx.community] : ctx.services.directory.communities;
      let community: CommunitySettings | undefined;
      for (const c of candidates) {
        const found = await ctx.services.cases.get(c.id, number);
        if (found && correctable.has(found.action) && accounts.includes(found.subject)) {
          community = c;
          break;
        }
      }
      const answer = (text: string) =>
        ctx.emit({ kind: "send_private", account: event.actor.account, text, fallbackChat: event.chat });
      if (!community) return answer(ctx.t("sanctions.appealNotYours", { case: number }));
      if (await ctx.services.store.get<boolean>(keys.voided(community.id, number)))
        return answer(ctx.t("sanctions.alreadyVoided", { case: number }));
      if (!community.reviewChat) return answer(ctx.t("sanctions.noReviewChat"));
      const earlier = await ctx.services.cases.get(community.id, number);
      const t = translator(community.language);
      const cardText = t("sanctions.appealCard", {
        case: number,
        what: describeAction(t, earlier?.action ?? "violation", earlier?.until, earlier?.at ?? ctx.now),
        member: event.actor.account,
        reason: earlier?.reason ?? "",
        text: rest.join(" ") || t("sanctions.noReason"),
      });
      const fresh = await ctx.services.store.setIfAbsent<AppealRecord>(keys.appeal(community.id, number), {
        case: number,
        community: community.id,
        account: event.actor.account,
        status: "open",
        cardText,
      });
      if (!fresh) return answer(ctx.t("sanctions.appealAlready", { case: number }));
      ctx.emit({
        kind: "post_card",
        chat: community.reviewChat,
        text: cardText,
        buttons: [
          [
            { label: t("sanctions.buttonAccept"), data: `${BUTTON_PREFIX}:aa:${number}` },
            { label: t("sanctions.buttonDeny"), data: `${BUTTON_PREFIX}:ad:${number}` },
          ],
        ],
      });
      answer(ctx.t("sanctions.appealSent", { case: number }));
    },
  },
];

/** The review chat's buttons. Any member of a chat can press any button: the presser's rights are checked here. */
export async function onReviewButton(ctx: Ctx, event: ButtonPressed, rest: string): Promise<void> {
  const parts = rest.split(":");
  const [verb = "", id = ""] = parts;
  const community = ctx.community;
  const refuse = (key: "core.notAllowed" | "core.buttonInvalid") =>
    ctx.emit({ kind: "send_private", account: event.actor.account, text: ctx.t(key), refusal: true });
  if (!community || !(await ctx.isAdmin(community, ctx.actor))) return refuse("core.notAllowed");
  // Exactly the data the cards carry (`rc:<n>` …): anything longer or different is tampered with.
  if (parts.length !== 2 || !/^(rc|rd|aa|ad)$/.test(verb) || !/^[1-9]\d{0,15}$/.test(id))
    return refuse("core.buttonInvalid");
  const admin = event.actor.account;
  const t = translator(community.language);
  if (verb === "rc" || verb === "rd") {
    const report = await ctx.services.store.change<ReportRecord, ReportRecord | undefined>(
      keys.report(community.id, id),
      (cur) => {
        if (!cur || cur.status !== "open") return { value: KEEP, result: undefined };
        const decided: ReportRecord = { ...cur, status: verb === "rc" ? "confirmed" : "dismissed" };
        return { value: decided, result: decided };
      },
    );
    if (!report) {
      // Decided before: perhaps by this same press, delivered again after a crash cut it short. A confirmed
      // report's platform side goes out again (idempotent): the message deleted, the sanction in force.
      const decided = await ctx.services.store.get<ReportRecord>(keys.report(community.id, id));
      if (verb === "rc" && decided?.status === "confirmed") {
        if (!decided.deleted) ctx.emit(deleteReported(community, decided));
        await reassertSanction(ctx, community, decided.target);
      }
      return ctx.emit({ kind: "send_private", account: admin, text: ctx.t("sanctions.alreadyHandled") });
    }
    await ctx.services.store.removeFromSet(keys.reportsAbout(community.id, report.target), id);
    // The reporter's /forgetme may have come in since the claim: the reason is read again just before use.
    const reason = async () =>
      (await ctx.services.store.get<ReportRecord>(keys.report(community.id, id)))?.reason ??
      t("sanctions.reportReasonWithdrawn");
    let outcome: string;
    if (verb === "rc") {
      const opened = await recordViolation(ctx, {
        community,
        account: report.target,
        chat: report.message.chat,
        source: "report",
        category: "confirmed_report",
        reason: await reason(),
        actor: admin,
      });
      ctx.emit(deleteReported(community, report));
      outcome = t("sanctions.reportConfirmedCard", { admin, case: opened.number });
    } else {
      const opened = await openCase(ctx, community, {
        action: "report_dismissed",
        source: "report",
        subject: report.target,
        actor: admin,
        reason: await reason(),
        chat: report.message.chat,
      });
      outcome = t("sanctions.reportDismissedCard", { admin, case: opened.number });
    }
    // Kept for the redraw after a later /forgetme of the reporter (the card shows it under the text). The
    // redraw and the reporter's news use the report as it is now: a /forgetme since the claim counts.
    const current = await ctx.services.store.change<ReportRecord, ReportRecord>(
      keys.report(community.id, id),
      (cur) => (cur ? { value: { ...cur, outcome }, result: cur } : { value: KEEP, result: report }),
    );
    if (event.message)
      ctx.emit({
        kind: "update_card",
        card: event.message,
        text: `${current.cardText ?? ""}\n${outcome}`,
        buttons: [],
      });
    // A reporter who erased their data (/forgetme) is no longer named, so no longer told.
    if (current.reporter)
      await tellMember(ctx, community, current.reporter, (rt) =>
        rt(verb === "rc" ? "sanctions.reportConfirmedReporter" : "sanctions.reportDismissedReporter"),
      );
    return;
  }
  if (verb === "aa" || verb === "ad") {
    const number = Number(id);
    const appeal = await ctx.services.store.change<AppealRecord, AppealRecord | undefined>(
      keys.appeal(community.id, number),
      (cur) => {
        if (!cur || cur.status !== "open") return { value: KEEP, result: undefined };
        const decided: AppealRecord = { ...cur, status: verb === "aa" ? "accepted" : "denied" };
        return { value: decided, result: decided };
      },
    );
    if (!appeal) {
      // Decided before (perhaps this same press, delivered again after a crash): an accepted appeal's lift
      // goes out again (idempotent).
      const decided = await ctx.services.store.get<AppealRecord>(keys.appeal(community.id, number));
      if (verb === "aa" && decided?.status === "accepted") await reassertLift(ctx, community, number);
      return ctx.emit({ kind: "send_private", account: admin, text: ctx.t("sanctions.alreadyHandled") });
    }
    let outcome: string;
    if (verb === "aa") {
      const result = await voidCase(ctx, community, number, {
        action: "appeal_accepted",
        source: "appeal",
        actor: admin,
        reason: t("sanctions.appealReason"),
      });
      outcome =
        result.status === "done"
          ? t("sanctions.appealAcceptedCard", { admin, case: result.case.number })
          : t("sanctions.alreadyVoided", { case: number });
    } else {
      const earlier = await ctx.services.cases.get(community.id, number);
      const opened = await openCase(ctx, community, {
        action: "appeal_denied",
        source: "appeal",
        subject: earlier?.subject ?? appeal.account,
        actor: admin,
        reason: t("sanctions.appealReason"),
        refersTo: number,
      });
      outcome = t("sanctions.appealDeniedCard", { admin, case: opened.number });
    }
    if (event.message)
      ctx.emit({
        kind: "update_card",
        card: event.message,
        text: `${appeal.cardText ?? ""}\n${outcome}`,
        buttons: [],
      });
    await tellMember(ctx, community, appeal.account, (mt) =>
      mt(verb === "aa" ? "sanctions.appealAcceptedMember" : "sanctions.appealDeniedMember", {
        community: community.name,
        case: number,
      }),
    );
    return;
  }
}

/** The reports an account filed in a community, through the per-reporter index (reports filed before it have none). */
export async function reportsFiledBy(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
): Promise<ReportRecord[]> {
  const out: ReportRecord[] = [];
  for (const id of await allMembers(ctx.services.store, keys.reportsBy(community.id, account))) {
    const report = await ctx.services.store.get<ReportRecord>(keys.report(community.id, id));
    if (report?.reporter === account) out.push(report);
  }
  return out;
}

/** A confirmed report's deletion of the message, recorded in the report once it succeeded. */
function deleteReported(community: CommunitySettings, report: ReportRecord): Decision {
  return {
    kind: "delete",
    messages: [report.message],
    record: { kind: REPORT_DELETED_TAG, community: community.id, report: report.id },
  };
}

/** Marks a confirmed report's message deleted (a press delivered again after a crash then deletes no more). */
export async function recordReportDeleted(ctx: Ctx, tag: OutcomeTag, outcome: Outcome): Promise<void> {
  if (outcome.status !== "ok") return;
  await ctx.services.store.change<ReportRecord, void>(
    keys.report(communityId(String(tag.community)), String(tag.report)),
    (cur) => ({ value: cur ? { ...cur, deleted: true } : KEEP, result: undefined }),
  );
}

/** Keeps the posted report card's ref in the report (the card's copy of the message is not needed). */
export async function recordReportCard(ctx: Ctx, tag: OutcomeTag, outcome: Outcome): Promise<void> {
  const card = outcome.status === "ok" ? outcome.refs?.[0] : undefined;
  if (!card) return;
  await ctx.services.store.change<ReportRecord, void>(
    keys.report(communityId(String(tag.community)), String(tag.report)),
    (cur) => ({ value: cur ? { ...cur, card: { chat: card.chat, id: card.id } } : KEEP, result: undefined }),
  );
}

/**
 * /forgetme of a reporter: each of their reports keeps the target, the message and its status (an open one
 * stays decidable, a decided one's case stays), but no longer names them or holds their reason, and its
 * stored card text says the reporter withdrew their data, so the redraw after a decision does not bring
 * either back. The card already posted is redrawn the same way (an open one keeps its buttons; a card
 * that is gone only fails that edit). Then the index goes.
 */
export async function withdrawReports(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
): Promise<void> {
  const store = ctx.services.store;
  const index = keys.reportsBy(community.id, account);
  const t = translator(community.language);
  for (const id of await allMembers(store, index)) {
    const withdrawn = await store.change<ReportRecord, ReportRecord | undefined>(
      keys.report(community.id, id),
      (cur) => {
        if (!cur || cur.reporter !== account) return { value: KEEP, result: undefined };
        const { reporter: _reporter, reason: _reason, ...rest } = cur;
        const cardText = t("sanctions.reportCardWithdrawn", {
          id: cur.id,
          chat: ctx.services.directory.label(cur.message.chat),
          target: cur.target,
        });
        const next: ReportRecord = { ...rest, withdrawn: true, cardText };
        return { value: next, result: next };
      },
    );
    if (withdrawn?.card) {
      const open = withdrawn.status === "open";
      ctx.emit({
        kind: "update_card",
        card: withdrawn.card,
        text: [withdrawn.cardText, open ? undefined : withdrawn.outcome].filter(Boolean).join("\n"),
        buttons: open ? reportButtons(t, withdrawn.id) : [],
      });
    }
    await store.removeFromSet(index, id);
  }
}

/** How many reports about an account are still open (decided ones are cases); drops decided ids from the index. */
export async function openReportsAbout(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
): Promise<number> {
  const store = ctx.services.store;
  const index = keys.reportsAbout(community.id, account);
  let open = 0;
  for (const id of await allMembers(store, index)) {
    const report = await store.get<ReportRecord>(keys.report(community.id, id));
    if (report?.status === "open" && report.target === account) open++;
    else await store.removeFromSet(index, id);
  }
  return open;
}
