import type { AccountKey, ChatKey, Platform } from "../../ids.js";
import { platformOf } from "../../ids.js";
import type { VerificationSettings } from "../settings.js";
import type { StepName } from "../state.js";
import { adminReview } from "./admin-review.js";
import { external } from "./external.js";
import type { MethodName, MethodProblem, VerificationMethod } from "./method.js";
import { phoneMethod } from "./phone.js";
import { selfDeclared } from "./self-declared.js";

export type { MethodName, MethodProblem, VerificationMethod } from "./method.js";

/** Every method, by the name the config uses. A new method is added here (and to the settings enum). */
export const methods: Readonly<Record<MethodName, VerificationMethod>> = {
  self_declared: selfDeclared,
  admin_review: adminReview,
  phone: phoneMethod,
  external,
};

export function methodOf(settings: VerificationSettings): VerificationMethod {
  return methods[settings.method];
}

export function supportsPlatform(method: VerificationMethod, platform: Platform): boolean {
  return !method.platforms || method.platforms.includes(platform);
}

export function supportsAccount(method: VerificationMethod, account: AccountKey): boolean {
  return supportsPlatform(method, platformOf(account));
}

const stepOrder: readonly StepName[] = ["name", "id", "phone", "rules"];

/** The dialogue's steps: the configured fields plus what the method needs, always in the same order. */
export function stepsFor(s: VerificationSettings): StepName[] {
  const wanted = new Set<StepName>(methodOf(s).steps);
  if (s.fields.legal_name) wanted.add("name");
  if (s.fields.id_number) wanted.add("id");
  if (s.fields.phone) wanted.add("phone");
  if (s.rules.trim()) wanted.add("rules");
  return stepOrder.filter((step) => wanted.has(step));
}

/** Config checks of a `verification:` section (paths relative to it), for the config loader. */
export function verificationProblems(settings: VerificationSettings): MethodProblem[] {
  return methodOf(settings).configProblems(settings);
}

/** Why `settings` cannot serve members of `chat` (its method does not exist on that platform), if so. */
export function verificationChatProblem(settings: VerificationSettings, chat: ChatKey): string | undefined {
  const method = methodOf(settings);
  const platform = platformOf(chat);
  if (supportsPlatform(method, platform)) return undefined;
  const why = method.platformsWhy ? `: ${method.platformsWhy}` : "";
  return `method "${method.name}" cannot verify members of ${JSON.stringify(chat)}, a ${platform} chat; it works on ${(method.platforms ?? []).join(", ")} only${why}. Choose another method for this chat or community`;
}

/** The method has admins decide in the review chat. */
export function needsReviewChat(settings: VerificationSettings): boolean {
  return methodOf(settings).needsReviewChat;
}
