import { z } from "zod";
import { MINUTE } from "../ports/clock.js";
import { duration, durationUpTo } from "../settings/duration.js";

export const newsSettingsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Files with one news domain per line (see config/news-domains.txt); paths relative to the config file. */
  domain_files: z.array(z.string()).default([]),
  /** Extra domains, subdomains included. */
  domains: z.array(z.string()).default([]),
  /** Hold every post with any link, not only news domains. */
  any_link: z.boolean().default(false),
  /** Hold posts forwarded from channels or other chats. */
  forwards: z.boolean().default(true),
  /** Keywords that mark a post as news (matched with the content matcher, evasion folded). */
  keywords: z.array(z.string()).default([]),
  /** Undecided holds expire as rejected after this long. */
  expire_after: duration.default(7 * 86_400_000),
  /**
   * Album parts arrive as separate messages; the hold waits this long after the first news part for
   * the rest, then posts one review card for the whole album.
   */
  album_settle: durationUpTo(5 * MINUTE).default(3_000),
  /** Put the author's verified real name in the attribution of a re-post (opt-in). */
  attribute_real_name: z.boolean().default(false),
});

export type NewsSettings = z.output<typeof newsSettingsSchema>;
