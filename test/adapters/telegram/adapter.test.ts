import { afterEach, describe, expect, it } from "vitest";
import type { AccountKey, ChatKey } from "../../../src/core/ids.js";
import { NodeSealer, nodeRandom } from "../../../src/adapters/crypto/node-sealer.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { createTelegramAdapter } from "../../../src/adapters/telegram/adapter.js";
import { platformRuntime } from "../../../src/app/platform-runtime.js";
import { createRuntime } from "../../../src/app/runtime.js";
import { parseConfigText } from "../../../src/config/load.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import { FakeTelegram } from "../../fakes/telegram/index.js";
import { TEST_SECRET } from "../../support/harness.js";
import { NO_PACING, member, startWorld, type TgWorld } from "./support.js";

let w: TgWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const key = (id: number) => `telegram:${id}`;

describe("telegram adapter: the bot's own rights", () => {
  it("tells a configured chat in plain words which rights are missing and that privacy mode hides messages, once", async () => {
    // Telegram's real pacing (1 message/s per group) is on here: it must work against the server too.
    w = await startWorld({
      group: { bot: "none" },
      fake: { privacyMode: true },
      adapter: { throttle: undefined },
    });
    const { tg, group } = w;
    tg.botAddedToChat(group.id, null);
    const notice = await tg.waitFor(() => tg.botMessages(group.id)[0]?.message.text);
    expect(notice).toContain("Delete messages");
    expect(notice).toContain("Ban users");
    expect(notice).toContain("Invite users via link");
    expect(notice).toContain("privacy mode is on");
    tg.botAddedToChat(group.id, {
      can_delete_messages: true,
      can_restrict_members: true,
      can_invite_users: false,
    });
    const second = await tg.waitFor(() => tg.botMessages(group.id)[1]?.message.text);
    expect(second).toContain("Invite users via link");
    expect(second).not.toContain("Delete messages");
    expect(second).not.toContain("privacy mode");
    tg.botAddedToChat(group.id, {
      can_delete_messages: true,
      can_restrict_members: true,
      can_invite_users: false,
    });
    tg.botAddedToChat(group.id, {
      can_delete_messages: true,
      can_restrict_members: true,
      can_invite_users: true,
    });
    await tg.waitFor(
      () => tg.updates.filter((u) => u.my_chat_member).length >= 3 && tg.pendingUpdates.length === 0,
    );
    await w.adapter.stop();
    expect(tg.botMessages(group.id)).toHaveLength(2);
  });

  it("tells a chat that belongs to no community that it is not configured, once", async () => {
    w = await startWorld();
    const stray = w.tg.addChat({ type: "supergroup", bot: "none" });
    w.tg.botAddedToChat(stray.id, { can_delete_messages: true });
    const text = await w.tg.waitFor(() => w?.tg.botMessages(stray.id)[0]?.message.text);
    expect(text).toContain(`"telegram:${stray.id}"`);
    const alice = member(w, "Alice", stray.id);
    w.tg.userSends(stray.id, alice.id, "/help");
    w.tg.botAddedToChat(stray.id, { can_delete_messages: true, can_restrict_members: true });
    await w.tg.waitFor(() => w?.tg.pendingUpdates.length === 0 && w.tg.callsTo("getUpdates").length > 3);
    await w.adapter.stop();
    expect(w.tg.botMessages(stray.id)).toHaveLength(1);
    expect(w.events.filter((e) => e.kind === "command")).toEqual([]);
  });
});

