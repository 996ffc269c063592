import type { Decision } from "../decisions.js";
import type { Ctx } from "../engine/context.js";
import type { CommandSpec } from "../engine/module.js";
import { UsageError } from "../engine/module.js";
import type { CommandIssued } from "../events.js";
import type { AccountKey } from "../ids.js";
import type { CommunitySettings } from "../settings/community.js";
import { formatDuration, parseDuration, readDuration } from "../settings/duration.js";
import { rankOf } from "./ladder.js";
import { voidCase } from "./pardon.js";
import {
  activeBan,
  applySanction,
  describeAction,
  liftSanction,
  openCase,
  pointsOf,
  policyFor,
  reassertSanction,
  round,
  subjectOf,
  targetsFor,
  tellMember,
} from "./service.js";
import { handledBefore, markHandled } from "./handled.js";
import { recordViolation } from "./sink.js";
import { replyTo, requireTarget } from "../engine/command-helpers.js";
import { pointsNote } from "../engine/audit.js";

/** Answers where the command was issued: a short-lived notice in a group, else privately. */
export function reply(event: CommandIssued, text: string): Decision {
  return replyTo(event, text);
}

/** The community a command acts in: the event's, or (in private) the one the issuer administers. */
async function communityOf(ctx: Ctx): Promise<CommunitySettings> {
  if (ctx.community) return ctx.community;
  for (const c of ctx.services.directory.communities) if (await ctx.isAdmin(c, ctx.actor)) return c;
  throw new UsageError();
}

/**
 * The member a command is about (a reply, else a member the adapter resolved in the first argument) and
 * the remaining words; undefined when the name is unknown (already answered).
 */
function targetAndWords(
  ctx: Ctx,
  event: CommandIssued,
): { target: AccountKey; tokens: string[] } | undefined {
  const found = requireTarget(ctx, event);
  return found && { target: found.account, tokens: tokensOf(found.rest) };
}

async function isProtected(
  ctx: Ctx,
  community: CommunitySettings,
  target: AccountKey,
  event: CommandIssued,
): Promise<boolean> {
  if (community.admins.includes(target)) return true;
  return event.chat ? Boolean((await ctx.services.members.get(event.chat, target))?.admin) : false;
}

/** A typed duration, bounded like config durations (366 days: past it Telegram means forever). */
function durationArgument(ctx: Ctx, token: string): number {
  const read = readDuration(token);
  if (read.ok) return read.ms;
  throw new UsageError(
    read.reason === "too_long"
      ? ctx.t("sanctions.durationTooLong", { max: formatDuration(read.max), got: token })
      : ctx.t("sanctions.badDuration"),
  );
}

const tokensOf = (args: string) => args.split(/\s+/).filter(Boolean);
const communityChat = (ctx: Ctx, event: CommandIssued) => (event.chat && ctx.chat ? event.chat : undefined);

function reasonOf(ctx: Ctx, tokens: string[]): string {
  return tokens.join(" ").trim() || ctx.t("sanctions.noReason");
}

async function sanction(
  ctx: Ctx,
  event: CommandIssued,
  action: "mute" | "limit" | "ban" | "kick",
): Promise<void> {
  const community = await communityOf(ctx);
  const named = targetAndWords(ctx, event);
  if (!named) return;
  const { target, tokens } = named;
  let duration: number | undefined;
  if (action === "mute" || action === "limit") {
    duration = durationArgument(ctx, tokens.shift() ?? "");
  } else if (action === "ban" && tokens[0] && parseDuration(tokens[0]) !== undefined) {
    duration = durationArgument(ctx, tokens.shift() as string);
  }
  if (await isProtected(ctx, community, target, event)) {
    ctx.emit(reply(event, ctx.t("sanctions.targetIsAdmin")));
    return;
  }
  if (await handledBefore(ctx, community, event)) {
    if (action !== "kick") await reassertSanction(ctx, community, target);
    return;
  }
  const reason = reasonOf(ctx, tokens);
  const chat = communityChat(ctx, event);
  const settings = policyFor(ctx, community, chat).sanctions;
  const until = duration === undefined ? undefined : ctx.now + duration;
  const { subject, accounts } = await subjectOf(ctx, target, community);
  const opened = await openCase(ctx, community, {
    action,
    source: "admin",
    subject: target,
    actor: event.actor.account,
    reason,
    chat,
    until,
  });
  // A kick removes from the chat it was issued in (or every chat, from the review chat).
  const targets =
    action === "kick" && chat
      ? [{ account: target, chat }]
      : targetsFor(ctx, community, accounts, settings, chat);
  await applySanction(ctx, {
    community,
    subject,
    caseNumber: opened.number,
    action,
    targets,
    until,
    rank: action === "kick" ? -1 : rankOf(action, settings.ladder),
  });
  await notify(ctx, community, target, opened.number, action, until, reason, chat);
  await markHandled(ctx, community, event);
  ctx.emit(
    reply(
      event,
      ctx.t("sanctions.done", {
        case: opened.number,
        target: await ctx.services.members.nameOf(target),
        what: describeAction(ctx.t, action, until, ctx.now),
      }),
    ),
  );
}

