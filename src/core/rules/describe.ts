import type { Translate } from "../i18n/translator.js";
import type { Actor } from "../model/content.js";
import type { RuleHit } from "./compile.js";

/** How a category is called in messages: the catalogue's name for the default ones, else its config name. */
export function categoryLabel(t: Translate, name: string): string {
  switch (name) {
    case "terrorism":
      return t("rules.nameTerrorism");
    case "violence":
      return t("rules.nameViolence");
    case "pornography":
      return t("rules.namePornography");
    case "slander":
      return t("rules.nameSlander");
    case "spam":
      return t("rules.nameSpam");
    default:
      return name.replace(/[_-]+/g, " ");
  }
}

/** Longest excerpt of the member's text quoted in a mod-log line or a review card. */
const EXCERPT = 80;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
}

/** What matched, for admins (mod-log, review card): the rule and how the member wrote it. */
export function describeMatch(t: Translate, hit: RuleHit): string {
  switch (hit.by) {
    case "term":
      return t("rules.matchTerm", { rule: hit.rule, matched: excerpt(hit.matched) });
    case "pattern":
      return t("rules.matchPattern", { rule: hit.rule, matched: excerpt(hit.matched) });
    case "domain":
      return t("rules.matchDomain", { rule: hit.rule });
  }
}

/** The case reason (stored, shown in case lists): category and rule, never the member's text. */
export function caseReason(hit: RuleHit): string {
  const category = hit.category.name;
  switch (hit.by) {
    case "term":
      return `matched ${category} term "${hit.rule}"`;
    case "pattern":
      return `matched ${category} pattern /${hit.rule}/`;
    case "domain":
      return `matched ${category} link domain ${hit.rule}`;
  }
}

/** A member as admins see them in the mod-log and review chat: platform name and account key. */
export function memberLabel(actor: Actor): string {
  return `${actor.displayName} (${actor.account})`;
}
