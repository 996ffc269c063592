import type { AccountKey } from "../ids.js";
import type { Language } from "../i18n/translator.js";
import { languageFromTag } from "../i18n/translator.js";
import type { CommunitySettings } from "../settings/community.js";
import { languageKey } from "./builtin.js";
import type { Services } from "./context.js";
import type { AccountProfile } from "./members.js";
import { readShared, type Frozen, type MaybePromise } from "../ports/store.js";

/** The language a member chose with /language, or null (at once where the store has it at hand). */
export function chosenLanguage(
  services: Pick<Services, "store">,
  account: AccountKey,
): MaybePromise<Language | null> {
  const chosen = readShared<Language>(services.store, languageKey(account));
  return chosen instanceof Promise ? chosen.then((c) => c ?? null) : (chosen ?? null);
}

type LanguageServices = Pick<Services, "store" | "members" | "directory">;

interface Where {
  community?: CommunitySettings;
  reported?: string;
  /** The account's profile when the caller has just read it (the engine's `noteSeen`): not read again. */
  profile?: Frozen<AccountProfile>;
  /** The member's own choice when the caller has already read it. */
  chosen?: Language | null;
}

/**
 * A member's language: their own choice (/language), else what the platform reports, else the language
 * of their community (the one of the event, else the last one they were seen in, else the only one).
 * Without a wait when the choice and the profile are at hand (the engine passes both on the message path).
 */
export function memberLanguage(
  services: LanguageServices,
  fallback: Language,
  account: AccountKey,
  where: Where = {},
): MaybePromise<Language> {
  const chosen = where.chosen === undefined ? chosenLanguage(services, account) : where.chosen;
  if (chosen instanceof Promise || where.profile === undefined)
    return waitedLanguage(services, fallback, account, where, chosen);
  return chosen ?? languageFrom(services, fallback, where, where.profile);
}

async function waitedLanguage(
  services: LanguageServices,
  fallback: Language,
  account: AccountKey,
  where: Where,
  chosenRead: MaybePromise<Language | null>,
): Promise<Language> {
  const chosen = await chosenRead;
  if (chosen) return chosen;
  return languageFrom(services, fallback, where, where.profile ?? (await services.members.profile(account)));
}

function languageFrom(
  services: LanguageServices,
  fallback: Language,
  where: Where,
  profile: Frozen<AccountProfile> | AccountProfile | undefined,
): Language {
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
