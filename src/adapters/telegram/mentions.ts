import type { Message } from "grammy/types";
import type { Mention } from "../../core/events.js";
import type { AccountKey } from "../../core/ids.js";
import type { MemberLookup } from "../../core/ports/members.js";
import { tgAccount } from "./keys.js";

const USERNAME = /^@([A-Za-z0-9_]{1,32})/;
const USER_ID = /^\d{1,20}$/;
const ACCOUNT_KEY = /^telegram:(?:chat-?)?\d{1,20}$/;

/**
 * The members named in the arguments of a command message. A `text_mention` entity (a member without
 * a username, picked from the client's list) carries the user itself. `@username`, a numeric user id
 * and an account key (`telegram:123`) resolve only through the members the bot has seen: Telegram has
 * no lookup by username for bots, and a guessed account must never get a case. Offsets are relative to
 * `args` (the command's text after the command, trimmed).
 */
export async function telegramMentions(m: Message, args: string, members: MemberLookup): Promise<Mention[]> {
  const text = m.text ?? "";
  const command = m.entities?.[0];
  if (!command || args === "") return [];
  const after = text.slice(command.offset + command.length);
  const start = command.offset + command.length + after.length - after.trimStart().length;
  const out: Mention[] = [];
  for (const e of m.entities ?? []) {
    if (e.type !== "text_mention" || e.offset < start) continue;
    const offset = e.offset - start;
    out.push({ account: tgAccount(e.user.id), offset, length: Math.min(e.length, args.length - offset) });
  }
  const covered = (at: number) => out.some((x) => at >= x.offset && at < x.offset + x.length);
  for (const word of args.matchAll(/\S+/g)) {
    if (covered(word.index)) continue;
    const found = await resolveWord(word[0], members);
    if (found) out.push({ account: found.account, offset: word.index, length: found.length });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

async function resolveWord(
  word: string,
  members: MemberLookup,
): Promise<{ account: AccountKey; length: number } | undefined> {
  const username = USERNAME.exec(word);
  if (username) {
    const account = await members.byUsername("telegram", username[1] as string);
    return account && { account, length: username[0].length };
  }
  const account = USER_ID.test(word)
    ? tgAccount(word)
    : ACCOUNT_KEY.test(word)
      ? (word as AccountKey)
      : undefined;
  return account && (await members.isKnown(account)) ? { account, length: word.length } : undefined;
}
