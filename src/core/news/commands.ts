/**
 * Admin commands of the news module: /publisher, /queue, /approvepost, /rejectpost. (/approve and /reject
 * belong to verification requests; hold ids start with "h", so a shared /reject could route on that.) The engine checks the
 * admin flag on every use; decisions on a hold check again against the hold's own community.
 */
import { NOTICE_TTL_MS, replyTo, requireTarget } from "../engine/command-helpers.js";
import type { Decision } from "../decisions.js";
import type { CommandIssued } from "../events.js";
import type { AccountKey } from "../ids.js";
import type { Ctx } from "../engine/context.js";
import type { CommandSpec } from "../engine/module.js";
import { UsageError } from "../engine/module.js";
import { formatDuration } from "../settings/duration.js";
import { decideHold, type Answer } from "./decide.js";
import { HoldStore } from "./holds.js";
import { Publishers } from "./publishers.js";
import { chatLabel, reasonsText } from "./render.js";

/** Answers where the command was issued: a short-lived reply in a group, else privately. */
function replier(event: CommandIssued, ttlMs: number | undefined = NOTICE_TTL_MS): Answer {
  return (text): Decision => replyTo(event, text, ttlMs);
}

async function displayName(ctx: Ctx, account: AccountKey): Promise<string> {
  return (await ctx.services.members.profile(account))?.displayName || account;
}

/** `/publisher add|remove <member>`: the member comes after the verb. */
const PUBLISHER_MEMBER_AFTER = 1;

/** The member `/publisher add|remove` names (a reply, or a member the adapter resolved after the verb). */
async function publisherTarget(
  ctx: Ctx,
  event: CommandIssued,
): Promise<{ account: AccountKey; name: string } | undefined> {
  const target = requireTarget(ctx, event, PUBLISHER_MEMBER_AFTER);
  if (!target) return undefined;
  const fromReply = event.replyTo?.author === target.account ? event.replyTo.authorName : undefined;
  return { account: target.account, name: fromReply ?? (await displayName(ctx, target.account)) };
}

const publisherCommand: CommandSpec = {
  name: "publisher",
  scope: "group",
  admin: true,
  usage: "news.usagePublisher",
  description: "news.describePublisher",
  memberAfter: PUBLISHER_MEMBER_AFTER,
  async run(ctx, event) {
    const community = ctx.community;
    if (!community) return;
    const reply = replier(event);
    const [verb = ""] = event.args.split(/\s+/).filter((w) => w !== "");
    const publishers = new Publishers(ctx.services.store);
    const sub = verb.toLowerCase();
    if (sub === "list") {
      const list = await publishers.list(community.id);
      const names = await Promise.all(list.map((p) => displayName(ctx, p.account)));
      ctx.emit(
        reply(
          names.length === 0
            ? ctx.t("news.publisherNone", { community: community.name })
            : ctx.t("news.publisherList", { community: community.name, names: names.join(", ") }),
        ),
      );
      return;
    }
    if (sub !== "add" && sub !== "remove") throw new UsageError();
    const target = await publisherTarget(ctx, event);
    if (!target) return;
    if (sub === "add") {
      const added = await publishers.add(community.id, {
        account: target.account,
        addedBy: event.actor.account,
        addedAt: ctx.now,
      });
      ctx.emit(reply(ctx.t(added ? "news.publisherAdded" : "news.publisherAlready", { name: target.name })));
    } else {
      const removed = await publishers.remove(community.id, target.account);
      ctx.emit(
        reply(ctx.t(removed ? "news.publisherRemoved" : "news.publisherNotOne", { name: target.name })),
      );
    }
  },
};

const queueCommand: CommandSpec = {
  name: "queue",
  scope: "any",
  admin: true,
  usage: "news.usageQueue",
  description: "news.describeQueue",
  async run(ctx, event) {
    const { directory } = ctx.services;
    const inReview = event.chat !== undefined && directory.reviewedBy(event.chat) !== undefined;
    // The list names members: only in the review chat or privately.
    const answer: Answer = inReview
      ? replier(event, undefined)
      : (text) => ({ kind: "send_private", account: event.actor.account, text });
    const candidates = ctx.community ? [ctx.community] : directory.communities;
    const holds = new HoldStore(ctx.services.store);
    for (const community of candidates) {
      if (!(await ctx.isAdmin(community, ctx.actor))) continue;
      const pending = await holds.pending(community.id);
      if (pending.length === 0) {
        ctx.emit(answer(ctx.t("news.queueEmpty", { community: community.name })));
        continue;
      }
      const lines = pending.map((h) =>
        ctx.t("news.queueLine", {
          id: h.id,
          name: h.authorName,
          chat: chatLabel(community, h.chat),
          age: formatDuration(Math.max(0, ctx.now - h.createdAt)),
          reasons: reasonsText(ctx.t, h.reasons),
        }),
      );
      ctx.emit(
        answer(
          [ctx.t("news.queueHeader", { community: community.name, count: pending.length }), ...lines].join(
            "\n",
          ),
        ),
      );
    }
  },
};

function holdIdAndRest(args: string): { id: string; rest: string } {
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(args.trim());
  if (!match) throw new UsageError();
  return { id: match[1] as string, rest: (match[2] ?? "").trim() };
}

const approveCommand: CommandSpec = {
  name: "approvepost",
  scope: "any",
  admin: true,
  usage: "news.usageApprove",
  description: "news.describeApprove",
  async run(ctx, event) {
    const { id } = holdIdAndRest(event.args);
    const reply = replier(event);
    if (await decideHold(ctx, id, "approve", reply)) ctx.emit(reply(ctx.t("news.approvedDone", { id })));
  },
};

const rejectCommand: CommandSpec = {
  name: "rejectpost",
  scope: "any",
  admin: true,
  usage: "news.usageReject",
  description: "news.describeReject",
  async run(ctx, event) {
    const { id, rest } = holdIdAndRest(event.args);
    const reply = replier(event);
    if (await decideHold(ctx, id, "reject", reply, rest)) ctx.emit(reply(ctx.t("news.rejectedDone", { id })));
  },
};

export const newsCommands: readonly CommandSpec[] = [
  publisherCommand,
  queueCommand,
  approveCommand,
  rejectCommand,
];
