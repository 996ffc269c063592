/**
 * Texts and buttons of the news module: review cards, reasons, attributions. Pure functions of a hold
 * and a translator, so a card can be drawn again after any change (and after a restart).
 */
import type { Button, Decision } from "../decisions.js";
import { translator } from "../i18n/translator.js";
import type { ChatKey } from "../ids.js";
import type { Translate } from "../i18n/translator.js";
import type { CommunitySettings } from "../settings/community.js";
import type { NewsReason } from "./classifier.js";
import type { Hold } from "./holds.js";

/** Button data: `hold:<action>:<holdId>` — well under Telegram's 64 bytes for our 9-character ids. */
export type HoldAction = "approve" | "reject" | "warn";
export const buttonData = (action: HoldAction, id: string) => `hold:${action}:${id}`;

export function reasonText(t: Translate, reason: NewsReason): string {
  switch (reason.kind) {
    case "news_domain":
      return t("news.reasonNewsDomain", { domain: reason.domain });
    case "link":
      return t("news.reasonLink", { host: reason.host });
    case "forward":
      if (reason.title) return t("news.reasonForwardNamed", { title: reason.title });
      return t(reason.from === "channel" ? "news.reasonForwardChannel" : "news.reasonForwardChat");
    case "keyword":
      return t("news.reasonKeyword", { term: reason.term });
  }
}

export function reasonsText(t: Translate, reasons: readonly NewsReason[]): string {
  return [...new Set(reasons.map((r) => reasonText(t, r)))].join("; ");
}

/** A chat's title from the settings, else the community's name and the chat's key (never a member's data). */
export function chatLabel(community: CommunitySettings | undefined, chat: ChatKey): string {
  const title = community?.chats.find((c) => c.key === chat)?.title;
  return title ?? (community ? `${community.name} (${chat})` : chat);
}

/** "2026-01-05 09:00 UTC": unambiguous for admins in any time zone. */
export function formatTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function cardButtons(t: Translate, hold: Hold): Button[][] {
  if (hold.status !== "pending") return [];
  return [
    [
      { label: t("news.buttonApprove"), data: buttonData("approve", hold.id) },
      { label: t("news.buttonReject"), data: buttonData("reject", hold.id) },
    ],
    [{ label: t("news.buttonRejectWarn"), data: buttonData("warn", hold.id) }],
  ];
}

/** The review card: who, where, why, and the current state. */
export function cardText(t: Translate, community: CommunitySettings | undefined, hold: Hold): string {
  const lines = [
    t("news.cardTitle", { id: hold.id, name: hold.authorName, chat: chatLabel(community, hold.chat) }),
    t("news.cardReasons", { reasons: reasonsText(t, hold.reasons) }),
  ];
  if (hold.edited) lines.push(t("news.cardEdited"));
  if (hold.parts.length > 1) lines.push(t("news.cardAlbum", { count: hold.parts.length }));
  if (hold.originalsKept) lines.push(t("news.cardOriginalsKept"));
  const admin = hold.decidedByName ?? String(hold.decidedBy ?? "");
  const time = formatTime(hold.decidedAt ?? hold.createdAt);
  const reason = hold.reason ?? t("news.defaultRejectReason");
  switch (hold.status) {
    case "collecting":
    case "pending":
      if (hold.expiresAt !== undefined)
        lines.push(t("news.cardPending", { when: formatTime(hold.expiresAt) }));
      break;
    case "approved":
      lines.push(t("news.cardApproved", { admin, time }));
      if (hold.reposted === "failed") lines.push(t("news.cardRepostFailed", { id: hold.id }));
      if (hold.reposted === "unknown") lines.push(t("news.cardRepostUnknown", { id: hold.id }));
      break;
    case "rejected":
      lines.push(t(hold.warned ? "news.cardRejectedWarn" : "news.cardRejected", { admin, time, reason }));
      break;
    case "expired":
      lines.push(t("news.cardExpired", { time }));
      break;
    case "failed":
      break;
  }
  return lines.join("\n");
}

/** Redraws the review card of a hold (if it has one). */
export function cardUpdate(community: CommunitySettings, hold: Hold): Decision[] {
  if (!hold.card) return [];
  const t = translator(community.language);
  return [
    {
      kind: "update_card",
      card: hold.card,
      text: cardText(t, community, hold),
      buttons: cardButtons(t, hold),
    },
  ];
}
