import type { Decision, DecisionExecutor, Outcome } from "../decisions.js";
import type { CommandIssued, CoreEvent, MessageEdited, MessagePosted } from "../events.js";
import type { AccountKey, ChatKey, Platform } from "../ids.js";
import type { Language, Translate } from "../i18n/translator.js";
import { translator } from "../i18n/translator.js";
import type { Actor } from "../model/content.js";
import type { Clock } from "../ports/clock.js";
import { noopObserver } from "../ports/observer.js";
import { observeHandled, observeOutcomes } from "./observe.js";
import { chosenLanguage, memberLanguage } from "./language.js";
import type { CommunitySettings } from "../settings/community.js";
import { ACCESS_TIMER } from "./access.js";
import { NOTICE_TIMER, noticeExpired } from "./notices.js";
import { deliveries, PrivateOutbox, privateWriter } from "./outbox.js";
import type { Ctx, Services } from "./context.js";
import { eventChat } from "./context.js";
import { accessGate } from "./access-gate.js";
import { replyTo } from "./command-helpers.js";
import { builtinModule } from "./builtin.js";
import type { CommandSpec, Module } from "./module.js";
import { ownHandler, UsageError } from "./module.js";
import { DecisionRunner, errorSummary } from "./execution.js";

export interface EngineOptions {
  services: Services;
  clock: Clock;
  modules: readonly Module[];
  /** One executor per platform the bot runs on; decisions for other platforms are skipped. */
  executors: Partial<Record<Platform, DecisionExecutor>>;
  defaultLanguage?: Language;
}

