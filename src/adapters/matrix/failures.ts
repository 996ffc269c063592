import { MatrixError } from "matrix-bot-sdk";
import type { PlatformFailure } from "../../core/decisions.js";

/**
 * A failure the adapter itself detects before or after calling the homeserver (the bot's power level is
 * too low, a join request nobody made), with the code it should be reported as.
 */
export class MatrixRefusal extends Error {
  override readonly name = "MatrixRefusal";
  constructor(
    readonly code: PlatformFailure["code"],
    message: string,
  ) {
    super(message);
  }
}

/** Plain words for admins about the Matrix error codes that happen in practice. */
const words: Record<string, string> = {
  M_FORBIDDEN:
    "the homeserver refused: the bot's power level in the room is too low for this, or the bot is not in the room",
  M_NOT_FOUND: "not found: the room, event or member is gone or unknown to the homeserver",
  M_LIMIT_EXCEEDED: "the homeserver is rate limiting the bot",
  M_UNKNOWN_TOKEN:
    "the bot's access token is not valid (logged out or revoked): set a new MATRIX_ACCESS_TOKEN",
  M_MISSING_TOKEN: "the bot sent no access token: set MATRIX_ACCESS_TOKEN",
  M_TOO_LARGE: "the event is too large for the homeserver (power_levels is capped at 64 KiB)",
  M_USER_DEACTIVATED: "the bot's account is deactivated",
  M_INVITE_BLOCKED: "the member does not accept invitations from the bot (their invite settings block it)",
};

/** HTTP status codes from the SDK's non-JSON error answers (a proxy's 502, for instance). */
function statusOf(error: unknown): number | undefined {
  if (error instanceof MatrixError) return error.statusCode;
  if (typeof error === "object" && error !== null && "statusCode" in error) {
    const status = (error as { statusCode: unknown }).statusCode;
    return typeof status === "number" ? status : undefined;
  }
  return undefined;
}

const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
]);

/**
 * A matrix-bot-sdk error as data. M_FORBIDDEN / 401 / 403: the bot may not (power level, not in the room,
 * bad token); M_NOT_FOUND / 404: the target is gone; M_LIMIT_EXCEEDED / 429 (left over after the client's
 * own retries): try later; 5xx and network errors: the homeserver is unavailable; any other 4xx: the
 * request itself was wrong.
 */
export function toFailure(error: unknown): PlatformFailure {
  if (error instanceof MatrixRefusal)
    return {
      code: error.code,
      message: error.message,
      retryable: error.code === "rate_limited" || error.code === "unavailable",
    };
  if (error instanceof MatrixError) {
    const plain = words[error.errcode];
    const detail = `${error.statusCode} ${error.errcode}: ${error.error}`;
    const message = plain ? `${plain} (${detail})` : detail;
    if (error.errcode === "M_LIMIT_EXCEEDED" || error.statusCode === 429)
      return {
        code: "rate_limited",
        message:
          error.retryAfterMs !== undefined ? `${message}; retry after ${error.retryAfterMs} ms` : message,
        retryable: true,
      };
    if (error.errcode === "M_NOT_FOUND" || error.statusCode === 404)
      return { code: "not_found", message, retryable: false };
    if (error.statusCode === 401 || error.statusCode === 403 || error.errcode === "M_FORBIDDEN")
      return { code: "forbidden", message, retryable: false };
    if (error.statusCode >= 500) return { code: "unavailable", message, retryable: true };
    return { code: "bad_request", message, retryable: false };
  }
  const status = statusOf(error);
  if (status !== undefined) {
    const message = `the homeserver answered HTTP ${status}`;
    if (status === 429) return { code: "rate_limited", message, retryable: true };
    if (status === 404) return { code: "not_found", message, retryable: false };
    if (status === 401 || status === 403) return { code: "forbidden", message, retryable: false };
    if (status >= 500)
      return { code: "unavailable", message: `${message} (down or overloaded)`, retryable: true };
    return { code: "bad_request", message, retryable: false };
  }
  const code =
    typeof error === "object" && error !== null && "code" in error
      ? String((error as { code: unknown }).code)
      : "";
  if (NETWORK.has(code))
    return { code: "unavailable", message: `the homeserver cannot be reached (${code})`, retryable: true };
  if (error instanceof TypeError || error instanceof RangeError)
    return { code: "bad_request", message: error.message, retryable: false };
  return {
    code: "unavailable",
    message: error instanceof Error ? error.message : String(error),
    retryable: true,
  };
}

/** The homeserver answered with one of these Matrix error codes. */
export const hasErrcode = (error: unknown, ...codes: string[]): boolean =>
  error instanceof MatrixError && codes.includes(error.errcode);

/** The homeserver does not know the room, event or state asked for (M_NOT_FOUND or a bare 404). */
export function isNotFound(error: unknown): boolean {
  const e = error as { errcode?: string; statusCode?: number; body?: { errcode?: string } } | undefined;
  return e?.errcode === "M_NOT_FOUND" || e?.body?.errcode === "M_NOT_FOUND" || e?.statusCode === 404;
}
