import { z } from "zod";
import { DAY, MINUTE } from "../ports/clock.js";
import { duration, durationUpTo, optionalDuration } from "../settings/duration.js";

const idValidator = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("cn-resident") }),
  z.strictObject({
    kind: z.literal("pattern"),
    pattern: z.string().refine(isRegex, { message: "expected a valid regular expression" }),
    flags: z.string().optional(),
  }),
  z.strictObject({ kind: z.literal("none") }),
]);

function isRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** What unverified members may still do. */
export const limitedAccessSchema = z.strictObject({
  /** read_only: nothing; text_only: text without links or media. */
  level: z.enum(["read_only", "text_only"]).default("read_only"),
  /** With text_only: at most this many messages per hour (0 = no cap). */
  max_per_hour: z.number().int().min(0).default(0),
});

export const verificationSettingsSchema = z.strictObject({
  required: z.boolean().default(false),
  method: z.enum(["self_declared", "admin_review", "phone", "external"]).default("self_declared"),
  /** The community's own identity provider, for method "external" (contract in docs/verification.md). */
  external: z
    .strictObject({
      url: z.url({ protocol: /^https$/, message: "expected an https:// URL" }),
      timeout: durationUpTo(5 * MINUTE).default(10_000),
      /** Name of the environment variable holding the bearer token sent to the endpoint. */
      token_env: z.string().optional(),
    })
    .optional(),
  fields: z
    .strictObject({
      legal_name: z.boolean().default(true),
      id_number: z.union([z.literal(false), idValidator]).default(false),
      phone: z.boolean().default(false),
    })
    .default({ legal_name: true, id_number: false, phone: false }),
  /**
   * Read a typed phone number without a country code as a national number of this country ("+86").
   * Unset: typed numbers must be in international form (+86 …, 0086 …); no country is ever assumed.
   * YAML reads an unquoted +86 as the number 86, so numbers are accepted too.
   */
  default_country_code: z
    .union([z.string(), z.number()])
    .transform((v) => String(v).trim())
    .pipe(z.string().regex(/^\+?[1-9]\d{0,2}$/, 'expected a country calling code like "+86" or "+44"'))
    .transform((v) => (v.startsWith("+") ? v : `+${v}`))
    .optional(),
  /** Rules a member must accept; empty = no rules step. */
  rules: z.string().default(""),
  unverified: limitedAccessSchema.default({ level: "read_only", max_per_hour: 0 }),
  /** Existing members when verification is switched on: time to verify before limits apply. */
  grace_period: duration.default(3 * 86_400_000),
  reminder_every: optionalDuration.prefault("1d"),
  /** Remove newcomers who have not verified after this long ("off" by default). */
  remove_unverified_after: optionalDuration.prefault("off"),
  /** A verification step with no answer for this long is abandoned. */
  step_timeout: durationUpTo(7 * DAY).default(15 * MINUTE),
  max_accounts_per_platform: z.number().int().min(1).default(1),
  attempts_per_hour: z.number().int().min(1).default(5),
  /**
   * Review cards and /whois show the legal name masked ("Z**** W******") and the phone masked; true
   * shows the name and the phone in full to admins (the ID number is never kept, only its masked tail).
   */
  reveal_in_review: z.boolean().default(false),
  link_code_ttl: durationUpTo(7 * DAY).default(10 * MINUTE),
});

export type VerificationSettings = z.output<typeof verificationSettingsSchema>;
