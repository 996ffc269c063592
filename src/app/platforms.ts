import type { Environment } from "../config/environment.js";
import type { LoadedConfig } from "../config/load.js";
import type { Logger } from "../core/ports/logger.js";
import type { Runtime } from "./runtime.js";
import { telegramStarter } from "../adapters/telegram/starter.js";

/** A platform adapter as `start` sees it: configured or not, and how to start and stop it. */
export interface PlatformStarter {
  name: string;
  configured(config: LoadedConfig, env: Environment): boolean;
  start(parts: {
    runtime: Runtime;
    config: LoadedConfig;
    env: Environment;
    logger: Logger;
    /** Aborted on SIGTERM / SIGINT: a start in progress gives up at once (and throws). */
    signal?: AbortSignal;
  }): Promise<() => Promise<void>>;
}

/** Every platform chatwarden can run on. Each adapter adds itself here. */
export const startPlatforms: PlatformStarter[] = [telegramStarter];
