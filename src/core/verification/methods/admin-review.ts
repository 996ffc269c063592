import type { Ctx } from "../../engine/context.js";
import type { AccountKey } from "../../ids.js";
import { translator, type Translate } from "../../i18n/translator.js";
import type { CommunitySettings } from "../../settings/community.js";
import { maskName, maskPhone, tell } from "../common.js";
import type { Collected } from "../decide.js";
import type { ReviewRequest } from "../state.js";
import { keys } from "../state.js";
import type { VerificationMethod } from "./method.js";

/**
 * An admin decides: a card in the review chat with the real name, masked ID and masked phone, and
 * Approve / Reject buttons (admin.ts handles them, checking the account cap and bans again).
 */
export const adminReview: VerificationMethod = {
  name: "admin_review",
  steps: [],
  phone: "typed_or_contact",
  keepsIdNumber: false,
  needsReviewChat: true,
  missing: (community) => (community.reviewChat ? undefined : "verification.adminReviewChatMissing"),
  configProblems: () => [],
  async finish(ctx, _deps, community, account, _session, collected, t) {
    await submitForReview(ctx, community, account, collected, t);
  },
};

async function submitForReview(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  collected: Collected,
  t: Translate,
): Promise<void> {
  const { store, random, sealer } = ctx.services;
  const reviewChat = community.reviewChat;
  if (!reviewChat) return;
  const profile = await ctx.services.members.profile(account);
  const request: ReviewRequest = {
    id: random.id("r").slice(0, 12),
    community: community.id,
    account,
    displayName: profile?.displayName ?? account,
    ...collected,
    status: "pending",
    createdAt: ctx.now,
  };
  await store.set(keys.request(community.id, request.id), request);
  await store.set(keys.pendingRequest(community.id, account), request.id);
  const at = translator(community.language);
  ctx.emit({
    kind: "post_card",
    chat: reviewChat,
    text: reviewCardText(at, request, (v) => sealer.open(v), community.policy.verification.reveal_in_review),
    buttons: [
      [
        { label: at("verification.buttonApprove"), data: `verify:approve:${request.id}` },
        { label: at("verification.buttonReject"), data: `verify:reject:${request.id}` },
      ],
    ],
    record: { kind: "verification.card", community: community.id, request: request.id },
  });
  ctx.emit(tell(account, t("verification.submitted")));
}

/**
 * The review card: the only place besides the member's private chat where the real name appears, and
 * there masked unless the community set `reveal_in_review`.
 */
export function reviewCardText(
  t: Translate,
  r: ReviewRequest,
  open: (sealed: string) => string,
  reveal: boolean,
): string {
  const lines = [t("verification.cardTitle", { id: r.id, member: r.displayName, account: r.account })];
  if (r.sealedName) lines.push(t("verification.cardName", { name: shownName(open(r.sealedName), reveal) }));
  if (r.idMask) lines.push(t("verification.cardId", { id: r.idMask }));
  if (r.sealedPhone)
    lines.push(t("verification.cardPhone", { phone: shownPhone(open(r.sealedPhone), reveal) }));
  return lines.join("\n");
}

/** A legal name or phone as admins see it: masked unless the community opted in. */
export const shownName = (name: string, reveal: boolean) => (reveal ? name : maskName(name));
export const shownPhone = (phone: string, reveal: boolean) => (reveal ? phone : maskPhone(phone));
