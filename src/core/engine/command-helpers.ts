import type { Decision } from "../decisions.js";
import type { CommandIssued } from "../events.js";
import type { AccountKey } from "../ids.js";
import { accountKey, isPlatform, platformOf } from "../ids.js";
import type { CommunitySettings } from "../settings/community.js";
import type { Ctx } from "./context.js";

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

/**
 * The member a command names: an account key ("telegram:123"), or a bare id or name on the command's
 * platform ("@alice", "123"; Matrix ids keep their "@"). Undefined when the token names no one.
 */
export function accountFromToken(event: CommandIssued, token: string | undefined): AccountKey | undefined {
  if (!token) return undefined;
  const colon = token.indexOf(":");
  const platform = platformOf(event.chat ?? event.actor.account);
  if (colon > 0 && isPlatform(token.slice(0, colon)) && colon < token.length - 1) return token as AccountKey;
  const name = platform === "matrix" ? token : token.replace(/^@/, "");
  return name ? accountKey(platform, name) : undefined;
}

/** The communities an admin command may act on: the event's, or (in private) those the actor administers. */
export async function adminCommunities(ctx: Ctx): Promise<CommunitySettings[]> {
  if (ctx.community) return [ctx.community];
  const out: CommunitySettings[] = [];
  for (const c of ctx.services.directory.communities) if (await ctx.isAdmin(c, ctx.actor)) out.push(c);
  return out;
}
