import { afterEach, describe, expect, it } from "vitest";
import { MAX_TIMEOUT_MS } from "../../../src/adapters/discord/executor.js";
import type { Outcome, Repost } from "../../../src/core/decisions.js";
import type { AccountKey, ChatKey } from "../../../src/core/ids.js";
import { snowflake } from "../../fakes/discord/index.js";
import { startDiscord, type DiscordRig } from "./support.js";

let rig: DiscordRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const chatOf = (r: DiscordRig, channel = r.guild.general) => `discord:${r.guild.id}/${channel}` as ChatKey;
const guildChat = (r: DiscordRig) => `discord:${r.guild.id}` as ChatKey;
const account = (id: string) => `discord:${id}` as AccountKey;
const refsOf = (o: Outcome) => (o.status === "ok" ? (o.refs ?? []) : []);

describe("discord executor: members", () => {
  it("restricts read-only with a timeout until the decision's end", async () => {
    rig = await startDiscord();
    const until = Date.now() + 3_600_000;
    const outcome = await rig.executor.execute({
      kind: "restrict",
      chat: chatOf(rig),
      account: account(rig.alice.id),
      level: "read_only",
      until,
    });
    expect(outcome).toEqual({ status: "ok" });
    const timeout = Date.parse(
      rig.discord.member(rig.guild.id, rig.alice.id)?.communication_disabled_until ?? "",
    );
    expect(Math.abs(timeout - until)).toBeLessThan(1000);
  });

  it("caps a longer (or open-ended) mute at Discord's 28 days and reports the shorter end for renewal", async () => {
    rig = await startDiscord();
    const before = Date.now();
    const outcome = await rig.executor.execute({
      kind: "restrict",
      chat: guildChat(rig),
      account: account(rig.alice.id),
      level: "read_only",
      until: before + 90 * 86_400_000,
    });
    const timeout = Date.parse(
      rig.discord.member(rig.guild.id, rig.alice.id)?.communication_disabled_until ?? "",
    );
    expect(timeout - before).toBeGreaterThanOrEqual(MAX_TIMEOUT_MS - 1000);
    expect(timeout - before).toBeLessThanOrEqual(MAX_TIMEOUT_MS + 1000);
    expect(outcome).toEqual({ status: "ok", until: timeout });
  });

  it("restricts through a configured role, and lifting removes the role and the timeout", async () => {
    let limited = "";
    rig = await startDiscord({ executor: { restrictionRoles: () => ({ text_only: limited }) } });
    limited = rig.discord.addRole(rig.guild.id, { name: "limited", position: 1 });
    const who = { chat: guildChat(rig), account: account(rig.alice.id) };
    expect(await rig.executor.execute({ kind: "restrict", ...who, level: "text_only" })).toEqual({
      status: "ok",
    });
    expect(rig.discord.member(rig.guild.id, rig.alice.id)?.roles).toEqual([limited]);
    await rig.executor.execute({ kind: "restrict", ...who, level: "read_only", until: Date.now() + 60_000 });
    expect(rig.discord.member(rig.guild.id, rig.alice.id)?.communication_disabled_until).not.toBeNull();
    expect(await rig.executor.execute({ kind: "lift", ...who })).toEqual({ status: "ok" });
    expect(rig.discord.member(rig.guild.id, rig.alice.id)).toMatchObject({
      roles: [],
      communication_disabled_until: null,
    });
  });

  it("skips text-only without a role (the access gate deletes media and links)", async () => {
    rig = await startDiscord();
    const outcome = await rig.executor.execute({
      kind: "restrict",
      chat: guildChat(rig),
      account: account(rig.alice.id),
      level: "text_only",
    });
    expect(outcome.status).toBe("skipped");
    expect(rig.discord.callsTo("editMember")).toHaveLength(0);
  });

  it("grants and revokes a role by id or by name", async () => {
    rig = await startDiscord();
    const verified = rig.discord.addRole(rig.guild.id, { name: "verified", position: 2 });
    const who = { chat: guildChat(rig), account: account(rig.alice.id) };
    expect(await rig.executor.execute({ kind: "grant_role", ...who, role: "verified" })).toEqual({
      status: "ok",
    });
    expect(rig.discord.member(rig.guild.id, rig.alice.id)?.roles).toEqual([verified]);
    expect(await rig.executor.execute({ kind: "revoke_role", ...who, role: verified })).toEqual({
      status: "ok",
    });
    expect(rig.discord.member(rig.guild.id, rig.alice.id)?.roles).toEqual([]);
  });

  it("bans with recent messages removed, unbans, and kicks", async () => {
    rig = await startDiscord();
    const bob = rig.discord.addUser({ username: "bob" });
    rig.discord.addMember(rig.guild.id, bob.id);
    const alice = { chat: guildChat(rig), account: account(rig.alice.id) };
    expect(await rig.executor.execute({ kind: "ban", ...alice, deleteRecent: true })).toEqual({
      status: "ok",
    });
    expect(rig.discord.guild(rig.guild.id).bans.get(rig.alice.id)).toMatchObject({
      deleteMessageSeconds: 604800,
    });
    expect(rig.discord.member(rig.guild.id, rig.alice.id)).toBeUndefined();
    expect(await rig.executor.execute({ kind: "unban", ...alice })).toEqual({ status: "ok" });
    expect(rig.discord.guild(rig.guild.id).bans.size).toBe(0);
    expect(await rig.executor.execute({ kind: "unban", ...alice })).toEqual({ status: "ok" }); // not banned: done
    const kick = { kind: "kick", chat: guildChat(rig), account: account(bob.id) } as const;
    expect(await rig.executor.execute(kick)).toEqual({ status: "ok" });
    expect(rig.discord.member(rig.guild.id, bob.id)).toBeUndefined();
    expect(await rig.executor.execute(kick)).toEqual({ status: "ok" }); // gone already
  });
});

