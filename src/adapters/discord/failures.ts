import { DiscordAPIError, HTTPError, RateLimitError } from "discord.js";
import type { PlatformFailure } from "../../core/decisions.js";

/** Discord JSON error codes the adapter tells apart. */
export const DiscordCode = {
  unknownChannel: 10003,
  unknownMember: 10007,
  unknownMessage: 10008,
  unknownUser: 10013,
  unknownWebhook: 10015,
  unknownBan: 10026,
  missingAccess: 50001,
  cannotDm: 50007,
  missingPermissions: 50013,
} as const;

/** Plain words for admins about the 403s that happen in practice. */
const forbiddenWords: Record<number, string> = {
  [DiscordCode.missingPermissions]:
    "missing permissions, or the member's highest role is not below the bot's highest role",
  [DiscordCode.missingAccess]: "the bot cannot see that channel (Missing Access)",
  [DiscordCode.cannotDm]: "the member does not accept direct messages from the bot",
};

/**
 * A discord.js error as data. 403: the bot may not (permissions, role hierarchy, closed DMs); 404: the
 * target is gone; 429 (only when discord.js is told to reject instead of waiting) and 5xx / network: try
 * later; any other 4xx: the request itself was wrong.
 */
export function toFailure(error: unknown): PlatformFailure {
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === "number" ? error.code : 0;
    const message = `${error.status} ${code}: ${error.message}`;
    if (error.status === 403 || error.status === 401)
      return {
        code: "forbidden",
        message: forbiddenWords[code] ? `${forbiddenWords[code]} (${message})` : message,
        retryable: false,
      };
    if (error.status === 404) return { code: "not_found", message, retryable: false };
    if (error.status === 429) return { code: "rate_limited", message, retryable: true };
    if (error.status >= 500) return { code: "unavailable", message, retryable: true };
    return { code: "bad_request", message, retryable: false };
  }
  if (error instanceof RateLimitError)
    return {
      code: "rate_limited",
      message: `rate limited: retry after ${error.retryAfter} ms`,
      retryable: true,
    };
  if (error instanceof HTTPError)
    return { code: "unavailable", message: `${error.status}: ${error.message}`, retryable: true };
  if (error instanceof TypeError || error instanceof RangeError)
    return { code: "bad_request", message: error.message, retryable: false };
  return {
    code: "unavailable",
    message: error instanceof Error ? error.message : String(error),
    retryable: true,
  };
}

/** The Discord API answered with one of these JSON error codes. */
export const hasCode = (error: unknown, ...codes: number[]): boolean =>
  error instanceof DiscordAPIError && typeof error.code === "number" && codes.includes(error.code);
