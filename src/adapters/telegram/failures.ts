import { GrammyError, HttpError } from "grammy";
import type { PlatformFailure } from "../../core/decisions.js";

/**
 * A Bot API error as data. 403: the bot may not (blocked, not a member, never started); 400 "not
 * found": the target is gone; 429 and 5xx / network: try later (auto-retry already tried a few times);
 * any other 400: the request itself was wrong (missing rights show up here, e.g. "not enough rights").
 */
export function toFailure(error: unknown): PlatformFailure {
  if (error instanceof GrammyError) {
    const message = `${error.error_code}: ${error.description}`;
    if (error.error_code === 403) return { code: "forbidden", message, retryable: false };
    // The bot lacks admin rights: the same "forbidden" as on every other platform.
    if (/not enough rights|CHAT_ADMIN_REQUIRED|need administrator rights/i.test(error.description))
      return { code: "forbidden", message, retryable: false };
    if (error.error_code === 429) return { code: "rate_limited", message, retryable: true };
    if (error.error_code >= 500) return { code: "unavailable", message, retryable: true };
    if (/not found|_MISSING\b/i.test(error.description))
      return { code: "not_found", message, retryable: false };
    return { code: "bad_request", message, retryable: false };
  }
  if (error instanceof TypeError) return { code: "bad_request", message: error.message, retryable: false };
  if (error instanceof HttpError)
    return { code: "unavailable", message: `network: ${error.message}`, retryable: true };
  return {
    code: "unavailable",
    message: error instanceof Error ? error.message : String(error),
    retryable: true,
  };
}

/** Telegram's "403 bot can't initiate conversation" / "blocked by the user": no private chat. */
export const isPrivateChatClosed = (error: unknown): boolean =>
  error instanceof GrammyError && error.error_code === 403;

export const isNotModified = (error: unknown): boolean =>
  error instanceof GrammyError && /message is not modified/i.test(error.description);

/** Deleting a message that is gone already: the deletion is done. */
export const isAlreadyDeleted = (error: unknown): boolean =>
  error instanceof GrammyError && /message to delete not found/i.test(error.description);

export const isAdminTarget = (error: unknown): boolean =>
  error instanceof GrammyError && /user is an administrator/i.test(error.description);
