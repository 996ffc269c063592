import type { Decision } from "../decisions.js";
import type { CoreEvent } from "../events.js";
import type { AccountKey, ChatKey, CommunityId } from "../ids.js";
import type { Translate } from "../i18n/translator.js";
import type { Actor } from "../model/content.js";
import type { Instant } from "../ports/clock.js";
import type { RandomSource, Sealer } from "../ports/crypto.js";
import type { Logger } from "../ports/logger.js";
import type { EngineObserver } from "../ports/observer.js";
import type { KeyValueStore, MaybePromise } from "../ports/store.js";
import type { ChatEntry, CommunitySettings, Policy } from "../settings/community.js";
import type { AccessService } from "./access.js";
import type { CaseLog } from "./cases.js";
import type { CommunityDirectory } from "./directory.js";
import type { MemberRegistry } from "./members.js";
import type { RunLeases } from "./runs.js";
import type { TimerStore } from "./timers.js";

/**
 * Identities as other modules need them (implemented by the verification module). Identities belong to
 * a community: always pass the community you act for, or a name given to one community could surface in
 * another. Without it, the answer is for the community the account was bound in last.
 */
export interface IdentityDirectory {
  /** The identity an account is bound to, with every account linked to it. */
  lookup(
    account: AccountKey,
    community?: CommunityId,
  ): Promise<{ identity: string; accounts: AccountKey[]; verified: boolean } | undefined>;
  /** The real name, for communities that opted in to show it (re-post attribution, /whois). */
  realName(account: AccountKey, community?: CommunityId): Promise<string | undefined>;
}

/** Violations as other modules report them (implemented by the sanctions module). */
export interface ViolationSink {
  record(ctx: Ctx, violation: ViolationInput): Promise<void>;
  /**
   * The platform side of the account's sanction in force, carried out again (bans, restrictions: idempotent),
   * for an event delivered a second time after a crash cut its handling short once its violation was stored.
   */
  reassert(ctx: Ctx, community: CommunitySettings, account: AccountKey): Promise<void>;
}

export interface ViolationInput {
  community: CommunitySettings;
  account: AccountKey;
  chat?: ChatKey;
  source: "rule" | "admin" | "report" | "hold";
  /** A content category, or "admin_warning" / "rejected_post" / "confirmed_report". */
  category: string;
  reason: string;
  actor: AccountKey | "bot";
  points?: number;
}

/** The state and services every module reaches through its context. */
export interface Services {
  /** Differs on every start of the bot: tells work an earlier run left unfinished from work in progress. */
  runId: string;
  /** Which other runs are alive (where several processes share the store). */
  runs: RunLeases;
  store: KeyValueStore;
  sealer: Sealer;
  random: RandomSource;
  logger: Logger;
  directory: CommunityDirectory;
  members: MemberRegistry;
  access: AccessService;
  cases: CaseLog;
  timers: TimerStore;
  identities: IdentityDirectory;
  violations: ViolationSink;
  /** Metrics: told about events, decisions and the verification funnel (absent: nobody listens). */
  observer?: EngineObserver;
}

/** Everything a module sees while handling one event. */
export interface Ctx {
  readonly event: CoreEvent;
  readonly now: Instant;
  readonly actor?: Actor;
  /** The community of the event's chat (for private events: none, modules resolve it themselves). */
  readonly community?: CommunitySettings;
  readonly chat?: ChatEntry;
  /** The policy in force for this event: the chat's, else the community's. */
  readonly policy?: Policy;
  /** Texts in the actor's language (member preference, platform language, community default). */
  readonly t: Translate;
  readonly services: Services;
  /** Adds decisions to carry out after the handler returns, in order. */
  emit(...decisions: Decision[]): void;
  /** Texts in another member's language (for notices to someone other than the actor). */
  translatorFor(account: AccountKey, community?: CommunitySettings): Promise<Translate>;
  /**
   * Admin of `community`: configured admin, or the platform reports admin rights in its chats (at once
   * where the event's own chat says; a promise when the answer is in the store).
   */
  isAdmin(community: CommunitySettings, actor?: Actor): MaybePromise<boolean>;
}

/** The chat an event happened in (none for private events and timers). */
export function eventChat(event: CoreEvent): ChatKey | undefined {
  switch (event.kind) {
    case "message_posted":
    case "message_edited":
      return event.message.chat;
    case "member_joined":
    case "member_left":
    case "join_requested":
      return event.chat;
    case "command":
    case "button_pressed":
      return event.chat;
    default:
      return undefined;
  }
}
