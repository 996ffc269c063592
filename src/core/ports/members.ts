import type { AccountKey, Platform } from "../ids.js";

/**
 * What an adapter may ask about the members the bot has seen, to resolve the names admins type in
 * commands (`/ban @alice`). Platforms do not list members, so the core learns them from events; a name
 * the bot never saw resolves to nothing.
 */
export interface MemberLookup {
  /** The account last seen with this username on the platform (case-insensitive). */
  byUsername(platform: Platform, username: string): Promise<AccountKey | undefined>;
  /** Whether the bot has seen this account in a community's chat. */
  isKnown(account: AccountKey): Promise<boolean>;
}
