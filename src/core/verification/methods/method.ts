import type { Ctx } from "../../engine/context.js";
import type { AccountKey, Platform } from "../../ids.js";
import type { MessageKey, Translate } from "../../i18n/translator.js";
import type { CommunitySettings } from "../../settings/community.js";
import type { VerificationDeps } from "../common.js";
import type { Collected } from "../decide.js";
import type { VerificationSettings } from "../settings.js";
import type { Session, StepName } from "../state.js";

export type MethodName = VerificationSettings["method"];

/** A configuration mistake, with its path relative to the `verification:` section. */
export interface MethodProblem {
  path: string;
  message: string;
}

/**
 * One way a community decides that a member is who they say (the `verification.method` setting). The
 * dialogue (flow.ts) and the config loader ask the strategy; nothing else branches on the method's name.
 * How to add one: docs/verification.md, "Adding a method".
 */
export interface VerificationMethod {
  readonly name: MethodName;
  /**
   * Platforms whose members can complete this method; absent = every platform. The config loader refuses
   * the method for a chat on any other platform, and the dialogue refuses to start for such an account.
   */
  readonly platforms?: readonly Platform[];
  /** Why only those platforms, for the config error (English, like every config message). */
  readonly platformsWhy?: string;
  /** Steps the method needs besides the configured fields (the dialogue keeps its usual order). */
  readonly steps: readonly StepName[];
  /**
   * The phone step: `typed_or_contact` takes a typed international number or a contact card;
   * `own_contact` only a contact card of the member's own account (the platform vouches for it).
   */
  readonly phone: "typed_or_contact" | "own_contact";
  /** Keep the ID number itself (sealed) in the dialogue state until `finish`: the decision needs it. */
  readonly keepsIdNumber: boolean;
  /** Admins decide in the review chat, so the community needs one. */
  readonly needsReviewChat: boolean;
  /**
   * What must be in place before a dialogue starts. Returns the admin message explaining what is
   * missing (the member is told verification is unavailable), or undefined when the method can run.
   */
  missing(community: CommunitySettings, deps: VerificationDeps): MessageKey | undefined;
  /** Mistakes in the method's own settings, found when the config is loaded. */
  configProblems(settings: VerificationSettings): MethodProblem[];
  /**
   * Every answer is in and the identity may take this account (caps and bans are checked before):
   * decide, or hand the decision on (review card, provider), and tell the member.
   */
  finish(
    ctx: Ctx,
    deps: VerificationDeps,
    community: CommunitySettings,
    account: AccountKey,
    session: Session,
    collected: Collected,
    t: Translate,
  ): Promise<void>;
}
