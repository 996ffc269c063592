import type { Button, Decision, SendPrivate } from "../decisions.js";
import type { CoreEvent } from "../events.js";
import type { AccountKey, ChatKey } from "../ids.js";
import type { Instant } from "../ports/clock.js";
import type { Sealer } from "../ports/crypto.js";
import { KEEP, type KeyValueStore } from "../ports/store.js";

/** How long a private text waits for a member who cannot be written to, and how many wait. */
export const OUTBOX_TTL_MS = 24 * 60 * 60_000;
export const OUTBOX_MAX = 10;
/** How long the "open a private chat with me" notice stays in a group (one live notice per member and chat). */
export const OPEN_PRIVATE_NOTICE_TTL_MS = 2 * 60_000;

/** A private text that could not be delivered. */
export interface WaitingText {
  text: string;
  buttons?: Button[][];
  requestContact?: boolean;
  at: Instant;
}

/**
 * As it waits in the store: sealed, since a private text may carry the member's own data (a /mydata
 * answer, a verification summary). Items with `text` in clear were written by older versions.
 */
type StoredText = { at: Instant; sealed: string } | WaitingText;

const outboxKey = (account: AccountKey) => `outbox:${account}`;
const noticeKey = (chat: ChatKey, account: AccountKey) => `outbox-notice:${chat}|${account}`;

/** An "open a private chat" notice claimed by a run; `posted` once the platform took it. */
interface NoticeClaim {
  at: Instant;
  run: string;
  posted: boolean;
}

/** The outcome tag of such a notice. */
export const OPEN_PRIVATE_TAG = "core.open-private";

/**
 * Private texts waiting for a member the bot may not write to yet (Telegram: the member never opened
 * the bot or blocked it; Discord: closed DMs; Matrix: no DM room). They live in the store (24 h, the
 * newest 10 per member) and go out, oldest first, as soon as the member writes to the bot privately,
 * also after a restart. Every change is one atomic `update`.
 */
export class PrivateOutbox {
  constructor(
    private readonly store: KeyValueStore,
    private readonly sealer: Sealer,
  ) {}

  /** /forgetme: texts still waiting for the member (they may hold their data) and the notice marks. */
  async forget(account: AccountKey, chats: readonly ChatKey[]): Promise<void> {
    await this.store.delete(outboxKey(account));
    for (const chat of chats) await this.store.delete(noticeKey(chat, account));
  }

  /** Keeps a private text the platform refused to deliver (`forbidden`). */
  async keep(decision: SendPrivate, now: Instant): Promise<void> {
    const content = {
      text: decision.text,
      ...(decision.buttons?.length ? { buttons: decision.buttons } : {}),
      ...(decision.requestContact ? { requestContact: true } : {}),
    };
    const item: StoredText = { at: now, sealed: this.sealer.seal(JSON.stringify(content)) };
    await this.store.update<StoredText[]>(
      outboxKey(decision.account),
      (current = []) => [...live(current, now), item].slice(-OUTBOX_MAX),
      OUTBOX_TTL_MS,
    );
  }

  /** Takes what waits for the member (oldest first); it is gone from the store afterwards. */
  async take(account: AccountKey, now: Instant): Promise<WaitingText[]> {
    const taken = await this.store.change<StoredText[], StoredText[]>(outboxKey(account), (current) =>
      current ? { value: undefined, result: live(current, now) } : { value: KEEP, result: [] },
    );
    return taken.map((item) => this.opened(item));
  }

  /** What waits for the member, without taking it (for tests and /mydata). */
  async peek(account: AccountKey, now: Instant): Promise<WaitingText[]> {
    return live((await this.store.get<StoredText[]>(outboxKey(account))) ?? [], now).map((item) =>
      this.opened(item),
    );
  }

  private opened(item: StoredText): WaitingText {
    if (!("sealed" in item)) return item;
    const content = JSON.parse(this.sealer.open(item.sealed)) as Omit<WaitingText, "at">;
    return { ...content, at: item.at };
  }

  /**
   * Claims the right to post an "open a private chat" notice for the member in a chat: true unless a
   * notice of the last `OPEN_PRIVATE_NOTICE_TTL_MS` is still up there, or one is being posted by this
   * run. A claim another run made and never saw posted (it died first) does not count: that notice may
   * never have gone out, and the member would be left without a way in. Nor does one of another process
   * that still runs (a shared store): it cannot be told from one that died seconds ago, whose mark on
   * the store has not lapsed (`RunLeases`), and waiting for that would lose the newcomer's only way in
   * (the crash run on Redis caught it). Two processes so may both post the notice; it deletes itself.
   */
  claimNotice(chat: ChatKey, account: AccountKey, now: Instant, run: string): Promise<boolean> {
    // Compared with the engine's clock, not only the store's expiry: the clock may be a test's or moved.
    return this.store.change<NoticeClaim | Instant, boolean>(
      noticeKey(chat, account),
      (cur) => {
        // A bare instant: written by an older version, once the notice was asked for.
        const claim = typeof cur === "number" ? { at: cur, run: "", posted: true } : cur;
        const live = claim !== undefined && now - claim.at < OPEN_PRIVATE_NOTICE_TTL_MS;
        const unfinished = claim !== undefined && !claim.posted && claim.run !== run;
        return live && !unfinished
          ? { value: KEEP, result: false }
          : { value: { at: now, run, posted: false }, result: true };
      },
      OPEN_PRIVATE_NOTICE_TTL_MS,
    );
  }

  /** The notice went out: it counts for every run now. */
  async noticePosted(chat: ChatKey, account: AccountKey): Promise<void> {
    await this.store.change<NoticeClaim | Instant, undefined>(
      noticeKey(chat, account),
      (cur) =>
        cur === undefined || typeof cur === "number"
          ? { value: KEEP, result: undefined }
          : { value: { ...cur, posted: true }, result: undefined },
      OPEN_PRIVATE_NOTICE_TTL_MS,
    );
  }
}

const live = <T extends { at: Instant }>(items: readonly T[], now: Instant) =>
  items.filter((item) => now - item.at < OUTBOX_TTL_MS);

/** The member behind an event in the private chat with the bot: writing there opens it. */
export function privateWriter(event: CoreEvent): AccountKey | undefined {
  switch (event.kind) {
    case "private_message":
    case "contact_shared":
      return event.actor.account;
    case "command":
    case "button_pressed":
      return event.chat ? undefined : event.actor.account;
    default:
      return undefined;
  }
}

/**
 * The waiting texts as the private messages that deliver them. A text whose button the member is
 * pressing right now (a deep link that carried the button) is answered by the press itself.
 */
export function deliveries(
  event: CoreEvent,
  account: AccountKey,
  waiting: readonly WaitingText[],
): Decision[] {
  const pressed = event.kind === "button_pressed" ? event.data : undefined;
  const answered = (w: WaitingText) =>
    pressed !== undefined && Boolean(w.buttons?.flat().some((b) => b.data === pressed));
  return waiting
    .filter((w) => !answered(w))
    .map((w) => ({
      kind: "send_private",
      account,
      text: w.text,
      ...(w.buttons ? { buttons: w.buttons } : {}),
      ...(w.requestContact ? { requestContact: true } : {}),
    }));
}
