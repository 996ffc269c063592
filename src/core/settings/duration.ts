import { z } from "zod";
import { DAY } from "../ports/clock.js";

const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const durationPattern = /^(?:\d+(?:\.\d+)?[smhdw])+$/;

/**
 * The longest duration anything accepts by default: Telegram treats a restriction longer than 366 days as
 * forever, and a date past about 275,000 years cannot be represented at all (`RangeError`).
 */
export const MAX_DURATION_MS = 366 * DAY;

/** Parses "90s", "30m", "24h", "7d", "2w", "1h30m" into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase().replace(/\s+/g, "");
  if (!durationPattern.test(compact)) return undefined;
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) {
    total += Number(amount) * (units[unit as string] ?? 0);
  }
  return total > 0 ? Math.round(total) : undefined;
}

export type DurationReading =
  | { ok: true; ms: number }
  | { ok: false; reason: "malformed" }
  | { ok: false; reason: "too_long"; max: number };

/** Parses a duration and checks it against `max` (default 366 days): "too_long" carries the bound. */
export function readDuration(text: string, max = MAX_DURATION_MS): DurationReading {
  const ms = parseDuration(text);
  if (ms === undefined) return { ok: false, reason: "malformed" };
  if (!(ms <= max)) return { ok: false, reason: "too_long", max };
  return { ok: true, ms };
}

const formatUnits: readonly (readonly [string, number])[] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
];

/**
 * "1h30m" for 5,400,000 ms: the two largest units, the smaller one rounded, for messages and the
 * playground. A remaining time read a few milliseconds after it was set (1h − 5 ms) still shows "1h",
 * and a grace period with 2d23h59m58s left shows "3d".
 */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "0s";
  if (Math.round(ms) < 1_000) return `${Math.round(ms)}ms`;
  const largest = formatUnits.findIndex(([, size]) => ms >= size);
  const next = largest < 0 ? formatUnits.length - 1 : Math.min(largest + 1, formatUnits.length - 1);
  const precision = formatUnits[next]?.[1] ?? 1_000;
  let rest = Math.round(ms / precision) * precision;
  const parts: string[] = [];
  for (const [unit, size] of formatUnits) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join("");
}

/** A config duration up to `max`: a string like "24h", parsed to milliseconds. */
export function durationUpTo(max: number) {
  return z.string().transform((text, ctx) => {
    const read = readDuration(text, max);
    if (read.ok) return read.ms;
    ctx.addIssue({ code: "custom", message: durationProblem(text, read.reason, max) });
    return z.NEVER;
  });
}

/** A config duration up to 366 days. */
export const duration = durationUpTo(MAX_DURATION_MS);

/** A duration up to `max` (default 366 days) or the word "off" (undefined). */
export function optionalDurationUpTo(max: number) {
  return z.string().transform((text, ctx): number | undefined => {
    if (text.trim().toLowerCase() === "off") return undefined;
    const read = readDuration(text, max);
    if (read.ok) return read.ms;
    ctx.addIssue({
      code: "custom",
      message: durationProblem(text, read.reason, max, ' or "off"'),
    });
    return z.NEVER;
  });
}

export const optionalDuration = optionalDurationUpTo(MAX_DURATION_MS);

function durationProblem(text: string, reason: "malformed" | "too_long", max: number, or = ""): string {
  return reason === "malformed"
    ? `expected a duration like "24h"${or}, got ${JSON.stringify(text)}`
    : `expected a duration up to ${formatDuration(max)}${or}, got ${JSON.stringify(text)}`;
}