describe("telegram adapter: carrying out decisions", () => {
  it("retries a 429 on restrictChatMember and reports success", async () => {
    w = await startWorld();
    const alice = member(w, "Alice");
    w.tg.failNext("restrictChatMember", { error_code: 429, retry_after: 1 });
    const [outcome] = await w.runtime.engine.run([
      {
        kind: "restrict",
        chat: key(w.group.id) as ChatKey,
        account: key(alice.id) as AccountKey,
        level: "read_only",
        record: { kind: "enforcement" },
      },
    ]);
    expect(outcome).toEqual({ status: "ok" });
    expect(w.tg.callsTo("restrictChatMember").map((c) => c.error?.error_code ?? "ok")).toEqual([429, "ok"]);
    expect(w.tg.member(w.group.id, alice.id)).toMatchObject({
      status: "restricted",
      can_send_messages: false,
    });
  });

  it("reports a refused restriction as failed, the engine does not record it as applied, and the mod-log hears of it", async () => {
    w = await startWorld({ group: { bot: "member" } });
    const alice = member(w, "Alice");
    const chat = key(w.group.id) as ChatKey;
    const account = key(alice.id) as AccountKey;
    const [outcome] = await w.runtime.engine.run([
      { kind: "restrict", chat, account, level: "read_only", record: { kind: "enforcement" } },
    ]);
    expect(outcome).toMatchObject({ status: "failed", error: { code: "forbidden", retryable: false } });
    expect(w.tg.member(w.group.id, alice.id).status).toBe("member");
    expect((await w.runtime.services.access.get(chat, account))?.applied).toBeUndefined();
    expect(w.tg.botMessages(w.modlog.id).at(-1)?.message.text).toContain("not enough rights");
  });

  it("maps levels to permissions and lifts to the chat's default permissions", async () => {
    w = await startWorld({
      group: { permissions: { can_send_messages: true, can_send_photos: true, can_send_polls: false } },
    });
    const alice = member(w, "Alice");
    const chat = key(w.group.id) as ChatKey;
    const account = key(alice.id) as AccountKey;
    const until = Date.now() + 3_600_000;
    await w.runtime.engine.run([{ kind: "restrict", chat, account, level: "text_only", until }]);
    expect(w.tg.member(w.group.id, alice.id)).toMatchObject({
      status: "restricted",
      can_send_messages: true,
      can_send_photos: false,
      until_date: Math.floor(until / 1000),
    });
    expect(w.tg.callsTo("restrictChatMember")[0]?.params).toMatchObject({
      use_independent_chat_permissions: true,
    });
    await w.runtime.engine.run([{ kind: "lift", chat, account }]);
    expect(w.tg.member(w.group.id, alice.id)).toMatchObject({
      can_send_messages: true,
      can_send_photos: true,
      can_send_polls: false,
    });
  });

  it("kicks with ban + unban, bans channels posting as themselves with banChatSenderChat", async () => {
    w = await startWorld();
    const alice = member(w, "Alice");
    const channel = w.tg.addChat({ type: "channel", title: "Spam channel" });
    const chat = key(w.group.id) as ChatKey;
    await w.runtime.engine.run([{ kind: "kick", chat, account: key(alice.id) as AccountKey }]);
    expect(w.tg.member(w.group.id, alice.id).status).toBe("left");
    const bob = member(w, "Bob");
    w.tg.userSends(w.group.id, bob.id, { text: "ad", sender_chat: channel.id });
    const posted = await w.tg.waitFor(() => w?.events.find((e) => e.kind === "message_posted"));
    expect(posted.kind === "message_posted" && posted.actor).toMatchObject({
      account: `telegram:chat${channel.id}`,
      isChatAdmin: false,
    });
    const [outcome] = await w.runtime.engine.run([
      { kind: "ban", chat, account: `telegram:chat${channel.id}` as AccountKey },
    ]);
    expect(outcome?.status).toBe("ok");
    expect(() => w?.tg.userSends(w.group.id, bob.id, { text: "ad", sender_chat: channel.id })).toThrow(
      /banned/,
    );
  });
});

