import type { AccountKey } from "../ids.js";
import type { Language } from "../i18n/translator.js";
import { languageFromTag } from "../i18n/translator.js";
import type { CommunitySettings } from "../settings/community.js";
import { languageKey } from "./builtin.js";
import type { Services } from "./context.js";
import type { AccountProfile } from "./members.js";
import type { Frozen } from "../ports/store.js";

/** The language a member chose with /language, or null. */
export async function chosenLanguage(
  services: Pick<Services, "store">,
  account: AccountKey,
): Promise<Language | null> {
  return (await services.store.getShared<Language>(languageKey(account))) ?? null;
}

/**
 * A member's language: their own choice (/language), else what the platform reports, else the language
 * of their community (the one of the event, else the last one they were seen in, else the only one).
 */
export async function memberLanguage(
  services: Pick<Services, "store" | "members" | "directory">,
  fallback: Language,
  account: AccountKey,
  where: {
    community?: CommunitySettings;
    reported?: string;
    /** The account's profile when the caller has just read it (the engine's `noteSeen`): not read again. */
    profile?: Frozen<AccountProfile>;
    /** The member's own choice when the caller has already read it. */
    chosen?: Language | null;
  } = {},
): Promise<Language> {
  const chosen = where.chosen === undefined ? await chosenLanguage(services, account) : where.chosen;
  if (chosen) return chosen;
  const profile = where.profile ?? (await services.members.profile(account));
  const platformLanguage = languageFromTag(where.reported ?? profile?.language);
  if (platformLanguage) return platformLanguage;
  const { directory } = services;
  const home =
    where.community ??
    (profile?.communities.length
      ? directory.community(profile.communities[profile.communities.length - 1] as string)
      : undefined) ??
    (directory.communities.length === 1 ? directory.communities[0] : undefined);
  return home?.language ?? fallback;
}
