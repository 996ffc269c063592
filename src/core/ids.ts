/**
 * Identifiers. Every platform id is a string (Telegram ids are 64-bit and must never pass through a
 * 32-bit integer). Accounts and chats are addressed by keys that carry their platform, so one value
 * names one thing across Telegram, Discord, Matrix and the console playground.
 */
export const platforms = ["telegram", "discord", "matrix", "console"] as const;
export type Platform = (typeof platforms)[number];

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** `telegram:123456789`, `matrix:@alice:example.org`, `console:alice`. */
export type AccountKey = Brand<string, "AccountKey">;
/** `telegram:-1001234567890`, `discord:<guild>/<channel>`, `matrix:!room:example.org`. */
export type ChatKey = Brand<string, "ChatKey">;
export type CommunityId = Brand<string, "CommunityId">;
export type IdentityId = Brand<string, "IdentityId">;
export type HoldId = Brand<string, "HoldId">;
/** Case numbers count up per community from 1, so admins can say "case 17". */
export type CaseNumber = Brand<number, "CaseNumber">;

export function isPlatform(value: string): value is Platform {
  return (platforms as readonly string[]).includes(value);
}

function makeKey(platform: Platform, id: string): string {
  if (id.length === 0) throw new TypeError(`empty ${platform} id`);
  return `${platform}:${id}`;
}

export const accountKey = (platform: Platform, id: string): AccountKey => makeKey(platform, id) as AccountKey;
export const chatKey = (platform: Platform, id: string): ChatKey => makeKey(platform, id) as ChatKey;
export const communityId = (id: string): CommunityId => id as CommunityId;

/** Splits `platform:id` (the id may itself contain colons, as Matrix ids do). */
export function parseKey(key: string): { platform: Platform; id: string } {
  const colon = key.indexOf(":");
  const platform = key.slice(0, colon);
  if (colon <= 0 || !isPlatform(platform) || colon === key.length - 1) {
    throw new TypeError(`not a platform key: ${JSON.stringify(key)} (expected "<platform>:<id>")`);
  }
  return { platform, id: key.slice(colon + 1) };
}

export const platformOf = (key: AccountKey | ChatKey): Platform => parseKey(key).platform;
