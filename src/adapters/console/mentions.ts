import type { Mention } from "../../core/events.js";
import type { AccountKey } from "../../core/ids.js";
import { accountKey, isPlatform } from "../../core/ids.js";
import type { MemberLookup } from "../../core/ports/members.js";

/**
 * The members named in a console command's arguments. Console members are names: `@bob`, `bob` and the
 * account key `console:bob` all name `console:bob`, but only when the bot has seen bob (in a community
 * chat); an unknown name is no mention, and the core answers "I don't know that member". A key of
 * another platform (`telegram:42`) names that account when it is known, for cross-platform playgrounds.
 */
export async function consoleMentions(args: string, members: MemberLookup): Promise<Mention[]> {
  const out: Mention[] = [];
  for (const word of args.matchAll(/\S+/g)) {
    const account = await resolveWord(word[0], members);
    if (account) out.push({ account, offset: word.index, length: word[0].length });
  }
  return out;
}

async function resolveWord(word: string, members: MemberLookup): Promise<AccountKey | undefined> {
  const colon = word.indexOf(":");
  if (colon > 0 && isPlatform(word.slice(0, colon)) && colon < word.length - 1) {
    const key = word as AccountKey;
    return (await members.isKnown(key)) ? key : undefined;
  }
  const name = word.startsWith("@") ? word.slice(1) : word;
  if (!/^[\p{L}\p{N}_.-]+$/u.test(name)) return undefined;
  const exact = accountKey("console", name);
  if (await members.isKnown(exact)) return exact;
  return members.byUsername("console", name);
}
