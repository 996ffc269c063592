import type { PlatformStarter } from "../../core/ports/platform.js";
import { createTelegramAdapter, type TelegramAdapterConfig } from "./adapter.js";

/** What the Telegram adapter is started with; the composition root reads it from config and environment. */
export type TelegramSettings = Omit<TelegramAdapterConfig, "runtime" | "logger" | "health">;

/**
 * Runs the Telegram adapter: polling (default) or a webhook, against api.telegram.org or a local Bot
 * API server (`apiRoot`).
 */
export const telegramStarter: PlatformStarter<TelegramSettings> = {
  name: "telegram",
  async start({ runtime, settings, logger, signal, health }) {
    if (settings.mode === "webhook" && !settings.webhook?.secretToken) {
      logger.warn(
        {},
        "telegram webhook without TELEGRAM_WEBHOOK_SECRET: anyone who finds the URL can post updates",
      );
    }
    const adapter = createTelegramAdapter({
      ...settings,
      runtime,
      logger: logger.child({ platform: "telegram" }),
      health,
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
