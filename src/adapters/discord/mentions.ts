import type { Mention } from "../../core/events.js";
import { accountKey } from "../../core/ids.js";

/**
 * Discord writes a user mention into message content as `<@id>` (or `<@!id>`, the older nickname form);
 * the id is the account, so these resolve without any lookup. Role (`<@&id>`) and channel (`<#id>`)
 * mentions name no member and are skipped. Ids are snowflakes: 64-bit, kept as decimal strings.
 *
 * Slash-command options of type USER arrive already resolved: the adapter writes them into `args` as
 * `<@id>` and parses them back with this same function, so both ways of giving a command read alike.
 */
const USER_MENTION = /<@!?(\d{15,21})>/g;

/** The user mentions in `text`, with where they stand (UTF-16 offsets), as core mentions. */
export function discordMentions(text: string): Mention[] {
  return [...text.matchAll(USER_MENTION)].map((m) => ({
    account: accountKey("discord", m[1] as string),
    offset: m.index,
    length: m[0].length,
  }));
}
