/**
 * Held posts in the store. A hold is written durably before anything is done on the platform, so a
 * crash between "copy to the review chat" and "delete the original" never loses a post. Every state
 * change that must happen once (claiming a hold for a decision, adding an album part, indexing) is one
 * `store.update`.
 */
import type { AccountKey, ChatKey, CommunityId, HoldId } from "../ids.js";
import type { MessageRef } from "../model/content.js";
import type { Instant } from "../ports/clock.js";
import type { KeyValueStore } from "../ports/store.js";
import { adoptLegacyList, allMembers } from "../ports/store.js";
import { claimRecord, type HeldPart, type HoldState } from "../holds/kind.js";
import type { NewsReason } from "./classifier.js";

export type { HeldPart };

/**
 * `collecting`: an album whose parts are still arriving (no card yet). `pending`: waiting for an admin.
 * `failed`: the card or the copy could not be posted, so the post stayed up and nothing is pending.
 */
export type HoldStatus = "collecting" | "pending" | "approved" | "rejected" | "expired" | "failed";

export interface Hold extends HoldState {
  id: HoldId;
  community: CommunityId;
  chat: ChatKey;
  thread?: string;
  author: AccountKey;
  /** The display name at the time of posting (shown publicly with the post anyway). */
  authorName: string;
  /** The author's picture at the time of posting (Discord re-posts show it), if the platform gave one. */
  authorAvatar?: string;
  /** The original messages, in order (one, or every part of an album). */
  parts: HeldPart[];
  /** Id of the message the post replied to, in the same chat. */
  replyTo?: string;
  albumId?: string;
  reasons: NewsReason[];
  /** Held because an edit turned an ordinary post into news. */
  edited?: boolean;
  createdAt: Instant;
  expiresAt?: Instant;
  status: HoldStatus;
  card?: MessageRef;
  /** Copies of the originals in the review chat (what a re-post copies on Telegram). */
  copies: MessageRef[];
  decidedBy?: AccountKey | "bot";
  decidedByName?: string;
  decidedAt?: Instant;
  /** The admin's own reason; absent = the default reason. */
  reason?: string;
  warned?: boolean;
}

export const holdKey = (id: string) => `news:hold:${id}`;
export const pendingKey = (community: CommunityId | string) => `news:pending:${community}`;
export const authorIndexKey = (account: AccountKey | string) => `news:holds-by:${account}`;
export const albumKey = (chat: ChatKey, albumId: string) => `news:album:${chat}:${albumId}`;
/** Recently seen ordinary album parts, so a later news part (or an edit) takes the whole album. */
export const albumSeenKey = (chat: ChatKey, albumId: string) => `news:album-seen:${chat}:${albumId}`;
export const heldMessageKey = (ref: MessageRef) => `news:held-msg:${ref.chat}:${ref.id}`;
export const expireTimerId = (id: string) => `news.expire:${id}`;
export const EXPIRE_TIMER = "news.expire";
export const ALBUM_TIMER = "news.album";
export const albumTimerId = (id: string) => `news.album:${id}`;

/** Platforms delete messages only for 48 hours; album bookkeeping is useless after that. */
export const ALBUM_SEEN_TTL = 48 * 3_600_000;

export class HoldStore {
  constructor(private readonly store: KeyValueStore) {}

  get(id: string): Promise<Hold | undefined> {
    return this.store.get<Hold>(holdKey(id));
  }

  /**
   * Writes a new hold and indexes it (by author, by held message). The indexes come first: an index
   * entry pointing at nothing is harmless, a hold missing from its author's index would escape erasure.
   */
  async create(hold: Hold): Promise<void> {
    await this.store.addToSet(authorIndexKey(hold.author), hold.id);
    for (const part of hold.parts) await this.store.set(heldMessageKey(part.ref), hold.id, ALBUM_SEEN_TTL);
    await this.store.set(holdKey(hold.id), hold);
  }

  async addPending(community: CommunityId, id: string): Promise<void> {
    await this.store.addToSet(pendingKey(community), id);
  }

  async removePending(community: CommunityId, id: string): Promise<void> {
    await adoptLegacyList(this.store, pendingKey(community));
    await this.store.removeFromSet(pendingKey(community), id);
  }

  async pending(community: CommunityId): Promise<Hold[]> {
    const ids = await allMembers(this.store, pendingKey(community));
    const holds = await Promise.all(ids.map((id) => this.get(id)));
    return holds.filter((h): h is Hold => h?.status === "pending");
  }

  /**
   * How many holds of a community wait for an admin and when the oldest was made (metrics, on scrape):
   * the size of the pending set, and the oldest among the pending holds it lists.
   */
  async pendingSummary(community: CommunityId): Promise<{ count: number; oldestAt?: Instant }> {
    const holds = await this.pending(community);
    if (holds.length === 0) return { count: 0 };
    return { count: holds.length, oldestAt: Math.min(...holds.map((h) => h.createdAt)) };
  }

  async ofAuthor(account: AccountKey): Promise<Hold[]> {
    const ids = await allMembers(this.store, authorIndexKey(account));
    const holds = await Promise.all(ids.map((id) => this.get(id)));
    return holds.filter((h): h is Hold => h !== undefined);
  }

  /**
   * Moves a hold from `from` to the state `change` gives, in one atomic update. Returns the new hold for
   * exactly one caller; every other caller (a second admin, a retried press, a timer racing a press)
   * gets `{ claimed: false, hold }` with the hold as it is.
   */
  async transition(
    id: string,
    from: HoldStatus,
    change: (hold: Hold) => Hold,
  ): Promise<{ claimed: boolean; hold: Hold | undefined }> {
    return claimRecord(this.store, holdKey(id), [from], change);
  }

  /** Changes bookkeeping fields of a hold whatever its status (card refs, outcome notes). */
  async patch(id: string, change: (hold: Hold) => Hold): Promise<Hold | undefined> {
    return this.store.update<Hold>(holdKey(id), (cur) => (cur ? change(cur) : cur));
  }

  /** Removes a hold and its indexes (erasure). */
  async remove(hold: Hold): Promise<void> {
    await this.removePending(hold.community, hold.id);
    await adoptLegacyList(this.store, authorIndexKey(hold.author));
    await this.store.removeFromSet(authorIndexKey(hold.author), hold.id);
    for (const part of hold.parts) await this.store.delete(heldMessageKey(part.ref));
    if (hold.albumId)
      // The album's key may name another hold (a late part held on its own): only this hold's goes.
      await this.store.update<string>(albumKey(hold.chat, hold.albumId), (cur) =>
        cur === hold.id ? undefined : cur,
      );
    await this.store.delete(holdKey(hold.id));
  }
}
