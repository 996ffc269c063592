/**
 * Deep links: `https://t.me/<bot>?start=<payload>` opens the private chat and sends `/start <payload>`.
 * Telegram allows 1–64 characters of `A-Za-z0-9_-` in the payload, exactly the base64url alphabet, so
 * the payload is the invitation button's data in base64url (when it fits). `/start <payload>` then
 * comes back as a press of that button in the private chat, exactly as if the member had received the
 * invitation privately; any other payload stays the command `start` with the payload as arguments.
 */
const MAX_PAYLOAD = 64;
const PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;

/** base64url of `data`, or undefined when it would not fit Telegram's 64 characters. */
export function encodePayload(data: string): string | undefined {
  const encoded = Buffer.from(data, "utf8").toString("base64url");
  return encoded.length > 0 && encoded.length <= MAX_PAYLOAD ? encoded : undefined;
}

/**
 * The button data a payload carries, or undefined for a payload we did not make (a hand-written
 * `?start=verify-demo`). Button data is printable ASCII; random base64 rarely decodes to that.
 */
export function decodePayload(payload: string): string | undefined {
  if (!PAYLOAD.test(payload)) return undefined;
  const bytes = Buffer.from(payload, "base64url");
  if (bytes.length === 0 || bytes.toString("base64url") !== payload) return undefined;
  const text = bytes.toString("latin1");
  return /^[\x21-\x7e][\x20-\x7e]*$/.test(text) ? text : undefined;
}

export function deepLink(botUsername: string, payload?: string): string {
  return `https://t.me/${botUsername}${payload ? `?start=${payload}` : ""}`;
}
