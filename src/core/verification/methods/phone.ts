import { tell } from "../common.js";
import { complete } from "../decide.js";
import type { VerificationMethod } from "./method.js";

/**
 * The platform-verified phone: the member shares their own contact card. Only Telegram has that
 * (`request_contact`, with the card's `user_id` proving whose number it is); Discord and Matrix cannot share
 * a verified contact. The console playground simulates the same card.
 */
export const phoneMethod: VerificationMethod = {
  name: "phone",
  platforms: ["telegram", "console"],
  platformsWhy: "it needs a contact card the platform vouches for (Telegram request_contact)",
  steps: ["phone"],
  phone: "own_contact",
  keepsIdNumber: false,
  needsReviewChat: false,
  missing: () => undefined,
  configProblems: () => [],
  async finish(ctx, _deps, community, account, session, collected, t) {
    if (!session.phoneFromPlatform) {
      ctx.emit(tell(account, t("verification.shareOwnContact"), { requestContact: true }));
      return;
    }
    await complete(ctx, community, account, collected, "phone");
  },
};
