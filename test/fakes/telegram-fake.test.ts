import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeTelegram, waitFor } from "./telegram/index.js";

let tg: FakeTelegram;
let bot: Bot;

beforeEach(async () => {
  tg = await FakeTelegram.start();
  bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
});

afterEach(async () => {
  await tg.close();
});

/** Runs an API call and returns the GrammyError it fails with. */
async function apiError(call: Promise<unknown>): Promise<GrammyError> {
  try {
    await call;
  } catch (e) {
    if (e instanceof GrammyError) return e;
    throw e;
  }
  throw new Error("expected the call to fail");
}

describe("Bot API methods through grammY", () => {
  it("getMe returns the fake bot user", async () => {
    const me = await bot.api.getMe();
    expect(me).toMatchObject({ id: tg.botUser.id, is_bot: true, username: tg.botUser.username });
  });

  it("restricts a member of a supergroup and the membership changes", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const alice = tg.addUser();
    tg.setMember(g.id, alice.id, "member");
    const until = Math.floor(Date.now() / 1000) + 3600;
    await bot.api.restrictChatMember(
      g.id,
      alice.id,
      { can_send_messages: false },
      { until_date: until, use_independent_chat_permissions: true },
    );
    expect(tg.member(g.id, alice.id)).toMatchObject({
      status: "restricted",
      can_send_messages: false,
      can_send_photos: false,
      is_member: true,
      until_date: until,
    });
    expect(() => tg.userSends(g.id, alice.id, "hi")).toThrow(/may not send/);
    const fetched = await bot.api.getChatMember(g.id, alice.id);
    expect(fetched.status).toBe("restricted");
  });

  it("lifting every restriction turns a restricted user back into a member", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const bob = tg.addUser();
    tg.setMember(g.id, bob.id, { status: "restricted", permissions: {} });
    const all = {
      can_send_messages: true,
      can_send_audios: true,
      can_send_documents: true,
      can_send_photos: true,
      can_send_videos: true,
      can_send_video_notes: true,
      can_send_voice_notes: true,
      can_send_polls: true,
      can_send_other_messages: true,
      can_add_web_page_previews: true,
      can_react_to_messages: true,
      can_change_info: true,
      can_invite_users: true,
      can_edit_tag: true,
      can_pin_messages: true,
      can_manage_topics: true,
    };
    await bot.api.restrictChatMember(g.id, bob.id, all);
    expect(tg.member(g.id, bob.id).status).toBe("member");
  });

  it("refuses to restrict without can_restrict_members, with Telegram's description", async () => {
    const g = tg.addChat({ type: "supergroup", bot: { can_restrict_members: false } });
    const alice = tg.addUser();
    tg.setMember(g.id, alice.id, "member");
    const err = await apiError(bot.api.restrictChatMember(g.id, alice.id, { can_send_messages: false }));
    expect(err.error_code).toBe(400);
    expect(err.description).toBe("Bad Request: not enough rights to restrict/unrestrict chat member");
    expect(tg.member(g.id, alice.id).status).toBe("member");
  });

  it("refuses to restrict an administrator and to restrict in a basic group", async () => {
    const sg = tg.addChat({ type: "supergroup" });
    const admin = tg.addUser();
    tg.setMember(sg.id, admin.id, "administrator");
    expect((await apiError(bot.api.restrictChatMember(sg.id, admin.id, {}))).description).toBe(
      "Bad Request: user is an administrator of the chat",
    );
    const basic = tg.addChat({ type: "group" });
    tg.setMember(basic.id, admin.id, "member");
    expect((await apiError(bot.api.restrictChatMember(basic.id, admin.id, {}))).description).toBe(
      "Bad Request: method is available only for supergroups",
    );
  });

  it("answers 403 for a private message to a user who never started the bot, and delivers after /start", async () => {
    const carol = tg.addUser();
    const err = await apiError(bot.api.sendMessage(carol.id, "hello"));
    expect(err.error_code).toBe(403);
    expect(err.description).toBe("Forbidden: bot can't initiate conversation with a user");
    tg.userStartsBot(carol.id, "bind");
    await bot.api.sendMessage(carol.id, "welcome");
    expect(tg.privateMessages(carol.id).map((m) => m.message.text)).toEqual(["/start bind", "welcome"]);
  });

  it("lets the bot write to a join requester and approve them", async () => {
    const g = tg.addChat({ type: "supergroup", join_by_request: true });
    const dan = tg.addUser();
    tg.userRequestsJoin(g.id, dan.id);
    const req = tg.updates.at(-1)?.chat_join_request;
    expect(req).toMatchObject({ user_chat_id: dan.id, from: { id: dan.id } });
    await bot.api.sendMessage(dan.id, "please bind your name");
    await bot.api.approveChatJoinRequest(g.id, dan.id);
    expect(tg.member(g.id, dan.id).status).toBe("member");
    expect((await apiError(bot.api.approveChatJoinRequest(g.id, dan.id))).description).toBe(
      "Bad Request: USER_ALREADY_PARTICIPANT",
    );
  });

  it("deletes others' messages only with can_delete_messages, and only once", async () => {
    const g = tg.addChat({ type: "supergroup", bot: { can_delete_messages: false } });
    const eve = tg.addUser();
    tg.setMember(g.id, eve.id, "member");
    const m = tg.userSends(g.id, eve.id, "spam");
    expect((await apiError(bot.api.deleteMessage(g.id, m.message_id))).description).toBe(
      "Bad Request: message can't be deleted",
    );
    const own = await bot.api.sendMessage(g.id, "mine");
    await bot.api.deleteMessage(g.id, own.message_id);
    tg.setMember(g.id, tg.botUser.id, { status: "administrator" });
    await bot.api.deleteMessage(g.id, m.message_id);
    expect((await apiError(bot.api.deleteMessage(g.id, m.message_id))).description).toBe(
      "Bad Request: message to delete not found",
    );
    expect(tg.messages(g.id)).toEqual([]);
    expect(tg.messages(g.id, { includeDeleted: true }).map((s) => s.deleted)).toEqual([true, true]);
  });

  it("edits its own message, keeps history, and rejects an unchanged edit", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const sent = await bot.api.sendMessage(g.id, "v1", {
      reply_markup: { inline_keyboard: [[{ text: "ok", callback_data: "ok" }]] },
    });
    const edited = await bot.api.editMessageText(g.id, sent.message_id, "v2");
    expect(edited).toMatchObject({ text: "v2" });
    expect(tg.message(g.id, sent.message_id)?.edits.map((m) => m.text)).toEqual(["v1"]);
    expect((await apiError(bot.api.editMessageText(g.id, sent.message_id, "v2"))).description).toMatch(
      /^Bad Request: message is not modified/,
    );
  });

  it("copies a message to another chat without forward information", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const review = tg.addChat({ type: "supergroup" });
    const ch = tg.addChat({ type: "channel", title: "News" });
    const frank = tg.addUser();
    tg.setMember(g.id, frank.id, "member");
    const m = tg.userSends(g.id, frank.id, { text: "see https://example.com", forward_from_chat: ch.id });
    expect(m.forward_origin).toMatchObject({ type: "channel", chat: { id: ch.id } });
    const copy = await bot.api.copyMessage(review.id, g.id, m.message_id);
    const stored = tg.message(review.id, copy.message_id)?.message;
    expect(stored).toMatchObject({
      text: "see https://example.com",
      entities: [{ type: "url", offset: 4, length: 19 }],
    });
    expect(stored?.forward_origin).toBeUndefined();
  });

  it("keeps 64-bit chat ids exact", async () => {
    const g = tg.addChat({ id: -1001234567890123, type: "supergroup", title: "Big" });
    const chat = await bot.api.getChat(g.id);
    expect(chat.id).toBe(-1001234567890123);
    const sent = await bot.api.sendMessage(-1001234567890123, "x");
    expect(sent.chat.id).toBe(-1001234567890123);
  });

  it("turns parse_mode HTML into entities and rejects unescaped MarkdownV2", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const sent = await bot.api.sendMessage(g.id, '<b>Alice</b> &amp; <a href="https://t.me/x">link</a>', {
      parse_mode: "HTML",
    });
    expect(sent.text).toBe("Alice & link");
    expect(sent.entities).toEqual([
      { type: "bold", offset: 0, length: 5 },
      { type: "text_link", offset: 8, length: 4, url: "https://t.me/x" },
    ]);
    const err = await apiError(bot.api.sendMessage(g.id, "Done.", { parse_mode: "MarkdownV2" }));
    expect(err.description).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
  });

  it("bans, then unbans only if banned", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const gus = tg.addUser();
    tg.setMember(g.id, gus.id, "member");
    await bot.api.unbanChatMember(g.id, gus.id, { only_if_banned: true });
    expect(tg.member(g.id, gus.id).status).toBe("member");
    await bot.api.banChatMember(g.id, gus.id);
    expect(tg.member(g.id, gus.id)).toEqual({ status: "kicked", user: gus, until_date: 0 });
    expect(() => tg.userJoins(g.id, gus.id)).toThrow(/banned/);
    await bot.api.unbanChatMember(g.id, gus.id, { only_if_banned: true });
    expect(tg.member(g.id, gus.id).status).toBe("left");
  });

  it("stores commands per scope and language", async () => {
    await bot.api.setMyCommands([{ command: "verify", description: "Verify" }]);
    await bot.api.setMyCommands([{ command: "verify", description: "验证" }], { language_code: "zh" });
    await bot.api.setMyCommands([{ command: "mod", description: "Moderate" }], {
      scope: { type: "all_chat_administrators" },
    });
    expect(await bot.api.getMyCommands({ language_code: "zh" })).toEqual([
      { command: "verify", description: "验证" },
    ]);
    expect(tg.commands({ type: "all_chat_administrators" })).toEqual([
      { command: "mod", description: "Moderate" },
    ]);
    await bot.api.deleteMyCommands();
    expect(await bot.api.getMyCommands()).toEqual([]);
    expect(
      (await apiError(bot.api.setMyCommands([{ command: "Bad-Name", description: "x" }]))).description,
    ).toBe("Bad Request: BOT_COMMAND_INVALID");
  });

  it("answers 404 for unknown methods and 401 for a wrong token, and reads form and query bodies", async () => {
    const notFound = await fetch(`${tg.apiRoot}/bot${tg.token}/noSuchMethod`, { method: "POST" });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
    const unauthorized = await fetch(`${tg.apiRoot}/bot123:wrong/getMe`);
    expect(await unauthorized.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    const g = tg.addChat({ type: "supergroup" });
    const form = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        chat_id: String(g.id),
        text: "via form",
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "a", callback_data: "a" }]] }),
      }),
    });
    expect(((await form.json()) as { result: { reply_markup: unknown } }).result.reply_markup).toEqual({
      inline_keyboard: [[{ text: "a", callback_data: "a" }]],
    });
    const get = await fetch(`${tg.apiRoot}/bot${tg.token}/getChatMemberCount?chat_id=${g.id}`);
    expect(await get.json()).toEqual({ ok: true, result: 2 });
    const multipart = new FormData();
    multipart.set("chat_id", String(g.id));
    multipart.set("text", "via multipart");
    expect(
      (
        (await (
          await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage`, { method: "POST", body: multipart })
        ).json()) as { ok: boolean }
      ).ok,
    ).toBe(true);
  });
});

describe("updates and long polling", () => {
  it("bot.start receives a message and a callback query, and its answer is recorded", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const alice = tg.addUser({ first_name: "Alice" });
    tg.setMember(g.id, alice.id, "member");
    bot.on("message:text", async (ctx) => {
      await ctx.reply(`echo ${ctx.message.text}`, {
        reply_markup: { inline_keyboard: [[{ text: "Approve", callback_data: "approve:1" }]] },
      });
    });
    bot.on("callback_query:data", (ctx) =>
      ctx.answerCallbackQuery({ text: `got ${ctx.callbackQuery.data}` }),
    );
    void bot.start({ timeout: 1 });
    tg.userSends(g.id, alice.id, "hello");
    const reply = await waitFor(() => tg.botMessages(g.id)[0]);
    expect(reply.message.text).toBe("echo hello");
    const qid = tg.pressButton(g.id, reply.message.message_id, alice.id, "approve:1");
    await waitFor(() => tg.callbackAnswer(qid));
    expect(tg.answeredCallbacks).toEqual([{ callback_query_id: qid, text: "got approve:1" }]);
    await bot.stop();
    expect((await apiError(bot.api.answerCallbackQuery(qid))).description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
  });

  it("does not deliver an update twice after the bot restarts on the same server", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const alice = tg.addUser();
    tg.setMember(g.id, alice.id, "member");
    const seen: number[] = [];
    bot.on("message", (ctx) => void seen.push(ctx.update.update_id));
    void bot.start();
    tg.userSends(g.id, alice.id, "one");
    await waitFor(() => seen.length === 1);
    await bot.stop();

    const again = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
    const seenAgain: number[] = [];
    again.on("message", (ctx) => void seenAgain.push(ctx.update.update_id));
    void again.start();
    tg.userSends(g.id, alice.id, "two");
    await waitFor(() => seenAgain.length === 1);
    await again.stop();
    expect(seenAgain[0]).toBeGreaterThan(seen[0] as number);
    expect(seenAgain).toHaveLength(1);
  });

  it("getUpdates returns nothing after its timeout when nothing happens", async () => {
    expect(await bot.api.getUpdates({ timeout: 1 })).toEqual([]);
  });

  it("a waiting getUpdates returns as soon as an update arrives", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const alice = tg.addUser();
    tg.setMember(g.id, alice.id, "member");
    const poll = bot.api.getUpdates({ timeout: 10 });
    await waitFor(() => tg.callsTo("getUpdates").length === 1);
    tg.userSends(g.id, alice.id, "wake up");
    const updates = await poll;
    expect(updates.map((u) => u.message?.text)).toEqual(["wake up"]);
  });

  it("close() releases a waiting poll with no updates", async () => {
    const poll = bot.api.getUpdates({ timeout: 30 });
    await waitFor(() => tg.callsTo("getUpdates").length === 1);
    await tg.close();
    expect(await poll).toEqual([]);
  });

  it("honours offset and limit", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const alice = tg.addUser();
    tg.setMember(g.id, alice.id, "member");
    for (const t of ["a", "b", "c"]) tg.userSends(g.id, alice.id, t);
    const first = await bot.api.getUpdates({ limit: 2 });
    expect(first.map((u) => u.message?.text)).toEqual(["a", "b"]);
    const rest = await bot.api.getUpdates({ offset: (first[1] as Update).update_id + 1 });
    expect(rest.map((u) => u.message?.text)).toEqual(["c"]);
    expect(await bot.api.getUpdates({ offset: (rest[0] as Update).update_id + 1 })).toEqual([]);
  });

  it("delivers chat_member updates only when allowed_updates asks for them", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const a = tg.addUser();
    const b = tg.addUser();
    tg.userJoins(g.id, a.id);
    const byDefault = await bot.api.getUpdates();
    expect(byDefault.map((u) => Object.keys(u)[1])).toEqual(["message"]);
    await bot.api.getUpdates({
      offset: (byDefault[0] as Update).update_id + 1,
      allowed_updates: ["message", "chat_member"],
    });
    tg.userJoins(g.id, b.id);
    const asked = await bot.api.getUpdates();
    expect(asked.map((u) => Object.keys(u)[1])).toEqual(["chat_member", "message"]);
    expect(asked[0]?.chat_member).toMatchObject({
      old_chat_member: { status: "left" },
      new_chat_member: { status: "member", user: { id: b.id } },
    });
    expect(tg.allowedUpdates).toEqual(["message", "chat_member"]);
  });

  it("sends my_chat_member when the bot is added", async () => {
    const g = tg.addChat({ type: "supergroup", bot: "none" });
    tg.botAddedToChat(g.id, { can_restrict_members: true, can_delete_messages: true });
    const updates = await bot.api.getUpdates();
    expect(updates[0]?.my_chat_member).toMatchObject({
      old_chat_member: { status: "left" },
      new_chat_member: { status: "administrator", can_restrict_members: true },
    });
  });
});

describe("failure injection", () => {
  it("a 429 is retried by @grammyjs/auto-retry and the call succeeds", async () => {
    bot.api.config.use(autoRetry({ maxDelaySeconds: 5 }));
    const g = tg.addChat({ type: "supergroup" });
    tg.failNext("sendMessage", { error_code: 429, retry_after: 1 });
    const sent = await bot.api.sendMessage(g.id, "eventually");
    expect(sent.text).toBe("eventually");
    const calls = tg.callsTo("sendMessage");
    expect(calls.map((c) => c.error?.error_code ?? "ok")).toEqual([429, "ok"]);
    expect(calls[0]?.error).toEqual({
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    });
  });

  it("an injected 500 reaches the caller as a GrammyError", async () => {
    tg.failNext("getMe", { error_code: 500, description: "Internal Server Error" }, 2);
    expect((await apiError(bot.api.getMe())).error_code).toBe(500);
    expect((await apiError(bot.api.getMe())).error_code).toBe(500);
    expect((await bot.api.getMe()).id).toBe(tg.botUser.id);
  });
});

describe("chat model details", () => {
  it("lifts a timed restriction once the injected clock passes until_date", async () => {
    let now = 1_700_000_000;
    const clocked = await FakeTelegram.start({ now: () => now });
    try {
      const api = new Bot(clocked.token, { client: { apiRoot: clocked.apiRoot } }).api;
      const g = clocked.addChat({ type: "supergroup" });
      const u = clocked.addUser();
      clocked.setMember(g.id, u.id, "member");
      await api.restrictChatMember(g.id, u.id, { can_send_messages: false }, { until_date: now + 120 });
      expect(clocked.member(g.id, u.id).status).toBe("restricted");
      now += 121;
      expect(clocked.member(g.id, u.id).status).toBe("member");
      await api.restrictChatMember(g.id, u.id, { can_send_messages: false }, { until_date: now + 10 });
      expect(clocked.member(g.id, u.id)).toMatchObject({ status: "restricted", until_date: 0 });
    } finally {
      await clocked.close();
    }
  });

  it("turns a user's edit into an edited_message update and keeps the old version", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const u = tg.addUser();
    tg.setMember(g.id, u.id, "member");
    const m = tg.userSends(g.id, u.id, "harmless");
    tg.userEdits(g.id, m.message_id, "now with t.me/spam");
    const updates = await bot.api.getUpdates();
    expect(updates[1]?.edited_message).toMatchObject({
      message_id: m.message_id,
      text: "now with t.me/spam",
      entities: [{ type: "url", offset: 9, length: 9 }],
    });
    expect(tg.message(g.id, m.message_id)?.edits.map((e) => e.text)).toEqual(["harmless"]);
  });

  it("keeps forum topics: unknown threads are rejected, replies stay in the topic", async () => {
    const g = tg.addChat({ type: "supergroup", is_forum: true });
    const u = tg.addUser();
    tg.setMember(g.id, u.id, "member");
    const topic = tg.createTopic(g.id, "Rules");
    const m = tg.userSends(g.id, u.id, { text: "question", thread_id: topic });
    expect(m).toMatchObject({ message_thread_id: topic, is_topic_message: true });
    const reply = await bot.api.sendMessage(g.id, "answer", {
      reply_parameters: { message_id: m.message_id },
    });
    expect(reply).toMatchObject({ message_thread_id: topic, reply_to_message: { message_id: m.message_id } });
    expect((await apiError(bot.api.sendMessage(g.id, "x", { message_thread_id: 999 }))).description).toBe(
      "Bad Request: message thread not found",
    );
  });

  it("bans a sender chat so the channel can no longer post, and marks channel posts", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const ch = tg.addChat({ type: "channel" });
    const u = tg.addUser();
    const m = tg.userSends(g.id, u.id, { text: "ad", sender_chat: ch.id });
    expect(m).toMatchObject({ from: { id: 136817688 }, sender_chat: { id: ch.id, type: "channel" } });
    await bot.api.banChatSenderChat(g.id, ch.id);
    expect(() => tg.userSends(g.id, u.id, { text: "ad", sender_chat: ch.id })).toThrow(/banned/);
  });

  it("deleteMessages skips ids that do not exist", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const u = tg.addUser();
    tg.setMember(g.id, u.id, "member");
    const a = tg.userSends(g.id, u.id, { photo: true, media_group_id: "alb1" });
    const b = tg.userSends(g.id, u.id, { photo: true, media_group_id: "alb1", caption: "album" });
    await bot.api.deleteMessages(g.id, [a.message_id, b.message_id, 12345]);
    expect(tg.messages(g.id)).toEqual([]);
  });

  it("stores a request_contact keyboard in private and rejects it in groups", async () => {
    const u = tg.addUser();
    tg.userStartsBot(u.id);
    const keyboard = {
      keyboard: [[{ text: "Share phone", request_contact: true }]],
      one_time_keyboard: true,
    };
    const sent = await bot.api.sendMessage(u.id, "share your phone", { reply_markup: keyboard });
    expect(tg.message(u.id, sent.message_id)?.replyKeyboard).toEqual(keyboard);
    const g = tg.addChat({ type: "supergroup" });
    expect((await apiError(bot.api.sendMessage(g.id, "x", { reply_markup: keyboard }))).description).toBe(
      "Bad Request: phone number can be requested in private chats only",
    );
    const other = tg.addUser();
    const shared = tg.shareContact(u.id, { phone_number: "+15550001", user_id: other.id });
    expect(shared.contact).toEqual({
      phone_number: "+15550001",
      first_name: u.first_name,
      user_id: other.id,
    });
  });

  it("answers 403 once the user blocked the bot", async () => {
    const u = tg.addUser();
    tg.userStartsBot(u.id);
    tg.userBlocksBot(u.id);
    expect((await apiError(bot.api.sendMessage(u.id, "hi"))).description).toBe(
      "Forbidden: bot was blocked by the user",
    );
  });

  it("unbanChatMember without only_if_banned removes a current member (a kick)", async () => {
    const g = tg.addChat({ type: "supergroup" });
    const u = tg.addUser();
    tg.setMember(g.id, u.id, "member");
    await bot.api.unbanChatMember(g.id, u.id);
    expect(tg.member(g.id, u.id).status).toBe("left");
    expect(tg.messages(g.id).at(-1)?.message.left_chat_member?.id).toBe(u.id);
  });

  it("refuses to act in a chat the bot is not in", async () => {
    const g = tg.addChat({ type: "supergroup", bot: "none" });
    const err = await apiError(bot.api.sendMessage(g.id, "x"));
    expect([err.error_code, err.description]).toEqual([
      403,
      "Forbidden: bot is not a member of the supergroup chat",
    ]);
  });

  it("with privacy mode on, a non-admin bot sees commands and replies but not chatter", async () => {
    const priv = await FakeTelegram.start({ privacyMode: true });
    try {
      const api = new Bot(priv.token, { client: { apiRoot: priv.apiRoot } }).api;
      const g = priv.addChat({ type: "supergroup", bot: "member" });
      const u = priv.addUser();
      priv.setMember(g.id, u.id, "member");
      priv.userSends(g.id, u.id, "just chatting");
      priv.userSends(g.id, u.id, "/report");
      const mine = await api.sendMessage(g.id, "bot says");
      priv.userSends(g.id, u.id, { text: "thanks", reply_to: mine.message_id });
      const texts = (await api.getUpdates()).map((x) => x.message?.text);
      expect(texts).toEqual(["/report", "thanks"]);
      expect((await api.getMe()).can_read_all_group_messages).toBe(false);
    } finally {
      await priv.close();
    }
  });
});
