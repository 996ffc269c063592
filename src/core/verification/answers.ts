/**
 * The member's answers in the private dialogue: typed text (name, ID number, phone), a contact card, and
 * the rules buttons. Each valid answer moves the dialogue on (flow.ts).
 */
import type { Ctx } from "../engine/context.js";
import type { AccountKey } from "../ids.js";
import type { MessageRef } from "../model/content.js";
import type { MessageKey } from "../i18n/translator.js";
import { calendarDate, communityById, takeAttempt, tell, type VerificationDeps } from "./common.js";
import { abandon, advance } from "./flow.js";
import type { IdErrorCode } from "./id-validators.js";
import { maskId, validateId } from "./id-validators.js";
import { methodOf } from "./methods/index.js";
import { normalizePhone, normalizeTypedPhone } from "./phone.js";
import type { Session } from "./state.js";
import { keys } from "./state.js";

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

/** The steps whose answers are personal data. */
const PERSONAL_STEPS: ReadonlySet<string> = new Set(["name", "id", "phone"]);

/**
 * Text answers in the private chat. Returns false when no dialogue is running. An answer to a
 * personal-data step is deleted from the private chat once read (valid or not), where the platform
 * passed its `message`.
 */
export async function answerText(
  ctx: Ctx,
  deps: VerificationDeps,
  account: AccountKey,
  text: string,
  message?: MessageRef,
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
  if (message && step && PERSONAL_STEPS.has(step)) ctx.emit({ kind: "delete", messages: [message] });
  switch (step) {
    case "name": {
      // A lone surrogate would be sealed as U+FFFD: another name than the member typed.
      if (answer.length < 2 || answer.length > 100 || /[\d@/<>]|\p{Cs}/u.test(answer)) {
        ctx.emit(tell(account, t("verification.nameInvalid"), { asks: "name" }));
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
        ctx.emit(tell(account, t(idErrorMessages[check.code]), { asks: "id" }));
        return true;
      }
      session.idHash = sealer.keyedHash("id", check.normalized);
      session.idMask = maskId(check.normalized);
      if (methodOf(s).keepsIdNumber) session.sealedId = sealer.seal(check.normalized);
      break;
    }
    case "phone": {
      if (methodOf(s).phone === "own_contact") {
        ctx.emit(tell(account, t("verification.shareOwnContact"), { requestContact: true }));
        return true;
      }
      if (!(await takeAttempt(ctx, account, s.attempts_per_hour))) {
        ctx.emit(tell(account, t("verification.tooManyAttempts")));
        return true;
      }
      const phone = normalizeTypedPhone(answer, s.default_country_code);
      if (!phone) {
        const usage = s.default_country_code
          ? t("verification.phoneInvalidNational", { code: s.default_country_code })
          : t("verification.phoneInvalid");
        ctx.emit(tell(account, usage, { requestContact: true, asks: "phone" }));
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
