import { replyTo } from "../engine/command-helpers.js";
import type { Ctx } from "../engine/context.js";
import type { CommandSpec, Module, Verdict } from "../engine/module.js";
import type { CommandIssued, MessageEdited, MessagePosted } from "../events.js";
import type { AccountKey } from "../ids.js";
import { translator } from "../i18n/translator.js";
import { DAY } from "../ports/clock.js";
import type { CommunitySettings, Policy } from "../settings/community.js";
import type { Actor } from "../model/content.js";
import type { MaybePromise } from "../ports/store.js";
import { compiledPolicy, mostSevere, type RuleHit } from "./compile.js";
import { caseReason, categoryLabel, describeMatch, memberLabel } from "./describe.js";
import {
  BUTTON_PREFIX,
  holdKey,
  holdsOfKey,
  pressHoldButton,
  ruleHolds,
  saveHold,
  type RuleHold,
} from "./holds.js";

/** A message acted on for a category is not acted on again for it when edited (kept as long as edits are possible). */
const ACTED_TTL = 2 * DAY;
const actedKey = (message: { chat: string; id: string }, category: string) =>
  `rules-acted:${message.chat}:${message.id}:${category}`;

/**
 * Content rules: every message (and every edit; captions are text) is matched against the policy's
 * categories of terms, patterns and link domains. The most severe category hit decides what happens:
 *
 * - `delete`: the message is deleted and a violation recorded (the sanctions ladder takes it from there);
 * - `hold`: the message is copied to the review chat with a card, deleted from its chat, and an admin
 *   confirms the violation (recorded then) or releases it (re-posted with an attribution line);
 * - `record`: only a violation is recorded; the message stays and later modules still see it.
 *
 * Admins are exempt. The mod-log chat gets one line per case, posted when the case opens (by the sanctions
 * module for a recorded violation, by the hold buttons for a release): a hold waiting for review has its card
 * in the review chat and is not a case yet.
 */
export function rulesModule(): Module {
  return {
    name: "rules",
    commands: [rulesCommand],
    onMessage,
    onRemovedMessage,
    buttons: { [BUTTON_PREFIX]: pressHoldButton },
    recorders: ruleHolds.recorders,
    timers: ruleHolds.timers,
    recover: async (ctx) => {
      await ruleHolds.recover(ctx);
    },
    exportData,
    eraseData,
  };
}

interface Found {
  community: CommunitySettings;
  hit: RuleHit;
  first: boolean;
}

/**
 * The most severe hit of a non-admin's message, with whether it is the first time this message is acted
 * on for it. A message that hits nothing (most) is answered at once, without a promise.
 */
function findHit(ctx: Ctx, event: MessagePosted | MessageEdited): MaybePromise<Found | undefined> {
  const { community, policy, actor } = ctx;
  if (!community || !policy || !actor || !policy.rules.enabled) return undefined;
  // with the news keywords: the news classifier reuses this walk over the message (compiledPolicy)
  const hits = compiledPolicy(policy, ctx.services.logger, community.id).scan(event.content);
  if (hits.length === 0) return undefined;
  return hitFound(ctx, event, community, policy, actor, hits);
}

async function hitFound(
  ctx: Ctx,
  event: MessagePosted | MessageEdited,
  community: CommunitySettings,
  policy: Policy,
  actor: Actor,
  hits: readonly RuleHit[],
): Promise<Found | undefined> {
  if (actor.isChatAdmin || (await ctx.isAdmin(community, actor))) return undefined;
  const hit = mostSevere(hits, policy.sanctions.ladder);
  if (!hit) return undefined;

  // An edit of a message already acted on for this category is not acted on twice, nor the message
  // delivered again after a crash (on SQLite the claim is committed with the violation's records; on Redis
  // and PostgreSQL, where each write is stored by itself, a crash right after the claim loses the violation,
  // though the post delivered again is still deleted: docs/reliability.md).
  const first = await ctx.services.store.setIfAbsent(
    actedKey(event.message, hit.category.name),
    ctx.now,
    ACTED_TTL,
  );
  return { community, hit, first };
}

