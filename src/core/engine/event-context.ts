import type { Decision } from "../decisions.js";
import type { CoreEvent } from "../events.js";
import type { AccountKey, ChatKey } from "../ids.js";
import type { Translate } from "../i18n/translator.js";
import type { Actor } from "../model/content.js";
import type { Instant } from "../ports/clock.js";
import type { MaybePromise } from "../ports/store.js";
import type { ChatEntry, CommunitySettings, Policy } from "../settings/community.js";
import type { Ctx, Services } from "./context.js";

/** What an event's context is made of, gathered before its language is known. */
export interface ContextParts {
  event: CoreEvent;
  now: Instant;
  actor: Actor | undefined;
  community: CommunitySettings | undefined;
  chat: ChatEntry | undefined;
  sink: Decision[];
  chatKey: ChatKey | undefined;
}

/** What a context asks of the engine that made it. */
export interface ContextEngine {
  translatorFor(account: AccountKey, community?: CommunitySettings): Promise<Translate>;
}

/**
 * The context of one event. A class rather than an object of closures: built for every message, its
 * methods live once on the prototype.
 */
export class EventContext implements Ctx {
  readonly policy: Policy | undefined;
  readonly event: CoreEvent;
  readonly now: Instant;
  readonly actor: Actor | undefined;
  readonly community: CommunitySettings | undefined;
  readonly chat: ChatEntry | undefined;
  private readonly sink: Decision[];
  private readonly chatKey: ChatKey | undefined;

  constructor(
    private readonly engine: ContextEngine,
    parts: ContextParts,
    readonly t: Translate,
    readonly services: Services,
  ) {
    this.event = parts.event;
    this.now = parts.now;
    this.actor = parts.actor;
    this.community = parts.community;
    this.chat = parts.chat;
    this.sink = parts.sink;
    this.chatKey = parts.chatKey;
    this.policy = parts.chat?.policy ?? parts.community?.policy;
  }

  emit(...decisions: Decision[]): void {
    this.sink.push(...decisions);
  }

  translatorFor(account: AccountKey, community?: CommunitySettings): Promise<Translate> {
    return this.engine.translatorFor(account, community ?? this.community);
  }

  isAdmin(community: CommunitySettings, actor?: Actor): MaybePromise<boolean> {
    return this.services.members.isAdmin(community, actor, this.chatKey);
  }
}
