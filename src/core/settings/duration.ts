import { z } from "zod";

const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const durationPattern = /^(?:\d+(?:\.\d+)?[smhdw])+$/;

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

/** A config duration: a string like "24h"; parsed to milliseconds. */
export const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `expected a duration like "24h", got ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return ms;
});

/** A duration or the word "off" (undefined). */
export const optionalDuration = z.string().transform((text, ctx): number | undefined => {
  if (text.trim().toLowerCase() === "off") return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `expected a duration like "24h" or "off", got ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
  return ms;
});