/**
 * A message the access gate already deleted (the member is muted, limited or unverified): a hit still
 * counts. `delete` and `record` categories record the violation; a `hold` category needs an admin's
 * judgement on a message that can no longer be copied or released, so it is only logged.
 */
function onRemovedMessage(ctx: Ctx, event: MessagePosted | MessageEdited): MaybePromise<void> {
  const found = findHit(ctx, event);
  if (found === undefined) return undefined;
  return removedHit(ctx, event, found);
}

async function removedHit(
  ctx: Ctx,
  event: MessagePosted | MessageEdited,
  finding: MaybePromise<Found | undefined>,
): Promise<void> {
  const found = await finding;
  if (!found) return;
  const { community, hit } = found;
  const action = hit.category.settings.action;
  if (!found.first) {
    // A post delivered again after a crash that the gate removed (the mute was stored): as in `actOnHit`.
    if (event.kind === "message_posted" && action !== "hold")
      await ctx.services.violations.reassert(ctx, community, event.actor.account);
    return;
  }
  ctx.services.logger.info(
    {
      community: community.id,
      account: event.actor.account,
      category: hit.category.name,
      by: hit.by,
      action,
      removedBy: "access-gate",
    },
    "content rule hit",
  );
  if (action !== "hold") await recordViolation(ctx, community, event, hit);
}

function onMessage(ctx: Ctx, event: MessagePosted | MessageEdited): MaybePromise<Verdict> {
  const found = findHit(ctx, event);
  if (found === undefined) return "continue";
  return actOnHit(ctx, event, found);
}

async function actOnHit(
  ctx: Ctx,
  event: MessagePosted | MessageEdited,
  finding: MaybePromise<Found | undefined>,
): Promise<Verdict> {
  const found = await finding;
  if (!found) return "continue";
  const { community, hit, first } = found;
  const actor = event.actor;
  if (!first) {
    const action = hit.category.settings.action;
    // Acted on already: an edit, or the post delivered again because a crash cut its first handling short
    // after the violation was stored (a hold is finished by the holds' own recovery). A post's platform
    // side goes out again, idempotent: its deletion and the sanction in force. The case, the points and
    // the notices are not repeated.
    if (event.kind === "message_posted" && action !== "hold") {
      if (action === "delete") ctx.emit({ kind: "delete", messages: [event.message] });
      await ctx.services.violations.reassert(ctx, community, actor.account);
    }
    return action === "record" ? "continue" : "stop";
  }

  ctx.services.logger.info(
    {
      community: community.id,
      account: actor.account,
      category: hit.category.name,
      by: hit.by,
      action: hit.category.settings.action,
    },
    "content rule hit",
  );
  switch (hit.category.settings.action) {
    case "delete":
      ctx.emit({ kind: "delete", messages: [event.message] });
      await recordViolation(ctx, community, event, hit);
      return "stop";
    case "record":
      await recordViolation(ctx, community, event, hit);
      return "continue";
    case "hold":
      await hold(ctx, community, event, hit);
      return "stop";
  }
}

async function recordViolation(
  ctx: Ctx,
  community: CommunitySettings,
  event: MessagePosted | MessageEdited,
  hit: RuleHit,
): Promise<void> {
  await ctx.services.violations.record(ctx, {
    community,
    account: event.actor.account,
    chat: event.message.chat,
    source: "rule",
    category: hit.category.name,
    reason: caseReason(hit),
    actor: "bot",
    points: hit.category.settings.points,
  });
}

function chatLabel(ctx: Ctx, event: MessagePosted | MessageEdited): string {
  return ctx.services.directory.label(event.message.chat);
}

/**
 * Holds a message for review: copy it into the review chat with a card (Confirm violation / Release),
 * then delete the original only if the copy worked. Without a review chat the message is deleted.
 */
