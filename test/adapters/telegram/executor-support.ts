import { Bot } from "grammy";
import { TelegramExecutor } from "../../../src/adapters/telegram/executor.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import { FakeTelegram, type FakeChat } from "../../fakes/telegram/index.js";

export interface ExecutorRig {
  tg: FakeTelegram;
  executor: TelegramExecutor;
  group: FakeChat;
  close(): Promise<void>;
}

/** The Telegram executor alone, over the fake Bot API, with a supergroup where the bot is admin. */
export async function startExecutor(): Promise<ExecutorRig> {
  const tg = await FakeTelegram.start();
  const owner = tg.addUser({ first_name: "Olga" });
  const group = tg.addChat({ type: "supergroup", title: "Lobby", creatorId: owner.id });
  const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
  const executor = new TelegramExecutor({
    api: bot.api,
    logger: silentLogger,
    botUsername: () => tg.botUser.username ?? "bot",
    languageOf: () => Promise.resolve("en" as const),
  });
  return {
    tg,
    executor,
    group,
    async close() {
      executor.dispose();
      await tg.close();
    },
  };
}
