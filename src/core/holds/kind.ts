/**
 * What a module tells the shared hold lifecycle (lifecycle.ts) about its kind of hold, the fields the
 * lifecycle keeps on every hold record, and the one atomic claim every decision goes through.
 */
import type { Button, Decision, Outcome } from "../decisions.js";
import type { Ctx } from "../engine/context.js";
import type { ChatKey, CommunityId } from "../ids.js";
import type { MessageRef, PostContent } from "../model/content.js";
import type { KeyValueStore } from "../ports/store.js";
import { KEEP } from "../ports/store.js";

/** One held message: where it was and what it said. */
export interface HeldPart {
  ref: MessageRef;
  content: PostContent;
}

/** What the lifecycle keeps on every hold record. */
export interface HoldState {
  id: string;
  community: CommunityId;
  status: string;
  card?: MessageRef;
  /** Copies of the originals in the review chat (what a re-post copies on Telegram). */
  copies?: MessageRef[];
  /** The originals are gone from their chat (the bot deleted them, or they were gone already). */
  originalsGone?: boolean;
  /** The originals could not be deleted: still up, so approving does not post them again. */
  originalsKept?: boolean;
  /**
   * The copies and the card were asked of the platform. Without a recorded card after a crash they may
   * exist: recovery then posts a card without copying the post again (a copy is never doubled).
   */
  cardAttempted?: boolean;
  /**
   * Outcome of the re-post after a release or an approval. "unknown": the process that began it died
   * before its outcome was recorded (it may or may not be in the chat): admins are asked to look.
   */
  reposted?: "ok" | "failed" | "unknown";
}

/** What a hold under review shows and does, built from the hold alone (so it can be built again). */
export interface ReviewPlan {
  card: { chat: ChatKey; text: string; buttons: Button[][] };
  /** Steps once the copies and the card are up (an expiry timer); they must be safe to repeat. */
  afterCard: Decision[];
  /** Tells the author, once the originals are down. */
  notice: Decision;
}

/** A module's kind of hold. */
export interface HoldKind<H extends HoldState> {
  /** Prefix of the outcome tags: `<name>.card`, `<name>.deleted`, `<name>.reviewed`, `<name>.repost`. */
  readonly name: string;
  /** The store key of the journal of holds in creation. */
  readonly journalKey: string;
  key(community: string, id: string): string;
  /** How long the record is kept (absent: until removed). */
  readonly ttlMs?: number;
  /** The status of a hold decided for a re-post ("approved", "released"). */
  readonly repostStatus: string;
  /** Every status an admin's or a timer's decision gives (not "failed": a card that failed took nothing down). */
  readonly decidedStatuses: readonly string[];
  parts(hold: H): HeldPart[];
  /** May throw (bad settings): nothing is emitted then, and a hold in creation is rolled back. */
  plan(ctx: Ctx, hold: H): Promise<ReviewPlan>;
  /** The copies or the card could not be posted: the originals stayed up and nothing is held. */
  cardFailed(ctx: Ctx, hold: H, outcome: Outcome): Promise<void>;
  /** Removes a hold that never came under review, with whatever indexes it has (rollback). */
  discard(ctx: Ctx, hold: H): Promise<void>;
  /** Repairs the kind's own bookkeeping of a hold left in creation (its indexes, a settle timer). */
  resume?(ctx: Ctx, hold: H): Promise<void>;
  /** The originals stayed up (the hold is marked `originalsKept`). */
  originalsKept?(ctx: Ctx, hold: H): Promise<void>;
  /**
   * The re-post failed, or its outcome is unknown after a crash (the hold is marked `reposted: "failed"`
   * or `"unknown"`), or it worked after all once marked unknown: the card shows it. Without the hook,
   * an unknown outcome is posted to the review chat.
   */
  repostFailed?(ctx: Ctx, hold: H): Promise<void>;
  /** The re-post of a hold decided for one (`repost` with the module's attribution). */
  repostOf(ctx: Ctx, hold: H): Promise<Decision[]>;
}

/**
 * Moves the record at `key` out of one of the statuses `from` with one atomic update. `claimed` is true
 * for exactly one caller; every other caller gets the record as it is.
 */
export async function claimRecord<H extends { status: string }>(
  store: KeyValueStore,
  key: string,
  from: readonly string[],
  change: (h: H) => H,
  ttlMs?: number,
): Promise<{ claimed: boolean; hold: H | undefined }> {
  return store.change<H, { claimed: boolean; hold: H | undefined }>(
    key,
    (cur) => {
      if (!cur || !from.includes(cur.status)) return { value: KEEP, result: { claimed: false, hold: cur } };
      const next = change(cur);
      return { value: next, result: { claimed: true, hold: next } };
    },
    ttlMs,
  );
}
