import type { AccountKey, ChatKey } from "./ids.js";
import type { AccessLevel, Constraint } from "./model/access.js";
import type { MessageRef, PostContent } from "./model/content.js";
import type { Instant } from "./ports/clock.js";
import type { Timer } from "./ports/scheduler.js";

/**
 * What the core asks the world to do, as plain data. Policies return these; the engine hands the
 * platform ones to the adapter of the target's platform (docs/platforms.md maps each one to Telegram,
 * Discord and Matrix operations) and carries out `schedule` / `cancel_timer` itself.
 *
 * Decisions of one event run in order. `requires: "previous"` skips a decision when the one before it
 * failed or was skipped: "delete the original" only after "copy it to the review chat" worked.
 */
export type Decision = (
  | Restrict
  | Lift
  | Delete
  | Send
  | SendPrivate
  | PostCard
  | UpdateCard
  | Repost
  | Ban
  | Unban
  | Kick
  | ApproveJoin
  | DeclineJoin
  | GrantRole
  | RevokeRole
  | Schedule
  | CancelTimer
) & {
  requires?: "previous";
  /** What the engine records when the adapter reports success or failure (see engine/outcomes.ts). */
  record?: OutcomeTag;
};

export interface Button {
  label: string;
  /** Opaque to adapters; comes back in a `button_pressed` event. At most 64 bytes (Telegram). */
  data: string;
}

/** Limit a member's rights in one chat. */
export interface Restrict {
  kind: "restrict";
  chat: ChatKey;
  account: AccountKey;
  level: Exclude<AccessLevel, "full">;
  /** The platform may lift it by itself then; the engine lifts it too (a durable timer). */
  until?: Instant;
  /**
   * Why the member is limited: the sources of the active constraints (Discord gives members limited only
   * for verification the configured unverified role instead of a timeout).
   */
  sources?: Constraint["source"][];
}

/** Restore a member's normal rights in one chat. */
export interface Lift {
  kind: "lift";
  chat: ChatKey;
  account: AccountKey;
}

export interface Delete {
  kind: "delete";
  messages: MessageRef[];
}

export interface Send {
  kind: "send";
  chat: ChatKey;
  thread?: string;
  text: string;
  buttons?: Button[][];
  replyTo?: MessageRef;
  /**
   * A short-lived notice: the engine deletes it again after this many milliseconds through a durable
   * timer (it survives restarts). Adapters ignore it.
   */
  ttlMs?: number;
  /**
   * A notice asking a member who never opened a private chat with the bot to do so (their texts wait
   * in the core's outbox). The text begins with `name`. The adapter adds a button that opens the
   * private chat (Telegram: a t.me deep link whose start payload carries `start`, the data of the
   * button the waiting text offered) and may mention the member.
   */
  invite?: { account: AccountKey; name: string; label: string; start?: string };
}

export interface SendPrivate {
  kind: "send_private";
  account: AccountKey;
  text: string;
  buttons?: Button[][];
  /** Ask the platform's "share my phone number" button (Telegram request_contact). */
  requestContact?: boolean;
  /** When a private message is impossible, post this short-lived notice in `fallbackChat` instead. */
  fallbackChat?: ChatKey;
  /**
   * This text asks for the answer to a verification step. A platform that collected the answers in a
   * form (Discord's modal) answers it from the form instead of showing the question.
   */
  asks?: "name" | "id" | "phone" | "rules";
  /**
   * The answer to a button press that was refused (the presser may not do that). Platforms that
   * acknowledge presses show it there (Telegram: an alert on the button) rather than in a private chat.
   */
  refusal?: true;
}

/**
 * Post a review card (a held post, a report, a verification request) into a review chat. With
 * `preserve`, the adapter first copies those messages into the review chat (so their media survive the
 * deletion of the originals) and reports the copies' refs in the outcome.
 */
export interface PostCard {
  kind: "post_card";
  chat: ChatKey;
  text: string;
  buttons: Button[][];
  preserve?: MessageRef[];
}

export interface UpdateCard {
  kind: "update_card";
  card: MessageRef;
  text: string;
  buttons: Button[][];
}

/** Re-post held content in its original chat and thread with an attribution line. */
export interface Repost {
  kind: "repost";
  chat: ChatKey;
  thread?: string;
  attribution: string;
  content: PostContent[];
  /** Preserved copies in the review chat, for platforms that re-post by copying (Telegram copyMessages). */
  copies?: MessageRef[];
  replyTo?: string;
  /**
   * The author as the hold preserved them, for platforms that re-post under the author's name and picture
   * (Discord webhooks). Others ignore it: the attribution line names the author anyway.
   */
  author?: RepostAuthor;
}

export interface RepostAuthor {
  name: string;
  avatarUrl?: string;
}

export interface Ban {
  kind: "ban";
  chat: ChatKey;
  account: AccountKey;
  until?: Instant;
  /** Also remove the member's recent messages where the platform supports it. */
  deleteRecent?: boolean;
}

export interface Unban {
  kind: "unban";
  chat: ChatKey;
  account: AccountKey;
}

/** Remove without banning: the member may join again. */
export interface Kick {
  kind: "kick";
  chat: ChatKey;
  account: AccountKey;
}

export interface ApproveJoin {
  kind: "approve_join";
  chat: ChatKey;
  account: AccountKey;
}

export interface DeclineJoin {
  kind: "decline_join";
  chat: ChatKey;
  account: AccountKey;
}

/** Platform roles (Discord roles, Matrix power levels); Telegram has none beyond admin. */
export interface GrantRole {
  kind: "grant_role";
  chat: ChatKey;
  account: AccountKey;
  role: string;
}

export interface RevokeRole {
  kind: "revoke_role";
  chat: ChatKey;
  account: AccountKey;
  role: string;
}

export interface Schedule {
  kind: "schedule";
  timer: Timer;
}

export interface CancelTimer {
  kind: "cancel_timer";
  timerId: string;
}

/**
 * Tags that tell the engine what to remember about an outcome. Each module registers a recorder for its
 * tags; `enforcement` is the engine's own (a failed restriction is never recorded as applied).
 */
export interface OutcomeTag {
  kind: string;
  [field: string]: string | number | boolean | undefined;
}

export type PlatformDecision = Exclude<Decision, Schedule | CancelTimer>;

/** What an adapter reports for one decision. Platform errors become data at the edge. */
export type Outcome =
  | {
      status: "ok";
      refs?: MessageRef[];
      /**
       * A `restrict` the platform applied for less time than asked (Discord timeouts end after 28 days):
       * when it lapses by itself. The engine re-applies it before then while the intended end is later.
       */
      until?: Instant;
    }
  | { status: "failed"; error: PlatformFailure }
  | { status: "skipped"; reason: string };

export interface PlatformFailure {
  code: "forbidden" | "not_found" | "rate_limited" | "unavailable" | "bad_request" | "unsupported";
  message: string;
  retryable: boolean;
}

/** The adapter side of the engine: carries out decisions on one platform. */
export interface DecisionExecutor {
  /**
   * Reports every platform error as an Outcome, never throws, with one exception: when the bot is
   * stopping and gave up waiting for the call, it throws `DecisionInterrupted`.
   */
  execute(decision: PlatformDecision): Promise<Outcome>;
}

/**
 * The bot is stopping and cut this call off: not an outcome. The event's handling ends there, like a
 * crash at that point, and nothing is recorded (a card cut off is not a failed card): the platform
 * delivers the event again after the restart.
 */
export class DecisionInterrupted extends Error {
  override readonly name = "DecisionInterrupted";
}
