import { asReactions, ReactionButtons } from "../../src/adapters/matrix/buttons.js";
import { reviewCommand } from "../../src/adapters/matrix/review.js";
import { translateEvent, type MatrixEvent, type TranslateEnv } from "../../src/adapters/matrix/translate.js";
import { platformRuntime } from "../../src/app/platform-runtime.js";
import type { Button, Decision, DecisionExecutor, Outcome } from "../../src/core/decisions.js";
import type { AccountKey, ChatKey } from "../../src/core/ids.js";
import type { MessageRef } from "../../src/core/model/content.js";
import { startHarness } from "../support/harness.js";
import { describeAccessTable } from "./access-runner.js";
import { accessConfig, type AccessDriver, type Person, type Place } from "./access-table.js";

/**
 * The Matrix side of the access table: Matrix event JSON through the adapter's translator (power levels
 * decide who is a room admin, `!approve` / `!reject` mapping, reactions as presses through the stored
 * reaction ↔ button mapping) into the real engine. The executor records what the bot sent and keeps the
 * mapping as the real one does (asReactions + ReactionButtons.remember; an edited card without buttons is
 * forgotten). On Matrix a press can only name a message and a reaction key, never button data: a forged
 * or tampered payload is a reaction whose key means nothing on that message, and a replay is the same
 * reaction again on a decided card.
 */
const SERVER = "example.org";
const ROOMS: Record<Exclude<Place, "private">, string> = {
  groupA: `!groupA:${SERVER}`,
  reviewA: `!reviewA:${SERVER}`,
  modlogA: `!modlogA:${SERVER}`,
  groupB: `!groupB:${SERVER}`,
  reviewB: `!reviewB:${SERVER}`,
};
/** Power 50 (a moderator) in these rooms; everybody else 0. */
const MODERATORS: Record<string, Person> = {
  [ROOMS.groupA]: "admin",
  [ROOMS.reviewA]: "admin",
  [ROOMS.modlogA]: "admin",
  [ROOMS.groupB]: "foreign",
  [ROOMS.reviewB]: "foreign",
};

const userId = (who: Person) => `@${who}:${SERVER}`;
const dmRoom = (who: Person) => `!dm-${who}:${SERVER}`;
const roomOf = (who: Person, where: Place) => (where === "private" ? dmRoom(who) : ROOMS[where]);
const roomId = (chat: ChatKey) => chat.slice("matrix:".length);

interface Shown {
  room: string;
  eventId: string;
  buttons: Button[][];
}

