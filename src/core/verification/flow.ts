import { openCase } from "../engine/audit.js";
import type { Decision } from "../decisions.js";
import type { Ctx } from "../engine/context.js";
import type { AccountKey, IdentityId } from "../ids.js";
import { platformOf } from "../ids.js";
import { translator, type MessageKey, type Translate } from "../i18n/translator.js";
import type { CommunitySettings } from "../settings/community.js";
import {
  calendarDate,
  communityById,
  declineJoinRequests,
  grantFull,
  maskPhone,
  takeAttempt,
  toAdmins,
  type VerificationDeps,
} from "./common.js";
import type { IdErrorCode } from "./id-validators.js";
import { maskId, validateId } from "./id-validators.js";
import { normalizePhone } from "./phone.js";
import type { VerificationSettings } from "./settings.js";
import type { Identity, ReviewRequest, Session, StepName, VerifyMethod } from "./state.js";
import { bindAccount, identityOf, keys, TIMER, timerIds, unbindAccount } from "./state.js";

/** Each validator error code has its own plain message. */
export const idErrorMessages: Record<IdErrorCode, MessageKey> = {
  empty: "verification.idEmpty",
  wrong_length: "verification.idWrongLength",
  bad_characters: "verification.idBadCharacters",
  bad_region: "verification.idBadRegion",
  impossible_date: "verification.idImpossibleDate",
  future_date: "verification.idFutureDate",
  bad_check_char: "verification.idBadCheckChar",
  pattern_mismatch: "verification.idPatternMismatch",
};

export function stepsFor(s: VerificationSettings): StepName[] {
  const steps: StepName[] = [];
  if (s.fields.legal_name) steps.push("name");
  if (s.fields.id_number) steps.push("id");
  if (s.fields.phone || s.method === "phone") steps.push("phone");
  if (s.rules.trim()) steps.push("rules");
  return steps;
}

const tell = (
  account: AccountKey,
  text: string,
  extra: Partial<Decision & { kind: "send_private" }> = {},
): Decision => ({
  kind: "send_private",
  account,
  text,
  ...extra,
});

/** Starts (or restarts) the private dialogue. `intro` is said before the first question. */
export async function begin(
  ctx: Ctx,
  deps: VerificationDeps,
  community: CommunitySettings,
  account: AccountKey,
  intro?: string,
): Promise<void> {
  const t = await ctx.translatorFor(account, community);
  const { store } = ctx.services;
  const s = community.policy.verification;
  if ((await identityOf(store, community.id, account))?.verified) {
    await grantFull(ctx, community, account);
    ctx.emit(tell(account, t("verification.alreadyVerified", { community: community.name })));
    return;
  }
  if (s.method === "external" && (!deps.identityProvider || !s.external)) {
    ctx.emit(tell(account, t("verification.unavailable", { community: community.name })));
    ctx.emit(
      ...toAdmins(community, (at) => at("verification.adminExternalMissing", { community: community.name })),
    );
    return;
  }
  if (s.method === "admin_review" && !community.reviewChat) {
    ctx.emit(tell(account, t("verification.unavailable", { community: community.name })));
    ctx.emit(
      ...toAdmins(community, (at) =>
        at("verification.adminReviewChatMissing", { community: community.name }),
      ),
    );
    return;
  }
  if (await store.get<string>(keys.pendingRequest(community.id, account))) {
    ctx.emit(tell(account, t("verification.stillPending")));
    return;
  }
  const session: Session = {
    id: ctx.services.random.id("s"),
    community: community.id,
    steps: stepsFor(s),
    index: 0,
    seq: 0,
    startedAt: ctx.now,
  };
  ctx.emit(
    tell(
      account,
      intro
        ? `${intro}\n\n${t("verification.begin", { community: community.name })}`
        : t("verification.begin", { community: community.name }),
    ),
  );
  if (session.steps.length === 0) {
    await store.delete(keys.session(account));
    await finish(ctx, deps, community, account, session, t);
    return;
  }
  await store.set(keys.session(account), session);
  promptStep(ctx, t, community, account, session);
}

