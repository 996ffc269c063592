import type { Ctx } from "../engine/context.js";
import type { CommandIssued } from "../events.js";
import { DAY } from "../ports/clock.js";
import type { CommunitySettings } from "../settings/community.js";

/** Longer than a platform keeps an update the bot has not confirmed (Telegram: 24 hours). */
const HANDLED_TTL = 3 * DAY;

/**
 * A command delivered again because a crash cut its first handling short (the update was never confirmed)
 * must not open a second case. Once its case and sanction are stored, the command is marked handled; the
 * same command again carries out the sanction's platform side instead (idempotent), with no new case,
 * notice or reply. The mark is written last: on SQLite it is committed with the case, and on Redis or
 * PostgreSQL (each write stored by itself) a crash before it repeats the command rather than losing it.
 * A command without a message to name it is never marked.
 */
function commandKey(community: CommunitySettings, event: CommandIssued): string | undefined {
  const message = event.message;
  return message && `sanctions:command:${community.id}:${message.chat}:${message.id}`;
}

export async function handledBefore(
  ctx: Ctx,
  community: CommunitySettings,
  event: CommandIssued,
): Promise<boolean> {
  const key = commandKey(community, event);
  return key !== undefined && (await ctx.services.store.get<number>(key)) !== undefined;
}

export async function markHandled(
  ctx: Ctx,
  community: CommunitySettings,
  event: CommandIssued,
): Promise<void> {
  const key = commandKey(community, event);
  if (key) await ctx.services.store.set(key, ctx.now, HANDLED_TTL);
}
