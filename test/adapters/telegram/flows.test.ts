import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../fakes/telegram/index.js";
import { member, startWorld, texts, type TgWorld } from "./support.js";

let w: TgWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const NEWS = `news:
  enabled: true
  domains: ["reuters.com"]
  album_settle: 2s
`;

const LINK = "see https://www.reuters.com/world/x";

const callbackData = (m: StoredMessage | undefined, label: string): string => {
  const button = m?.message.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
  return button && "callback_data" in button ? (button.callback_data ?? "") : "";
};

const cardOf = (world: TgWorld) =>
  world.tg
    .botMessages(world.review.id)
    .filter((m) => m.message.reply_markup?.inline_keyboard.length)
    .at(-1);

async function approve(world: TgWorld): Promise<void> {
  const card = await world.tg.waitFor(() => cardOf(world));
  const q = world.tg.pressButton(
    world.review.id,
    card.message.message_id,
    world.admin.id,
    callbackData(card, "Approve"),
  );
  await world.tg.waitFor(() => world.tg.callbackAnswer(q));
}

/** Moves the runtime's clock and fires the timers that fall due (album settling, expiries). */
async function advance(world: TgWorld, ms: number): Promise<void> {
  world.clock.advance(ms);
  await world.runtime.scheduler.runDue();
}

describe("telegram end to end: join requests", () => {
  it("verifies an applicant privately and approves their join request afterwards", async () => {
    w = await startWorld({
      policy: `verification:
  required: true
  method: self_declared
  fields: { legal_name: true, id_number: false, phone: false }
`,
      group: { join_by_request: true },
    });
    const { tg, group } = w;
    const dana = tg.addUser({ first_name: "Dana" });
    tg.userRequestsJoin(group.id, dana.id);
    // The bot may write to an applicant first: the invitation arrives privately, not in the group.
    const invite = await tg.waitFor(() => tg.botMessages(dana.id)[0]);
    expect(invite.message.text).toMatch(/You asked to join Demo/);
    expect(tg.botMessages(group.id)).toEqual([]);
    expect(tg.callsTo("approveChatJoinRequest")).toEqual([]);
    await tg.waitFor(() => tg.botMessages(dana.id).some((m) => /legal name/i.test(m.message.text ?? "")));
    tg.userSends(dana.id, dana.id, "Dana Example");
    await tg.waitFor(() => tg.member(group.id, dana.id).status === "member");
    expect(tg.callsTo("approveChatJoinRequest")).toHaveLength(1);
    expect(tg.callsTo("declineChatJoinRequest")).toEqual([]);
    // The join that follows the approval is a verified member's: no restriction comes after it.
    await tg.waitFor(() => w?.events.some((e) => e.kind === "member_joined"));
    await tg.waitFor(() => w?.tg.pendingUpdates.length === 0);
    await w.adapter.stop();
    expect(tg.member(group.id, dana.id).status).toBe("member");
    tg.userSends(group.id, dana.id, "hello");
    expect(texts(w, group.id)).toContain("hello");
    expect(texts(w, group.id).join("\n")).not.toContain("Dana Example");
  });
});

