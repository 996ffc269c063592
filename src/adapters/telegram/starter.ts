import type { PlatformStarter } from "../../app/platforms.js";
import { createTelegramAdapter } from "./adapter.js";

/**
 * Runs the Telegram adapter when TELEGRAM_BOT_TOKEN is set. TELEGRAM_API_ROOT points grammY at a local
 * Bot API server; the `telegram:` section of the config picks polling (default) or a webhook, whose
 * secret token comes from TELEGRAM_WEBHOOK_SECRET.
 */
export const telegramStarter: PlatformStarter = {
  name: "telegram",
  configured: (_config, env) => Boolean(env.telegramToken),
  async start({ runtime, config, env, logger, signal }) {
    const token = env.telegramToken;
    if (!token) throw new Error("TELEGRAM_BOT_TOKEN is not set");
    const settings = config.raw.telegram;
    const mode = settings?.mode ?? "polling";
    if (mode === "webhook" && !env.telegramWebhookSecret) {
      logger.warn(
        {},
        "telegram webhook without TELEGRAM_WEBHOOK_SECRET: anyone who finds the URL can post updates",
      );
    }
    const adapter = createTelegramAdapter({
      token,
      apiRoot: env.telegramApiRoot,
      runtime,
      logger: logger.child({ platform: "telegram" }),
      defaultLanguage: config.raw.language,
      mode,
      webhook: settings?.webhook
        ? { ...settings.webhook, secretToken: env.telegramWebhookSecret }
        : undefined,
      username: settings?.username,
      startTimeoutMs: settings?.start_timeout,
      ...(settings?.pacing === false ? { throttle: false as const } : {}),
    });
    try {
      await adapter.start(signal);
    } catch (error) {
      await adapter.stop();
      throw error;
    }
    return () => adapter.stop();
  },
};
