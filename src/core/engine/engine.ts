import type { Decision, DecisionExecutor, Outcome } from "../decisions.js";
import type { CoreEvent } from "../events.js";
import type { AccountKey, Platform } from "../ids.js";
import type { Language, Translate } from "../i18n/translator.js";
import { translator } from "../i18n/translator.js";
import type { Actor } from "../model/content.js";
import type { Clock } from "../ports/clock.js";
import { noopObserver } from "../ports/observer.js";
import { openUnit, type MaybePromise, type StoreUnit } from "../ports/store.js";
import { observeHandled, observeOutcomes } from "./observe.js";
import { chosenLanguage, memberLanguage } from "./language.js";
import type { CommunitySettings } from "../settings/community.js";
import type { Seen } from "./members.js";
import { EventContext, type ContextParts } from "./event-context.js";
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
    // `handleNow` tracks what it has to wait for; an event handled at once is not in flight. Without an
    // observer (metrics off) nothing times the event: one async step less per event.
    const handled = this.handleNow(event);
    return observer ? this.track(observeHandled(observer, event, handled)) : handled;
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
   *
   * Without a wait where nothing needs one: a message whose records the store has at hand, that every
   * module lets pass, is handled in one synchronous run (most messages). Whatever has to wait (a read from
   * a networked store, a write, a decision to carry out) continues as a promise from where it is.
   */
  private handleNow(event: CoreEvent): Promise<Handled> {
    const unit = openUnit(this.services.store);
    let handled: MaybePromise<Handled>;
    try {
      handled = this.handleIn(unit, event);
    } catch (error) {
      return Promise.reject(failedIn(unit, error));
    }
    if (handled instanceof Promise)
      return this.track(
        handled.then(
          (done) => {
            unit.end();
            return done;
          },
          (error: unknown) => {
            throw failedIn(unit, error);
          },
        ),
      );
    try {
      unit.end();
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(handled);
  }

  /** Runs `work` in a unit of work on the store, ended (its writes committed) when `work` is done. */
  private async inUnit<T>(work: (unit: StoreUnit) => Promise<T>): Promise<T> {
    const unit = openUnit(this.services.store);
    let result: T;
    try {
      result = await work(unit);
    } catch (error) {
      throw failedIn(unit, error);
    }
    unit.end();
    return result;
  }

  private handleIn(unit: StoreUnit, event: CoreEvent): MaybePromise<Handled> {
    const decisions: Decision[] = [];
    const ctx = this.context(event, decisions);
    if (ctx instanceof Promise) return ctx.then((c) => this.handleWith(unit, event, c, decisions));
    return this.handleWith(unit, event, ctx, decisions);
  }

  private handleWith(
    unit: StoreUnit,
    event: CoreEvent,
    ctx: Ctx,
    decisions: Decision[],
  ): MaybePromise<Handled> {
    // Writing to the bot privately opens the private chat: what waited for the member goes first.
    if (privateWriter(event)) return this.handlePrivate(unit, event, ctx, decisions);
    let dispatched: Promise<void> | undefined;
    try {
      dispatched = this.dispatcher.dispatch(ctx, event);
    } catch (error) {
      return this.dispatchFailed(ctx, event, decisions, error, unit);
    }
    if (dispatched)
      return dispatched.then(
        () => this.finish(ctx, event, decisions, unit),
        (error: unknown) => this.dispatchFailed(ctx, event, decisions, error, unit),
      );
    return this.finish(ctx, event, decisions, unit);
  }

  private async handlePrivate(
    unit: StoreUnit,
    event: CoreEvent,
    ctx: Ctx,
    decisions: Decision[],
  ): Promise<Handled> {
    const writer = privateWriter(event) as AccountKey;
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
      return this.dispatchFailed(ctx, event, decisions, error, unit);
    }
    return this.finish(ctx, event, decisions, unit);
  }

  /** A command's usage error is answered with its usage line; anything else fails the event. */
  private dispatchFailed(
    ctx: Ctx,
    event: CoreEvent,
    decisions: Decision[],
    error: unknown,
    unit: StoreUnit,
  ): MaybePromise<Handled> {
    if (error instanceof UsageError && event.kind === "command") {
      const { dispatcher } = this;
      decisions.push(dispatcher.reply(event, dispatcher.usageText(ctx.t, event.name, error.detail)));
      return this.finish(ctx, event, decisions, unit);
    }
    this.options.services.logger.error(
      { err: errorSummary(error), event: event.kind },
      "event handling failed",
    );
    throw error;
  }

  /** Carries out the decisions (none for most messages: nothing to wait for) and claims a fired timer. */
  private finish(ctx: Ctx, event: CoreEvent, decisions: Decision[], unit: StoreUnit): MaybePromise<Handled> {
    if (decisions.length === 0 && event.kind !== "timer_fired") return { event, decisions, outcomes: [] };
    return this.finishWaiting(ctx, event, decisions, unit);
  }

  private async finishWaiting(
    ctx: Ctx,
    event: CoreEvent,
    decisions: Decision[],
    unit: StoreUnit,
  ): Promise<Handled> {
    const outcomes = await this.execute(ctx, decisions, unit);
    if (event.kind === "timer_fired") await this.services.timers.claim(event.timer);
    return { event, decisions, outcomes };
  }

  // ---- context --------------------------------------------------------------------------------

  /**
   * The event's context. The member's record, profile and chosen language are independent reads: at
   * hand (no wait) on a store that has them, else one round trip together on a networked store. The
   * profile `noteSeen` returns is the one the translator needs.
   */
  private context(event: CoreEvent, sink: Decision[]): MaybePromise<Ctx> {
    const { services, clock } = this.options;
    const now = clock.now();
    const actor = "actor" in event ? event.actor : undefined;
    const chatKey = eventChat(event);
    const found = chatKey ? services.directory.lookupChat(chatKey) : undefined;
    const reviewOf = chatKey && !found ? services.directory.reviewedBy(chatKey) : undefined;
    const parts: ContextParts = {
      event,
      now,
      actor,
      community: found?.community ?? reviewOf,
      chat: found?.chat,
      sink,
      chatKey,
    };
    if (!actor) return this.contextIn(parts, parts.community?.language ?? this.defaultLanguage);
    const seen =
      found && event.kind !== "member_left"
        ? services.members.noteSeen(
            found.community.id,
            found.chat.key,
            actor,
            now,
            event.kind === "member_joined" ? "joined" : "seen",
          )
        : undefined;
    const chosen = chosenLanguage(services, actor.account);
    if (seen instanceof Promise || chosen instanceof Promise)
      return Promise.all([seen, chosen]).then(([s, c]) => this.contextWith(parts, actor, s, c));
    return this.contextWith(parts, actor, seen, chosen);
  }

  private contextWith(
    parts: ContextParts,
    actor: Actor,
    seen: Seen | undefined,
    chosen: Language | null,
  ): MaybePromise<Ctx> {
    const language = memberLanguage(this.services, this.defaultLanguage, actor.account, {
      community: parts.community,
      reported: actor.language,
      profile: seen?.profile,
      chosen,
    });
    if (language instanceof Promise) return language.then((l) => this.contextIn(parts, l));
    return this.contextIn(parts, language);
  }

  private contextIn(parts: ContextParts, language: Language): Ctx {
    return new EventContext(this, parts, translator(language), this.services);
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
  async languageOf(account: AccountKey, community?: CommunitySettings, reported?: string): Promise<Language> {
    return memberLanguage(this.services, this.defaultLanguage, account, { community, reported });
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

/** A unit whose work failed: ended (a failure to end it is secondary), and the work's error to report. */
function failedIn(unit: StoreUnit, error: unknown): unknown {
  try {
    unit.end();
  } catch {
    // the work failed already: that error is the one to report
  }
  return error;
}
