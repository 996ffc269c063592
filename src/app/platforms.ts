import type { Environment } from "../config/environment.js";
import type { LoadedConfig } from "../config/load.js";
import type { HealthReporter } from "../core/ports/health.js";
import type { Logger } from "../core/ports/logger.js";
import type { PlatformStarter } from "../core/ports/platform.js";
import { discordStarter, type DiscordSettings } from "../adapters/discord/starter.js";
import { matrixStarter, type MatrixSettings } from "../adapters/matrix/starter.js";
import { telegramStarter, type TelegramSettings } from "../adapters/telegram/starter.js";
import { platformRuntime } from "./platform-runtime.js";
import type { Runtime } from "./runtime.js";

/** A platform as `start` sees it: configured or not, and how to start and stop it. */
export interface ConfiguredPlatform {
  name: string;
  configured(config: LoadedConfig, env: Environment): boolean;
  start(parts: {
    runtime: Runtime;
    config: LoadedConfig;
    env: Environment;
    logger: Logger;
    /** Aborted on SIGTERM / SIGINT: a start in progress gives up at once (and throws). */
    signal?: AbortSignal;
    health?: HealthReporter;
  }): Promise<() => Promise<void>>;
}

/** Joins an adapter's starter (a core port) with how its settings come from the config and environment. */
function platform<S>(
  starter: PlatformStarter<S>,
  settingsOf: (config: LoadedConfig, env: Environment) => S | undefined,
): ConfiguredPlatform {
  return {
    name: starter.name,
    configured: (config, env) => settingsOf(config, env) !== undefined,
    async start({ runtime, config, env, logger, signal, health }) {
      const settings = settingsOf(config, env);
      if (settings === undefined) throw new Error(`${starter.name} is not configured`);
      return starter.start({ runtime: platformRuntime(runtime), settings, logger, signal, health });
    },
  };
}

/**
 * Telegram runs when TELEGRAM_BOT_TOKEN is set. TELEGRAM_API_ROOT points grammY at a local Bot API
 * server; the `telegram:` section of the config picks polling (default) or a webhook, whose secret
 * token comes from TELEGRAM_WEBHOOK_SECRET.
 */
export function telegramSettings(config: LoadedConfig, env: Environment): TelegramSettings | undefined {
  if (!env.telegramToken) return undefined;
  const section = config.raw.telegram;
  return {
    token: env.telegramToken,
    apiRoot: env.telegramApiRoot,
    defaultLanguage: config.raw.language,
    mode: section?.mode ?? "polling",
    webhook: section?.webhook ? { ...section.webhook, secretToken: env.telegramWebhookSecret } : undefined,
    username: section?.username,
    startTimeoutMs: section?.start_timeout,
    ...(section?.pacing === false ? { throttle: false as const } : {}),
  };
}

/**
 * Matrix runs when MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN are both set; the `matrix:` section of
 * the config names the inviters whose invites it accepts and the power level that counts as admin.
 */
export function matrixSettings(config: LoadedConfig, env: Environment): MatrixSettings | undefined {
  if (!env.matrixHomeserverUrl || !env.matrixAccessToken) return undefined;
  const section = config.raw.matrix;
  return {
    homeserverUrl: env.matrixHomeserverUrl,
    accessToken: env.matrixAccessToken,
    inviters: section?.inviters ?? [],
    adminPowerLevel: section?.admin_power_level ?? 50,
    defaultLanguage: config.raw.language,
  };
}

/**
 * Discord runs when DISCORD_BOT_TOKEN is set; DISCORD_API_URL points discord.js at a REST proxy (or a
 * test fake). The `discord:` section names roles and the verification channel per server.
 */
export function discordSettings(config: LoadedConfig, env: Environment): DiscordSettings | undefined {
  if (!env.discordToken) return undefined;
  const section = config.raw.discord;
  return {
    token: env.discordToken,
    apiUrl: env.discordApiUrl,
    defaultLanguage: config.raw.language,
    commands: section?.commands ?? true,
    startTimeoutMs: section?.start_timeout,
    guilds: Object.fromEntries(
      Object.entries(section?.guilds ?? {}).map(([id, g]) => [
        id,
        {
          verifiedRole: g.verified_role,
          unverifiedRole: g.unverified_role,
          verificationChannel: g.verification_channel,
          readOnlyRole: g.read_only_role,
          textOnlyRole: g.text_only_role,
        },
      ]),
    ),
  };
}

/** Every platform chatwarden can run on. Each adapter adds itself here. */
export const startPlatforms: ConfiguredPlatform[] = [
  platform(telegramStarter, telegramSettings),
  platform(matrixStarter, matrixSettings),
  platform(discordStarter, discordSettings),
];