describe("discord executor: messages", () => {
  it("sends with buttons and replies, edits a card, deletes one and many messages", async () => {
    rig = await startDiscord();
    const chat = chatOf(rig);
    const first = rig.discord.postMessage(rig.guild.general, rig.alice.id, "spam 1");
    const second = rig.discord.postMessage(rig.guild.general, rig.alice.id, "spam 2");
    const sent = await rig.executor.execute({
      kind: "send",
      chat,
      text: "Please stop.",
      buttons: [[{ label: "Appeal", data: "appeal:1" }]],
      replyTo: { chat, id: first.id },
    });
    const [notice] = refsOf(sent);
    expect(notice).toMatchObject({ chat });
    const stored = rig.discord.state.messages.get(notice?.id ?? "");
    expect(stored).toMatchObject({ content: "Please stop.", message_reference: { message_id: first.id } });
    expect(JSON.stringify(stored?.components)).toContain("appeal:1");
    await rig.executor.execute({ kind: "update_card", card: notice!, text: "Done.", buttons: [] });
    expect(rig.discord.state.messages.get(notice!.id)).toMatchObject({ content: "Done.", components: [] });
    expect(await rig.executor.execute({ kind: "delete", messages: [{ chat, id: notice!.id }] })).toEqual({
      status: "ok",
    });
    await rig.executor.execute({
      kind: "delete",
      messages: [first, second].map((m) => ({ chat, id: m.id })),
    });
    expect(rig.discord.messagesIn(rig.guild.general)).toEqual([]);
    expect(rig.discord.callsTo("bulkDeleteMessages")).toHaveLength(1);
    // a message deleted already counts as deleted
    expect(await rig.executor.execute({ kind: "delete", messages: [{ chat, id: first.id }] })).toEqual({
      status: "ok",
    });
  });

  it("deletes a message older than 14 days one by one (bulk delete refuses those)", async () => {
    rig = await startDiscord();
    const chat = chatOf(rig);
    const young = rig.discord.postMessage(rig.guild.general, rig.alice.id, "young");
    const old = rig.discord.postMessage(rig.guild.general, rig.alice.id, "old");
    rig.discord.state.messages.delete(old.id);
    const oldId = snowflake(Date.now() - 20 * 86_400_000);
    rig.discord.state.messages.set(oldId, { ...old, id: oldId });
    await rig.executor.execute({ kind: "delete", messages: [young.id, oldId].map((id) => ({ chat, id })) });
    expect(rig.discord.messagesIn(rig.guild.general)).toEqual([]);
    expect(rig.discord.callsTo("bulkDeleteMessages")).toHaveLength(0);
    expect(rig.discord.callsTo("deleteMessage")).toHaveLength(2);
  });

  it("sends a DM, and reports closed DMs as forbidden", async () => {
    rig = await startDiscord();
    const who = account(rig.alice.id);
    const outcome = await rig.executor.execute({ kind: "send_private", account: who, text: "Welcome" });
    expect(outcome.status).toBe("ok");
    const dm = rig.discord.dmChannelOf(rig.alice.id) ?? "";
    expect(rig.discord.messagesIn(dm).map((m) => m.content)).toEqual(["Welcome"]);
    expect(refsOf(outcome)[0]?.chat).toBe(`discord:@me/${dm}`);
    rig.discord.closeDms(rig.alice.id);
    const closed = await rig.executor.execute({ kind: "send_private", account: who, text: "Again" });
    expect(closed).toMatchObject({ status: "failed", error: { code: "forbidden", retryable: false } });
  });

  it("posts a review card after copies of the held post, and re-posts through one cached webhook", async () => {
    rig = await startDiscord();
    const review = rig.discord.addChannel(rig.guild.id, "review");
    await rig.client.channels.fetch(review);
    const post = rig.discord.postMessage(rig.guild.general, rig.alice.id, "news <@123> @everyone", {
      attachments: [{ url: "https://cdn.example/a.png", content_type: "image/png" }],
    });
    const card = await rig.executor.execute({
      kind: "post_card",
      chat: chatOf(rig, review),
      text: "Held post",
      buttons: [[{ label: "Approve", data: "h:1:ok" }]],
      preserve: [{ chat: chatOf(rig), id: post.id }],
    });
    const [cardRef, copy] = refsOf(card);
    expect(rig.discord.messagesIn(review).map((m) => m.id)).toEqual([copy?.id, cardRef?.id]);
    expect(rig.discord.state.messages.get(copy?.id ?? "")?.content).toContain("https://cdn.example/a.png");
    const repost: Repost = {
      kind: "repost",
      chat: chatOf(rig),
      attribution: "Posted by Alice, approved by admins:",
      content: [
        {
          text: "news <@123> @everyone",
          links: [],
          media: [{ kind: "photo", ref: "https://cdn.example/a.png" }],
        },
      ],
    };
    expect((await rig.executor.execute(repost)).status).toBe("ok");
    expect((await rig.executor.execute(repost)).status).toBe("ok");
    const reposts = rig.discord.messagesIn(rig.guild.general).filter((m) => m.webhook_id);
    expect(reposts).toHaveLength(2);
    expect(reposts[0]).toMatchObject({
      content: "Posted by Alice, approved by admins:\nnews <@123> @everyone\nhttps://cdn.example/a.png",
      allowed_mentions: { parse: [] },
    });
    expect(rig.discord.webhooksIn(rig.guild.general)).toHaveLength(1);
    expect(rig.discord.callsTo("createWebhook")).toHaveLength(1);
  });

  it("re-posts under the author's name and picture when the decision names them", async () => {
    rig = await startDiscord();
    const avatarUrl = "https://cdn.discordapp.com/avatars/1/a.png";
    const base: Repost = { kind: "repost", chat: chatOf(rig), attribution: "From Alice:", content: [] };
    await rig.executor.execute({ ...base, author: { name: "Alice", avatarUrl } });
    await rig.executor.execute({ ...base, author: { name: "Discord Fan" } });
    await rig.executor.execute(base);
    const authors = rig.discord
      .messagesIn(rig.guild.general)
      .filter((m) => m.webhook_id)
      .map((m) => [m.author.username, m.author.avatar]);
    expect(authors).toEqual([
      ["Alice", avatarUrl],
      ["D1scord Fan", null], // Discord refuses webhook names containing "discord"
      ["warden", null], // no author: the bot's own name
    ]);
  });

  it("re-creates the channel's webhook when someone deleted it", async () => {
    rig = await startDiscord();
    const repost: Repost = { kind: "repost", chat: chatOf(rig), attribution: "From Alice:", content: [] };
    await rig.executor.execute(repost);
    const [hook] = rig.discord.webhooksIn(rig.guild.general);
    rig.discord.deleteWebhook(hook!.id);
    expect((await rig.executor.execute(repost)).status).toBe("ok");
    expect(rig.discord.webhooksIn(rig.guild.general)).toHaveLength(1);
    expect(rig.discord.messagesIn(rig.guild.general).filter((m) => m.webhook_id)).toHaveLength(2);
  });
});

