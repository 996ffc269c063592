import { complete } from "../decide.js";
import type { VerificationMethod } from "./method.js";

/** The member's word: verified as soon as every answer is valid. */
export const selfDeclared: VerificationMethod = {
  name: "self_declared",
  steps: [],
  phone: "typed_or_contact",
  keepsIdNumber: false,
  needsReviewChat: false,
  missing: () => undefined,
  configProblems: () => [],
  async finish(ctx, _deps, community, account, _session, collected) {
    await complete(ctx, community, account, collected, "self_declared");
  },
};
