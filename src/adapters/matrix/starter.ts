import type { Language } from "../../core/i18n/translator.js";
import type { PlatformStarter } from "../../core/ports/platform.js";

/** What the Matrix adapter is started with; the composition root reads it from config and environment. */
export interface MatrixSettings {
  homeserverUrl: string;
  accessToken: string;
  /** User ids whose invites the bot accepts into any room (configured rooms are always joined). */
  inviters: readonly string[];
  /** The power level that counts as a room admin (default 50). */
  adminPowerLevel?: number;
  defaultLanguage?: Language;
  /** Long-poll timeout of the sync in milliseconds (default 30 s; tests use less). */
  syncTimeoutMs?: number;
}

/**
 * Runs the Matrix adapter: matrix-bot-sdk's client for the bot's account (sync token and filter kept in
 * our store under the account's own prefix), the executor, and the intake.
 */
export const matrixStarter: PlatformStarter<MatrixSettings> = {
  name: "matrix",
  async start({ runtime, settings, logger, signal, health }) {
    // matrix-bot-sdk is loaded only when Matrix runs: every other command (check-config, simulate, the
    // playground, Telegram alone) starts without its half a second of module loading.
    const [
      { createMatrixAdapter, roomLanguage },
      { ReactionButtons },
      { createMatrixClient, quietMatrixLogging },
      executor,
      { matrixTexts },
    ] = await Promise.all([
      import("./adapter.js"),
      import("./buttons.js"),
      import("./client.js"),
      import("./executor.js"),
      import("./texts.js"),
    ]);
    const { MatrixDecisionExecutor } = executor;
    const log = logger.child({ platform: "matrix" });
    quietMatrixLogging(log);
    const client = createMatrixClient(settings.homeserverUrl, settings.accessToken, runtime.store, {
      storagePrefix: `matrix:sdk:${settings.homeserverUrl}:`,
    });
    if (settings.syncTimeoutMs !== undefined) client.syncingTimeout = settings.syncTimeoutMs;
    const language = roomLanguage(runtime.communities, settings.defaultLanguage);
    const adapter = createMatrixAdapter({
      client,
      executor: new MatrixDecisionExecutor({
        client,
        store: runtime.store,
        logger: log,
        // The legend under a card's reactions ("React ✅ Approve") in the room's community's language.
        reactWord: (room) => matrixTexts(language(room))("react"),
      }),
      buttons: new ReactionButtons(runtime.store),
      runtime,
      logger: log,
      inviters: settings.inviters,
      adminPowerLevel: settings.adminPowerLevel,
      defaultLanguage: settings.defaultLanguage,
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
