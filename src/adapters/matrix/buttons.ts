import type { Button } from "../../core/decisions.js";
import type { KeyValueStore } from "../../core/ports/store.js";

/**
 * Matrix has no buttons: a message's buttons become reactions. The executor posts the message with a
 * legend ("React ✅ Approve · ❌ Reject"), adds each key as its own reaction so members only have to
 * click it, and remembers which key means which button data (`ReactionButtons.remember`). A member's
 * reaction then comes back as a press of that button (`ReactionButtons.dataOf`, used by the translator).
 *
 * The mapping lives in the store, so a card posted before a restart can still be decided after it; the
 * hold, verification request or report ids on a card's buttons are indexed too (`cardOf`), so
 * `!approve <id>` / `!reject <id> <reason>` typed in the review room find the card.
 */

/**
 * Keys by position: the first button (approve, confirm, accept) is ✅, the second (reject, decline)
 * ❌, a third (reject and warn) ⚠️; longer rows get numbers.
 */
export const REACTION_KEYS = ["✅", "❌", "⚠️", "1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣"] as const;

/** How long a mapping is kept: long past any hold's expiry (news holds expire within days). */
export const BUTTONS_TTL_MS = 90 * 24 * 3_600_000;

/** One button as a reaction. */
export interface ReactionButton {
  key: string;
  label: string;
  data: string;
}

/** What is kept per message with buttons. */
export interface ButtonMessage {
  room: string;
  eventId: string;
  buttons: ReactionButton[];
}

/**
 * Reaction keys compare without emoji variation selectors: clients send ✅ with or without U+FE0F,
 * and ⚠ (text style) is the same key as ⚠️.
 */
export function normalizeKey(key: string): string {
  return key.replace(/\uFE0F/g, "").trim();
}

/** The buttons of a decision, row by row, as reactions with their keys (at most ten). */
export function asReactions(buttons: readonly (readonly Button[])[]): ReactionButton[] {
  return buttons
    .flat()
    .slice(0, REACTION_KEYS.length)
    .map((b, i) => ({ key: REACTION_KEYS[i] as string, label: b.label, data: b.data }));
}

/** The line the executor appends to a message with buttons: "React ✅ Approve · ❌ Reject". */
export function reactionLegend(reactions: readonly ReactionButton[], react = "React"): string {
  if (!reactions.length) return "";
  return `${react} ${reactions.map((r) => `${r.key} ${r.label}`).join(" · ")}`;
}

/** `hold:approve:abc123` → `abc123`: the id a button acts on (its last `:` part). */
export function subjectOf(data: string): string | undefined {
  const parts = data.split(":");
  return parts.length >= 3 ? parts.at(-1) || undefined : undefined;
}

const messageKey = (eventId: string) => `matrix:buttons:${eventId}`;
const cardKey = (subject: string) => `matrix:card:${subject}`;

export class ReactionButtons {
  constructor(
    private readonly store: KeyValueStore,
    private readonly ttlMs = BUTTONS_TTL_MS,
  ) {}

  /**
   * Remembers what the reactions on a message mean (after the message is sent, or after an edit
   * changed its buttons). No buttons forgets the message: reactions on a decided card do nothing.
   */
  async remember(room: string, eventId: string, reactions: readonly ReactionButton[]): Promise<void> {
    if (!reactions.length) {
      await this.store.delete(messageKey(eventId));
      return;
    }
    const entry: ButtonMessage = { room, eventId, buttons: [...reactions] };
    await this.store.set(messageKey(eventId), entry, this.ttlMs);
    for (const subject of new Set(reactions.map((r) => subjectOf(r.data)))) {
      if (subject) await this.store.set(cardKey(subject), eventId, this.ttlMs);
    }
  }

  /** The buttons of a message, if it has any. */
  async buttonsOf(eventId: string): Promise<ButtonMessage | undefined> {
    return this.store.get<ButtonMessage>(messageKey(eventId));
  }

  /** The button data a reaction key on a message stands for. */
  async dataOf(eventId: string, key: string): Promise<string | undefined> {
    const entry = await this.buttonsOf(eventId);
    const wanted = normalizeKey(key);
    return entry?.buttons.find((b) => normalizeKey(b.key) === wanted)?.data;
  }

  /** The card whose buttons act on this id (a hold, a verification request, a report). */
  async cardOf(subject: string): Promise<ButtonMessage | undefined> {
    const eventId = await this.store.get<string>(cardKey(subject));
    return eventId ? this.buttonsOf(eventId) : undefined;
  }
}
