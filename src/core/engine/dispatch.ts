import type { Decision } from "../decisions.js";
import type { CommandIssued, CoreEvent, MessageEdited, MessagePosted } from "../events.js";
import type { AccountKey, ChatKey } from "../ids.js";
import type { Translate } from "../i18n/translator.js";
import type { Actor } from "../model/content.js";
import type { CommunitySettings } from "../settings/community.js";
import { ACCESS_TIMER } from "./access.js";
import { replyTo } from "./command-helpers.js";
import type { Ctx, Services } from "./context.js";
import type { CommandSpec, Module, Verdict } from "./module.js";
import { ownHandler } from "./module.js";
import { NOTICE_TIMER, noticeExpired } from "./notices.js";

/** The longest command arguments accepted, in UTF-16 units (a reason, a name, an appeal's text). */
export const MAX_COMMAND_ARGS = 2000;

/**
 * The handler table: which module hooks, command, button or timer handler an event goes to, in module
 * order. Commands are registered once (a name or alias taken twice is an error at start).
 */
export class Dispatcher {
  private readonly commands = new Map<string, { spec: CommandSpec; module: Module }>();
  /** The modules with a message hook, in order (most events are messages: no lookups per event). */
  private readonly messageModules: readonly Module[];

  constructor(
    readonly modules: readonly Module[],
    private readonly services: Services,
  ) {
    for (const module of modules) {
      for (const spec of module.commands ?? []) {
        for (const name of [spec.name, ...(spec.aliases ?? [])]) {
          if (this.commands.has(name)) throw new Error(`command /${name} registered twice`);
          this.commands.set(name, { spec, module });
        }
      }
    }
    this.messageModules = modules.filter((m) => m.onMessage || m.onRemovedMessage);
  }

  commandList(): CommandSpec[] {
    return [...new Set([...this.commands.values()].map((c) => c.spec))];
  }

  /**
   * Modules in order until one stops; after a removal, later modules only record (`onRemovedMessage`).
   * Synchronous while every module answers at once; from the first one that has to wait, the rest runs
   * after it (`pipelineFrom`), in the same order.
   */
  private messagePipeline(ctx: Ctx, event: MessagePosted | MessageEdited): Promise<void> | undefined {
    const modules = this.messageModules;
    let removed = false;
    for (let i = 0; i < modules.length; i++) {
      const m = modules[i] as Module;
      if (removed) {
        const recorded = m.onRemovedMessage?.(ctx, event);
        if (recorded instanceof Promise) return this.pipelineFrom(ctx, event, i + 1, recorded, true);
      } else if (m.onMessage) {
        const verdict = m.onMessage(ctx, event);
        if (verdict instanceof Promise) return this.pipelineFrom(ctx, event, i + 1, verdict, false);
        if (verdict === "stop") return undefined;
        removed = verdict === "removed";
      }
    }
    return undefined;
  }

  /** The pipeline from module `next` on, once the module before it has answered (`waiting`). */
  private async pipelineFrom(
    ctx: Ctx,
    event: MessagePosted | MessageEdited,
    next: number,
    waiting: Promise<Verdict | void>,
    removedBefore: boolean,
  ): Promise<void> {
    const verdict = await waiting;
    if (verdict === "stop") return;
    let removed = removedBefore || verdict === "removed";
    const modules = this.messageModules;
    for (let i = next; i < modules.length; i++) {
      const m = modules[i] as Module;
      if (removed) await m.onRemovedMessage?.(ctx, event);
      else if (m.onMessage) {
        const v = await m.onMessage(ctx, event);
        if (v === "stop") return;
        removed = v === "removed";
      }
    }
  }

  dispatch(ctx: Ctx, event: CoreEvent): Promise<void> | undefined {
    if ("actor" in event && event.actor.isBot) return;
    switch (event.kind) {
      case "message_posted":
      case "message_edited":
        if (!ctx.chat) return; // only configured chats: not the review or mod-log chat
        return this.messagePipeline(ctx, event);
      default:
        return this.dispatchOther(ctx, event);
    }
  }

  private async dispatchOther(ctx: Ctx, event: CoreEvent): Promise<void> {
    switch (event.kind) {
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
      default:
        return;
    }
  }

  private async runCommand(ctx: Ctx, event: CommandIssued): Promise<void> {
    const entry = this.commands.get(event.name.toLowerCase());
    if (!entry) {
      ctx.emit(replyTo(event, ctx.t("core.unknownCommand", { name: event.name.slice(0, 64) })));
      return;
    }
    // Arguments go into records and cards (a report's reason, an appeal's text): past a message's worth,
    // they are refused rather than stored or posted where the platform would cut or refuse them.
    if (event.args.length > MAX_COMMAND_ARGS) {
      ctx.emit(replyTo(event, ctx.t("core.tooLong", { name: entry.spec.name, max: MAX_COMMAND_ARGS })));
      return;
    }
    const { spec } = entry;
    if (spec.scope === "private" && event.chat) {
      ctx.emit(replyTo(event, ctx.t("core.privateOnly", { name: spec.name })));
      return;
    }
    if (spec.scope === "group" && !event.chat) {
      ctx.emit(replyTo(event, ctx.t("core.groupOnly", { name: spec.name })));
      return;
    }
    if (spec.admin) {
      const communities = ctx.community ? [ctx.community] : await this.communitiesOf(ctx.actor);
      let allowed = false;
      for (const community of communities) if (await ctx.isAdmin(community, ctx.actor)) allowed = true;
      if (!allowed) {
        ctx.emit(replyTo(event, ctx.t("core.adminOnly", { name: spec.name })));
        return;
      }
    }
    await spec.run(ctx, event);
  }

  /** Answers a command where it was issued; other events privately. */
  reply(event: CoreEvent, text: string): Decision {
    if (event.kind === "command") return replyTo(event, text);
    const account = "actor" in event ? event.actor.account : undefined;
    if (!account) throw new Error(`cannot reply to ${event.kind}`);
    return { kind: "send_private", account, text };
  }

  usageText(t: Translate, name: string, detail?: string): string {
    const spec = this.commands.get(name.toLowerCase())?.spec;
    const usage = spec ? t(spec.usage) : `/${name}`;
    return detail ? t("core.usageWithDetail", { usage, detail }) : t("core.usage", { usage });
  }

  private async communitiesOf(actor: Actor | undefined): Promise<CommunitySettings[]> {
    if (!actor) return [];
    const profile = await this.services.members.profile(actor.account);
    const seen = (profile?.communities ?? []).map((id) => this.services.directory.community(id));
    const configured = this.services.directory.communities.filter((c) => c.admins.includes(actor.account));
    return [...new Set([...seen, ...configured].filter((c): c is CommunitySettings => c !== undefined))];
  }
}
