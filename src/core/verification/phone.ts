/** Separators people type inside phone numbers: spaces, dashes, parentheses, dots. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212().]/g;

/**
 * A number the member typed: the country code must be written (`+86…` or `0086…`). A bare "13800000000"
 * is refused rather than read as some country's number; only contact cards come without the `+`.
 *
 * With `defaultCountryCode` (a community's explicit `default_country_code`, e.g. "+86") a number typed
 * without one is read as a national number of that country. One that starts with a trunk `0` is still
 * refused: whether that 0 belongs to the number differs by country, and guessing wrong binds someone
 * else's number.
 *
 * @example
 * normalizeTypedPhone("138 0000 0000")           // null
 * normalizeTypedPhone("138 0000 0000", "+86")    // "+8613800000000"
 * normalizeTypedPhone("+44 20 7946 0958", "+86") // "+442079460958"
 */
export function normalizeTypedPhone(input: string, defaultCountryCode?: string): string | null {
  const text = input.normalize("NFKC").trim();
  if (/^(\+|00)/.test(text)) return normalizePhone(text);
  const national = text.replace(SEPARATORS, "");
  if (!defaultCountryCode || national.startsWith("0")) return null;
  return normalizePhone(`${defaultCountryCode}${national}`);
}

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
export function normalizePhone(input: string): string | null {
  let s = input.normalize("NFKC").replace(SEPARATORS, "");
  if (s.startsWith("+")) s = s.slice(1);
  else if (s.startsWith("00")) s = s.slice(2);
  if (!/^[1-9]\d{7,14}$/.test(s)) return null;
  return `+${s}`;
}
