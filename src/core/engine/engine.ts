import type { Decision, DecisionExecutor, Outcome } from "../decisions.js";
import type { CoreEvent } from "../events.js";
import type { AccountKey, ChatKey, Platform } from "../ids.js";
import type { Language, Translate } from "../i18n/translator.js";
import { translator } from "../i18n/translator.js";
import type { Actor } from "../model/content.js";
import type { Clock, Instant } from "../ports/clock.js";
import { noopObserver } from "../ports/observer.js";
import { openUnit, type StoreUnit } from "../ports/store.js";
import { observeHandled, observeOutcomes } from "./observe.js";
import { chosenLanguage, memberLanguage } from "./language.js";
import type { ChatEntry, CommunitySettings, Policy } from "../settings/community.js";
import { deliveries, PrivateOutbox, privateWriter } from "./outbox.js";
import type { Ctx, Services } from "./context.js";
import { eventChat } from "./context.js";
import { accessGate } from "./access-gate.js";
import { builtinModule } from "./builtin.js";
import { Dispatcher, MAX_COMMAND_ARGS } from "./dispatch.js";
import type { CommandSpec, Module } from "./module.js";
import { UsageError } from "./module.js";
import { DecisionRunner, errorSummary } from "./execution.js";

export { MAX_COMMAND_ARGS };

export interface EngineOptions {
  services: Services;
  clock: Clock;
  modules: readonly Module[];
  /** One executor per platform the bot runs on; decisions for other platforms are skipped. */
  executors: Partial<Record<Platform, DecisionExecutor>>;
  defaultLanguage?: Language;
}

export interface Handled {
  event: CoreEvent;
  decisions: Decision[];
  outcomes: Outcome[];
}

/**
 * Event in → modules consulted with the current state → state changes persisted by the modules →
 * decisions out, carried out in order by the platform's executor → each outcome recorded. A failed
 * platform action is reported to the community's admins and never recorded as applied.
 */
export class Engine {
  readonly modules: readonly Module[];
  private readonly dispatcher: Dispatcher;
  private readonly executors: Partial<Record<Platform, DecisionExecutor>>;
  private readonly runner: DecisionRunner;
  /** Calls of `handle` and `run` still going, so the runtime can wait for them before closing the store. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: EngineOptions) {
    this.modules = [builtinModule(() => this.commandList()), accessGate, ...options.modules];
    this.executors = { ...options.executors };
    this.runner = new DecisionRunner(options.services, this.modules, this.executors);
    this.dispatcher = new Dispatcher(this.modules, options.services);
  }

  get services(): Services {
    return this.options.services;
  }

  /** Attach or replace the executor of a platform (adapters start after the engine exists). */
  setExecutor(platform: Platform, executor: DecisionExecutor): void {
    this.executors[platform] = executor;
  }

  commandList(): CommandSpec[] {
    return this.dispatcher.commandList();
  }

  /** Answers a command where it was issued; other events privately. */
  reply(_ctx: Ctx, event: CoreEvent, text: string): Decision {
    return this.dispatcher.reply(event, text);
  }

  /** Handles one event: its decisions are carried out and their outcomes recorded when this resolves. */
  handle(event: CoreEvent): Promise<Handled> {
    const { observer } = this.services;
    // Without an observer (metrics off) nothing times the event: one async step less per event.
    return this.track(
      observer ? observeHandled(observer, event, this.handleNow(event)) : this.handleNow(event),
    );
  }

  /** Resolves once every `handle` and `run` call started so far (and any started meanwhile) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    // Inline callbacks: a named function value gets its name defined at run time under tsx (keepNames),
    // which cost more per event than the rest of this method.
    work.then(
      () => this.inFlight.delete(work),
      () => this.inFlight.delete(work),
    );
    return work;
  }

  /**
   * One unit of work on the store per event: what the event writes may be committed together, at the
   * latest before each platform action (the runner commits) and when the event is done (here), so its
   * update is confirmed only once all it caused is durable.
   */
  private handleNow(event: CoreEvent): Promise<Handled> {
    return this.inUnit((unit) => this.handleIn(unit, event));
  }

  /** Runs `work` in a unit of work on the store, ended (its writes committed) when `work` is done. */
  private async inUnit<T>(work: (unit: StoreUnit) => Promise<T>): Promise<T> {
    const unit = openUnit(this.services.store);
    let result: T;
    try {
      result = await work(unit);
    } catch (error) {
      try {
        unit.end();
      } catch {
        // the work failed already: that error is the one to report
      }
      throw error;
    }
    unit.end();
    return result;
  }

  private async handleIn(unit: StoreUnit, event: CoreEvent): Promise<Handled> {
    const decisions: Decision[] = [];
    const ctx = await this.context(event, decisions);
    // Writing to the bot privately opens the private chat: what waited for the member goes first.
    const writer = privateWriter(event);
    if (writer)
      decisions.push(
        ...deliveries(
          event,
          writer,
          await new PrivateOutbox(this.services.store, this.services.sealer).take(writer, ctx.now),
        ),
      );
    try {
      await this.dispatcher.dispatch(ctx, event);
    } catch (error) {
      if (error instanceof UsageError && event.kind === "command") {
        const { dispatcher } = this;
        decisions.push(dispatcher.reply(event, dispatcher.usageText(ctx.t, event.name, error.detail)));
      } else {
        this.options.services.logger.error(
          { err: errorSummary(error), event: event.kind },
          "event handling failed",
        );
        throw error;
      }
    }
    const outcomes = await this.execute(ctx, decisions, unit);
    if (event.kind === "timer_fired") await this.services.timers.claim(event.timer);
    return { event, decisions, outcomes };
  }

