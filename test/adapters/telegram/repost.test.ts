import { afterEach, describe, expect, it } from "vitest";
import type { Message } from "grammy/types";
import { contentOf } from "../../../src/adapters/telegram/translate.js";
import type { Repost } from "../../../src/core/decisions.js";
import type { ChatKey } from "../../../src/core/ids.js";
import type { MessageRef } from "../../../src/core/model/content.js";
import { startExecutor, type ExecutorRig } from "./executor-support.js";

let rig: ExecutorRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const ATTRIBUTION = "Posted by Bob ✔ verified:";
/** Calls that put a message into a chat. */
const POSTING = new Set(["sendMessage", "sendPhoto", "copyMessage", "copyMessages", "sendMediaGroup"]);

/** A member's messages held the way the core holds them: copied into the review chat, deleted. */
async function held(r: ExecutorRig, messages: Message[]): Promise<{ copies: MessageRef[]; repost: Repost }> {
  const owner = r.tg.addUser({ first_name: "Rita" });
  const review = r.tg.addChat({ type: "supergroup", title: "Review", creatorId: owner.id });
  const card = await r.executor.execute({
    kind: "post_card",
    chat: `telegram:${review.id}` as ChatKey,
    text: "held",
    buttons: [],
    preserve: messages.map((m) => ({ chat: `telegram:${r.group.id}` as ChatKey, id: String(m.message_id) })),
  });
  expect(card.status).toBe("ok");
  const copies = card.status === "ok" ? (card.refs ?? []).slice(1) : [];
  for (const m of messages) r.tg.message(r.group.id, m.message_id)!.deleted = true;
  return {
    copies,
    repost: {
      kind: "repost",
      chat: `telegram:${r.group.id}` as ChatKey,
      attribution: ATTRIBUTION,
      content: messages.map((m) => contentOf(m)),
      copies,
    },
  };
}

/** The re-post's calls that put something into the group: a kill can land between any two of them. */
function postingCalls(r: ExecutorRig, since: number) {
  return r.tg.calls.slice(since).filter((c) => POSTING.has(c.method) && c.params.chat_id === r.group.id);
}

/**
 * A re-post was the attribution line, then the copy: two calls, and a crash between them left the line
 * alone in the chat (the repost check then flags the card, but the admin's re-post adds a second line).
 * Where Telegram allows it the re-post is now one message, so a kill lands before it or after it.
 */
describe("telegram re-post of a held message", () => {
  it("re-posts a text in one message: the attribution line, then the text with its formatting", async () => {
    rig = await startExecutor();
    const bob = rig.tg.addUser({ first_name: "Bob" });
    rig.tg.setMember(rig.group.id, bob.id, "member");
    const text = "read this https://www.reuters.com/world/x now";
    const post = rig.tg.userSends(rig.group.id, bob.id, {
      text,
      entities: [
        { type: "bold", offset: 0, length: 4 },
        { type: "url", offset: 10, length: 31 },
      ],
    });
    const { repost } = await held(rig, [post]);
    const since = rig.tg.calls.length;
    const outcome = await rig.executor.execute({ ...repost, replyTo: String(post.message_id) });
    expect(outcome.status).toBe("ok");
    const calls = postingCalls(rig, since);
    expect(calls.map((c) => c.method)).toEqual(["sendMessage"]);
    const sent = rig.tg.botMessages(rig.group.id).at(-1)!.message;
    expect(sent.text).toBe(`${ATTRIBUTION}\n${text}`);
    const shift = ATTRIBUTION.length + 1;
    expect(sent.entities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "bold", offset: shift, length: 4 }),
        expect.objectContaining({ type: "url", offset: 10 + shift, length: 31 }),
      ]),
    );
    expect(outcome.status === "ok" && outcome.refs).toHaveLength(1);
  });

  it("re-posts a photo in one message: the copy, with the attribution line in its caption", async () => {
    rig = await startExecutor();
    const bob = rig.tg.addUser({ first_name: "Bob" });
    rig.tg.setMember(rig.group.id, bob.id, "member");
    const post = rig.tg.userSends(rig.group.id, bob.id, { photo: true, caption: "look" });
    const { repost } = await held(rig, [post]);
    const since = rig.tg.calls.length;
    expect((await rig.executor.execute(repost)).status).toBe("ok");
    expect(postingCalls(rig, since).map((c) => c.method)).toEqual(["copyMessage"]);
    const sent = rig.tg.botMessages(rig.group.id).at(-1)!.message;
    expect(sent.photo).toBeDefined();
    expect(sent.caption).toBe(`${ATTRIBUTION}\nlook`);
  });

  it("an album stays two calls (line, then the album); if Telegram refuses the album, the line is taken down", async () => {
    rig = await startExecutor();
    const bob = rig.tg.addUser({ first_name: "Bob" });
    rig.tg.setMember(rig.group.id, bob.id, "member");
    const album = [
      rig.tg.userSends(rig.group.id, bob.id, { photo: "P1", caption: "one", media_group_id: "a1" }),
      rig.tg.userSends(rig.group.id, bob.id, { photo: "P2", media_group_id: "a1" }),
    ];
    const { repost } = await held(rig, album);
    rig.tg.failNext("copyMessages", {
      error_code: 400,
      description: "Bad Request: message to copy not found",
    });
    const outcome = await rig.executor.execute(repost);
    expect(outcome.status).toBe("failed");
    const lines = rig.tg.botMessages(rig.group.id).filter((m) => m.message.text === ATTRIBUTION);
    expect(lines.every((m) => m.deleted)).toBe(true);
    const since = rig.tg.calls.length;
    expect((await rig.executor.execute(repost)).status).toBe("ok");
    expect(postingCalls(rig, since).map((c) => c.method)).toEqual(["sendMessage", "copyMessages"]);
  });
});
