import type { Decision } from "../../src/core/decisions.js";
import type { AccountKey, ChatKey } from "../../src/core/ids.js";
import { startHarness } from "../support/harness.js";
import { describeAccessTable } from "./access-runner.js";
import { accessConfig, type AccessDriver, type Person, type Place } from "./access-table.js";

const CHATS: Record<Exclude<Place, "private">, string> = {
  groupA: "lobby",
  reviewA: "review",
  modlogA: "modlog",
  groupB: "other-lobby",
  reviewB: "other-review",
};

/** The console adapter (ConsoleSession and the simulated world) as an access-table driver. */
async function consoleDriver(): Promise<AccessDriver> {
  const key = (name: string) => `console:${name}` as ChatKey;
  const h = await startHarness(
    accessConfig({
      admin: "console:admin" as AccountKey,
      foreign: "console:foreign" as AccountKey,
      groupA: key(CHATS.groupA),
      reviewA: key(CHATS.reviewA),
      modlogA: key(CHATS.modlogA),
      groupB: key(CHATS.groupB),
      reviewB: key(CHATS.reviewB),
    }),
  );
  // The admin of B is a platform admin of B's chats (and nothing in A's).
  h.session.setAdmin("foreign", CHATS.groupB);
  h.session.setAdmin("foreign", CHATS.reviewB);
  const decisions: Decision[] = [];
  const engine = h.runtime.engine;
  const handle = engine.handle.bind(engine);
  engine.handle = async (event) => {
    const handled = await handle(event);
    decisions.push(...handled.decisions);
    return handled;
  };
  const { session } = h;
  return {
    platform: "console",
    store: h.store,
    decisions,
    account: (who) => session.account(who),
    chat: (where) => session.chat(CHATS[where]),
    mention: (who: Person) => who,
    async post(who, where, text) {
      if (where === "private") await session.tell(who, text);
      else await session.say(who, CHATS[where], text);
    },
    async command(who, where, text, replyTo) {
      if (where === "private") return void (await session.tell(who, text));
      const chat = session.chat(CHATS[where]);
      const replied = replyTo
        ? h.world.visible(chat).findLast((m) => m.author === session.account(replyTo))
        : undefined;
      await session.say(who, CHATS[where], text, replied ? { replyTo: replied.ref.id } : {});
    },
    async tell(who, text) {
      await session.tell(who, text);
    },
    async press(who, where, data, forged) {
      const chat = where === "private" ? undefined : CHATS[where];
      if (!forged) {
        await session.press(who, data, chat ? { chat } : {});
        return;
      }
      const key = chat ? session.chat(chat) : undefined;
      const on = key ? h.world.visible(key).at(-1) : h.world.privateMessages(session.account(who)).at(-1);
      await session.dispatch({
        kind: "button_pressed",
        data,
        actor: session.actor(who, chat),
        ...(key ? { chat: key } : {}),
        ...(on ? { message: on.ref } : {}),
      });
    },
    async close() {
      await h.runtime.close();
    },
  };
}

describeAccessTable("console", consoleDriver);