function promptStep(
  ctx: Ctx,
  t: Translate,
  community: CommunitySettings,
  account: AccountKey,
  session: Session,
): void {
  const s = community.policy.verification;
  const step = session.steps[session.index];
  const progress = t("verification.progress", { step: session.index + 1, total: session.steps.length });
  switch (step) {
    case "name":
      ctx.emit(tell(account, `${progress} ${t("verification.askName")}`));
      break;
    case "id":
      ctx.emit(
        tell(
          account,
          `${progress} ${t(s.fields.id_number && s.fields.id_number.kind === "cn-resident" ? "verification.askIdCn" : "verification.askId")}`,
        ),
      );
      break;
    case "phone":
      ctx.emit(
        tell(
          account,
          `${progress} ${t(s.method === "phone" ? "verification.askPhoneContact" : "verification.askPhone")}`,
          {
            requestContact: true,
          },
        ),
      );
      break;
    case "rules":
      ctx.emit(
        tell(account, `${progress} ${t("verification.askRules", { rules: s.rules.trim() })}`, {
          buttons: [
            [
              { label: t("verification.buttonAccept"), data: `verify:accept:${session.id}` },
              { label: t("verification.buttonDecline"), data: `verify:decline:${session.id}` },
            ],
          ],
        }),
      );
      break;
    default:
      return;
  }
  ctx.emit({
    kind: "schedule",
    timer: {
      id: timerIds.step(account),
      at: ctx.now + s.step_timeout,
      kind: TIMER.step,
      payload: { account, session: session.id, seq: session.seq },
    },
  });
}

/** Ends the dialogue without a decision (cancel, timeout, declined rules). */
export async function abandon(ctx: Ctx, account: AccountKey): Promise<Session | undefined> {
  let ended: Session | undefined;
  await ctx.services.store.update<Session>(keys.session(account), (cur) => {
    ended = cur;
    return undefined;
  });
  ctx.emit({ kind: "cancel_timer", timerId: timerIds.step(account) });
  if (ended) await declineJoinRequests(ctx, ended.community, account);
  return ended;
}

/** Text answers in the private chat. Returns false when no dialogue is running. */
export async function answerText(
  ctx: Ctx,
  deps: VerificationDeps,
  account: AccountKey,
  text: string,
): Promise<boolean> {
  const { store, sealer } = ctx.services;
  const session = await store.get<Session>(keys.session(account));
  if (!session) return false;
  const community = communityById(ctx, session.community);
  if (!community) {
    await store.delete(keys.session(account));
    return false;
  }
  const s = community.policy.verification;
  const t = ctx.t;
  const step = session.steps[session.index];
  const answer = text.trim();
  switch (step) {
    case "name": {
      if (answer.length < 2 || answer.length > 100 || /[\d@/<>]/.test(answer)) {
        ctx.emit(tell(account, t("verification.nameInvalid")));
        return true;
      }
      session.sealedName = sealer.seal(answer.normalize("NFKC").replace(/\s+/g, " "));
      break;
    }
    case "id": {
      if (!s.fields.id_number) return true;
      if (!(await takeAttempt(ctx, account, s.attempts_per_hour))) {
        ctx.emit(tell(account, t("verification.tooManyAttempts")));
        return true;
      }
      const check = validateId(s.fields.id_number, answer, calendarDate(ctx.now));
      if (!check.ok) {
        ctx.emit(tell(account, t(idErrorMessages[check.code])));
        return true;
      }
      session.idHash = sealer.keyedHash("id", check.normalized);
      session.idMask = maskId(check.normalized);
      if (s.method === "external") session.sealedId = sealer.seal(check.normalized);
      break;
    }
    case "phone": {
      if (s.method === "phone") {
        ctx.emit(tell(account, t("verification.shareOwnContact"), { requestContact: true }));
        return true;
      }
      if (!(await takeAttempt(ctx, account, s.attempts_per_hour))) {
        ctx.emit(tell(account, t("verification.tooManyAttempts")));
        return true;
      }
      const phone = normalizePhone(answer);
      if (!phone) {
        ctx.emit(tell(account, t("verification.phoneInvalid"), { requestContact: true }));
        return true;
      }
      session.sealedPhone = sealer.seal(phone);
      session.phoneHash = sealer.keyedHash("phone", phone);
      break;
    }
    case "rules":
      ctx.emit(tell(account, t("verification.useButtons")));
      return true;
    default:
      return false;
  }
  await advance(ctx, deps, community, account, session);
  return true;
}

