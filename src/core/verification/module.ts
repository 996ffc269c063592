import type { Module } from "../engine/module.js";
import type { AccountKey } from "../ids.js";
import { adminCommands, reviewButton } from "./admin.js";
import { communityById, type VerificationDeps } from "./common.js";
import { answerContact, answerRules, answerText } from "./answers.js";
import { begin, stepTimedOut } from "./flow.js";
import { onGraceEnd, onJoin, onJoinRequest, onMessage, onReminder, onRemoveDue } from "./gate.js";
import { memberCommands } from "./member-commands.js";
import { eraseVerification, exportVerification } from "./personal-data.js";
import type { ReviewRequest } from "./state.js";
import { keys, TIMER } from "./state.js";

export type { VerificationDeps } from "./common.js";

/**
 * Real-name binding. Members verify in the private chat (fields one at a time, rules, then the community's
 * method); until then they have limited access. Names and phones are sealed, ID numbers kept only as a
 * keyed hash and a masked tail; personal data is shown only privately or in the review chat.
 */
export function createVerificationModule(deps: VerificationDeps): Module {
  return {
    name: "verification",
    commands: [...memberCommands(deps), ...adminCommands],
    onJoin,
    onMessage,
    onJoinRequest: (ctx, event) => onJoinRequest(ctx, deps, event),
    onPrivateText: (ctx, event) => answerText(ctx, deps, event.actor.account, event.text, event.message),
    onContact: (ctx, event) =>
      answerContact(ctx, deps, event.actor.account, event.phone, event.contactAccount),
    buttons: {
      async verify(ctx, event, rest) {
        const [action = "", arg = ""] = splitOnce(rest);
        const account = event.actor.account;
        const invalid = () =>
          ctx.emit({ kind: "send_private", account, text: ctx.t("core.buttonInvalid"), refusal: true });
        switch (action) {
          case "start": {
            const community = communityById(ctx, arg);
            if (!community) return invalid();
            await ctx.services.store.delete(keys.session(account));
            await begin(ctx, deps, community, account);
            return;
          }
          case "accept":
          case "decline":
            return answerRules(ctx, deps, account, arg, action === "accept");
          case "approve":
          case "reject":
            return reviewButton(ctx, event, action, arg);
          default:
            return invalid();
        }
      },
    },
    timers: {
      [TIMER.step]: (ctx, timer) =>
        stepTimedOut(
          ctx,
          String(timer.payload.account) as AccountKey,
          String(timer.payload.session),
          Number(timer.payload.seq),
        ),
      [TIMER.grace]: onGraceEnd,
      [TIMER.remind]: onReminder,
      [TIMER.remove]: onRemoveDue,
    },
    recorders: {
      async "verification.card"(ctx, tag, outcome) {
        const card = outcome.status === "ok" ? outcome.refs?.[0] : undefined;
        const community = communityById(ctx, String(tag.community));
        if (!community) return;
        if (!card) {
          ctx.services.logger.warn(
            { community: community.id, request: tag.request },
            "review card could not be posted",
          );
          return;
        }
        await ctx.services.store.update<ReviewRequest>(
          keys.request(community.id, String(tag.request)),
          (cur) => (cur ? { ...cur, card } : cur),
        );
      },
    },
    exportData: exportVerification,
    eraseData: eraseVerification,
  };
}

function splitOnce(rest: string): [string, string] {
  const colon = rest.indexOf(":");
  return colon < 0 ? [rest, ""] : [rest.slice(0, colon), rest.slice(colon + 1)];
}
