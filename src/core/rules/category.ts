import { z } from "zod";

/** One content category of the rules (its terms and what a hit costs). */
export const category = z.strictObject({
  /** Inline terms. */
  terms: z.array(z.string()).default([]),
  /** Files with one term per line ("#" comments), relative to the config file. */
  term_files: z.array(z.string()).default([]),
  /** Regular expressions (JavaScript syntax), matched against the folded text. */
  patterns: z.array(z.string()).default([]),
  /** Link domains (subdomains included). */
  domains: z.array(z.string()).default([]),
  points: z.number().min(0).default(1),
  /** What a hit does with the message: delete it, hold it for review, or only record a violation. */
  action: z.enum(["delete", "hold", "record"]).default("delete"),
  /** Severe categories jump straight to this ladder step (by action name or index), whatever the total. */
  jump_to: z.union([z.enum(["warn", "mute", "limit", "ban"]), z.number().int().min(0)]).optional(),
});
export type CategorySettings = z.output<typeof category>;