/** A contact card: accepted only at the phone step and only for the member's own account. */
export async function answerContact(
  ctx: Ctx,
  deps: VerificationDeps,
  account: AccountKey,
  phoneText: string,
  owner?: AccountKey,
): Promise<boolean> {
  const { store, sealer } = ctx.services;
  const session = await store.get<Session>(keys.session(account));
  if (!session || session.steps[session.index] !== "phone") return false;
  const community = communityById(ctx, session.community);
  if (!community) return false;
  if (owner !== account) {
    ctx.emit(tell(account, ctx.t("verification.shareOwnContact"), { requestContact: true }));
    return true;
  }
  if (!(await takeAttempt(ctx, account, community.policy.verification.attempts_per_hour))) {
    ctx.emit(tell(account, ctx.t("verification.tooManyAttempts")));
    return true;
  }
  const phone = normalizePhone(phoneText);
  if (!phone) {
    ctx.emit(tell(account, ctx.t("verification.phoneInvalid"), { requestContact: true }));
    return true;
  }
  session.sealedPhone = sealer.seal(phone);
  session.phoneHash = sealer.keyedHash("phone", phone);
  session.phoneFromPlatform = true;
  await advance(ctx, deps, community, account, session);
  return true;
}

/** The Accept / Decline buttons of the rules step. */
export async function answerRules(
  ctx: Ctx,
  deps: VerificationDeps,
  account: AccountKey,
  sessionId: string,
  accepted: boolean,
): Promise<void> {
  const session = await ctx.services.store.get<Session>(keys.session(account));
  if (!session || session.id !== sessionId || session.steps[session.index] !== "rules") {
    ctx.emit(tell(account, ctx.t("verification.noSession")));
    return;
  }
  const community = communityById(ctx, session.community);
  if (!community) return;
  if (!accepted) {
    await abandon(ctx, account);
    ctx.emit(tell(account, ctx.t("verification.rulesDeclined")));
    return;
  }
  await advance(ctx, deps, community, account, session);
}

async function advance(
  ctx: Ctx,
  deps: VerificationDeps,
  community: CommunitySettings,
  account: AccountKey,
  session: Session,
): Promise<void> {
  const next: Session = { ...session, index: session.index + 1, seq: session.seq + 1 };
  if (next.index < next.steps.length) {
    await ctx.services.store.set(keys.session(account), next);
    promptStep(ctx, ctx.t, community, account, next);
    return;
  }
  await ctx.services.store.delete(keys.session(account));
  ctx.emit({ kind: "cancel_timer", timerId: timerIds.step(account) });
  await finish(ctx, deps, community, account, next, ctx.t);
}

/** A step timer came due: abandon the dialogue if it is still waiting at that step. */
export async function stepTimedOut(
  ctx: Ctx,
  account: AccountKey,
  sessionId: string,
  seq: number,
): Promise<void> {
  const session = await ctx.services.store.get<Session>(keys.session(account));
  if (!session || session.id !== sessionId || session.seq !== seq) return;
  await abandon(ctx, account);
  const community = communityById(ctx, session.community);
  const t = await ctx.translatorFor(account, community);
  ctx.emit(tell(account, t("verification.timedOut")));
}

