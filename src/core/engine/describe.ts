import type { Decision } from "../decisions.js";
import type { ChatKey, Platform } from "../ids.js";
import { platformOf } from "../ids.js";
import type { Translate } from "../i18n/translator.js";
import { formatDuration } from "../settings/duration.js";

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
 * A one-line, personal-data-free description of a decision, for logs, failure reports and `simulate`.
 * Message texts are not included (they can carry names); `simulateLine` shows them where that is safe.
 */
export function describeDecision(d: Decision, now?: number): string {
  const until = (at?: number) =>
    at === undefined ? "" : now === undefined ? " (timed)" : ` for ${formatDuration(at - now)}`;
  switch (d.kind) {
    case "restrict":
      return `restrict ${d.account} in ${d.chat} to ${d.level}${until(d.until)}`;
    case "lift":
      return `lift restrictions of ${d.account} in ${d.chat}`;
    case "delete":
      return `delete ${d.messages.map((m) => `${m.chat}#${m.id}`).join(", ")}`;
    case "send":
      return `send to ${d.chat}${d.thread ? ` (thread ${d.thread})` : ""}`;
    case "send_private":
      return `send privately to ${d.account}`;
    case "post_card":
      return `post a review card in ${d.chat}${d.preserve?.length ? ` preserving ${d.preserve.length} message(s)` : ""}`;
    case "update_card":
      return `update card ${d.card.chat}#${d.card.id}`;
    case "repost":
      return `re-post ${d.content.length} message(s) in ${d.chat}${d.thread ? ` (thread ${d.thread})` : ""}`;
    case "ban":
      return `ban ${d.account} from ${d.chat}${until(d.until)}`;
    case "unban":
      return `unban ${d.account} in ${d.chat}`;
    case "kick":
      return `remove ${d.account} from ${d.chat}`;
    case "approve_join":
      return `approve the join request of ${d.account} to ${d.chat}`;
    case "decline_join":
      return `decline the join request of ${d.account} to ${d.chat}`;
    case "grant_role":
      return `grant role ${d.role} to ${d.account} in ${d.chat}`;
    case "revoke_role":
      return `revoke role ${d.role} from ${d.account} in ${d.chat}`;
    case "schedule":
      return `schedule ${d.timer.kind}${until(d.timer.at)}`;
    case "cancel_timer":
      return `cancel timer ${d.timerId}`;
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
