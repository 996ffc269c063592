import { GatewayIntentBits, MessageFlags } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { createDiscordClient } from "../../../src/adapters/discord/client.js";
import { FakeDiscord, waitFor } from "../../fakes/discord/index.js";
import { startDiscord, type DiscordRig } from "./support.js";

let rig: DiscordRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("discord.js against the fake Discord", () => {
  it("logs in to READY with the bot's intents and sees the guild, its roles and the bot's own member", async () => {
    rig = await startDiscord();
    const identify = rig.discord.gatewayFrames.find((f) => f.op === 2)?.d as { intents: number };
    for (const intent of [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildMembers,
      GatewayIntentBits.MessageContent,
    ])
      expect(identify.intents & intent).toBe(intent);
    const guild = rig.client.guilds.cache.get(rig.guild.id);
    expect(guild?.roles.everyone.id).toBe(rig.guild.id);
    expect(guild?.members.me?.roles.cache.has(rig.guild.botRole)).toBe(true);
    expect(guild?.members.me?.moderatable).toBe(false); // nobody outranks the bot itself
  });
});

describe("discord.js against the fake Discord: privileged intents off", () => {
  it("fails the login with Discord's 4014 when the application may not use them", async () => {
    const discord = await FakeDiscord.start();
    discord.addGuild();
    discord.setPrivilegedIntents(false);
    const client = createDiscordClient({ apiUrl: discord.apiUrl });
    try {
      await expect(client.login(discord.token)).rejects.toThrow(/disallowed intents/i);
    } finally {
      await client.destroy();
      await discord.close();
    }
  });
});

describe("discord translator", () => {
  it("turns a MESSAGE_CREATE into a core message_posted event", async () => {
    rig = await startDiscord();
    const posted = rig.discord.postMessage(rig.guild.general, rig.alice.id, "hello https://example.org", {
      attachments: [{ url: "https://cdn.example/p.png", content_type: "image/png" }],
    });
    const event = await waitFor(() => rig!.events.find((e) => e.kind === "message_posted"));
    expect(event).toMatchObject({
      kind: "message_posted",
      message: { chat: `discord:${rig.guild.id}/${rig.guild.general}`, id: posted.id },
      actor: {
        account: `discord:${rig.alice.id}`,
        displayName: "Alice",
        username: "alice",
        isChatAdmin: false,
      },
      content: {
        text: "hello https://example.org",
        media: [{ kind: "photo", ref: "https://cdn.example/p.png" }],
      },
    });
  });

  it("files a thread's messages under the parent channel with the thread set, and replies with their target", async () => {
    rig = await startDiscord();
    const thread = rig.discord.addChannel(rig.guild.id, "thread", { thread: rig.guild.general });
    await rig.client.channels.fetch(thread);
    const first = rig.discord.postMessage(thread, rig.alice.id, "first");
    rig.discord.postMessage(thread, rig.alice.id, "second", { replyTo: first.id });
    const events = await waitFor(() => (rig!.events.length >= 2 ? rig!.events : undefined));
    const chat = `discord:${rig.guild.id}/${rig.guild.general}`;
    expect(events[0]).toMatchObject({ message: { chat, id: first.id, thread } });
    expect(events[1]).toMatchObject({ replyTo: { message: { chat, id: first.id, thread } } });
  });

  it("marks a member with ModerateMembers as a chat admin", async () => {
    rig = await startDiscord();
    const mods = rig.discord.addRole(rig.guild.id, { name: "mods", position: 5, permissions: 1n << 40n });
    const bob = rig.discord.addUser({ username: "bob" });
    rig.discord.memberJoins(rig.guild.id, bob.id).roles.push(mods);
    rig.discord.postMessage(rig.guild.general, bob.id, "hi");
    const event = await waitFor(() => rig!.events.find((e) => e.kind === "message_posted"));
    expect(event).toMatchObject({ actor: { isChatAdmin: true } });
  });

  it("turns an edit, a join, a leave, a DM and a button press into core events", async () => {
    rig = await startDiscord();
    const bob = rig.discord.addUser({ username: "bob" });
    rig.discord.memberJoins(rig.guild.id, bob.id);
    const m = rig.discord.postMessage(rig.guild.general, bob.id, "draft");
    await waitFor(() => rig!.client.channels.cache.get(rig!.guild.general));
    rig.discord.editMessage(m.id, "final");
    const dm = await rig.client.users.createDM(bob.id);
    rig.discord.postMessage(dm.id, bob.id, "my answer");
    const card = await rig.executor.execute({
      kind: "send",
      chat: `discord:${rig.guild.id}/${rig.guild.general}` as never,
      text: "card",
      buttons: [[{ label: "OK", data: "x:ok" }]],
    });
    const cardId = card.status === "ok" ? (card.refs?.[0]?.id ?? "") : "";
    rig.discord.pressButton(cardId, bob.id, "x:ok");
    rig.discord.memberLeaves(rig.guild.id, bob.id);
    await waitFor(() => rig!.events.some((e) => e.kind === "member_left"));
    const guildChat = `discord:${rig.guild.id}`;
    expect(rig.events.map((e) => e.kind)).toEqual([
      "member_joined",
      "message_posted",
      "message_edited",
      "private_message",
      "button_pressed",
      "member_left",
    ]);
    expect(rig.events[0]).toMatchObject({ chat: guildChat, actor: { account: `discord:${bob.id}` } });
    expect(rig.events[2]).toMatchObject({ content: { text: "final" } });
    expect(rig.events[3]).toMatchObject({ text: "my answer", actor: { account: `discord:${bob.id}` } });
    expect(rig.events[4]).toMatchObject({ data: "x:ok", message: { id: cardId } });
    expect(rig.events[5]).toMatchObject({ chat: guildChat, account: `discord:${bob.id}`, removed: false });
  });

  it("ignores the bot's own messages and webhook re-posts", async () => {
    rig = await startDiscord();
    const chat = `discord:${rig.guild.id}/${rig.guild.general}` as never;
    await rig.executor.execute({ kind: "send", chat, text: "notice" });
    await rig.executor.execute({ kind: "repost", chat, attribution: "From Alice:", content: [] });
    rig.discord.postMessage(rig.guild.general, rig.alice.id, "marker");
    await waitFor(() => rig!.events.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(rig.events.map((e) => (e.kind === "message_posted" ? e.content.text : e.kind))).toEqual([
      "marker",
    ]);
  });
});

describe("fake Discord: interactions", () => {
  it("takes one answer per interaction at its callback route, and follow-ups after it", async () => {
    rig = await startDiscord();
    const chat = `discord:${rig.guild.id}/${rig.guild.general}` as never;
    const card = await rig.executor.execute({
      kind: "send",
      chat,
      text: "card",
      buttons: [[{ label: "OK", data: "x:ok" }]],
    });
    const cardId = card.status === "ok" ? (card.refs?.[0]?.id ?? "") : "";
    const answered = new Promise<string>((resolve) =>
      rig!.client.once("interactionCreate", (i) => {
        if (!i.isButton()) return;
        void (async () => {
          await i.deferUpdate();
          await i.followUp({ content: "Only admins can do that.", flags: MessageFlags.Ephemeral });
          const again = await i.deferUpdate().then(
            () => "accepted",
            (e: Error) => e.name,
          );
          resolve(again);
        })();
      }),
    );
    const id = rig.discord.pressButton(cardId, rig.alice.id, "x:ok");
    expect(await answered).not.toBe("accepted");
    expect(rig.discord.interactionAnswers(id)).toMatchObject([
      { type: 6 },
      { type: 0, data: { content: "Only admins can do that.", flags: 64 } },
    ]);
  });
});
