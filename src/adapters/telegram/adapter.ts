import { autoRetry } from "@grammyjs/auto-retry";
import { apiThrottler, type APIThrottlerOptions } from "@grammyjs/transformer-throttler";
import { Api, Bot, type Transformer } from "grammy";
import type { Update } from "grammy/types";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { CoreEvent } from "../../core/events.js";
import type { ChatKey } from "../../core/ids.js";
import type { Language } from "../../core/i18n/translator.js";
import type { Logger } from "../../core/ports/logger.js";
import type { HealthReporter } from "../../core/ports/health.js";
import type { PlatformRuntime } from "../../core/ports/platform.js";
import type { CommunitySettings } from "../../core/settings/community.js";
import { AdminCache } from "./admins.js";
import { registerCommands } from "./commands.js";
import { TelegramExecutor } from "./executor.js";
import {
  apiSignal,
  beforeDeadline,
  connect,
  DEFAULT_API_ROOT,
  DEFAULT_START_TIMEOUT_MS,
  StartAborted,
} from "./connect.js";
import { UpdateIntake } from "./intake.js";
import { chatIdOf, isTelegramKey } from "./keys.js";
import { PollingLoop } from "./polling.js";
import { linkedSignal, withSignal } from "./signals.js";
import { networkRetry } from "./network-retry.js";
import { pressScope, type PressScope } from "./press-scope.js";
import { onBotMembership } from "./rights.js";
import { telegramTexts } from "./texts.js";
import { chatOfUpdate, MembershipTracker, translateUpdate, type TranslateEnv } from "./translate.js";
import { createWebhookServer } from "./webhook.js";

/** Every update kind the core uses; chat_member only arrives when asked for (and the bot is admin). */
export const ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "callback_query",
  "chat_member",
  "my_chat_member",
  "chat_join_request",
] as const;

/** One API call of the bot's work (not a long poll) waits at most this long for an answer. */
export const SEND_TIMEOUT_SECONDS = 20;

/** After a stop, updates in flight get this long to finish before their API calls are cut off. */
export const DEFAULT_DRAIN_MS = 5_000;

export interface TelegramAdapterConfig {
  token: string;
  /** A local Bot API server (or a test fake), without trailing slash. */
  apiRoot?: string;
  runtime: PlatformRuntime;
  logger: Logger;
  defaultLanguage?: Language;
  mode?: "polling" | "webhook";
  /** Webhook mode: the public https URL Telegram posts to, and where the local HTTP server listens. */
  webhook?: { url: string; port: number; path: string; secretToken?: string; host?: string };
  /** The bot's username for deep links; asked from getMe when absent. */
  username?: string;
  /** Long-polling timeout in seconds (default 30; tests use 1). */
  pollingTimeout?: number;
  /** Pacing of sends (@grammyjs/transformer-throttler options); `false` turns it off. */
  throttle?: APIThrottlerOptions | false;
  retry?: { maxRetryAttempts: number; maxDelaySeconds: number };
  /** How long start may take before it fails (default 30 s). */
  startTimeoutMs?: number;
  /** How long stop waits for updates in flight before it cuts them off (default 5 s). */
  drainMs?: number;
  /** Told "telegram" is up once connected, down while getUpdates keeps failing (`/healthz`). */
  health?: HealthReporter;
}

export interface TelegramAdapter {
  readonly bot: Bot;
  readonly executor: TelegramExecutor;
  /**
   * Connects (getMe, retried until the start timeout), then polls or opens the webhook. Aborting `signal`
   * ends a start in progress with `StartAborted`.
   */
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  /** Webhook mode: the local port the HTTP server listens on. */
  webhookPort(): number | undefined;
}

/** Only message-producing calls count against Telegram's flood limits; restrictions and deletions pass. */
const PACED = /^(send|copy|forward|editMessage)/;

function pacedSends(options: APIThrottlerOptions): Transformer {
  const throttled = apiThrottler(options);
  return (prev, method, payload, signal) =>
    PACED.test(method) ? throttled(prev, method, payload, signal) : prev(method, payload, signal);
}

/** Every call also ends when `cut` aborts (a stop that ran out of patience), retries and pauses included. */
function cutOff(cut: AbortSignal): Transformer {
  return (prev, method, payload, signal) =>
    signal
      ? withSignal([signal as unknown as AbortSignal, cut], undefined, (sig) =>
          prev(method, payload, apiSignal(sig)),
        )
      : prev(method, payload, apiSignal(cut));
}