/** What the identity is matched by, and whether this account may bind to it. */
async function conflict(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  keyHash: string | undefined,
): Promise<MessageKey | undefined> {
  if (!keyHash) return undefined;
  const { store, access } = ctx.services;
  const id = await store.get<IdentityId>(keys.hashIndex(community.id, keyHash));
  const identity = id ? await store.get<Identity>(keys.identity(community.id, id)) : undefined;
  if (!identity) return undefined;
  for (const other of identity.accounts) {
    for (const chat of community.chats)
      if ((await access.get(chat.key, other))?.banned) return "verification.identityBanned";
  }
  if (identity.erased) return "verification.identityBanned";
  const platform = platformOf(account);
  const sameOther = identity.accounts.filter((a) => a !== account && platformOf(a) === platform);
  if (sameOther.length >= community.policy.verification.max_accounts_per_platform)
    return "verification.accountCap";
  return undefined;
}

interface Collected {
  sealedName?: string;
  idHash?: string;
  idMask?: string;
  sealedPhone?: string;
  phoneHash?: string;
}

function keyOf(c: Collected): { keyHash?: string; keyField?: "id_number" | "phone" } {
  if (c.idHash) return { keyHash: c.idHash, keyField: "id_number" };
  if (c.phoneHash) return { keyHash: c.phoneHash, keyField: "phone" };
  return {};
}

/** All answers are in: apply the community's method. */
async function finish(
  ctx: Ctx,
  deps: VerificationDeps,
  community: CommunitySettings,
  account: AccountKey,
  session: Session,
  t: Translate,
): Promise<void> {
  const s = community.policy.verification;
  if (!session.idHash && !session.phoneHash && !(await takeAttempt(ctx, account, s.attempts_per_hour))) {
    ctx.emit(tell(account, t("verification.tooManyAttempts")));
    return;
  }
  const collected: Collected = {
    sealedName: session.sealedName,
    idHash: session.idHash,
    idMask: session.idMask,
    sealedPhone: session.sealedPhone,
    phoneHash: session.phoneHash,
  };
  const refused = await conflict(ctx, community, account, keyOf(collected).keyHash);
  if (refused) {
    await reject(
      ctx,
      community,
      account,
      t(refused, { platform: platformOf(account), max: s.max_accounts_per_platform }),
      "bot",
    );
    return;
  }
  switch (s.method) {
    case "self_declared":
      await complete(ctx, community, account, collected, "self_declared");
      return;
    case "phone":
      if (!session.phoneFromPlatform) {
        ctx.emit(tell(account, t("verification.shareOwnContact"), { requestContact: true }));
        return;
      }
      await complete(ctx, community, account, collected, "phone");
      return;
    case "admin_review":
      await submitForReview(ctx, community, account, collected, t);
      return;
    case "external":
      await askProvider(ctx, deps, community, account, session, collected, t);
      return;
  }
}

async function askProvider(
  ctx: Ctx,
  deps: VerificationDeps,
  community: CommunitySettings,
  account: AccountKey,
  session: Session,
  collected: Collected,
  t: Translate,
): Promise<void> {
  const s = community.policy.verification;
  const provider = deps.identityProvider;
  if (!provider || !s.external) {
    ctx.emit(tell(account, t("verification.unavailable", { community: community.name })));
    ctx.emit(
      ...toAdmins(community, (at) => at("verification.adminExternalMissing", { community: community.name })),
    );
    return;
  }
  const { sealer, logger } = ctx.services;
  const requestId = ctx.services.random.id("x");
  const result = await provider.check({
    endpoint: { url: s.external.url, timeoutMs: s.external.timeout, tokenEnv: s.external.token_env },
    requestId,
    community: community.id,
    account,
    platform: platformOf(account),
    fields: {
      legal_name: session.sealedName ? sealer.open(session.sealedName) : undefined,
      id_number: session.sealedId ? sealer.open(session.sealedId) : undefined,
      phone: session.sealedPhone ? sealer.open(session.sealedPhone) : undefined,
    },
  });
  if (result.status === "verified") {
    await complete(ctx, community, account, collected, "external");
  } else if (result.status === "rejected") {
    await reject(ctx, community, account, result.reason, "bot");
  } else {
    logger.warn(
      { community: community.id, requestId, error: result.message },
      "identity provider did not answer",
    );
    ctx.emit(tell(account, t("verification.providerFailed")));
    ctx.emit(
      ...toAdmins(community, (at) =>
        at("verification.adminProviderFailed", { community: community.name, error: result.message }),
      ),
    );
    await declineJoinRequests(ctx, community.id, account);
  }
}

