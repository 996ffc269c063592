import type { User } from "grammy/types";
import { createTelegramAdapter } from "../../src/adapters/telegram/adapter.js";
import { encodePayload } from "../../src/adapters/telegram/deeplink.js";
import { platformRuntime } from "../../src/app/platform-runtime.js";
import type { AccountKey, ChatKey } from "../../src/core/ids.js";
import { silentLogger } from "../../src/core/ports/logger.js";
import { FakeTelegram, type FakeChat } from "../fakes/telegram/index.js";
import { NO_PACING } from "../adapters/telegram/support.js";
import { accessRuntime, describeAccessTable } from "./access-runner.js";
import { PEOPLE, type AccessDriver, type Person, type Place } from "./access-table.js";

/** The real grammY bot against the fake Bot API, as an access-table driver. */
async function telegramDriver(): Promise<AccessDriver> {
  const tg = await FakeTelegram.start();
  const users = new Map<Person, User>(PEOPLE.map((p) => [p, tg.addUser({ first_name: p, username: p })]));
  const user = (p: Person) => users.get(p) as User;
  const creator = tg.addUser({ first_name: "Owner", username: "owner_of_all" });
  const everyone = PEOPLE.map((p) => user(p).id);
  const chats: Record<Exclude<Place, "private">, FakeChat> = {
    groupA: tg.addChat({
      type: "supergroup",
      title: "Lobby A",
      creatorId: creator.id,
      members: everyone,
      admins: [user("admin").id],
    }),
    reviewA: tg.addChat({
      type: "supergroup",
      title: "Review A",
      creatorId: creator.id,
      members: everyone,
      admins: [user("admin").id],
    }),
    modlogA: tg.addChat({ type: "supergroup", title: "Modlog A", creatorId: creator.id }),
    groupB: tg.addChat({
      type: "supergroup",
      title: "Lobby B",
      creatorId: creator.id,
      members: everyone,
      admins: [user("foreign").id],
    }),
    reviewB: tg.addChat({
      type: "supergroup",
      title: "Review B",
      creatorId: creator.id,
      members: [user("foreign").id],
      admins: [user("foreign").id],
    }),
  };
  const key = (where: Exclude<Place, "private">) => `telegram:${chats[where].id}` as ChatKey;
  const account = (p: Person) => `telegram:${user(p).id}` as AccountKey;
  const { runtime, store, decisions, progress } = await accessRuntime({
    admin: account("admin"),
    foreign: account("foreign"),
    groupA: key("groupA"),
    reviewA: key("reviewA"),
    modlogA: key("modlogA"),
    groupB: key("groupB"),
    reviewB: key("reviewB"),
  });
  const adapter = createTelegramAdapter({
    token: tg.token,
    apiRoot: tg.apiRoot,
    runtime: platformRuntime(runtime),
    logger: silentLogger,
    pollingTimeout: 1,
    throttle: NO_PACING,
  });
  await adapter.start();

  /** Sends one update's worth of action and waits until the bot has handled it. */
  async function settled(act: () => unknown, callback?: () => string): Promise<void> {
    const before = progress.handled;
    const query = act();
    await tg.waitFor(
      () => tg.pendingUpdates.length === 0 && progress.inFlight === 0 && progress.handled > before,
      {
        timeoutMs: 10_000,
      },
    );
    if (callback) await tg.waitFor(() => tg.callbackAnswer(String(query)), { timeoutMs: 10_000 });
  }
  const chatId = (who: Person, where: Place) => (where === "private" ? user(who).id : chats[where].id);
  const lastBy = (where: Place, author: Person) =>
    tg.messages(chatId(author, where)).findLast((m) => m.message.from?.id === user(author).id);
  const send = (who: Person, where: Place, text: string, replyTo?: Person) =>
    settled(() => {
      const reply = replyTo ? lastBy(where, replyTo)?.message.message_id : undefined;
      return tg.userSends(chatId(who, where), user(who).id, { text, ...(reply ? { reply_to: reply } : {}) });
    });

  // Everyone has opened the bot, as members who verified or appealed would have.
  for (const p of PEOPLE) await send(p, "private", "/help");
  return {
    platform: "telegram",
    store,
    decisions,
    account,
    chat: key,
    mention: (who) => `@${user(who).username}`,
    post: (who, where, text) => send(who, where, text),
    command: (who, where, text, replyTo) => send(who, where, text, replyTo),
    tell: (who, text) => send(who, "private", text),
    async press(who, where, data, forged) {
      const id = chatId(who, where);
      if (!forged) {
        const card = tg
          .botMessages(id)
          .findLast((m) =>
            m.message.reply_markup?.inline_keyboard
              .flat()
              .some((b) => "callback_data" in b && b.callback_data === data),
          );
        if (!card) throw new Error(`no button ${data} in ${where}`);
        const pressed = () => tg.pressButton(id, card.message.message_id, user(who).id, data);
        return settled(pressed, pressed);
      }
      // Privately, crafted data arrives as a deep link (t.me/bot?start=…) when it fits one.
      const payload = where === "private" ? encodePayload(data) : undefined;
      if (payload) return settled(() => tg.userStartsBot(user(who).id, payload));
      const on = tg.messages(id).at(-1);
      if (!on) throw new Error(`no message in ${where} to press on`);
      const forge = () => tg.pressForged(id, on.message.message_id, user(who).id, data);
      return settled(forge, forge);
    },
    async close() {
      await adapter.stop();
      await runtime.close();
      await tg.close();
    },
  };
}

describeAccessTable("telegram", telegramDriver, 120_000);
