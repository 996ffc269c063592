import type { BotCommand, BotCommandScope, ChatMember, Update, User } from "grammy/types";
import { UserActions } from "./actions.js";
import { toChatMember } from "./members.js";
import { adminMethods } from "./methods/admin.js";
import { infoMethods, commandKey } from "./methods/info.js";
import { messageMethods } from "./methods/messages.js";
import { BotApiServer, type CallRecord, type FailureSpec } from "./server.js";
import { TelegramState, type CallbackAnswer, type StoredMessage } from "./state.js";
import { waitFor } from "./wait.js";

export { waitFor } from "./wait.js";
export { SERVICE_USERS } from "./state.js";
export type { CallRecord, FailureSpec } from "./server.js";
export type { StoredMessage, CallbackAnswer, FakeChat } from "./state.js";
export type { UserMessage } from "./actions.js";
export type { NewChat, NewUser, MemberSpec } from "./driver.js";

export interface FakeTelegramOptions {
  token?: string;
  bot?: { id?: number; first_name?: string; username?: string };
  /** Clock in unix seconds (default: real time). */
  now?: () => number;
  /** Privacy mode (default off): a non-admin bot sees only commands, replies to it, mentions. */
  privacyMode?: boolean;
}

/**
 * A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests: point grammY at
 * `apiRoot`, act as users through the driver methods, inspect what the bot did.
 *
 * @example
 * const tg = await FakeTelegram.start();
 * const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
 * const group = tg.addChat({ type: "supergroup" });
 * const alice = tg.addUser({ first_name: "Alice" });
 * tg.userJoins(group.id, alice.id);
 */
export class FakeTelegram extends UserActions {
  private constructor(
    state: TelegramState,
    private readonly server: BotApiServer,
    readonly token: string,
    readonly apiRoot: string,
  ) {
    super(state);
  }

  static async start(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const botId = opts.bot?.id ?? 7_000_000_001;
    const token = opts.token ?? `${botId}:AAFakeTokenForChatwardenTests_0123456789`;
    const bot: User = {
      id: botId,
      is_bot: true,
      first_name: opts.bot?.first_name ?? "Warden",
      username: opts.bot?.username ?? "chatwarden_test_bot",
    };
    const state = new TelegramState(
      bot,
      opts.now ?? (() => Math.floor(Date.now() / 1000)),
      opts.privacyMode ?? false,
    );
    const server = new BotApiServer(state, token, { ...infoMethods, ...messageMethods, ...adminMethods });
    const apiRoot = await server.listen();
    return new FakeTelegram(state, server, token, apiRoot);
  }

  /** Stops the server; waiting getUpdates calls are answered with no updates first. */
  close(): Promise<void> {
    return this.server.close();
  }

  failNext(method: string, spec: FailureSpec, times = 1): void {
    this.server.failNext(method, spec, times);
  }

  /** The next `times` calls of `method` get no answer at all: the connection stays open and silent. */
  hang(method: string, times?: number): void {
    this.server.hang(method, times);
  }

  /** Ends every injected failure, hang and drop still waiting. */
  clearFaults(): void {
    this.server.clearFaults();
  }

  /** The next `times` calls of `method` are not carried out: the connection is destroyed instead. */
  drop(method: string, times?: number): void {
    this.server.drop(method, times);
  }

  /**
   * Runs `observer` on every API call as it arrives, before the fake carries it out; returning "drop"
   * destroys the connection instead (the call is not carried out).
   */
  onCall(observer: (call: CallRecord) => void | "drop"): void {
    this.server.observers.push(observer);
  }

  /** Every API call the bot made, in order (method, params, result or error). */
  get calls(): readonly CallRecord[] {
    return this.server.calls;
  }

  callsTo(method: string): CallRecord[] {
    const m = method.toLowerCase();
    return this.server.calls.filter((c) => c.method.toLowerCase() === m);
  }

  /** Messages of a chat in id order; deleted ones only with includeDeleted. */
  messages(chatId: number, opts: { includeDeleted?: boolean } = {}): StoredMessage[] {
    return this.state.messagesOf(chatId).filter((m) => opts.includeDeleted || !m.deleted);
  }

  /** Messages of the private chat between the bot and a user. */
  privateMessages(userId: number, opts: { includeDeleted?: boolean } = {}): StoredMessage[] {
    return this.messages(userId, opts);
  }

  /** Messages the bot sent into a chat. */
  botMessages(chatId: number, opts: { includeDeleted?: boolean } = {}): StoredMessage[] {
    return this.messages(chatId, opts).filter((m) => m.fromBot);
  }

  message(chatId: number, messageId: number): StoredMessage | undefined {
    return this.state.findMessage(chatId, messageId);
  }

  /** The user's membership as getChatMember would report it now. */
  member(chatId: number, userId: number): ChatMember {
    return toChatMember(this.user(userId), this.state.member(chatId, userId));
  }

  commands(scope?: BotCommandScope, lang?: string): BotCommand[] | undefined {
    return this.state.commandSets.get(commandKey(scope, lang));
  }

  get answeredCallbacks(): readonly CallbackAnswer[] {
    return this.state.answered;
  }

  callbackAnswer(callbackQueryId: string): CallbackAnswer | undefined {
    return this.state.callbacks.get(callbackQueryId)?.answer;
  }

  /** Every update ever queued for the bot (delivered or not). */
  get updates(): readonly Update[] {
    return this.state.queue.history;
  }

  /** Updates not yet confirmed by getUpdates. */
  get pendingUpdates(): readonly Update[] {
    return this.state.queue.pending();
  }

  /** Forgets one pending update, as Telegram does once a webhook answered it with 2xx. */
  confirmUpdate(updateId: number): void {
    this.state.queue.confirm(updateId);
  }

  get allowedUpdates(): readonly string[] | undefined {
    return this.state.queue.allowed;
  }

  waitFor<T>(
    predicate: () => T | undefined | null | false,
    opts?: { timeoutMs?: number; message?: string },
  ): Promise<T> {
    return waitFor(predicate, opts);
  }
}