describe("discord executor: failures", () => {
  it("waits out a 429 with retry_after through discord.js's REST queue and then succeeds", async () => {
    rig = await startDiscord();
    rig.discord.failNext("createMessage", { status: 429, retryAfter: 0.3 });
    const started = Date.now();
    const outcome = await rig.executor.execute({ kind: "send", chat: chatOf(rig), text: "after the wait" });
    expect(outcome.status).toBe("ok");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(rig.discord.callsTo("createMessage").map((c) => c.status)).toEqual([429, 200]);
    expect(rig.discord.messagesIn(rig.guild.general).map((m) => m.content)).toEqual(["after the wait"]);
  });

  it("reports a member above the bot's role as forbidden, in plain words", async () => {
    rig = await startDiscord({ guild: { botRolePosition: 3 } });
    const mods = rig.discord.addRole(rig.guild.id, { name: "mods", position: 5 });
    rig.discord.member(rig.guild.id, rig.alice.id)?.roles.push(mods);
    const outcome = await rig.executor.execute({
      kind: "restrict",
      chat: guildChat(rig),
      account: account(rig.alice.id),
      level: "read_only",
    });
    expect(outcome).toMatchObject({ status: "failed", error: { code: "forbidden", retryable: false } });
    expect(outcome.status === "failed" && outcome.error.message).toMatch(
      /role is not below the bot's highest role/,
    );
    expect(rig.discord.member(rig.guild.id, rig.alice.id)?.communication_disabled_until).toBeNull();
  });

  it("reports missing permissions (50013) and missing access (50001) as forbidden", async () => {
    rig = await startDiscord({ guild: { botPermissions: 0n } });
    const ban = await rig.executor.execute({
      kind: "ban",
      chat: guildChat(rig),
      account: account(rig.alice.id),
    });
    expect(ban).toMatchObject({ status: "failed", error: { code: "forbidden" } });
    rig.discord.failNext("createMessage", { status: 403, code: 50001, message: "Missing Access" });
    const send = await rig.executor.execute({ kind: "send", chat: chatOf(rig), text: "hi" });
    expect(send).toMatchObject({ status: "failed", error: { code: "forbidden" } });
    expect(send.status === "failed" && send.error.message).toMatch(/cannot see that channel/);
  });

  it("reports an unknown member as not_found and a bad key as bad_request", async () => {
    rig = await startDiscord();
    const stranger = rig.discord.addUser({ username: "stranger" });
    const grant = await rig.executor.execute({
      kind: "grant_role",
      chat: guildChat(rig),
      account: account(stranger.id),
      role: rig.guild.botRole,
    });
    expect(grant).toMatchObject({ status: "failed" });
    const bad = await rig.executor.execute({
      kind: "kick",
      chat: guildChat(rig),
      account: "discord:not-a-number" as AccountKey,
    });
    expect(bad).toMatchObject({ status: "failed", error: { code: "bad_request" } });
    const missing = await rig.executor.execute({
      kind: "restrict",
      chat: guildChat(rig),
      account: account(stranger.id),
      level: "read_only",
    });
    expect(missing).toMatchObject({ status: "failed", error: { code: "not_found" } });
  });
});
