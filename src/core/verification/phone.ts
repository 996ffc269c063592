/**
 * Phone-number normalisation for phone binding.
 *
 * Produces an E.164-like `+<digits>` string so the same number typed in
 * different ways (or reported by a platform) compares equal. It does not know
 * national numbering plans: a number without a country code cannot be
 * completed, so a leading trunk `0` is rejected rather than guessed.
 *
 * Telegram's `contact.phone_number` has no `+` ("8613800000000"), so a bare
 * 8–15 digit string is taken to already include the country code.
 *
 * @example
 * normalizePhone("+86 138-0000-0000") // "+8613800000000"
 * normalizePhone("8613800000000")     // "+8613800000000"
 * normalizePhone("0086 138 0000 0000") // "+8613800000000"
 */
/**
 * A number the member typed: the country code must be written (`+86…` or `0086…`). A bare "13800000000"
 * is refused rather than read as a foreign number (+1 380…); only contact cards come without the `+`.
 */
export function normalizeTypedPhone(input: string): string | null {
  return /^\s*(\+|00)/.test(input.normalize("NFKC")) ? normalizePhone(input) : null;
}

export function normalizePhone(input: string): string | null {
  let s = input.normalize("NFKC").replace(/[\s\-\u2010-\u2015\u2212().]/g, "");
  if (s.startsWith("+")) s = s.slice(1);
  else if (s.startsWith("00")) s = s.slice(2);
  if (!/^[1-9]\d{7,14}$/.test(s)) return null;
  return `+${s}`;
}
