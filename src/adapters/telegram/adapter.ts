import { autoRetry } from "@grammyjs/auto-retry";
import { run, sequentialize, type RunnerHandle } from "@grammyjs/runner";
import { apiThrottler, type APIThrottlerOptions } from "@grammyjs/transformer-throttler";
import { Bot, GrammyError, HttpError, webhookCallback, type Transformer } from "grammy";
import type { Update } from "grammy/types";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Runtime } from "../../app/runtime.js";
import type { CoreEvent } from "../../core/events.js";
import type { ChatKey } from "../../core/ids.js";
import { translator, type Language, type Translate } from "../../core/i18n/translator.js";
import type { Logger } from "../../core/ports/logger.js";
import type { CommunitySettings } from "../../core/settings/community.js";
import { AdminCache } from "./admins.js";
import { registerCommands } from "./commands.js";
import { TelegramExecutor } from "./executor.js";
import { chatIdOf, isTelegramKey } from "./keys.js";
import { pressScope, type PressScope } from "./press-scope.js";
import { onBotMembership } from "./rights.js";
import { chatOfUpdate, MembershipTracker, translateUpdate, type TranslateEnv } from "./translate.js";

/** Every update kind the core uses; chat_member only arrives when asked for (and the bot is admin). */
export const ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "callback_query",
  "chat_member",
  "my_chat_member",
  "chat_join_request",
] as const;

export interface TelegramAdapterConfig {
  token: string;
  /** A local Bot API server (or a test fake), without trailing slash. */
  apiRoot?: string;
  runtime: Runtime;
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
}

export interface TelegramAdapter {
  readonly bot: Bot;
  readonly executor: TelegramExecutor;
  start(): Promise<void>;
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

/** Why the bot could not start, in words an operator can act on (never with the token in it). */
export function startFailure(error: unknown, apiRoot: string | undefined): Error {
  const where = apiRoot ?? "https://api.telegram.org";
  if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404))
    return new Error(
      `Telegram did not accept TELEGRAM_BOT_TOKEN (${error.error_code} ${error.description}): copy the token from @BotFather again${apiRoot ? `, and check TELEGRAM_API_ROOT (${apiRoot})` : ""}.`,
    );
  if (error instanceof HttpError)
    return new Error(`Cannot reach the Telegram Bot API at ${where}: ${String(error.error)}`);
  return error instanceof Error ? error : new Error(String(error));
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
 * The Telegram adapter: grammY with @grammyjs/runner (long polling, sequential per chat) or a webhook,
 * auto-retry for 429 / 5xx, paced sends. Updates become CoreEvents for the engine; the engine's
 * decisions come back through the TelegramExecutor.
 */
export function createTelegramAdapter(config: TelegramAdapterConfig): TelegramAdapter {
  const { runtime, logger } = config;
  const bot = new Bot(config.token, config.apiRoot ? { client: { apiRoot: config.apiRoot } } : {});
  if (config.throttle !== false) bot.api.config.use(pacedSends(config.throttle ?? {}));
  bot.api.config.use(autoRetry(config.retry ?? { maxRetryAttempts: 3, maxDelaySeconds: 30 }));

  const engine = runtime.engine;
  const services = runtime.services;
  const chats = telegramChats(services.directory.communities);
  const admins = new AdminCache(bot.api, logger);
  const membership = new MembershipTracker();
  const fallback = translator(config.defaultLanguage ?? "en");
  let username = config.username ?? "";
  let canReadAll = true;
  let runner: RunnerHandle | undefined;
  let server: Server | undefined;

  const executor = new TelegramExecutor({
    api: bot.api,
    logger,
    botUsername: () => username,
    translatorFor: (account) => engine.translatorFor(account),
  });

  const env = (): TranslateEnv => ({
    botId: bot.botInfo.id,
    botUsername: username,
    isAdmin: (chatId, userId) => admins.isAdmin(chatId, userId),
    membership,
  });

  async function handle(event: CoreEvent): Promise<void> {
    try {
      await engine.handle(event);
    } catch (error) {
      logger.error({ event: event.kind, err: String(error) }, "the engine failed on a Telegram update");
    }
  }

  async function onUpdate(update: Update): Promise<void> {
    if (update.my_chat_member) {
      admins.forget(update.my_chat_member.chat.id);
      const community = chats.get(update.my_chat_member.chat.id);
      await onBotMembership(update.my_chat_member, {
        api: bot.api,
        store: services.store,
        logger,
        translatorOf: (): Translate | undefined => (community ? translator(community.language) : undefined),
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

  // Updates in flight (waiting for their chat's turn or being handled): stop() lets them finish.
  const inFlight = new Set<Promise<void>>();
  bot.use(async (_ctx, next) => {
    const handling = next();
    inFlight.add(handling);
    try {
      await handling;
    } finally {
      inFlight.delete(handling);
    }
  });
  bot.use(sequentialize((ctx) => String(chatOfUpdate(ctx.update) ?? ctx.update.update_id)));
  bot.use(async (ctx) => onUpdate(ctx.update));
  bot.catch((error) => logger.error({ err: String(error.error) }, "Telegram update handling failed"));

  return {
    bot,
    executor,
    webhookPort: () => (server?.address() as AddressInfo | null)?.port,
    async start() {
      await bot.init().catch((error: unknown) => {
        throw startFailure(error, config.apiRoot);
      });
      username ||= bot.botInfo.username;
      canReadAll = bot.botInfo.can_read_all_group_messages;
      engine.setExecutor("telegram", executor);
      await registerCommands(bot.api, engine.commandList(), logger);
      if (config.mode === "webhook") {
        const hook = config.webhook;
        if (!hook) throw new Error("telegram.mode is webhook but telegram.webhook is not configured");
        const callback = webhookCallback(bot, "http", { secretToken: hook.secretToken, onTimeout: "return" });
        server = createServer((req, res) => {
          const path = new URL(req.url ?? "/", "http://localhost").pathname;
          if (req.method !== "POST" || path !== hook.path) {
            res.writeHead(404).end();
            return;
          }
          void callback(req, res);
        });
        await new Promise<void>((resolve) => server?.listen(hook.port, hook.host ?? "0.0.0.0", resolve));
        await bot.api.setWebhook(hook.url, {
          allowed_updates: [...ALLOWED_UPDATES],
          ...(hook.secretToken ? { secret_token: hook.secretToken } : {}),
        });
        logger.info({ port: (server.address() as AddressInfo).port }, "telegram webhook listening");
        return;
      }
      await bot.api.deleteWebhook();
      runner = run(bot, {
        runner: {
          fetch: { allowed_updates: [...ALLOWED_UPDATES], timeout: config.pollingTimeout ?? 30 },
          silent: true,
        },
      });
      logger.info({ bot: username }, "telegram long polling started");
    },
    async stop() {
      if (runner?.isRunning()) await runner.stop();
      runner = undefined;
      if (server) {
        const s = server;
        server = undefined;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
      // The runner stops fetching at once but does not wait for updates it already handed out.
      await Promise.allSettled([...inFlight]);
      executor.dispose();
    },
  };
}