describe("telegram adapter: updates and commands", () => {
  it("registers the command menus for members, admins and private chats in English and Chinese", async () => {
    w = await startWorld();
    const scopes = ["all_group_chats", "all_chat_administrators", "all_private_chats"] as const;
    // Menus are set in the background after the start.
    await w.tg.waitFor(() => w?.tg.commands({ type: "all_private_chats" }, "zh"));
    const calls = w.tg
      .callsTo("setMyCommands")
      .map((c) => `${(c.params.scope as { type: string }).type}/${String(c.params.language_code ?? "")}`);
    expect(calls.sort()).toEqual(scopes.flatMap((s) => [`${s}/`, `${s}/zh`]).sort());
    const members = w.tg.commands({ type: "all_group_chats" }) ?? [];
    const admins = w.tg.commands({ type: "all_chat_administrators" }) ?? [];
    expect(members.map((c) => c.command)).toContain("help");
    expect(admins.length).toBeGreaterThan(members.length);
    expect(
      w.tg.commands({ type: "all_private_chats" }, "zh")?.find((c) => c.command === "help")?.description,
    ).toMatch(/[\u4e00-\u9fff]/);
    await w.tg.waitFor(() => w?.tg.allowedUpdates);
    expect(w.tg.allowedUpdates).toEqual([
      "message",
      "edited_message",
      "callback_query",
      "chat_member",
      "my_chat_member",
      "chat_join_request",
    ]);
  });

  it("keeps 64-bit chat ids exact both ways", async () => {
    w = await startWorld({ group: { id: -1001234567890123 } });
    const alice = member(w, "Alice");
    w.tg.userSends(w.group.id, alice.id, "/help");
    const notice = await w.tg.waitFor(() => w?.tg.botMessages(-1001234567890123)[0]);
    const command = w.events.find((e) => e.kind === "command");
    expect(command?.kind === "command" && command.chat).toBe("telegram:-1001234567890123");
    expect(notice.message.reply_markup?.inline_keyboard[0]?.[0]).toMatchObject({
      url: `https://t.me/${w.tg.botUser.username}`,
    });
  });

  it("recognises an anonymous admin as an admin of the chat", async () => {
    w = await startWorld();
    w.tg.userSends(w.group.id, w.admin.id, { text: "hello everyone", sender_chat: w.group.id });
    const posted = await w.tg.waitFor(() => w?.events.find((e) => e.kind === "message_posted"));
    expect(posted.kind === "message_posted" && posted.actor).toMatchObject({
      account: `telegram:chat${w.group.id}`,
      isChatAdmin: true,
    });
  });

  it("translates messages: caption, links, media, album, topic, forward, reply, and drops linked-channel forwards", async () => {
    w = await startWorld({ group: { is_forum: true } });
    const { tg, group } = w;
    const alice = member(w, "Alice");
    const channel = tg.addChat({ type: "channel", title: "Daily" });
    const topic = tg.createTopic(group.id, "News");
    const first = tg.userSends(group.id, alice.id, { text: "question", thread_id: topic });
    tg.userSends(group.id, alice.id, {
      caption: "look",
      caption_entities: [{ type: "text_link", offset: 0, length: 4, url: "https://example.com/a" }],
      photo: "PHOTO1",
      media_group_id: "alb",
      forward_from_chat: channel.id,
      reply_to: first.message_id,
      thread_id: topic,
    });
    tg.userSends(group.id, tg.botUser.id === 0 ? 0 : alice.id, {
      text: "mirror",
      sender_chat: channel.id,
      automatic_forward: true,
    });
    const posted = await tg.waitFor(() => {
      const all = w?.events.filter((e) => e.kind === "message_posted") ?? [];
      return all.length >= 2 ? all : undefined;
    });
    expect(posted[1]).toMatchObject({
      message: { chat: `telegram:${group.id}`, thread: String(topic) },
      content: {
        text: "look",
        links: ["https://example.com/a"],
        media: [{ kind: "photo", ref: "PHOTO1" }],
        albumId: "alb",
        forwardedFrom: { kind: "channel", id: String(channel.id), title: "Daily" },
      },
      replyTo: { message: { id: String(first.message_id) }, author: `telegram:${alice.id}` },
    });
    await tg.waitFor(() => tg.pendingUpdates.length === 0);
    await w.adapter.stop();
    expect(w.events.filter((e) => e.kind === "message_posted")).toHaveLength(2);
  });

  it("counts a join once although Telegram reports it twice, and sees the leave", async () => {
    w = await startWorld();
    const alice = w.tg.addUser({ first_name: "Alice" });
    w.tg.userJoins(w.group.id, alice.id);
    w.tg.userLeaves(w.group.id, alice.id);
    await w.tg.waitFor(() => w?.events.some((e) => e.kind === "member_left"));
    await w.tg.waitFor(() => w?.tg.pendingUpdates.length === 0);
    await w.adapter.stop();
    expect(w.events.map((e) => e.kind)).toEqual(["member_joined", "member_left"]);
  });

  it("answers every button press, even one nobody handles", async () => {
    w = await startWorld();
    const alice = member(w, "Alice");
    const sent = await w.runtime.engine.run([
      {
        kind: "send",
        chat: key(w.group.id) as ChatKey,
        text: "pick",
        buttons: [[{ label: "x", data: "nobody:knows" }]],
      },
    ]);
    const id = sent[0]?.status === "ok" ? Number(sent[0].refs?.[0]?.id) : 0;
    const query = w.tg.pressButton(w.group.id, id, alice.id, "nobody:knows");
    await w.tg.waitFor(() => w?.tg.callbackAnswer(query));
  });

  it("accepts updates through the webhook with the secret token and refuses them without", async () => {
    w = await startWorld({
      adapter: {
        mode: "webhook",
        webhook: {
          url: "https://bot.example.org/telegram",
          port: 0,
          path: "/telegram",
          secretToken: "s3cret",
          host: "127.0.0.1",
        },
        throttle: NO_PACING,
      },
    });
    const port = w.adapter.webhookPort();
    const carol = w.tg.addUser({ first_name: "Carol" });
    w.tg.userStartsBot(carol.id);
    const update = {
      update_id: 900_001,
      message: {
        message_id: 50,
        date: Math.floor(Date.now() / 1000),
        chat: { id: carol.id, type: "private", first_name: "Carol" },
        from: carol,
        text: "/help",
        entities: [{ type: "bot_command", offset: 0, length: 5 }],
      },
    };
    const post = (secret: string) =>
      fetch(`http://127.0.0.1:${port}/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
        body: JSON.stringify(update),
      });
    expect((await post("wrong")).status).toBe(401);
    expect((await post("s3cret")).status).toBe(200);
    expect(w.tg.botMessages(carol.id).at(-1)?.message.text).toContain("/help");
    expect(w.tg.callsTo("setWebhook")[0]?.params).toMatchObject({
      url: "https://bot.example.org/telegram",
      secret_token: "s3cret",
    });
  });
});

describe("telegram adapter: starting", () => {
  it("says plainly that Telegram refused the token, without printing the token", async () => {
    const tg = await FakeTelegram.start();
    try {
      const runtime = await createRuntime({
        settings: parseConfigText(
          `storage: { kind: memory }\ncommunities:\n  - id: d\n    name: D\n    chats: [{ id: "telegram:-100123" }]\n    news: { enabled: false }\n    rules: { categories: {} }\n`,
          { baseDir: "." },
        ).core,
        store: new MemoryStore(),
        clock: { now: () => Date.now() },
        sealer: new NodeSealer(TEST_SECRET),
        random: nodeRandom,
        logger: silentLogger,
        defaultLanguage: "en",
      });
      const token = "123456:SecretWrongTokenValue";
      const adapter = createTelegramAdapter({
        token,
        apiRoot: tg.apiRoot,
        runtime: platformRuntime(runtime),
        logger: silentLogger,
      });
      const failure = await adapter.start().then(
        () => undefined,
        (error: unknown) => String(error),
      );
      expect(failure).toMatch(/did not accept TELEGRAM_BOT_TOKEN \(401/);
      expect(failure).not.toContain("SecretWrongTokenValue");
      await runtime.close();
    } finally {
      await tg.close();
    }
  });
});
