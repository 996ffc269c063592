import type { CommandIssued, CoreEvent } from "../../core/events.js";
import type { ReactionButtons } from "./buttons.js";
import { matrixMessageRef } from "./keys.js";

/**
 * `!approve <id>` and `!reject <id> <reason>` in Matrix: one pair of words for every card in the review
 * room, found by the id on its buttons (`ReactionButtons.cardOf`):
 *
 * - a news hold: the core's `approvepost` / `rejectpost` (the reason is kept);
 * - a verification request: approve is the card's Approve button, reject the core's `reject` with the
 *   reason;
 * - a content-rule hold: approve releases the post, reject confirms the hold;
 * - anything else (a report, an appeal): approve is the card's first button, reject its second.
 *
 * A press goes through the same admin check as a reaction (the core re-checks every press), with the
 * issuer's power level read afresh by the translator. An id no card knows stays the command it was.
 */
export async function reviewCommand(event: CommandIssued, buttons: ReactionButtons): Promise<CoreEvent> {
  if (event.name !== "approve" && event.name !== "reject") return event;
  const id = /^\S+/.exec(event.args)?.[0];
  const card = id ? await buttons.cardOf(id) : undefined;
  if (!id || !card) return event;
  const approve = event.name === "approve";
  const data = card.buttons.map((b) => b.data);
  const prefix = data[0]?.split(":")[0];
  const press = (wanted: string | undefined): CoreEvent =>
    wanted === undefined
      ? event
      : {
          kind: "button_pressed",
          data: wanted,
          actor: event.actor,
          ...(event.chat ? { chat: event.chat } : {}),
          message: matrixMessageRef(card.room, card.eventId),
          ...(event.at !== undefined ? { at: event.at } : {}),
        };
  switch (prefix) {
    case "hold":
      return { ...event, name: approve ? "approvepost" : "rejectpost" };
    case "verify":
      return approve ? press(data.find((d) => d.startsWith("verify:approve:"))) : event;
    case "rules":
      return press(data.find((d) => d.startsWith(approve ? "rules:release:" : "rules:confirm:")));
    default:
      return press(data[approve ? 0 : 1]);
  }
}
