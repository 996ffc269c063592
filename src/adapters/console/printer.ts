import type { Button, Outcome } from "../../core/decisions.js";
import { parseKey } from "../../core/ids.js";
import { formatDuration } from "../../core/settings/duration.js";
import type { Effect } from "./world.js";

const name = (key: string) => {
  const { platform, id } = parseKey(key);
  return platform === "console" ? id : key;
};

const buttons = (rows?: Button[][]) =>
  rows?.length
    ? "  " +
      rows
        .flat()
        .map((b) => `[${b.label}]`)
        .join(" ")
    : "";
const indent = (text: string) => text.replace(/\n/g, "\n      ");

/** One readable line (or a few) per thing the bot did in the simulated world. */
export function formatEffect(effect: Effect, now: number): string {
  const { decision: d, outcome, message } = effect;
  const number = message ? `#${message.ref.id}` : "";
  const fail = failure(outcome);
  switch (d.kind) {
    case "send":
      return `  bot → ${name(d.chat)} ${number}${d.ttlMs ? " (notice)" : ""}: ${indent(d.text)}${buttons(d.buttons)}${fail}`;
    case "send_private":
      return `  bot ⇒ ${name(d.account)} (private): ${indent(d.text)}${buttons(d.buttons)}${d.requestContact ? "  [📱 share contact]" : ""}${fail}`;
    case "post_card":
      return `${(effect.copies ?? [])
        .map((c, i) => {
          const from = d.preserve?.[i];
          return `  bot → ${name(d.chat)} #${c.ref.id} (copy${from ? ` of ${name(from.chat)} #${from.id}` : ""}): ${indent(c.text)}\n`;
        })
        .join("")}  bot → ${name(d.chat)} ${number} (card): ${indent(d.text)}${buttons(d.buttons)}${fail}`;
    case "update_card":
      return `  bot ✎ ${name(d.card.chat)} #${d.card.id} (card): ${indent(d.text)}${buttons(d.buttons)}${fail}`;
    case "repost":
      return `  bot ↻ ${name(d.chat)} ${number}: ${indent(d.attribution)}\n      ${indent(d.content.map((c) => c.text).join("\n"))}${fail}`;
    case "delete":
      return `  bot ✂ deleted ${d.messages.map((m) => `${name(m.chat)} #${m.id}`).join(", ")}${fail}`;
    case "restrict":
      return `  bot ⛔ ${name(d.account)} in ${name(d.chat)} limited to ${d.level}${d.until ? ` for ${formatDuration(d.until - now)}` : ""}${fail}`;
    case "lift":
      return `  bot ✓ ${name(d.account)} in ${name(d.chat)} has full rights again${fail}`;
    case "ban":
      return `  bot 🚫 ${name(d.account)} banned from ${name(d.chat)}${d.until ? ` for ${formatDuration(d.until - now)}` : ""}${fail}`;
    case "unban":
      return `  bot ✓ ${name(d.account)} unbanned in ${name(d.chat)}${fail}`;
    case "kick":
      return `  bot ⏏ ${name(d.account)} removed from ${name(d.chat)}${fail}`;
    case "approve_join":
      return `  bot ✓ join request of ${name(d.account)} to ${name(d.chat)} approved${fail}`;
    case "decline_join":
      return `  bot ✗ join request of ${name(d.account)} to ${name(d.chat)} declined${fail}`;
    case "grant_role":
    case "revoke_role":
      return `  bot ${d.kind === "grant_role" ? "+" : "-"} role ${d.role} for ${name(d.account)} in ${name(d.chat)}${fail}`;
  }
}

function failure(outcome: Outcome): string {
  if (outcome.status === "failed") return `   ✗ FAILED: ${outcome.error.message}`;
  if (outcome.status === "skipped") return `   (skipped: ${outcome.reason})`;
  return "";
}