async function notify(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  number: number,
  action: "mute" | "limit" | "ban" | "kick",
  until: number | undefined,
  reason: string,
  chat?: Parameters<typeof tellMember>[4],
) {
  if (!policyFor(ctx, community, chat).sanctions.notify_member) return;
  await tellMember(
    ctx,
    community,
    account,
    (t) =>
      t("sanctions.notice", {
        community: community.name,
        case: number,
        what: describeAction(t, action, until, ctx.now),
        reason,
      }),
    chat,
  );
}

function parseCase(text: string | undefined): number {
  const n = Number((text ?? "").replace(/^#/, ""));
  if (!Number.isInteger(n) || n <= 0) throw new UsageError();
  return n;
}

export const sanctionCommands: CommandSpec[] = [
  {
    name: "warn",
    scope: "group",
    admin: true,
    usage: "sanctions.usageWarn",
    description: "sanctions.describeWarn",
    async run(ctx, event) {
      const community = await communityOf(ctx);
      const named = targetAndWords(ctx, event);
      if (!named) return;
      const { target, tokens } = named;
      if (await isProtected(ctx, community, target, event))
        return ctx.emit(reply(event, ctx.t("sanctions.targetIsAdmin")));
      if (await handledBefore(ctx, community, event)) return reassertSanction(ctx, community, target);
      const opened = await recordViolation(ctx, {
        community,
        account: target,
        chat: communityChat(ctx, event),
        source: "admin",
        category: "admin_warning",
        reason: reasonOf(ctx, tokens),
        actor: event.actor.account,
      });
      await markHandled(ctx, community, event);
      ctx.emit(
        reply(
          event,
          ctx.t("sanctions.done", {
            case: opened.number,
            target: await ctx.services.members.nameOf(target),
            what: describeAction(ctx.t, opened.action, opened.until, ctx.now),
          }),
        ),
      );
    },
  },
  {
    name: "mute",
    scope: "group",
    admin: true,
    usage: "sanctions.usageMute",
    description: "sanctions.describeMute",
    run: (ctx, e) => sanction(ctx, e, "mute"),
  },
  {
    name: "limit",
    scope: "group",
    admin: true,
    usage: "sanctions.usageLimit",
    description: "sanctions.describeLimit",
    run: (ctx, e) => sanction(ctx, e, "limit"),
  },
  {
    name: "ban",
    scope: "group",
    admin: true,
    usage: "sanctions.usageBan",
    description: "sanctions.describeBan",
    run: (ctx, e) => sanction(ctx, e, "ban"),
  },
  {
    name: "kick",
    scope: "group",
    admin: true,
    usage: "sanctions.usageKick",
    description: "sanctions.describeKick",
    run: (ctx, e) => sanction(ctx, e, "kick"),
  },
  {
    name: "unban",
    scope: "any",
    admin: true,
    usage: "sanctions.usageUnban",
    description: "sanctions.describeUnban",
    async run(ctx, event) {
      const community = await communityOf(ctx);
      const named = targetAndWords(ctx, event);
      if (!named) return;
      const { target, tokens } = named;
      const reason = reasonOf(ctx, tokens);
      const chat = communityChat(ctx, event);
      const { accounts } = await subjectOf(ctx, target, community);
      const settings = policyFor(ctx, community, chat).sanctions;
      if (await handledBefore(ctx, community, event)) {
        // delivered again after a crash: the unbans again (idempotent), no second case
        for (const t of targetsFor(ctx, community, accounts, settings, chat))
          ctx.emit({ kind: "unban", chat: t.chat, account: t.account });
        return;
      }
      const current = await activeBan(ctx, community, accounts);
      let refersTo: number | undefined;
      if (current) {
        await liftSanction(ctx, community, current.case);
        refersTo = current.case;
      } else {
        // Banned outside the bot, or by an earlier install: unban everywhere the scope reaches.
        for (const t of targetsFor(ctx, community, accounts, settings, chat)) {
          ctx.emit({ kind: "unban", chat: t.chat, account: t.account });
          await ctx.services.access.setBanned(t.chat, t.account, false);
        }
      }
      const opened = await openCase(ctx, community, {
        action: "unban",
        source: "admin",
        subject: target,
        actor: event.actor.account,
        reason,
        chat,
        refersTo,
      });
      await markHandled(ctx, community, event);
      await tellMember(ctx, community, target, (t) =>
        t("sanctions.unbannedMember", { community: community.name, case: opened.number }),
      );
      ctx.emit(
        reply(
          event,
          ctx.t("sanctions.done", {
            case: opened.number,
            target: await ctx.services.members.nameOf(target),
            what: ctx.t("sanctions.whatUnban"),
          }),
        ),
      );
    },
  },
  {
    name: "pardon",
    scope: "any",
    admin: true,
    usage: "sanctions.usagePardon",
    description: "sanctions.describePardon",
    async run(ctx, event) {
      const community = await communityOf(ctx);
      const tokens = tokensOf(event.args);
      const number = parseCase(tokens.shift());
      const result = await voidCase(ctx, community, number, {
        action: "pardon",
        source: "admin",
        actor: event.actor.account,
        reason: reasonOf(ctx, tokens),
      });
      if (result.status === "not_found")
        return ctx.emit(reply(event, ctx.t("sanctions.caseNotFound", { case: number })));
      if (result.status === "already")
        return ctx.emit(reply(event, ctx.t("sanctions.alreadyVoided", { case: number })));
      await tellMember(ctx, community, result.earlier.subject, (t) =>
        t("sanctions.pardonedMember", { community: community.name, case: number }),
      );
      ctx.emit(
        reply(
          event,
          ctx.t("sanctions.done", {
            case: result.case.number,
            target: await ctx.services.members.nameOf(result.earlier.subject),
            what: describeAction(ctx.t, "pardon", undefined, ctx.now, number),
          }),
        ),
      );
    },
  },
  {
    name: "cases",
    scope: "any",
    admin: true,
    usage: "sanctions.usageCases",
    description: "sanctions.describeCases",
    async run(ctx, event) {
      const community = await communityOf(ctx);
      const target = requireTarget(ctx, event)?.account;
      if (!target) return;
      const { subject, accounts } = await subjectOf(ctx, target, community);
      const cases = (await Promise.all(accounts.map((a) => ctx.services.cases.of(community.id, a))))
        .flat()
        .sort((a, b) => a.number - b.number);
      const points = await pointsOf(
        ctx,
        community,
        subject,
        policyFor(ctx, community, communityChat(ctx, event)).sanctions,
      );
      const lines = cases.map((c) =>
        ctx.t("sanctions.caseLine", {
          case: c.number,
          date: new Date(c.at).toISOString().slice(0, 16).replace("T", " "),
          what: describeAction(ctx.t, c.action, c.until, c.at, c.refersTo),
          extras: [c.category ? ` [${c.category}]` : "", pointsNote(ctx.t, c)].join(""),
          reason: c.reason,
        }),
      );
      const header = ctx.t(cases.length ? "sanctions.casesHeader" : "sanctions.casesNone", {
        member: target,
        points: round(points),
      });
      // The list names members and reasons: it goes to the admin privately, never into the group.
      ctx.emit({ kind: "send_private", account: event.actor.account, text: [header, ...lines].join("\n") });
    },
  },
];
