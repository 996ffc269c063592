import { platformOf } from "../../ids.js";
import { tell, toAdmins } from "../common.js";
import { complete, reject } from "../decide.js";
import type { VerificationMethod } from "./method.js";

/**
 * The community's own identity provider over HTTPS (contract in docs/verification.md). A provider that does
 * not answer is no decision: the member tries later, the admins are told, a join request keeps waiting.
 */
export const external: VerificationMethod = {
  name: "external",
  steps: [],
  phone: "typed_or_contact",
  keepsIdNumber: true,
  needsReviewChat: false,
  missing: (community, deps) =>
    deps.identityProvider && community.policy.verification.external
      ? undefined
      : "verification.adminExternalMissing",
  configProblems: (s) =>
    s.external
      ? []
      : [{ path: "external", message: 'required when method is "external": expected { url: "https://…" }' }],
  async finish(ctx, deps, community, account, session, collected, t) {
    const s = community.policy.verification;
    const provider = deps.identityProvider;
    if (!provider || !s.external) {
      ctx.emit(tell(account, t("verification.unavailable", { community: community.name })));
      ctx.emit(
        ...toAdmins(community, (at) =>
          at("verification.adminExternalMissing", { community: community.name }),
        ),
      );
      return;
    }
    const { sealer, logger } = ctx.services;
    const requestId = ctx.services.random.id("x");
    const result = await provider.check({
      endpoint: { url: s.external.url, timeoutMs: s.external.timeout, tokenEnv: s.external.token_env },
      requestId,
      community: community.id,
      account,
      platform: platformOf(account),
      fields: {
        legal_name: session.sealedName ? sealer.open(session.sealedName) : undefined,
        id_number: session.sealedId ? sealer.open(session.sealedId) : undefined,
        phone: session.sealedPhone ? sealer.open(session.sealedPhone) : undefined,
      },
    });
    if (result.status === "verified") {
      await complete(ctx, community, account, collected, "external");
    } else if (result.status === "rejected") {
      await reject(ctx, community, account, result.reason, "bot");
    } else {
      logger.warn(
        { community: community.id, requestId, error: result.message },
        "identity provider did not answer",
      );
      ctx.emit(tell(account, t("verification.providerFailed")));
      ctx.emit(
        ...toAdmins(community, (at) =>
          at("verification.adminProviderFailed", { community: community.name, error: result.message }),
        ),
      );
      // No decision, so no decision on a waiting join request either: it is approved when a retry succeeds.
    }
  },
};
