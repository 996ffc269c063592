import type {
  Button,
  DecisionExecutor,
  Outcome,
  PlatformDecision,
  PlatformFailure,
} from "../../core/decisions.js";
import type { AccountKey, ChatKey } from "../../core/ids.js";
import type { AccessLevel } from "../../core/model/access.js";
import type { MessageRef, PostContent } from "../../core/model/content.js";

export interface SimMessage {
  ref: MessageRef;
  /** "bot" for the bot's own messages. */
  author: AccountKey | "bot";
  text: string;
  content?: PostContent;
  buttons?: Button[][];
  deleted: boolean;
}

/** One thing the bot did in the simulated world, for printing. */
export interface Effect {
  decision: PlatformDecision;
  outcome: Outcome;
  /** The message the bot posted, if it posted one. */
  message?: SimMessage;
  /** Messages copied into the review chat before a card (`post_card` with `preserve`). */
  copies?: SimMessage[];
}

const PRIVATE_PREFIX = "console:@";

/** How many messages per chat a kept playground remembers (older ones only keep their numbers). */
const KEPT_PER_CHAT = 500;

/** What a playground run with `--keep` leaves for the next one: the chats as members see them. */
export interface WorldSnapshot {
  v: 1;
  /** Per chat: how many messages came before the kept ones, and the kept ones. */
  chats: Record<string, { before: number; messages: SimMessage[] }>;
  access: [string, { level: AccessLevel; until?: number }][];
  banned: string[];
  pendingJoins: string[];
  admins: string[];
  closedPrivate: AccountKey[];
  withoutRights: ChatKey[];
}

/**
 * A simulated set of chats that carries out decisions like a platform would: the executor behind the
 * console playground and `chatwarden simulate`. Nothing is printed here; `onEffect` reports each act.
 * Tests may inject failures (`failNext`) to see how the engine copes with a platform saying no.
 */
export class SimulatedWorld implements DecisionExecutor {
  readonly messages = new Map<ChatKey, SimMessage[]>();
  readonly access = new Map<string, { level: AccessLevel; until?: number }>();
  readonly banned = new Set<string>();
  readonly pendingJoins = new Set<string>();
  readonly admins = new Set<string>();
  /**
   * Members the bot may not write to privately (as on Telegram before they open the bot): a private
   * message to them fails as `forbidden` until they write to the bot themselves.
   */
  readonly closedPrivate = new Set<AccountKey>();
  /** Chats where the bot lost its admin rights: acting on members or messages there fails as `forbidden`. */
  readonly withoutRights = new Set<ChatKey>();
  readonly effects: Effect[] = [];
  private readonly failures: { kind: PlatformDecision["kind"]; error: PlatformFailure }[] = [];
  /** Messages numbered before this world existed, per chat (a playground run that keeps its store). */
  private readonly earlier = new Map<ChatKey, number>();
  onEffect?: (effect: Effect) => void;
  /** Called when a member (not the bot) posts, with the message number the world gave it. */
  onPost?: (message: SimMessage) => void;

  /** The private chat of an account with the bot, as a chat key. */
  static privateChat(account: AccountKey): ChatKey {
    return `${PRIVATE_PREFIX}${account}` as ChatKey;
  }

  failNext(kind: PlatformDecision["kind"], error: Partial<PlatformFailure> = {}): void {
    this.failures.push({
      kind,
      error: { code: "forbidden", message: "not enough rights", retryable: false, ...error },
    });
  }

  /** A member posts: the world assigns the message number. */
  post(chat: ChatKey, author: AccountKey, text: string, content?: PostContent, thread?: string): SimMessage {
    if (chat === SimulatedWorld.privateChat(author)) this.closedPrivate.delete(author);
    const message = this.append(chat, { author, text, content, thread });
    this.onPost?.(message);
    return message;
  }

  /** Numbers messages on from where an earlier run stopped, so new messages never reuse a stored id. */
  continueNumbering(last: Readonly<Record<string, number>>): void {
    for (const [chat, n] of Object.entries(last)) this.earlier.set(chat as ChatKey, n);
  }

  /**
   * The chats, access levels and bans as they stand, for the next run of a kept playground (the
   * bot's store survives it; without this its cards, buttons and messages would not). Only the last
   * `KEPT_PER_CHAT` messages of a chat are kept; numbering goes on after all of them.
   */
  snapshot(): WorldSnapshot {
    const chats: WorldSnapshot["chats"] = {};
    for (const chat of new Set([...this.earlier.keys(), ...this.messages.keys()])) {
      const list = this.messages.get(chat) ?? [];
      const kept = list.slice(-KEPT_PER_CHAT);
      chats[chat] = { before: (this.earlier.get(chat) ?? 0) + list.length - kept.length, messages: kept };
    }
    return {
      v: 1,
      chats,
      access: [...this.access],
      banned: [...this.banned],
      pendingJoins: [...this.pendingJoins],
      admins: [...this.admins],
      closedPrivate: [...this.closedPrivate],
      withoutRights: [...this.withoutRights],
    };
  }

  /** Takes up where `snapshot` was taken (in a fresh world). */
  restore(s: WorldSnapshot): void {
    for (const [chat, { before, messages }] of Object.entries(s.chats)) {
      this.earlier.set(chat as ChatKey, before);
      this.messages.set(chat as ChatKey, messages);
    }
    for (const [k, v] of s.access) this.access.set(k, v);
    for (const k of s.banned) this.banned.add(k);
    for (const k of s.pendingJoins) this.pendingJoins.add(k);
    for (const k of s.admins) this.admins.add(k);
    for (const k of s.closedPrivate) this.closedPrivate.add(k);
    for (const k of s.withoutRights) this.withoutRights.add(k);
  }

