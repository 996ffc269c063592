/**
 * Identity-number validation for real-name binding.
 *
 * Pure and synchronous: the caller passes `today` (from its clock) so the
 * future-date check is deterministic in tests. The validator never stores or
 * logs the number; it only says whether it is well-formed and returns the
 * normalised form (which callers should mask with {@link maskId} before
 * showing it to anyone).
 *
 * @example
 * const r = validateId({ kind: "cn-resident" }, "１１０１０５ １９４９１２３１ ００２ｘ", today);
 * // → { ok: true, normalized: "11010519491231002X" }
 */

export type IdValidatorSpec =
  { kind: "cn-resident" } | { kind: "pattern"; pattern: string; flags?: string } | { kind: "none" };

export const idErrorCodes = [
  "empty",
  "wrong_length",
  "bad_characters",
  "bad_region",
  "impossible_date",
  "future_date",
  "bad_check_char",
  "pattern_mismatch",
] as const;

export type IdErrorCode = (typeof idErrorCodes)[number];

export type IdCheck = { ok: true; normalized: string } | { ok: false; code: IdErrorCode };

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/**
 * NFKC (full-width digits and letters become ASCII), trim, drop whitespace and
 * hyphen-like separators, upper-case (so a trailing `x` becomes `X`).
 */
export function normalizeIdInput(input: string): string {
  return input
    .normalize("NFKC")
    .trim()
    .replace(/[\s\-\u2010-\u2015\u2212\u30FC]/g, "")
    .toUpperCase();
}

export function validateId(spec: IdValidatorSpec, input: string, today: CalendarDate): IdCheck {
  const normalized = normalizeIdInput(input);
  if (normalized.length === 0) return fail("empty");
  switch (spec.kind) {
    case "none":
      return { ok: true, normalized };
    case "pattern":
      return compileIdPattern(spec.pattern, spec.flags).test(normalized)
        ? { ok: true, normalized }
        : fail("pattern_mismatch");
    case "cn-resident":
      return validateCnResident(normalized, today);
  }
}

/**
 * Masks all but the last `visible` characters with `*`. Never reveals more
 * than half of the number, so a short ID is not shown in full.
 *
 * @example maskId("11010519491231002X") // "**************002X"
 */
export function maskId(normalized: string, visible = 4): string {
  const chars = Array.from(normalized);
  const wanted = Number.isFinite(visible) ? Math.max(0, Math.floor(visible)) : 0;
  const shown = Math.min(wanted, Math.floor(chars.length / 2));
  const hidden = chars.length - shown;
  return "*".repeat(hidden) + chars.slice(hidden).join("");
}

const patternCache = new Map<string, RegExp>();

/**
 * Compiles a configured ID pattern, anchored to the whole input. Throws a
 * `SyntaxError` for an invalid regex; config validation should call this so a
 * bad pattern is rejected at load time rather than on a user's message.
 * The stateful flags `g` and `y` are ignored.
 */
export function compileIdPattern(pattern: string, flags = ""): RegExp {
  const key = `${flags}\u0000${pattern}`;
  let re = patternCache.get(key);
  if (re === undefined) {
    re = new RegExp(`^(?:${pattern})$`, flags.replace(/[gy]/g, ""));
    patternCache.set(key, re);
  }
  return re;
}

// GB 11643-1999 / GB/T 2260 province-level codes.
const CN_PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82, 83, 91,
]);
const CN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CN_CHECK_CHARS = "10X98765432";

/** ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID. */
export function cnResidentCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += (first17.charCodeAt(i) - 48) * (CN_WEIGHTS[i] ?? 0);
  }
  return CN_CHECK_CHARS.charAt(sum % 11);
}

function validateCnResident(id: string, today: CalendarDate): IdCheck {
  if (id.length !== 18) return fail("wrong_length");
  if (!/^\d{17}[\dX]$/.test(id)) return fail("bad_characters");
  if (!CN_PROVINCES.has(Number(id.slice(0, 2)))) return fail("bad_region");
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return fail("impossible_date");
  }
  if (compareDates({ year, month, day }, today) > 0) return fail("future_date");
  if (cnResidentCheckChar(id) !== id.charAt(17)) return fail("bad_check_char");
  return { ok: true, normalized: id };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function fail(code: IdErrorCode): IdCheck {
  return { ok: false, code };
}
