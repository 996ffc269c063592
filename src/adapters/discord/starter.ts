import type { PlatformStarter } from "../../core/ports/platform.js";
import { createDiscordAdapter, type DiscordAdapterConfig } from "./adapter.js";

/** What the Discord adapter is started with; the composition root reads it from config and environment. */
export type DiscordSettings = Omit<DiscordAdapterConfig, "runtime" | "logger" | "health">;

/** Runs the Discord adapter against discord.com, or a REST proxy / test fake (`apiUrl`). */
export const discordStarter: PlatformStarter<DiscordSettings> = {
  name: "discord",
  async start({ runtime, settings, logger, signal, health }) {
    const adapter = createDiscordAdapter({
      ...settings,
      runtime,
      logger: logger.child({ platform: "discord" }),
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