  find(chat: ChatKey, id: string): SimMessage | undefined {
    return this.messages.get(chat)?.find((m) => m.ref.id === id);
  }

  visible(chat: ChatKey): SimMessage[] {
    return (this.messages.get(chat) ?? []).filter((m) => !m.deleted);
  }

  privateMessages(account: AccountKey): SimMessage[] {
    return this.visible(SimulatedWorld.privateChat(account));
  }

  levelOf(chat: ChatKey, account: AccountKey): AccessLevel {
    return this.access.get(`${chat}|${account}`)?.level ?? "full";
  }

  isBanned(chat: ChatKey, account: AccountKey): boolean {
    return this.banned.has(`${chat}|${account}`);
  }

  async execute(decision: PlatformDecision): Promise<Outcome> {
    const failure = this.failures.findIndex((f) => f.kind === decision.kind);
    if (failure >= 0) {
      const error = this.failures.splice(failure, 1)[0]?.error as PlatformFailure;
      return this.done(decision, { status: "failed", error });
    }
    const key = (chat: ChatKey, account: AccountKey) => `${chat}|${account}`;
    const acted =
      decision.kind === "delete"
        ? decision.messages[0]?.chat
        : "account" in decision && "chat" in decision
          ? decision.chat
          : undefined;
    if (acted && this.withoutRights.has(acted))
      return this.done(decision, {
        status: "failed",
        error: { code: "forbidden", message: "not enough rights", retryable: false },
      });
    switch (decision.kind) {
      case "restrict":
        this.access.set(key(decision.chat, decision.account), {
          level: decision.level,
          until: decision.until,
        });
        return this.done(decision, { status: "ok" });
      case "lift":
        this.access.delete(key(decision.chat, decision.account));
        return this.done(decision, { status: "ok" });
      case "delete":
        // A message that is gone already counts as deleted (Telegram: "message to delete not found").
        for (const ref of decision.messages) {
          const m = this.find(ref.chat, ref.id);
          if (m) m.deleted = true;
        }
        return this.done(decision, { status: "ok" });
      case "send": {
        const message = this.append(decision.chat, {
          author: "bot",
          text: decision.text,
          buttons: decision.buttons,
          thread: decision.thread,
        });
        return this.done(decision, { status: "ok", refs: [message.ref] }, message);
      }
      case "send_private": {
        if (this.closedPrivate.has(decision.account))
          return this.done(decision, {
            status: "failed",
            error: {
              code: "forbidden",
              message: "the member has not opened a private chat with the bot",
              retryable: false,
            },
          });
        const message = this.append(SimulatedWorld.privateChat(decision.account), {
          author: "bot",
          text: decision.text,
          buttons: decision.buttons,
        });
        return this.done(decision, { status: "ok", refs: [message.ref] }, message);
      }
      case "post_card": {
        const copies = (decision.preserve ?? []).map((ref) => {
          const original = this.find(ref.chat, ref.id);
          return this.append(decision.chat, {
            author: "bot",
            text: original?.text ?? "",
            content: original?.content,
          });
        });
        const card = this.append(decision.chat, {
          author: "bot",
          text: decision.text,
          buttons: decision.buttons,
        });
        return this.done(
          decision,
          { status: "ok", refs: [card.ref, ...copies.map((c) => c.ref)] },
          card,
          copies,
        );
      }
      case "update_card": {
        const card = this.find(decision.card.chat, decision.card.id);
        if (!card || card.deleted) {
          return this.done(decision, {
            status: "failed",
            error: { code: "not_found", message: "card not found", retryable: false },
          });
        }
        card.text = decision.text;
        card.buttons = decision.buttons;
        return this.done(decision, { status: "ok", refs: [card.ref] }, card);
      }
      case "repost": {
        const text = [decision.attribution, ...decision.content.map((c) => c.text)].join("\n");
        const message = this.append(decision.chat, {
          author: "bot",
          text,
          thread: decision.thread,
          content: decision.content[0],
        });
        return this.done(decision, { status: "ok", refs: [message.ref] }, message);
      }
      case "ban":
        this.banned.add(key(decision.chat, decision.account));
        return this.done(decision, { status: "ok" });
      case "unban":
        this.banned.delete(key(decision.chat, decision.account));
        return this.done(decision, { status: "ok" });
      case "kick":
        return this.done(decision, { status: "ok" });
      case "approve_join":
      case "decline_join": {
        const k = key(decision.chat, decision.account);
        if (!this.pendingJoins.delete(k)) {
          return this.done(decision, {
            status: "failed",
            error: { code: "not_found", message: "join request not found", retryable: false },
          });
        }
        return this.done(decision, { status: "ok" });
      }
      case "grant_role":
      case "revoke_role":
        return this.done(decision, { status: "ok" });
    }
  }

  private append(
    chat: ChatKey,
    m: {
      author: AccountKey | "bot";
      text: string;
      content?: PostContent;
      buttons?: Button[][];
      thread?: string;
    },
  ): SimMessage {
    const list = this.messages.get(chat) ?? [];
    this.messages.set(chat, list);
    const message: SimMessage = {
      ref: { chat, id: String((this.earlier.get(chat) ?? 0) + list.length + 1), thread: m.thread },
      author: m.author,
      text: m.text,
      content: m.content,
      buttons: m.buttons,
      deleted: false,
    };
    list.push(message);
    return message;
  }

  private done(
    decision: PlatformDecision,
    outcome: Outcome,
    message?: SimMessage,
    copies?: SimMessage[],
  ): Outcome {
    const effect = { decision, outcome, message, copies };
    this.effects.push(effect);
    this.onEffect?.(effect);
    return outcome;
  }
}