async function matrixDriver(): Promise<AccessDriver> {
  const h = await startHarness(
    accessConfig({
      admin: `matrix:${userId("admin")}` as AccountKey,
      foreign: `matrix:${userId("foreign")}` as AccountKey,
      groupA: `matrix:${ROOMS.groupA}` as ChatKey,
      reviewA: `matrix:${ROOMS.reviewA}` as ChatKey,
      modlogA: `matrix:${ROOMS.modlogA}` as ChatKey,
      groupB: `matrix:${ROOMS.groupB}` as ChatKey,
      reviewB: `matrix:${ROOMS.reviewB}` as ChatKey,
    }),
  );
  const buttons = new ReactionButtons(h.store);
  const events = new Map<string, MatrixEvent>();
  const shown: Shown[] = [];
  let seq = 0;
  const nextId = () => `$e${++seq}`;

  async function show(room: string, rows: Button[][] | undefined): Promise<MessageRef> {
    const eventId = nextId();
    if (rows?.length) {
      shown.push({ room, eventId, buttons: rows });
      await buttons.remember(room, eventId, asReactions(rows));
    }
    return { chat: `matrix:${room}` as ChatKey, id: eventId };
  }

  const executor: DecisionExecutor = {
    async execute(d): Promise<Outcome> {
      switch (d.kind) {
        case "send":
          return { status: "ok", refs: [await show(roomId(d.chat), d.buttons)] };
        case "send_private":
          return {
            status: "ok",
            refs: [await show(dmRoom(d.account.slice(`matrix:@`.length).split(":")[0] as Person), d.buttons)],
          };
        case "post_card": {
          const copies = await Promise.all((d.preserve ?? []).map(() => show(roomId(d.chat), undefined)));
          return { status: "ok", refs: [await show(roomId(d.chat), d.buttons), ...copies] };
        }
        case "update_card": {
          const room = roomId(d.card.chat);
          if (d.buttons.length) shown.push({ room, eventId: d.card.id, buttons: d.buttons });
          await buttons.remember(room, d.card.id, asReactions(d.buttons));
          return { status: "ok" };
        }
        case "repost":
          return { status: "ok", refs: [await show(roomId(d.chat), undefined)] };
        default:
          return { status: "ok" };
      }
    },
  };
  h.runtime.engine.setExecutor("matrix", executor);

  const decisions: Decision[] = [];
  const engine = h.runtime.engine;
  const handle = engine.handle.bind(engine);
  engine.handle = async (event) => {
    const handled = await handle(event);
    decisions.push(...handled.decisions);
    return handled;
  };
  const runtime = platformRuntime(h.runtime);

  const env: TranslateEnv = {
    botUserId: `@warden:${SERVER}`,
    isDirect: (room) => room.startsWith("!dm-"),
    isAdmin: async (room, user) => MODERATORS[room] !== undefined && userId(MODERATORS[room]) === user,
    displayName: async (_room, user) => user.slice(1).split(":")[0],
    buttonData: (eventId, key) => buttons.dataOf(eventId, key),
    repliedTo: async (_room, eventId) => events.get(eventId),
  };

  async function deliver(room: string, ev: MatrixEvent): Promise<void> {
    events.set(ev.event_id, ev);
    for (const event of await translateEvent(room, ev, env))
      await runtime.handle(event.kind === "command" ? await reviewCommand(event, buttons) : event);
  }

  const latestBy = (who: Person, room: string) =>
    [...events.values()].findLast((e) => e.sender === userId(who) && (e as { room?: string }).room === room);

  async function say(who: Person, room: string, body: string, replyTo?: string): Promise<void> {
    const ev: MatrixEvent & { room: string } = {
      type: "m.room.message",
      sender: userId(who),
      event_id: nextId(),
      origin_server_ts: h.clock.now(),
      content: {
        msgtype: "m.text",
        body,
        ...(replyTo ? { "m.relates_to": { "m.in_reply_to": { event_id: replyTo } } } : {}),
      },
      room,
    };
    await deliver(room, ev);
  }

  async function react(who: Person, room: string, eventId: string, key: string): Promise<void> {
    await deliver(room, {
      type: "m.reaction",
      sender: userId(who),
      event_id: nextId(),
      origin_server_ts: h.clock.now(),
      content: { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key } },
    });
  }

  return {
    platform: "matrix",
    store: h.store,
    decisions,
    account: (who) => `matrix:${userId(who)}` as AccountKey,
    chat: (where) => `matrix:${ROOMS[where]}` as ChatKey,
    mention: (who) => userId(who),
    post: (who, where, text) => say(who, roomOf(who, where), text),
    async command(who, where, text, replyTo) {
      const room = roomOf(who, where);
      await say(who, room, text.replace(/^\//, "!"), replyTo ? latestBy(replyTo, room)?.event_id : undefined);
    },
    tell: (who, text) => say(who, dmRoom(who), text),
    async press(who, where, data, forged) {
      const room = roomOf(who, where);
      // The message in that room that showed this button, and the key the bot gave it there.
      const message = shown.findLast((s) => s.room === room && s.buttons.flat().some((b) => b.data === data));
      if (message) {
        const key = asReactions(message.buttons).find((r) => r.data === data)?.key as string;
        await react(who, room, message.eventId, key);
        return;
      }
      // Never shown there: all a client can send is some key on some message of the room.
      const anyMessage = shown.findLast((s) => s.room === room);
      if (!forged || !anyMessage) return;
      await react(who, room, anyMessage.eventId, "🔓");
    },
    async close() {
      await h.runtime.close();
    },
  };
}

describeAccessTable("matrix", matrixDriver);