  // ---- context --------------------------------------------------------------------------------

  private async context(event: CoreEvent, sink: Decision[]): Promise<Ctx> {
    const { services, clock } = this.options;
    const now = clock.now();
    const actor = "actor" in event ? event.actor : undefined;
    const chatKey = eventChat(event);
    const found = chatKey ? services.directory.lookupChat(chatKey) : undefined;
    const reviewOf = chatKey && !found ? services.directory.reviewedBy(chatKey) : undefined;
    const community = found?.community ?? reviewOf;
    // The member's record, profile and chosen language are independent reads: one round trip on a
    // networked store. The profile `noteSeen` returns is the one the translator needs.
    const [seen, chosen] = await Promise.all([
      found && actor && event.kind !== "member_left"
        ? services.members.noteSeen(
            found.community.id,
            found.chat.key,
            actor,
            now,
            event.kind === "member_joined" ? "joined" : "seen",
          )
        : undefined,
      actor ? chosenLanguage(services, actor.account) : undefined,
    ]);
    const t = actor
      ? translator(
          await memberLanguage(services, this.defaultLanguage, actor.account, {
            community,
            reported: actor.language,
            profile: seen?.profile,
            chosen: chosen ?? null,
          }),
        )
      : translator(community?.language ?? this.defaultLanguage);
    return new EventContext(this, event, now, actor, community, found?.chat, t, services, sink, chatKey);
  }

  private get defaultLanguage(): Language {
    return this.options.defaultLanguage ?? "en";
  }

  /**
   * A member's language: their own choice (/language), else what the platform reports, else the language
   * of their community (the one of the event, else the last one they were seen in, else the only one).
   */
  async translatorFor(
    account: AccountKey,
    community?: CommunitySettings,
    reported?: string,
  ): Promise<Translate> {
    return translator(await this.languageOf(account, community, reported));
  }

  /** The language of `translatorFor`, for adapters' own texts. */
  languageOf(account: AccountKey, community?: CommunitySettings, reported?: string): Promise<Language> {
    return memberLanguage(this.services, this.defaultLanguage, account, { community, reported });
  }

  /** Admin of `community`: configured admin, or the platform reports admin rights (see `Ctx.isAdmin`). */
  async isAdmin(
    community: CommunitySettings,
    actor: Actor | undefined,
    eventChat?: ChatKey,
  ): Promise<boolean> {
    if (!actor) return false;
    if (community.admins.includes(actor.account)) return true;
    const inCommunityChat =
      eventChat && (community.chats.some((c) => c.key === eventChat) || community.reviewChat === eventChat);
    if (inCommunityChat) return actor.isChatAdmin;
    for (const chat of community.chats) {
      if ((await this.services.members.get(chat.key, actor.account))?.admin) return true;
    }
    return false;
  }

  // ---- execution ------------------------------------------------------------------------------

  /**
   * Lets every module complete what an earlier run left half-done (see `Module.recover`) and carries
   * out what they decided. One module failing does not keep the others from recovering.
   */
  recover(): Promise<Outcome[]> {
    return this.track(this.recoverNow());
  }

  private recoverNow(): Promise<Outcome[]> {
    return this.inUnit(async (unit) => {
      const decisions: Decision[] = [];
      const ctx = await this.context(this.internalEvent(), decisions);
      for (const m of this.modules) {
        try {
          await m.recover?.(ctx);
        } catch (error) {
          this.services.logger.error({ module: m.name, err: errorSummary(error) }, "recovery failed");
        }
      }
      return this.execute(ctx, decisions, unit);
    });
  }

  private internalEvent(): CoreEvent {
    return {
      kind: "timer_fired",
      timer: { id: "manual", at: this.options.clock.now(), kind: "manual", payload: {} },
    };
  }

  /** Carries out decisions made outside an event (recovery jobs, maintenance commands, tests). */
  run(decisions: Decision[]): Promise<Outcome[]> {
    return this.track(this.runNow(decisions));
  }

  private async runNow(decisions: Decision[]): Promise<Outcome[]> {
    // Decisions that recorders emit join this list and run after the current one, as in `handle`.
    const list = [...decisions];
    const outcomes = await this.inUnit(async (unit) =>
      this.execute(await this.context(this.internalEvent(), list), list, unit),
    );
    observeOutcomes(this.services.observer ?? noopObserver, list, outcomes);
    return outcomes;
  }

  private execute(ctx: Ctx, decisions: Decision[], unit: StoreUnit): Promise<Outcome[]> {
    return this.runner.execute(ctx, decisions, unit);
  }
}

export { errorSummary };

/**
 * The context of one event. A class rather than an object of closures: built for every message, its
 * methods live once on the prototype.
 */
class EventContext implements Ctx {
  readonly policy: Policy | undefined;

  constructor(
    private readonly engine: Engine,
    readonly event: CoreEvent,
    readonly now: Instant,
    readonly actor: Actor | undefined,
    readonly community: CommunitySettings | undefined,
    readonly chat: ChatEntry | undefined,
    readonly t: Translate,
    readonly services: Services,
    private readonly sink: Decision[],
    private readonly chatKey: ChatKey | undefined,
  ) {
    this.policy = chat?.policy ?? community?.policy;
  }

  emit(...decisions: Decision[]): void {
    this.sink.push(...decisions);
  }

  translatorFor(account: AccountKey, community?: CommunitySettings): Promise<Translate> {
    return this.engine.translatorFor(account, community ?? this.community);
  }

  isAdmin(community: CommunitySettings, actor?: Actor): Promise<boolean> {
    return this.engine.isAdmin(community, actor, this.chatKey);
  }
}