async function hold(
  ctx: Ctx,
  community: CommunitySettings,
  event: MessagePosted | MessageEdited,
  hit: RuleHit,
): Promise<void> {
  const review = community.reviewChat;
  if (!review) {
    ctx.emit({ kind: "delete", messages: [event.message] });
    await recordViolation(ctx, community, event, hit);
    return;
  }
  const t = translator(community.language);
  const record: RuleHold = {
    id: ctx.services.random.id(),
    community: community.id,
    chat: event.message.chat,
    chatLabel: chatLabel(ctx, event),
    message: event.message,
    account: event.actor.account,
    memberLabel: memberLabel(event.actor),
    displayName: event.actor.displayName,
    ...(event.actor.avatarUrl ? { avatarUrl: event.actor.avatarUrl } : {}),
    category: hit.category.name,
    reason: caseReason(hit),
    match: describeMatch(t, hit),
    points: hit.category.settings.points,
    content: event.content,
    status: "pending",
    at: ctx.now,
  };
  await saveHold(ctx, record);
  await ruleHolds.review(ctx, record);
}

/** `/rules`: the community's written rules, then the names of its content-rule categories (never the terms). */
const rulesCommand: CommandSpec = {
  name: "rules",
  scope: "any",
  admin: false,
  usage: "rules.usageRules",
  description: "rules.describeRules",
  async run(ctx: Ctx, event: CommandIssued) {
    const communities = ctx.community ? [ctx.community] : await communitiesOf(ctx, event.actor.account);
    const blocks = communities.map((community) => {
      const policy = ctx.community === community && ctx.policy ? ctx.policy : community.policy;
      const names = policy.rules.enabled ? Object.keys(policy.rules.categories) : [];
      // The community's written rules (the ones members accept when verifying) come first.
      const written = policy.verification.rules.trim();
      const categories =
        names.length === 0
          ? ctx.t("rules.rulesNone", { community: community.name })
          : [
              ctx.t("rules.rulesHeader", { community: community.name }),
              ...names.map((n) => `• ${categoryLabel(ctx.t, n)}`),
            ].join("\n");
      return written ? `${written}\n\n${categories}` : categories;
    });
    if (blocks.length === 0) return;
    const text = blocks.join("\n\n");
    ctx.emit(replyTo(event, text));
  },
};

async function communitiesOf(ctx: Ctx, account: AccountKey): Promise<CommunitySettings[]> {
  const all = ctx.services.directory.communities;
  if (all.length === 1) return [...all];
  const ids = (await ctx.services.members.profile(account))?.communities ?? [];
  return ids
    .map((id) => ctx.services.directory.community(id))
    .filter((c): c is CommunitySettings => c !== undefined);
}

/** Held messages of the member (with their text: shown only to the member, privately). */
async function exportData(ctx: Ctx, account: AccountKey): Promise<Record<string, unknown> | undefined> {
  const refs = (await ctx.services.store.get<{ community: string; id: string }[]>(holdsOfKey(account))) ?? [];
  const holds: RuleHold[] = [];
  for (const ref of refs) {
    const h = await ctx.services.store.get<RuleHold>(holdKey(ref.community, ref.id));
    if (h) holds.push(h);
  }
  if (holds.length === 0) return undefined;
  return {
    heldMessages: holds.map((h) => ({
      community: h.community,
      chat: h.chatLabel,
      category: h.category,
      status: h.status,
      at: new Date(h.at).toISOString(),
      text: h.content.text,
    })),
  };
}

/** Forgets the member's held messages (a pending one is then never released). Nothing is kept. */
async function eraseData(ctx: Ctx, account: AccountKey): Promise<string[]> {
  const { store } = ctx.services;
  const refs = (await store.get<{ community: string; id: string }[]>(holdsOfKey(account))) ?? [];
  for (const ref of refs) await store.delete(holdKey(ref.community, ref.id));
  await store.delete(holdsOfKey(account));
  return [];
}
