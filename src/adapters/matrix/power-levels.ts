import { hasPrivilegedCreators, powerOf, type PowerLevelsContent, type RoomPower } from "./power.js";

/**
 * Mutes and grants through `m.room.power_levels`, computed by us (pure functions, no I/O).
 *
 * Matrix has no "mute" and nothing expires: a member may post when their power level reaches what
 * `m.room.message` needs (`events["m.room.message"]`, else `events_default`). The room's own defaults pick
 * one of two schemes, so the event stays small whatever the room's size (it is capped at 64 KiB, about
 * 2,000 listed users):
 *
 * - **Open rooms** (`users_default` ≥ the level to post: everybody may post): a restricted member is
 *   listed one below that level (usually `-1`); lifting removes the entry again, or restores the level the
 *   member had before (a moderator muted at 50 gets 50 back). Only the restricted minority is listed.
 * - **Closed rooms** (`users_default` below the level to post, e.g. `events_default: 1`: newcomers are
 *   read-only until verified): lifting grants the member exactly the level to post; restricting removes
 *   that grant. Only members who were granted posting are listed, and only when they needed it — a room
 *   that verifies most of its thousands of members should use the open scheme and mute the unverified.
 *
 * `text_only` cannot be expressed (one event type, `m.room.message`, carries text and media alike): the
 * member keeps posting rights and the core's access gate removes media and links.
 *
 * Room version 12 adds privileged creators (the create event's sender and `additional_creators`): their
 * power is unlimited and they may not be listed in `users`, so nobody can restrict them.
 */
/** Bytes we allow the content to take: the whole event (signatures, hashes, ids) must stay under 65,536. */
export const POWER_LEVELS_MAX_BYTES = 60_000;

const num = (value: unknown, fallback: number): number =>
  typeof value === "number" && Number.isFinite(value) ? value : fallback;

/** The privileged creators of a room version 12 room (none before). */
export function creatorsOf(room: RoomPower): Set<string> {
  if (!hasPrivilegedCreators(room.create?.room_version)) return new Set();
  return new Set([room.creator, ...(room.create?.additional_creators ?? [])].filter((u): u is string => !!u));
}

/** The level posting a message needs. */
export const levelToPost = (levels: PowerLevelsContent = {}): number =>
  num(levels.events?.["m.room.message"], num(levels.events_default, 0));

/** The level changing power_levels needs. */
export const levelToChangePowerLevels = (levels: PowerLevelsContent = {}): number =>
  num(levels.events?.["m.room.power_levels"], num(levels.state_default, 50));

export const mayPost = (room: RoomPower, userId: string): boolean =>
  powerOf(room, userId) >= levelToPost(room.levels);

/** What to write: the new content, or nothing when the member is in that state already. */
export type Plan =
  | { kind: "unchanged" }
  | { kind: "write"; levels: PowerLevelsContent }
  | { kind: "refused"; code: "forbidden" | "bad_request"; reason: string };

/**
 * Checks the bot may change `target`'s level to `to` (Matrix's rules: enough power to send
 * power_levels, the target strictly below the bot unless it is the bot itself, the new level not above
 * the bot's) and that the result fits the size cap.
 */
function write(room: RoomPower, bot: string, target: string, to: number | undefined): Plan {
  const levels = room.levels ?? {};
  const botPower = powerOf(room, bot);
  const needed = levelToChangePowerLevels(levels);
  if (botPower < needed)
    return {
      kind: "refused",
      code: "forbidden",
      reason: `the bot's power level (${botPower}) is below the ${needed} needed to change power levels in this room`,
    };
  if (creatorsOf(room).has(target))
    return {
      kind: "refused",
      code: "forbidden",
      reason:
        "the member created the room: in room version 12 creators have unlimited power and cannot be restricted",
    };
  const current = powerOf(room, target);
  if (target !== bot && current >= botPower)
    return {
      kind: "refused",
      code: "forbidden",
      reason: `the member's power level (${current}) is not below the bot's (${botPower})`,
    };
  if (to !== undefined && to > botPower)
    return {
      kind: "refused",
      code: "forbidden",
      reason: `the bot cannot grant power level ${to}, above its own (${botPower})`,
    };
  const users = { ...(levels.users ?? {}) };
  if (to === undefined) delete users[target];
  else users[target] = to;
  const next: PowerLevelsContent = { ...levels, users };
  const bytes = new TextEncoder().encode(JSON.stringify(next)).length;
  if (to !== undefined && bytes > POWER_LEVELS_MAX_BYTES)
    return {
      kind: "refused",
      code: "bad_request",
      reason:
        `power_levels would grow to ${bytes} bytes, past Matrix's 64 KiB event cap: the room lists too many ` +
        "members (see docs/matrix.md, power levels in large rooms)",
    };
  return { kind: "write", levels: next };
}

/**
 * Takes posting away from `target`. Open rooms: listed one below the level to post (or lower, if they
 * were lower already). Closed rooms: the grant is removed (back to `users_default`).
 */
export function planMute(room: RoomPower, bot: string, target: string): Plan {
  if (!mayPost(room, target)) return { kind: "unchanged" };
  const post = levelToPost(room.levels);
  const closed = num(room.levels?.users_default, 0) < post;
  return write(room, bot, target, closed ? undefined : post - 1);
}

/**
 * Gives posting back. `previous` is the member's listed level before we muted them (undefined: not
 * listed), restored when it allows posting; otherwise open rooms drop the entry and closed rooms grant
 * exactly the level to post.
 */
export function planUnmute(room: RoomPower, bot: string, target: string, previous?: number): Plan {
  if (mayPost(room, target)) return { kind: "unchanged" };
  const post = levelToPost(room.levels);
  if (previous !== undefined && previous >= post) return write(room, bot, target, previous);
  const closed = num(room.levels?.users_default, 0) < post;
  return write(room, bot, target, closed ? post : undefined);
}

/** Sets a member's level (grant_role with a configured level); unchanged when it is that already. */
export function planLevel(room: RoomPower, bot: string, target: string, to: number | undefined): Plan {
  if (room.levels?.users?.[target] === to) return { kind: "unchanged" };
  return write(room, bot, target, to);
}
