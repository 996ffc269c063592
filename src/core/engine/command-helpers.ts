import type { Decision } from "../decisions.js";
import type { CommandIssued } from "../events.js";
import type { AccountKey } from "../ids.js";
import type { CommunitySettings } from "../settings/community.js";
import type { Ctx } from "./context.js";
import { UsageError } from "./module.js";

/** How long a command's answer stays in a group chat before the bot deletes it. */
export const NOTICE_TTL_MS = 60_000;

/** Answers a command where it was issued: a short-lived notice in a group, else privately. */
export function replyTo(
  event: CommandIssued,
  text: string,
  ttlMs: number | undefined = NOTICE_TTL_MS,
): Decision {
  return event.chat
    ? {
        kind: "send",
        chat: event.chat,
        thread: event.message?.thread,
        text,
        replyTo: event.message,
        ...(ttlMs !== undefined ? { ttlMs } : {}),
      }
    : { kind: "send_private", account: event.actor.account, text };
}

/** The member a command is about, as far as the command's words and reply tell. */
export type CommandTarget =
  /** `rest`: the arguments after the member (all of them after the skipped words, for a reply). */
  | { kind: "member"; account: AccountKey; rest: string }
  /** A word stands where the member should, but the adapter resolved no one there. */
  | { kind: "unknown"; word: string }
  | { kind: "missing" };

const WORD = /\S+/g;

/**
 * The member a command is about: the author of the replied-to message, else a member the adapter
 * resolved at the member's place in the arguments (after `skip` words, e.g. `/publisher add <member>`).
 * The core never turns a word into an account itself: a name the adapter did not know is `unknown`.
 */
export function commandTarget(event: CommandIssued, skip = 0): CommandTarget {
  const words = [...event.args.matchAll(WORD)];
  const slot = words[skip];
  if (event.replyTo?.author) {
    return { kind: "member", account: event.replyTo.author, rest: slot ? event.args.slice(slot.index) : "" };
  }
  if (!slot) return { kind: "missing" };
  const end = slot.index + slot[0].length;
  const mention = event.mentions.find((m) => m.offset >= slot.index && m.offset < end);
  if (!mention) return { kind: "unknown", word: slot[0] };
  return {
    kind: "member",
    account: mention.account,
    rest: event.args.slice(mention.offset + mention.length).trim(),
  };
}

/**
 * `commandTarget` for a command that needs a member: answers "I don't know that member" itself and
 * returns undefined then (nothing must happen to a guessed account); a missing member is a usage error.
 */
export function requireTarget(
  ctx: Ctx,
  event: CommandIssued,
  skip = 0,
): { account: AccountKey; rest: string } | undefined {
  const target = commandTarget(event, skip);
  if (target.kind === "missing") throw new UsageError();
  if (target.kind === "unknown") {
    ctx.emit(replyTo(event, ctx.t("core.unknownMember", { name: target.word })));
    return undefined;
  }
  return target;
}

/** The communities an admin command may act on: the event's, or (in private) those the actor administers. */
export async function adminCommunities(ctx: Ctx): Promise<CommunitySettings[]> {
  if (ctx.community) return [ctx.community];
  const out: CommunitySettings[] = [];
  for (const c of ctx.services.directory.communities) if (await ctx.isAdmin(c, ctx.actor)) out.push(c);
  return out;
}