describe("telegram end to end: news holds on Telegram's shapes", () => {
  it("re-checks an edited message and holds it when the edit adds a news link", async () => {
    w = await startWorld({ policy: NEWS });
    const { tg, group } = w;
    const bob = member(w, "Bob");
    const posted = tg.userSends(group.id, bob.id, "good morning");
    await tg.waitFor(() => w?.events.some((e) => e.kind === "message_posted"));
    expect(tg.message(group.id, posted.message_id)?.deleted).toBeFalsy();
    tg.userEdits(group.id, posted.message_id, `good morning, ${LINK}`);
    await tg.waitFor(() => tg.message(group.id, posted.message_id)?.deleted);
    const card = await tg.waitFor(() => cardOf(w as TgWorld));
    expect(callbackData(card, "Approve")).toMatch(/^hold:approve:/);
    expect(tg.messages(w.review.id).map((m) => m.message.text)).toContain(`good morning, ${LINK}`);
  });

  it("holds an album as one unit and re-posts it with one copyMessages of all its ids", async () => {
    w = await startWorld({ policy: NEWS });
    const { tg, group } = w;
    const bob = member(w, "Bob");
    const parts = [
      tg.userSends(group.id, bob.id, { photo: "P1", caption: LINK, media_group_id: "album1" }),
      tg.userSends(group.id, bob.id, { photo: "P2", media_group_id: "album1" }),
      tg.userSends(group.id, bob.id, { photo: "P3", media_group_id: "album1" }),
    ];
    await tg.waitFor(() => w?.events.filter((e) => e.kind === "message_posted").length === 3);
    await tg.waitFor(() => w?.tg.pendingUpdates.length === 0);
    await advance(w, 3000);
    await tg.waitFor(() => parts.every((p) => tg.message(group.id, p.message_id)?.deleted));
    const cards = tg.botMessages(w.review.id).filter((m) => m.message.reply_markup?.inline_keyboard.length);
    expect(cards).toHaveLength(1);
    expect(tg.callsTo("copyMessages")[0]?.params.message_ids).toEqual(parts.map((p) => p.message_id));
    await approve(w);
    await tg.waitFor(() => tg.callsTo("copyMessages").length === 2);
    const back = tg.callsTo("copyMessages")[1];
    expect(back?.params).toMatchObject({ chat_id: group.id, from_chat_id: w.review.id });
    expect(back?.params.message_ids).toHaveLength(3);
    const photos = tg.messages(group.id).filter((m) => m.message.photo);
    expect(photos).toHaveLength(3);
    expect(new Set(photos.map((m) => m.message.media_group_id)).size).toBe(1);
  });

  it("re-posts an approved post in the forum topic it came from", async () => {
    w = await startWorld({ policy: NEWS, group: { is_forum: true } });
    const { tg, group } = w;
    const topic = tg.createTopic(group.id, "World");
    const bob = member(w, "Bob");
    const posted = tg.userSends(group.id, bob.id, { text: LINK, thread_id: topic });
    await tg.waitFor(() => tg.message(group.id, posted.message_id)?.deleted);
    await approve(w);
    const copy = await tg.waitFor(() =>
      tg.messages(group.id).find((m) => m.fromBot && m.message.text === `Posted by Bob\n${LINK}`),
    );
    expect(copy.message.message_thread_id).toBe(topic);
    // Bob never opened the bot: the notice that asks him to goes to the topic he wrote in.
    const notice = tg.botMessages(group.id).find((m) => m.message.text?.startsWith("Bob,"));
    expect(notice?.message.message_thread_id).toBe(topic);
  });

  it("lets an anonymous admin post a news link and holds the same link from a member", async () => {
    w = await startWorld({ policy: NEWS });
    const { tg, group } = w;
    const mine = tg.userSends(group.id, w.admin.id, { text: LINK, sender_chat: group.id });
    const bob = member(w, "Bob");
    const theirs = tg.userSends(group.id, bob.id, LINK);
    await tg.waitFor(() => tg.message(group.id, theirs.message_id)?.deleted);
    expect(tg.message(group.id, mine.message_id)?.deleted).toBeFalsy();
    expect(tg.botMessages(w.review.id).filter((m) => m.message.reply_markup)).toHaveLength(1);
  });
});

describe("telegram end to end: channels and server errors", () => {
  it("bans a channel that keeps posting banned terms with banChatSenderChat", async () => {
    w = await startWorld({
      policy: `rules:
  categories:
    spam: { terms: ["buy followers"], points: 2, action: delete }
sanctions:
  ladder:
    - { at: 1, action: warn }
    - { at: 3, action: ban }
`,
    });
    const { tg, group } = w;
    const channel = tg.addChat({ type: "channel", title: "Promo" });
    const bob = member(w, "Bob");
    for (const text of ["buy followers", "buy followers today"]) {
      const m = tg.userSends(group.id, bob.id, { text, sender_chat: channel.id });
      await tg.waitFor(() => tg.message(group.id, m.message_id)?.deleted);
    }
    await tg.waitFor(() => tg.callsTo("banChatSenderChat").length === 1);
    expect(tg.callsTo("banChatSenderChat")[0]?.params).toMatchObject({ sender_chat_id: channel.id });
    expect(tg.callsTo("banChatMember")).toEqual([]);
    expect(() => tg.userSends(group.id, bob.id, { text: "again", sender_chat: channel.id })).toThrow(
      /banned/,
    );
  });

  it("retries a 500 and a 429 and completes the hold once", async () => {
    w = await startWorld({ policy: NEWS });
    const { tg, group } = w;
    tg.failNext("copyMessages", { error_code: 500, description: "Internal Server Error" });
    tg.failNext("deleteMessage", { error_code: 429, retry_after: 1 });
    const bob = member(w, "Bob");
    const posted = tg.userSends(group.id, bob.id, LINK);
    await tg.waitFor(() => tg.message(group.id, posted.message_id)?.deleted, { timeoutMs: 10_000 });
    expect(tg.callsTo("copyMessages").map((c) => c.error?.error_code ?? "ok")).toEqual([500, "ok"]);
    expect(tg.callsTo("deleteMessage").map((c) => c.error?.error_code ?? "ok")).toEqual([429, "ok"]);
    expect(tg.messages(w.review.id).filter((m) => m.message.text === LINK)).toHaveLength(1);
  });
});

