import type { Case, CaseSource } from "../engine/cases.js";
import type { Ctx } from "../engine/context.js";
import type { AccountKey } from "../ids.js";
import type { CommunitySettings } from "../settings/community.js";
import { changePoints, liftSanction, openCase, policyFor, reassertLift, subjectOf } from "./service.js";
import { keys } from "./state.js";

/** Cases that can be pardoned or appealed: the ones that added points or sanctioned someone. */
export const correctable = new Set<Case["action"]>(["violation", "warn", "mute", "limit", "ban", "kick"]);

export type VoidResult =
  { status: "done"; case: Case; earlier: Case } | { status: "not_found" } | { status: "already" };

/**
 * Takes back an earlier case (a /pardon, or an accepted appeal): removes the points it added, lifts its
 * sanction if still in force, and opens a new case that refers to it. Happens once per case.
 */
export async function voidCase(
  ctx: Ctx,
  community: CommunitySettings,
  number: number,
  how: {
    action: "pardon" | "appeal_accepted";
    source: CaseSource;
    actor: AccountKey | "bot";
    reason: string;
  },
): Promise<VoidResult> {
  const earlier = await ctx.services.cases.get(community.id, number);
  if (!earlier || !correctable.has(earlier.action)) return { status: "not_found" };
  if (!(await ctx.services.store.setIfAbsent(keys.voided(community.id, number), true))) {
    // Voided before: perhaps by this same command or press, delivered again after a crash cut it short.
    await reassertLift(ctx, community, number);
    return { status: "already" };
  }
  if (earlier.points) {
    const settings = policyFor(ctx, community, earlier.chat).sanctions;
    const { subject } = await subjectOf(ctx, earlier.subject, community);
    await changePoints(ctx, community, subject, settings, (decayed) => ({
      total: decayed - (earlier.points ?? 0),
      result: undefined,
    }));
  }
  await liftSanction(ctx, community, number);
  const opened = await openCase(ctx, community, {
    action: how.action,
    source: how.source,
    subject: earlier.subject,
    actor: how.actor,
    reason: how.reason,
    chat: earlier.chat,
    refersTo: number,
  });
  return { status: "done", case: opened, earlier };
}