/** The longest command arguments accepted, in UTF-16 units (a reason, a name, an appeal's text). */
export const MAX_COMMAND_ARGS = 2000;

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
  private readonly commands = new Map<string, { spec: CommandSpec; module: Module }>();
  private readonly executors: Partial<Record<Platform, DecisionExecutor>>;
  private readonly runner: DecisionRunner;
  /** Calls of `handle` and `run` still going, so the runtime can wait for them before closing the store. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: EngineOptions) {
    this.modules = [builtinModule(() => this.commandList()), accessGate, ...options.modules];
    this.executors = { ...options.executors };
    this.runner = new DecisionRunner(options.services, this.modules, this.executors);
    for (const module of this.modules) {
      for (const spec of module.commands ?? []) {
        for (const name of [spec.name, ...(spec.aliases ?? [])]) {
          if (this.commands.has(name)) throw new Error(`command /${name} registered twice`);
          this.commands.set(name, { spec, module });
        }
      }
    }
  }

  get services(): Services {
    return this.options.services;
  }

  /** Attach or replace the executor of a platform (adapters start after the engine exists). */
  setExecutor(platform: Platform, executor: DecisionExecutor): void {
    this.executors[platform] = executor;
  }

  commandList(): CommandSpec[] {
    return [...new Set([...this.commands.values()].map((c) => c.spec))];
  }

  /** Handles one event: its decisions are carried out and their outcomes recorded when this resolves. */
  handle(event: CoreEvent): Promise<Handled> {
    return this.track(observeHandled(this.services.observer ?? noopObserver, event, this.handleNow(event)));
  }

  /** Resolves once every `handle` and `run` call started so far (and any started meanwhile) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  private async handleNow(event: CoreEvent): Promise<Handled> {
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
      await this.dispatch(ctx, event);
    } catch (error) {
      if (error instanceof UsageError && event.kind === "command") {
        decisions.push(this.reply(ctx, event, this.usageText(ctx.t, event.name, error.detail)));
      } else {
        this.options.services.logger.error(
          { err: errorSummary(error), event: event.kind },
          "event handling failed",
        );
        throw error;
      }
    }
    const outcomes = await this.execute(ctx, decisions);
    if (event.kind === "timer_fired") await this.services.timers.claim(event.timer);
    return { event, decisions, outcomes };
  }

  // ---- dispatch -------------------------------------------------------------------------------

  /** Modules in order until one stops; after a removal, later modules only record (`onRemovedMessage`). */
  private async messagePipeline(ctx: Ctx, event: MessagePosted | MessageEdited): Promise<void> {
    let removed = false;
    for (const m of this.modules) {
      if (removed) await m.onRemovedMessage?.(ctx, event);
      else if (m.onMessage) {
        const verdict = await m.onMessage(ctx, event);
        if (verdict === "stop") return;
        removed = verdict === "removed";
      }
    }
  }

  private async dispatch(ctx: Ctx, event: CoreEvent): Promise<void> {
    if ("actor" in event && event.actor.isBot) return;
    switch (event.kind) {
      case "message_posted":
      case "message_edited":
        if (!ctx.chat) return; // only configured chats: not the review or mod-log chat
        return this.messagePipeline(ctx, event);
      case "member_joined":
        if (ctx.chat) for (const m of this.modules) await m.onJoin?.(ctx, event);
        return;
      case "member_left":
        if (ctx.chat) {
          await this.services.members.markLeft(event.chat, event.account);
          for (const m of this.modules) await m.onLeave?.(ctx, event);
        }
        return;
      case "join_requested":
        if (ctx.chat) for (const m of this.modules) await m.onJoinRequest?.(ctx, event);
        return;
      case "command":
        return this.runCommand(ctx, event);
      case "button_pressed": {
        const colon = event.data.indexOf(":");
        const prefix = colon < 0 ? event.data : event.data.slice(0, colon);
        for (const m of this.modules) {
          const handler = ownHandler(m.buttons, prefix);
          if (handler) return handler(ctx, event, colon < 0 ? "" : event.data.slice(colon + 1));
        }
        this.services.logger.warn({ prefix }, "button with unknown action");
        ctx.emit({
          kind: "send_private",
          account: event.actor.account,
          text: ctx.t("core.buttonInvalid"),
          refusal: true,
        });
        return;
      }
      case "private_message":
        for (const m of this.modules) if (m.onPrivateText && (await m.onPrivateText(ctx, event))) return;
        ctx.emit({ kind: "send_private", account: event.actor.account, text: ctx.t("core.privateHint") });
        return;
      case "contact_shared":
        for (const m of this.modules) if (m.onContact && (await m.onContact(ctx, event))) return;
        ctx.emit({
          kind: "send_private",
          account: event.actor.account,
          text: ctx.t("core.contactUnexpected"),
        });
        return;
      case "timer_fired": {
        const { timer } = event;
        // Still ours (not cancelled, not re-leased by another process)? It is removed after its decisions
        // are carried out (handleNow), so a crash in between lets it fire again once the lease runs out.
        if (!(await this.services.timers.isHeld(timer))) return;
        if (timer.kind === ACCESS_TIMER) {
          const chat = String(timer.payload.chat) as ChatKey;
          ctx.emit(
            ...(await this.services.access.expire(
              chat,
              String(timer.payload.account) as AccountKey,
              ctx.now,
            )),
          );
          return;
        }
        if (timer.kind === NOTICE_TIMER) {
          ctx.emit(noticeExpired(timer));
          return;
        }
        for (const m of this.modules) {
          const handler = ownHandler(m.timers, timer.kind);
          if (handler) return handler(ctx, timer);
        }
        this.services.logger.warn({ kind: timer.kind }, "timer with unknown kind dropped");
        return;
      }
    }
  }

  private async runCommand(ctx: Ctx, event: CommandIssued): Promise<void> {
    const entry = this.commands.get(event.name.toLowerCase());
    if (!entry) {
      ctx.emit(this.reply(ctx, event, ctx.t("core.unknownCommand", { name: event.name.slice(0, 64) })));
      return;
    }
    // Arguments go into records and cards (a report's reason, an appeal's text): past a message's worth,
    // they are refused rather than stored or posted where the platform would cut or refuse them.
    if (event.args.length > MAX_COMMAND_ARGS) {
      ctx.emit(
        this.reply(ctx, event, ctx.t("core.tooLong", { name: entry.spec.name, max: MAX_COMMAND_ARGS })),
      );
      return;
    }
    const { spec } = entry;
    if (spec.scope === "private" && event.chat) {
      ctx.emit(this.reply(ctx, event, ctx.t("core.privateOnly", { name: spec.name })));
      return;
    }
    if (spec.scope === "group" && !event.chat) {
      ctx.emit(this.reply(ctx, event, ctx.t("core.groupOnly", { name: spec.name })));
      return;
    }
    if (spec.admin) {
      const communities = ctx.community ? [ctx.community] : await this.communitiesOf(ctx.actor);
      let allowed = false;
      for (const community of communities) if (await ctx.isAdmin(community, ctx.actor)) allowed = true;
      if (!allowed) {
        ctx.emit(this.reply(ctx, event, ctx.t("core.adminOnly", { name: spec.name })));
        return;
      }
    }
    await spec.run(ctx, event);
  }

  /** Answers a command where it was issued; other events privately. */
  reply(_ctx: Ctx, event: CoreEvent, text: string): Decision {
    if (event.kind === "command") return replyTo(event, text);
    const account = "actor" in event ? event.actor.account : undefined;
    if (!account) throw new Error(`cannot reply to ${event.kind}`);
    return { kind: "send_private", account, text };
  }

  private usageText(t: Translate, name: string, detail?: string): string {
    const spec = this.commands.get(name.toLowerCase())?.spec;
    const usage = spec ? t(spec.usage) : `/${name}`;
    return detail ? t("core.usageWithDetail", { usage, detail }) : t("core.usage", { usage });
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
    return {
      event,
      now,
      actor,
      community,
      chat: found?.chat,
      policy: found?.chat.policy ?? community?.policy,
      t,
      services,
      emit: (...decisions) => sink.push(...decisions),
      translatorFor: (account, c) => this.translatorFor(account, c ?? community),
      isAdmin: (c, a) => this.isAdmin(c, a, chatKey),
    };
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

  private async isAdmin(
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

  private async communitiesOf(actor: Actor | undefined): Promise<CommunitySettings[]> {
    if (!actor) return [];
    const profile = await this.services.members.profile(actor.account);
    const seen = (profile?.communities ?? []).map((id) => this.services.directory.community(id));
    const configured = this.services.directory.communities.filter((c) => c.admins.includes(actor.account));
    return [...new Set([...seen, ...configured].filter((c): c is CommunitySettings => c !== undefined))];
  }

  // ---- execution ------------------------------------------------------------------------------

  /**
   * Lets every module complete what an earlier run left half-done (see `Module.recover`) and carries
   * out what they decided. One module failing does not keep the others from recovering.
   */
  recover(): Promise<Outcome[]> {
    return this.track(this.recoverNow());
  }

  private async recoverNow(): Promise<Outcome[]> {
    const decisions: Decision[] = [];
    const ctx = await this.context(this.internalEvent(), decisions);
    for (const m of this.modules) {
      try {
        await m.recover?.(ctx);
      } catch (error) {
        this.services.logger.error({ module: m.name, err: errorSummary(error) }, "recovery failed");
      }
    }
    return this.execute(ctx, decisions);
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
    const ctx = await this.context(this.internalEvent(), list);
    const outcomes = await this.execute(ctx, list);
    observeOutcomes(this.services.observer ?? noopObserver, list, outcomes);
    return outcomes;
  }

  private execute(ctx: Ctx, decisions: Decision[]): Promise<Outcome[]> {
    return this.runner.execute(ctx, decisions);
  }
}

export { errorSummary };
