/**
 * Power levels as the homeserver computes them, for the admin check. Read from the room's state
 * (`m.room.power_levels` and `m.room.create`), never from the bot's cache alone when someone decides
 * something: a press or an admin command re-reads them (`PowerLevels.read(room, { fresh: true })`).
 *
 * Room version 12 (and later) makes the creators (the create event's sender and its
 * `additional_creators`) privileged: their power is unlimited and not listed in `users`.
 */

export interface PowerLevelsContent {
  users?: Record<string, number>;
  users_default?: number;
  events?: Record<string, number>;
  events_default?: number;
  state_default?: number;
  ban?: number;
  kick?: number;
  redact?: number;
  invite?: number;
}

export interface CreateContent {
  room_version?: string;
  additional_creators?: string[];
}

/** What the power computation needs from a room's state. */
export interface RoomPower {
  /** Undefined when the room has no power_levels event (then the creator has 100, everyone else 0). */
  levels?: PowerLevelsContent;
  creator?: string;
  create?: CreateContent;
}

/** Room versions whose creators have unlimited power: 12 and any later numeric version. */
export function hasPrivilegedCreators(version: string | undefined): boolean {
  if (!version || !/^\d+$/.test(version)) return false;
  return Number(version) >= 12;
}

const num = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

/** A user's power in a room (Infinity for a privileged creator). */
export function powerOf(room: RoomPower, userId: string): number {
  const creators = [room.creator, ...(room.create?.additional_creators ?? [])].filter(Boolean);
  if (hasPrivilegedCreators(room.create?.room_version) && creators.includes(userId)) return Infinity;
  const levels = room.levels;
  if (!levels) return userId === room.creator ? 100 : 0;
  const listed = levels.users?.[userId];
  return num(listed, num(levels.users_default, 0));
}

/** Who counts as an admin of a room: power at or above `adminLevel` (default 50, a moderator). */
export function isRoomAdmin(room: RoomPower, userId: string, adminLevel = 50): boolean {
  return powerOf(room, userId) >= adminLevel;
}

/** How the adapter reads a room's state (the SDK's `getRoomStateEvent`, or a test double). */
export interface StateReader {
  /** The content of a state event, or undefined when the room has none. */
  state(roomId: string, type: string, stateKey?: string): Promise<Record<string, unknown> | undefined>;
  /** The sender of the room's create event (its creator). */
  creator?(roomId: string): Promise<string | undefined>;
}

/**
 * Power levels per room, cached between reads. The cache serves ordinary messages (the access gate
 * spares admins); `fresh` bypasses it, and a power_levels change seen in the sync drops the room's entry.
 */
export class PowerLevels {
  private readonly cache = new Map<string, RoomPower>();

  constructor(
    private readonly reader: StateReader,
    private readonly adminLevel = 50,
    private readonly max = 5_000,
  ) {}

  async read(roomId: string, options: { fresh?: boolean } = {}): Promise<RoomPower> {
    const cached = options.fresh ? undefined : this.cache.get(roomId);
    if (cached) return cached;
    const [levels, create, creator] = await Promise.all([
      this.reader.state(roomId, "m.room.power_levels"),
      this.reader.state(roomId, "m.room.create"),
      this.reader.creator?.(roomId),
    ]);
    const createContent = create as (CreateContent & { creator?: string }) | undefined;
    const room: RoomPower = {
      ...(levels ? { levels: levels as PowerLevelsContent } : {}),
      ...(createContent ? { create: createContent } : {}),
      ...((creator ?? createContent?.creator) ? { creator: creator ?? createContent?.creator } : {}),
    };
    this.cache.delete(roomId);
    this.cache.set(roomId, room);
    if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value as string);
    return room;
  }

  /** Whether a user is an admin of a room now; `fresh` re-reads the room's state first. */
  async isAdmin(roomId: string, userId: string, options: { fresh?: boolean } = {}): Promise<boolean> {
    return isRoomAdmin(await this.read(roomId, options), userId, this.adminLevel);
  }

  /** A power_levels (or create) event arrived for this room: the next read asks the homeserver. */
  forget(roomId: string): void {
    this.cache.delete(roomId);
  }
}
