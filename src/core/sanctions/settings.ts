import { z } from "zod";
import { category } from "../rules/category.js";
import { defaultCategorySettings } from "../rules/defaults.js";
import { duration } from "../settings/duration.js";

const step = z.discriminatedUnion("action", [
  z.strictObject({ at: z.number().min(0), action: z.literal("warn") }),
  z.strictObject({ at: z.number().min(0), action: z.literal("mute"), duration }),
  z.strictObject({ at: z.number().min(0), action: z.literal("limit"), duration }),
  z.strictObject({ at: z.number().min(0), action: z.literal("ban"), duration: duration.optional() }),
]);
export type LadderStep = z.output<typeof step>;

export const defaultLadder = [
  { at: 1, action: "warn" },
  { at: 3, action: "mute", duration: "1h" },
  { at: 5, action: "mute", duration: "24h" },
  { at: 8, action: "limit", duration: "7d" },
  { at: 12, action: "ban" },
] as const;

export const sanctionSettingsSchema = z.strictObject({
  /** Points fall by `per_day` each day, or halve every `half_life`. */
  decay: z
    .union([z.strictObject({ per_day: z.number().min(0) }), z.strictObject({ half_life: duration })])
    .default({ per_day: 1 }),
  /** Running total → step, ascending by `at`. */
  ladder: z
    .array(step)
    .min(1)
    .refine((steps) => steps.every((s, i) => i === 0 || s.at > (steps[i - 1]?.at ?? -1)), {
      message: "expected steps in ascending order of `at`",
    })
    .prefault(defaultLadder.map((s) => ({ ...s }))),
  /** Where a sanction applies: the chat of the violation, or every chat of the community. */
  scope: z.enum(["chat", "community"]).default("community"),
  /** Points for violations that do not come from a content category. */
  points: z
    .strictObject({
      admin_warning: z.number().min(0).default(1),
      rejected_post: z.number().min(0).default(1),
      confirmed_report: z.number().min(0).default(2),
    })
    .default({ admin_warning: 1, rejected_post: 1, confirmed_report: 2 }),
  /** Tell the member privately what happened, with the case number and how to appeal. */
  notify_member: z.boolean().default(true),
});
export type SanctionSettings = z.output<typeof sanctionSettingsSchema>;

export type { CategorySettings } from "../rules/category.js";

export const rulesSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /**
   * Content categories. Left out, a community gets the default ones (src/core/rules/defaults.ts:
   * terrorism, violence, pornography, slander, spam); `{}` means none.
   */
  categories: z
    .record(z.string().regex(/^[a-z][a-z0-9_-]*$/, "expected a lower-case category name"), category)
    .default(defaultCategorySettings),
});
export type RulesSettings = z.output<typeof rulesSettingsSchema>;
