import type { Logger } from "../../core/ports/logger.js";
import type { KeyValueStore } from "../../core/ports/store.js";
import { isNotFound } from "./failures.js";
import type { MatrixTranslate } from "./texts.js";

/**
 * Which rooms the bot enters. It joins on invite only into a configured room (a community's chat, review
 * or mod-log room) or when a configured inviter invites it, so nobody can drag it into arbitrary rooms.
 * A direct-chat invite (`is_direct`) is accepted too, for members who write to the bot first; once
 * joined, a "direct" room with more than the two of them is left again. An encrypted room is left with a
 * notice that says why (the bot cannot read it; Pantalaimon is the way to moderate one), however the bot
 * finds out: on invite, at start (encrypted before the bot joined, or while it was down), or when the
 * room turns encryption on.
 */
export type InviteDecision = "join" | "direct" | "decline";

export interface InvitePolicy {
  /** Room ids of every configured room (community chats, review and mod-log rooms). */
  rooms: ReadonlySet<string>;
  /** User ids whose invites the bot accepts into any room. */
  inviters: ReadonlySet<string>;
}

export interface InviteEvent {
  sender: string;
  content?: Record<string, unknown>;
}

export function decideInvite(roomId: string, invite: InviteEvent, policy: InvitePolicy): InviteDecision {
  if (policy.rooms.has(roomId) || policy.inviters.has(invite.sender)) return "join";
  if (invite.content?.is_direct === true) return "direct";
  return "decline";
}

/** The few client calls the room guard makes (matrix-bot-sdk's MatrixClient has them all). */
export interface RoomClient {
  joinRoom(roomId: string): Promise<string>;
  leaveRoom(roomId: string, reason?: string): Promise<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK types state contents as any
  getRoomStateEvent(roomId: string, type: string, stateKey: string): Promise<any>;
  sendNotice(roomId: string, text: string): Promise<string>;
  getJoinedRoomMembers(roomId: string): Promise<string[]>;
  getJoinedRooms(): Promise<string[]>;
}

/** How many rooms the start-up check reads at once. */
const CHECK_CONCURRENCY = 4;

/** The room was told once that the bot cannot moderate it (and its admins were told). */
const toldKey = (roomId: string) => `matrix:encrypted-told:${roomId}`;
const TOLD_TTL_MS = 365 * 24 * 3_600_000;

export class RoomGuard {
  constructor(
    private readonly client: RoomClient,
    private readonly policy: InvitePolicy,
    private readonly textsFor: (roomId: string) => MatrixTranslate,
    private readonly logger: Logger,
    private readonly encrypted: {
      /** Keeps which rooms were told already, so a restart or a re-delivered sync says nothing twice. */
      store: KeyValueStore;
      /** Tells the community's admins (mod-log or review room) that a room is encrypted and was left. */
      report(roomId: string): Promise<void>;
    },
  ) {}

  /** An invite arrived: join, or decline (leaving an invited room rejects the invite). */
  async onInvite(roomId: string, invite: InviteEvent): Promise<InviteDecision> {
    const decision = decideInvite(roomId, invite, this.policy);
    if (decision === "decline") {
      this.logger.info(
        { room: roomId, inviter: invite.sender },
        "matrix invite declined: not a configured room or inviter",
      );
      await this.client.leaveRoom(roomId, "not a configured room or inviter").catch(() => undefined);
      return decision;
    }
    await this.client.joinRoom(roomId);
    // Whoever invites the bot into an encrypted room hears why it leaves, each time.
    if (await this.leaveIfEncrypted(roomId, { tellAgain: true })) return "decline";
    if (decision === "direct") {
      const members = await this.client.getJoinedRoomMembers(roomId).catch(() => []);
      if (members.length > 2) {
        this.logger.info(
          { room: roomId, members: members.length },
          "matrix: a 'direct' room with others in it, leaving",
        );
        await this.client.leaveRoom(roomId, "not a direct chat").catch(() => undefined);
        return "decline";
      }
    }
    this.logger.info(
      { room: roomId, inviter: invite.sender, direct: decision === "direct" },
      "matrix: joined a room",
    );
    return decision;
  }

  /** Whether the room is encrypted (an `m.room.encryption` state event). */
  async isEncrypted(roomId: string): Promise<boolean> {
    try {
      const content = await this.client.getRoomStateEvent(roomId, "m.room.encryption", "");
      return !!content && typeof content === "object" && "algorithm" in content;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Says why and leaves when the room is encrypted; true when it left. */
  async leaveIfEncrypted(roomId: string, options: { tellAgain?: boolean } = {}): Promise<boolean> {
    if (!(await this.isEncrypted(roomId))) return false;
    await this.leaveEncrypted(roomId, options);
    return true;
  }

  /**
   * At start: every room the bot is in that is encrypted (it was encrypted before the bot joined, or
   * while the bot was down) is told, reported and left. Returns the rooms left; a room whose state cannot
   * be read is logged and kept.
   */
  async leaveEncryptedRooms(): Promise<string[]> {
    const rooms = await this.client.getJoinedRooms();
    const left: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < rooms.length) {
        const roomId = rooms[next++] as string;
        try {
          if (await this.leaveIfEncrypted(roomId)) left.push(roomId);
        } catch (error) {
          this.logger.warn(
            { room: roomId, err: String(error) },
            "matrix: could not check the room's encryption",
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHECK_CONCURRENCY, rooms.length) }, worker));
    return left;
  }

  /**
   * The room is (or just became) encrypted: a notice in plain text and a report to its community's
   * admins, once per room (`tellAgain`: the notice again, for a new invite), then leave.
   */
  async leaveEncrypted(roomId: string, options: { tellAgain?: boolean } = {}): Promise<void> {
    this.logger.warn({ room: roomId }, "matrix: encrypted room, which I cannot moderate; leaving");
    const first = await this.encrypted.store.change<boolean, boolean>(
      toldKey(roomId),
      (told) => ({ value: true, result: told === undefined }),
      TOLD_TTL_MS,
    );
    if (first || options.tellAgain)
      await this.client
        .sendNotice(roomId, this.textsFor(roomId)("encryptedUnsupported"))
        .catch((error: unknown) => this.logger.debug({ err: String(error) }, "could not say why I leave"));
    if (first)
      await this.encrypted
        .report(roomId)
        .catch((error: unknown) =>
          this.logger.warn(
            { room: roomId, err: String(error) },
            "matrix: could not report an encrypted room",
          ),
        );
    await this.client.leaveRoom(roomId, "encrypted rooms are not supported").catch(() => undefined);
  }
}
