import type { AccountKey, ChatKey } from "../ids.js";
import type { Translate } from "../i18n/translator.js";
import { translator } from "../i18n/translator.js";
import type { CommunitySettings } from "../settings/community.js";
import { formatDuration } from "../settings/duration.js";
import type { Case, CaseAction, CaseSource } from "./cases.js";
import type { Ctx } from "./context.js";

/** Points to one decimal, as admins and members see them. */
export const round = (n: number): number => Math.round(n * 10) / 10;

/** "muted for 1h", "banned", "a warning": what a case did, in the reader's language. */
export function describeAction(
  t: Translate,
  action: CaseAction,
  until: number | undefined,
  now: number,
  refersTo?: number,
): string {
  const duration = until === undefined ? "" : formatDuration(Math.max(0, until - now));
  switch (action) {
    case "warn":
      return t("sanctions.whatWarn");
    case "mute":
      return t("sanctions.whatMute", { duration });
    case "limit":
      return t("sanctions.whatLimit", { duration });
    case "ban":
      return until === undefined ? t("sanctions.whatBan") : t("sanctions.whatBanFor", { duration });
    case "kick":
      return t("sanctions.whatKick");
    case "unban":
      return t("sanctions.whatUnban");
    case "pardon":
      return t("sanctions.whatPardon", { case: refersTo ?? "?" });
    case "appeal_accepted":
      return t("sanctions.whatAppealAccepted", { case: refersTo ?? "?" });
    case "appeal_denied":
      return t("sanctions.whatAppealDenied", { case: refersTo ?? "?" });
    case "report_dismissed":
      return t("sanctions.whatReportDismissed");
    case "report_confirmed":
      return t("sanctions.whatReportConfirmed");
    case "hold_approved":
      return t("sanctions.whatHoldApproved");
    case "hold_rejected":
      return t("sanctions.whatHoldRejected");
    case "hold_expired":
      return t("sanctions.whatHoldExpired");
    case "verified":
      return t("sanctions.whatVerified");
    case "unverified":
      return t("sanctions.whatUnverified");
    case "verification_rejected":
      return t("sanctions.whatVerificationRejected");
    case "lift":
      return t("sanctions.whatLift");
    case "violation":
      return t("sanctions.whatViolation");
  }
}

/**
 * " +3 pts", or " jumped to ban" when a severe category raised the total to a ladder step: the points
 * added then are the step's threshold minus the old total, not what the category gives.
 */
export function pointsNote(t: Translate, c: Pick<Case, "points" | "jumpedTo">): string {
  if (c.jumpedTo) return t("sanctions.modlogJump", { step: t(stepLabel[c.jumpedTo]) });
  return c.points ? t("sanctions.modlogPoints", { points: round(c.points) }) : "";
}

const stepLabel = {
  warn: "sanctions.stepWarn",
  mute: "sanctions.stepMute",
  limit: "sanctions.stepLimit",
  ban: "sanctions.stepBan",
} as const;

/** The name to show for an account: the acting member's own name from the event, else the one last seen. */
export async function nameFor(ctx: Ctx, account: AccountKey): Promise<string> {
  if (ctx.actor?.account === account && ctx.actor.displayName) return ctx.actor.displayName;
  return ctx.services.members.nameOf(account);
}

/**
 * Opens an audit case and posts its line in the community's mod-log chat. The line names members by the
 * display name the bot saw (the case keeps the account key); never a real name or other personal data.
 */
export async function openCase(
  ctx: Ctx,
  community: CommunitySettings,
  input: {
    action: CaseAction;
    source: CaseSource;
    subject: AccountKey;
    actor: AccountKey | "bot";
    reason: string;
    chat?: ChatKey;
    category?: string;
    points?: number;
    jumpedTo?: Case["jumpedTo"];
    until?: number;
    refersTo?: number;
  },
): Promise<Case> {
  const opened = await ctx.services.cases.open(
    { community: community.id, ...input, refersTo: input.refersTo as Case["refersTo"] },
    ctx.now,
  );
  if (community.modlogChat) {
    const t = translator(community.language);
    const extras = [
      input.category ? t("sanctions.modlogCategory", { category: input.category }) : "",
      pointsNote(t, input),
    ].join("");
    ctx.emit({
      kind: "send",
      chat: community.modlogChat,
      text: t("sanctions.modlogLine", {
        case: opened.number,
        what: describeAction(t, input.action, input.until, ctx.now, input.refersTo),
        subject: await nameFor(ctx, input.subject),
        actor: input.actor === "bot" ? t("sanctions.theBot") : await nameFor(ctx, input.actor),
        source: input.source,
        extras,
        reason: input.reason,
      }),
    });
  }
  return opened;
}
