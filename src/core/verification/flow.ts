/**
 * The private verification dialogue: starting it, asking each step, moving on, stopping it (cancel,
 * timeout), and its end, where the identity's key is checked and the community's method decides.
 * The answers themselves are read in answers.ts.
 */
import type { Ctx } from "../engine/context.js";
import type { AccountKey } from "../ids.js";
import { platformOf } from "../ids.js";
import type { Translate } from "../i18n/translator.js";
import type { CommunitySettings } from "../settings/community.js";
import {
  communityById,
  declineJoinRequests,
  grantFull,
  takeAttempt,
  tell,
  toAdmins,
  type VerificationDeps,
} from "./common.js";
import { conflict, keyOf, keyTakenCaseReason, keyTakenText, reject, type Collected } from "./decide.js";
import { methodOf, stepsFor, supportsAccount } from "./methods/index.js";
import type { VerificationSettings } from "./settings.js";
import type { Session } from "./state.js";
import { identityOf, keys, TIMER, timerIds } from "./state.js";
import { take } from "../ports/store.js";

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
  const method = methodOf(s);
  if (!supportsAccount(method, account)) {
    const where = (method.platforms ?? []).join(", ");
    ctx.emit(
      tell(
        account,
        t("verification.methodNotHere", {
          community: community.name,
          platform: platformOf(account),
          platforms: where,
        }),
      ),
    );
    return;
  }
  const missing = method.missing(community, deps);
  if (missing) {
    ctx.emit(tell(account, t("verification.unavailable", { community: community.name })));
    ctx.emit(...toAdmins(community, (at) => at(missing, { community: community.name })));
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
  ctx.services.observer?.verification("started");
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
      ctx.emit(tell(account, `${progress}${t("verification.askName")}`, { asks: "name" }));
      break;
    case "id":
      ctx.emit(
        tell(
          account,
          `${progress}${t(s.fields.id_number && s.fields.id_number.kind === "cn-resident" ? "verification.askIdCn" : "verification.askId")}`,
          { asks: "id" },
        ),
      );
      break;
    case "phone":
      ctx.emit(tell(account, `${progress}${askPhoneText(t, s)}`, { requestContact: true, asks: "phone" }));
      break;
    case "rules":
      ctx.emit(
        tell(account, `${progress}${t("verification.askRules", { rules: s.rules.trim() })}`, {
          asks: "rules",
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
  const ended = await take<Session>(ctx.services.store, keys.session(account));
  ctx.emit({ kind: "cancel_timer", timerId: timerIds.step(account) });
  if (ended) {
    ctx.services.observer?.verification("abandoned");
    await declineJoinRequests(ctx, ended.community, account);
  }
  return ended;
}

/** The step is answered: the next question, or the end. */
export async function advance(
  ctx: Ctx,
  deps: VerificationDeps,
  community: CommunitySettings,
  account: AccountKey,
  session: Session,
): Promise<void> {
  if (await keyTaken(ctx, community, account, session)) return;
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

/**
 * Right after the step that gives the identity its key (the ID number; the phone when no ID number is
 * asked): when that key belongs to an identity this account may not join (account cap, a banned account),
 * the dialogue stops here, before the member types anything else, with words that do not say which.
 */
async function keyTaken(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  session: Session,
): Promise<boolean> {
  const { keyHash, keyField } = keyOf(session);
  if (!keyHash || !keyField) return false;
  if (session.steps[session.index] !== (keyField === "id_number" ? "id" : "phone")) return false;
  const why = await conflict(ctx, community, account, keyHash);
  if (!why) return false;
  await ctx.services.store.delete(keys.session(account));
  ctx.emit({ kind: "cancel_timer", timerId: timerIds.step(account) });
  const reason = keyTakenText(ctx.t, keyField);
  await reject(ctx, community, account, reason, "bot", keyTakenCaseReason(keyField, why));
  return true;
}

/**
 * All answers are in: check the identity's key once more (another dialogue may have taken it since its
 * step), then the community's method decides.
 */
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
  const { keyHash, keyField } = keyOf(collected);
  const why = keyHash && keyField && (await conflict(ctx, community, account, keyHash));
  if (keyField && why) {
    await reject(
      ctx,
      community,
      account,
      keyTakenText(t, keyField),
      "bot",
      keyTakenCaseReason(keyField, why),
    );
    return;
  }
  await methodOf(s).finish(ctx, deps, community, account, session, collected, t);
}

function askPhoneText(t: Translate, s: VerificationSettings): string {
  if (methodOf(s).phone === "own_contact") return t("verification.askPhoneContact");
  return s.default_country_code
    ? t("verification.askPhoneNational", { code: s.default_country_code })
    : t("verification.askPhone");
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