async function submitForReview(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  collected: Collected,
  t: Translate,
): Promise<void> {
  const { store, random, sealer } = ctx.services;
  const reviewChat = community.reviewChat;
  if (!reviewChat) return;
  const profile = await ctx.services.members.profile(account);
  const request: ReviewRequest = {
    id: random.id("r").slice(0, 12),
    community: community.id,
    account,
    displayName: profile?.displayName ?? account,
    ...collected,
    status: "pending",
    createdAt: ctx.now,
  };
  await store.set(keys.request(community.id, request.id), request);
  await store.set(keys.pendingRequest(community.id, account), request.id);
  const at = translator(community.language);
  ctx.emit({
    kind: "post_card",
    chat: reviewChat,
    text: reviewCardText(at, request, (v) => sealer.open(v)),
    buttons: [
      [
        { label: at("verification.buttonApprove"), data: `verify:approve:${request.id}` },
        { label: at("verification.buttonReject"), data: `verify:reject:${request.id}` },
      ],
    ],
    record: { kind: "verification.card", community: community.id, request: request.id },
  });
  ctx.emit(tell(account, t("verification.submitted")));
}

/** The review card: the only place besides the member's private chat where the real name appears. */
export function reviewCardText(t: Translate, r: ReviewRequest, open: (sealed: string) => string): string {
  const lines = [t("verification.cardTitle", { id: r.id, member: r.displayName, account: r.account })];
  if (r.sealedName) lines.push(t("verification.cardName", { name: open(r.sealedName) }));
  if (r.idMask) lines.push(t("verification.cardId", { id: r.idMask }));
  if (r.sealedPhone) lines.push(t("verification.cardPhone", { phone: maskPhone(open(r.sealedPhone)) }));
  return lines.join("\n");
}

/**
 * Records the verified identity (matched by the keyed hash when there is one), binds the account and
 * gives it full access. Used by every method, manual verification and review approval.
 */
export async function complete(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  collected: Collected,
  method: VerifyMethod,
  by?: AccountKey,
): Promise<Identity> {
  const { store, random } = ctx.services;
  const { keyHash, keyField } = keyOf(collected);
  const freshId = random.id("i") as IdentityId;
  const id = keyHash
    ? ((await store.update<IdentityId>(
        keys.hashIndex(community.id, keyHash),
        (cur) => cur ?? freshId,
      )) as IdentityId)
    : freshId;
  const current = await store.get<IdentityId>(keys.binding(community.id, account));
  if (current && current !== id) await unbindAccount(store, community.id, account);
  const identity = (await store.update<Identity>(keys.identity(community.id, id), (cur) => ({
    id,
    community: community.id,
    keyHash,
    keyField,
    accounts: cur?.accounts ?? [],
    idMask: collected.idMask ?? cur?.idMask,
    sealedName: collected.sealedName ?? cur?.sealedName,
    sealedPhone: collected.sealedPhone ?? cur?.sealedPhone,
    verified: true,
    method,
    verifiedAt: ctx.now,
    verifiedBy: by,
  }))) as Identity;
  await bindAccount(store, identity, account);
  await openCase(ctx, community, {
    action: "verified",
    source: "verification",
    subject: account,
    actor: by ?? "bot",
    reason: method,
  });
  await grantFull(ctx, community, account);
  const t = await ctx.translatorFor(account, community);
  ctx.emit(tell(account, t("verification.verified", { community: community.name })));
  return identity;
}

/** A refusal: the member hears the reason and what to do next; waiting join requests are declined. */
export async function reject(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  reason: string,
  by: AccountKey | "bot",
): Promise<void> {
  await openCase(ctx, community, {
    action: "verification_rejected",
    source: "verification",
    subject: account,
    actor: by,
    reason: "verification refused",
  });
  await declineJoinRequests(ctx, community.id, account);
  const t = await ctx.translatorFor(account, community);
  ctx.emit(tell(account, t("verification.rejected", { community: community.name, reason })));
}
