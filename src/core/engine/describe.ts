import type { Decision } from "../decisions.js";
import type { ChatKey, Platform } from "../ids.js";
import { platformOf } from "../ids.js";
import type { Translate } from "../i18n/translator.js";

/** The platform whose adapter carries out a decision. */
export function targetPlatform(
  decision: Exclude<Decision, { kind: "schedule" } | { kind: "cancel_timer" }>,
): Platform {
  switch (decision.kind) {
    case "send_private":
      return platformOf(decision.account);
    case "delete": {
      const first = decision.messages[0];
      if (!first) throw new Error("delete decision without messages");
      return platformOf(first.chat);
    }
    case "update_card":
      return platformOf(decision.card.chat);
    default:
      return platformOf(decision.chat);
  }
}

/**
 * What a decision tried to do, in the admins' language, for the failure report in the mod-log
 * (`core.actionFailed`). Chats are named as people know them (`label`); no message text.
 */
export function describeForAdmins(d: Decision, t: Translate, label: (chat: ChatKey) => string): string {
  switch (d.kind) {
    case "restrict":
      return t("core.actRestrict", { account: d.account, chat: label(d.chat) });
    case "lift":
      return t("core.actLift", { account: d.account, chat: label(d.chat) });
    case "delete":
      return t("core.actDelete", { chat: d.messages[0] ? label(d.messages[0].chat) : "?" });
    case "send":
      return t("core.actSend", { chat: label(d.chat) });
    case "send_private":
      return t("core.actSendPrivate", { account: d.account });
    case "post_card":
      return t("core.actPostCard", { chat: label(d.chat) });
    case "update_card":
      return t("core.actUpdateCard", { chat: label(d.card.chat) });
    case "repost":
      return t("core.actRepost", { chat: label(d.chat) });
    case "ban":
      return t("core.actBan", { account: d.account, chat: label(d.chat) });
    case "unban":
      return t("core.actUnban", { account: d.account, chat: label(d.chat) });
    case "kick":
      return t("core.actKick", { account: d.account, chat: label(d.chat) });
    case "approve_join":
      return t("core.actApproveJoin", { account: d.account, chat: label(d.chat) });
    case "decline_join":
      return t("core.actDeclineJoin", { account: d.account, chat: label(d.chat) });
    case "grant_role":
      return t("core.actGrantRole", { account: d.account, role: d.role, chat: label(d.chat) });
    case "revoke_role":
      return t("core.actRevokeRole", { account: d.account, role: d.role, chat: label(d.chat) });
    case "schedule":
    case "cancel_timer":
      return t("core.actTimer");
  }
}
