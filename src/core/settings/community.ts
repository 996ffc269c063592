import type { AccountKey, ChatKey, CommunityId } from "../ids.js";
import type { Language } from "../i18n/translator.js";
import type { NewsSettings } from "../news/settings.js";
import type { RulesSettings, SanctionSettings } from "../sanctions/settings.js";
import type { VerificationSettings } from "../verification/settings.js";

/** The policy sections; a community sets them and each chat may override parts. */
export interface Policy {
  verification: VerificationSettings;
  news: NewsSettings;
  rules: RulesSettings;
  sanctions: SanctionSettings;
}

export interface ChatEntry {
  key: ChatKey;
  title?: string;
  /** The community policy with this chat's overrides applied. */
  policy: Policy;
}

/**
 * A community: chats on one or more platforms sharing a policy, an identity registry, admins, a review
 * chat for held posts and reports, and a mod-log chat.
 */
export interface CommunitySettings {
  id: CommunityId;
  name: string;
  language: Language;
  /** Accounts that administer the whole community, besides each chat's own platform admins. */
  admins: AccountKey[];
  reviewChat?: ChatKey;
  modlogChat?: ChatKey;
  chats: ChatEntry[];
  policy: Policy;
}

export interface CoreSettings {
  communities: CommunitySettings[];
}