describe("telegram end to end: members who never opened the bot", () => {
  it("posts one notice per member however many texts wait, and delivers them all when the member opens the bot", async () => {
    w = await startWorld({ policy: NEWS });
    const { tg, group } = w;
    const bob = member(w, "Bob");
    const posted = tg.userSends(group.id, bob.id, LINK);
    await tg.waitFor(() => tg.message(group.id, posted.message_id)?.deleted);
    await approve(w);
    await tg.waitFor(() => texts(w as TgWorld, group.id).includes(`Posted by Bob\n${LINK}`));
    const notices = tg.botMessages(group.id).filter((m) => m.message.text?.startsWith("Bob,"));
    expect(notices).toHaveLength(1);
    const button = notices[0]?.message.reply_markup?.inline_keyboard[0]?.[0];
    expect(button && "url" in button && button.url).toBe(`https://t.me/${tg.botUser.username}`);
    tg.userStartsBot(bob.id);
    const got = await tg.waitFor(() => {
      const all = tg.botMessages(bob.id).map((m) => m.message.text ?? "");
      return all.length >= 3 ? all : undefined;
    });
    expect(got[0]).toMatch(/has to approve it/);
    expect(got[1]).toMatch(/approved/);
    // Delivered once: a second message to the bot brings nothing old back.
    tg.userSends(bob.id, bob.id, "/help");
    await tg.waitFor(() => tg.botMessages(bob.id).length >= 4);
    expect(tg.botMessages(bob.id).filter((m) => /approved/.test(m.message.text ?? ""))).toHaveLength(1);
  });
});

describe("telegram end to end: admin rights follow Telegram", () => {
  it("refuses the buttons of an admin who was just demoted in the review chat", async () => {
    w = await startWorld({ policy: NEWS });
    const { tg, group, review } = w;
    const bob = member(w, "Bob");
    tg.userSends(group.id, bob.id, LINK);
    const card = await tg.waitFor(() => cardOf(w as TgWorld));
    const data = callbackData(card, "Approve");
    // The admin list is cached: the demotion must reach it through the chat_member update.
    const warm = tg.pressButton(review.id, card.message.message_id, bob.id, data);
    await tg.waitFor(() => tg.callbackAnswer(warm));
    tg.demote(review.id, w.admin.id);
    tg.demote(group.id, w.admin.id);
    await tg.waitFor(() => w?.tg.pendingUpdates.length === 0);
    const q = tg.pressButton(review.id, card.message.message_id, w.admin.id, data);
    expect(await tg.waitFor(() => tg.callbackAnswer(q))).toMatchObject({ show_alert: true });
    expect(texts(w, group.id)).not.toContain(LINK);
  });
});

describe("telegram end to end: languages", () => {
  it("invites a newcomer whose Telegram is in Chinese in Chinese, with a mention and a Chinese button", async () => {
    w = await startWorld({
      policy: `verification:
  required: true
  method: self_declared
  fields: { legal_name: true, id_number: false, phone: false }
`,
    });
    const { tg, group } = w;
    const li = tg.addUser({ first_name: "李雷", language_code: "zh-hans" });
    tg.userJoins(group.id, li.id);
    const notice = await tg.waitFor(() => tg.botMessages(group.id).find((m) => m.message.reply_markup));
    expect(notice.message.text).toMatch(/^李雷，/);
    expect(notice.message.entities?.[0]).toMatchObject({ type: "text_mention", offset: 0, length: 2 });
    expect(notice.message.reply_markup?.inline_keyboard[0]?.[0]?.text).toBe("打开私聊");
  });
});

describe("telegram end to end: presses at the same moment", () => {
  it("re-posts once when two admins press Approve at the same moment", async () => {
    w = await startWorld({ policy: NEWS });
    const { tg, group, review } = w;
    const bob = member(w, "Bob");
    const posted = tg.userSends(group.id, bob.id, LINK);
    // The original is deleted after the card is recorded: from then on the card's buttons work.
    await tg.waitFor(() => tg.message(group.id, posted.message_id)?.deleted);
    const card = await tg.waitFor(() => cardOf(w as TgWorld));
    const data = callbackData(card, "Approve");
    const a = tg.pressButton(review.id, card.message.message_id, w.admin.id, data);
    const b = tg.pressButton(review.id, card.message.message_id, w.owner.id, data);
    await tg.waitFor(() => tg.callbackAnswer(a) && tg.callbackAnswer(b));
    await tg.waitFor(() => texts(w as TgWorld, group.id).includes(`Posted by Bob\n${LINK}`));
    await tg.waitFor(() => w?.tg.pendingUpdates.length === 0);
    await w.adapter.stop();
    expect(texts(w, group.id).filter((t) => t.endsWith(LINK))).toHaveLength(1);
    // One re-post: one message into the group (the attribution line is part of it).
    expect(tg.callsTo("sendMessage").filter((c) => String(c.params.text).endsWith(LINK))).toHaveLength(1);
    // The later press is told, on the spot, who decided first.
    expect(tg.callbackAnswer(b)?.text).toMatch(/already approved by Adam/);
  });
});

describe("telegram end to end: anonymous admins give commands", () => {
  it("bans a member when an anonymous admin replies /ban to their message", async () => {
    w = await startWorld();
    const { tg, group } = w;
    const eve = member(w, "Eve");
    const spam = tg.userSends(group.id, eve.id, "hello");
    tg.userSends(group.id, w.admin.id, {
      text: "/ban spam",
      entities: [{ type: "bot_command", offset: 0, length: 4 }],
      sender_chat: group.id,
      reply_to: spam.message_id,
    });
    await tg.waitFor(() => tg.member(group.id, eve.id).status === "kicked");
  });
});