/** Communities by their Telegram chats: community chats, review chats, mod-log chats. */
function telegramChats(communities: readonly CommunitySettings[]): Map<number, CommunitySettings> {
  const out = new Map<number, CommunitySettings>();
  for (const c of communities) {
    const keys: (ChatKey | undefined)[] = [...c.chats.map((chat) => chat.key), c.reviewChat, c.modlogChat];
    for (const key of keys) if (key && isTelegramKey(key)) out.set(chatIdOf(key), c);
  }
  return out;
}

/**
 * The Telegram adapter: grammY's API client with auto-retry for 429 / 5xx and paced sends; updates come
 * in through long polling or a webhook, both through one at-least-once `UpdateIntake` (sequential per
 * chat, confirmed to Telegram only once handled and recorded). Updates become CoreEvents for the engine;
 * the engine's decisions come back through the TelegramExecutor.
 */
export function createTelegramAdapter(config: TelegramAdapterConfig): TelegramAdapter {
  const { runtime, logger } = config;
  const pollingTimeout = config.pollingTimeout ?? 30;
  const client = {
    ...(config.apiRoot ? { apiRoot: config.apiRoot } : {}),
    // grammY waits 500 s by default; a long poll needs its timeout plus a margin, nothing else needs more.
    timeoutSeconds: Math.max(60, pollingTimeout + 15),
  };
  // Sends, deletions, restrictions: an answer takes well under a second; one that hangs is given up
  // after SEND_TIMEOUT_SECONDS and tried again (networkRetry), never left to block its chat.
  const bot = new Bot(config.token, { client: { ...client, timeoutSeconds: SEND_TIMEOUT_SECONDS } });
  /** Without auto-retry or pacing: getMe at start and getUpdates, each retried by us with a log line. */
  const plain = new Api(config.token, client);
  const where = config.apiRoot ?? DEFAULT_API_ROOT;
  const stopping = new AbortController();
  const cut = new AbortController();
  if (config.throttle !== false) bot.api.config.use(pacedSends(config.throttle ?? {}));
  // 429 and 5xx: auto-retry (bounded); no answer at all: networkRetry (bounded as well).
  bot.api.config.use(
    autoRetry({ ...(config.retry ?? { maxRetryAttempts: 3, maxDelaySeconds: 30 }), rethrowHttpErrors: true }),
  );
  bot.api.config.use(networkRetry());
  bot.api.config.use(cutOff(cut.signal));

  const chats = telegramChats(runtime.communities);
  const admins = new AdminCache(bot.api, logger);
  const membership = new MembershipTracker();
  const fallback = telegramTexts(config.defaultLanguage ?? "en");
  let username = config.username ?? "";
  let canReadAll = true;
  let polling: Promise<void> | undefined;
  let menus: Promise<void> | undefined;
  let server: Server | undefined;

  const executor = new TelegramExecutor({
    api: bot.api,
    logger,
    botUsername: () => username,
    languageOf: (account) => runtime.languageOf(account),
    cutOff: () => cut.signal.aborted,
  });

  const env = (): TranslateEnv => ({
    botId: bot.botInfo.id,
    botUsername: username,
    isAdmin: (chatId, userId) => admins.isAdmin(chatId, userId),
    membership,
    members: runtime.members,
  });

  async function handle(event: CoreEvent): Promise<void> {
    try {
      await runtime.handle(event);
    } catch (error) {
      if (cut.signal.aborted) throw error;
      logger.error({ event: event.kind, err: String(error) }, "the engine failed on a Telegram update");
    }
  }

  async function onUpdate(update: Update): Promise<void> {
    if (update.my_chat_member) {
      admins.forget(update.my_chat_member.chat.id);
      const community = chats.get(update.my_chat_member.chat.id);
      await onBotMembership(update.my_chat_member, {
        api: bot.api,
        store: runtime.store,
        logger,
        translatorOf: () => (community ? telegramTexts(community.language) : undefined),
        fallback,
        canReadAllMessages: canReadAll,
      });
      return;
    }
    if (update.chat_member) admins.onMemberUpdate(update.chat_member);
    const chatId = chatOfUpdate(update);
    const query = update.callback_query;
    if (chatId !== undefined && chatId < 0 && !chats.has(chatId)) {
      if (query) await bot.api.answerCallbackQuery(query.id).catch(() => undefined);
      return;
    }
    const m = update.message;
    if (m?.from && m.chat.type === "supergroup" && m.chat.is_forum)
      executor.noteTopic(m.chat.id, m.from.id, m.is_topic_message ? m.message_thread_id : undefined);
    const events = await translateUpdate(update, env());
    if (!query) {
      for (const event of events) await handle(event);
      return;
    }
    const scope: PressScope = {
      queryId: query.id,
      presser: `telegram:${query.from.id}` as PressScope["presser"],
      answered: false,
    };
    try {
      await pressScope.run(scope, async () => {
        for (const event of events) await handle(event);
      });
    } finally {
      // Always answer, even when handling failed: otherwise the button spins for the presser.
      if (!scope.answered)
        await bot.api
          .answerCallbackQuery(query.id)
          .catch((error: unknown) => logger.debug({ err: String(error) }, "could not answer a button press"));
    }
  }

  const intake = new UpdateIntake({
    handle: onUpdate,
    store: runtime.store,
    botId: () => bot.botInfo.id,
    logger,
    abandon: cut.signal,
  });

  async function startWebhook(deadline: number, signal: AbortSignal): Promise<void> {
    const hook = config.webhook;
    if (!hook) throw new Error("telegram.mode is webhook but telegram.webhook is not configured");
    const s = createWebhookServer({
      path: hook.path,
      secretToken: hook.secretToken,
      intake,
      logger,
      stopping: () => stopping.signal.aborted,
    });
    server = s;
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(hook.port, hook.host ?? "0.0.0.0", () => {
        s.off("error", reject);
        resolve();
      });
    });
    await beforeDeadline("setWebhook", where, deadline, signal, (sig) =>
      bot.api.setWebhook(
        hook.url,
        {
          allowed_updates: [...ALLOWED_UPDATES],
          ...(hook.secretToken ? { secret_token: hook.secretToken } : {}),
        },
        apiSignal(sig),
      ),
    );
    logger.info({ port: (s.address() as AddressInfo).port }, "telegram webhook listening");
  }

  async function startWith(signal: AbortSignal): Promise<void> {
    const timeoutMs = config.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    logger.info({ apiRoot: where }, "connecting to the Telegram Bot API");
    config.health?.set("telegram", false, "connecting");
    bot.botInfo = await connect({
      api: plain,
      token: config.token,
      apiRoot: config.apiRoot,
      timeoutMs,
      signal,
      logger,
    });
    username ||= bot.botInfo.username;
    canReadAll = bot.botInfo.can_read_all_group_messages;
    runtime.setExecutor("telegram", executor);
    // Menus are a convenience: set in the background, never holding up the start.
    menus = registerCommands(bot.api, runtime.commands(), logger, stopping.signal);
    if (config.mode === "webhook") {
      await startWebhook(deadline, signal);
      config.health?.set("telegram", true);
      return;
    }
    await beforeDeadline("deleteWebhook", where, deadline, signal, (sig) =>
      bot.api.deleteWebhook({}, apiSignal(sig)),
    );
    if (signal.aborted) throw new StartAborted();
    const loop = new PollingLoop({
      getUpdates: (args, sig) => plain.getUpdates(args, apiSignal(sig)),
      intake,
      allowedUpdates: ALLOWED_UPDATES,
      timeoutSeconds: pollingTimeout,
      logger,
      apiRoot: where,
      onHealth: (up, detail) => config.health?.set("telegram", up, detail),
    });
    polling = loop.run(stopping.signal);
    config.health?.set("telegram", true);
    logger.info({ bot: username }, "telegram long polling started");
  }

  return {
    bot,
    executor,
    webhookPort: () => (server?.address() as AddressInfo | null)?.port,
    async start(external?: AbortSignal) {
      const linked = linkedSignal(external ? [external, stopping.signal] : [stopping.signal]);
      try {
        await startWith(linked.signal);
      } finally {
        linked.dispose();
      }
    },
    async stop() {
      stopping.abort();
      await Promise.all([polling, menus]);
      polling = undefined;
      const s = server;
      server = undefined;
      const closed = s ? new Promise<void>((resolve) => s.close(() => resolve())) : undefined;
      s?.closeIdleConnections();
      // Updates in flight finish (and are confirmed next time); past the drain time their calls are cut
      // off and they stay unconfirmed, so Telegram delivers them again after the restart.
      if (!(await intake.settle(config.drainMs ?? DEFAULT_DRAIN_MS))) {
        logger.warn(
          { updates: intake.size },
          "stopping: updates still in flight are left for the next start",
        );
        cut.abort();
        await intake.settle(1_000);
      }
      s?.closeAllConnections();
      await closed;
      executor.dispose();
    },
  };
}
