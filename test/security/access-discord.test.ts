import { createDiscordAdapter } from "../../src/adapters/discord/adapter.js";
import { discordAccount, discordChat } from "../../src/adapters/discord/keys.js";
import { platformRuntime } from "../../src/app/platform-runtime.js";
import { silentLogger } from "../../src/core/ports/logger.js";
import { FakeDiscord, waitFor, type FakeUser, type StoredMessage } from "../fakes/discord/index.js";
import { accessRuntime, describeAccessTable } from "./access-runner.js";
import { PEOPLE, type AccessDriver, type Person, type Place } from "./access-table.js";

/**
 * The real discord.js client in the Discord adapter against the fake Discord, as an access-table driver.
 * Community A is one server (its channels groupA, reviewA, modlogA), community B another (groupB,
 * reviewB); everyone is a member of both, `admin` holds a moderator role (Moderate Members) in A only and
 * `foreign` in B only. Commands in a server are slash commands (the member in the member picker, the
 * other words in the text option: `/publisher member:@x text:add`); privately they are typed in the bot's DMs, as Discord
 * has no server slash commands there. `/report` as a reply is Discord's "Report message" menu on that
 * member's latest post, then its form with the reason. A press is a button interaction; a forged one
 * carries a custom_id the bot never showed on that message (a modified client), a replay the old one
 * again on a card that lost its buttons.
 */
const MODERATOR = 1n << 40n;
type Channel = Exclude<Place, "private">;

async function discordDriver(): Promise<AccessDriver> {
  const discord = await FakeDiscord.start();
  const guildA = discord.addGuild({ name: "Lobby A" });
  const guildB = discord.addGuild({ name: "Lobby B" });
  const channels: Record<Channel, { guild: string; id: string }> = {
    groupA: { guild: guildA.id, id: guildA.general },
    reviewA: { guild: guildA.id, id: discord.addChannel(guildA.id, "review") },
    modlogA: { guild: guildA.id, id: discord.addChannel(guildA.id, "modlog") },
    groupB: { guild: guildB.id, id: guildB.general },
    reviewB: { guild: guildB.id, id: discord.addChannel(guildB.id, "review") },
  };
  const modsA = discord.addRole(guildA.id, { name: "mods", position: 5, permissions: MODERATOR });
  const modsB = discord.addRole(guildB.id, { name: "mods", position: 5, permissions: MODERATOR });
  const users = new Map<Person, FakeUser>(
    PEOPLE.map((p) => [p, discord.addUser({ username: p, global_name: p })]),
  );
  const user = (p: Person) => users.get(p) as FakeUser;
  for (const p of PEOPLE) {
    discord.addMember(guildA.id, user(p).id, p === "admin" ? [modsA] : []);
    discord.addMember(guildB.id, user(p).id, p === "foreign" ? [modsB] : []);
  }
  const key = (where: Channel) => discordChat(channels[where].guild, channels[where].id);
  const account = (p: Person) => discordAccount(user(p).id);
  const { runtime, store, decisions, progress } = await accessRuntime({
    admin: account("admin"),
    foreign: account("foreign"),
    groupA: key("groupA"),
    reviewA: key("reviewA"),
    modlogA: key("modlogA"),
    groupB: key("groupB"),
    reviewB: key("reviewB"),
  });
  const adapter = createDiscordAdapter({
    token: discord.token,
    apiUrl: discord.apiUrl,
    runtime: platformRuntime(runtime),
    logger: silentLogger,
  });
  await adapter.start();

  /** One act that reaches the engine, then until the engine has handled it and nothing is in flight. */
  async function settled(act: () => unknown): Promise<void> {
    const before = progress.handled;
    act();
    await waitFor(() => (progress.handled > before && progress.inFlight === 0) || undefined, {
      timeoutMs: 10_000,
    });
  }

  // Each person's DM channel with the bot, opened by the person writing to it first.
  const dms = new Map<Person, string>();
  for (const p of PEOPLE) dms.set(p, (await adapter.client.users.createDM(user(p).id)).id);
  const channelOf = (who: Person, where: Place) =>
    where === "private" ? (dms.get(who) as string) : channels[where].id;
  const placeOf = (where: Channel) => ({ guildId: channels[where].guild, channelId: channels[where].id });
  const lastBy = (channel: string, author: Person) =>
    discord.state.channelMessages(channel).findLast((m) => m.author.id === user(author).id && !m.deleted);
  const buttons = (m: StoredMessage) =>
    (m.components as { components?: { custom_id?: string }[] }[]).flatMap((r) => r.components ?? []);

  /** The member named in the arguments → the member picker; the other words → the text option. */
  function options(args: string) {
    const named = /<@(\d+)>/.exec(args);
    const text = (named ? args.replace(named[0], " ") : args).trim().replace(/\s{2,}/g, " ");
    return { ...(named ? { member: { user: named[1] as string } } : {}), ...(text ? { text } : {}) };
  }

  async function report(who: Person, where: Channel, reason: string, of: Person): Promise<void> {
    const target = lastBy(channels[where].id, of);
    if (!target) throw new Error(`no post by ${of} in ${where} to report`);
    const used = discord.useMessageCommand(target.id, user(who).id, "Report message");
    const form = await waitFor(() => discord.interactionAnswers(used).find((a) => a.type === 9));
    const customId = String(form.data?.["custom_id"]);
    await settled(() => discord.submitModal(placeOf(where), user(who).id, customId, { reason }));
  }

  async function command(who: Person, where: Place, text: string, replyTo?: Person): Promise<void> {
    if (where === "private") {
      await settled(() => discord.postMessage(channelOf(who, where), user(who).id, text));
      return;
    }
    const [, name = "", args = ""] = /^\/(\S+)\s*([\s\S]*)$/.exec(text) ?? [];
    if (replyTo) {
      if (name !== "report") throw new Error(`no Discord way to send /${name} as a reply`);
      return report(who, where, args, replyTo);
    }
    await settled(() => discord.useCommand(placeOf(where), user(who).id, name, options(args)));
  }

  // Everyone has opened the bot's DMs, as members who verified or appealed would have.
  for (const p of PEOPLE) await command(p, "private", "/help");
  return {
    platform: "discord",
    store,
    decisions,
    account,
    chat: key,
    mention: (who) => `<@${user(who).id}>`,
    post: (who, where, text) => settled(() => discord.postMessage(channelOf(who, where), user(who).id, text)),
    command,
    tell: (who, text) => settled(() => discord.postMessage(channelOf(who, "private"), user(who).id, text)),
    async press(who, where, data, forged) {
      const channel = channelOf(who, where);
      const shown = discord.state
        .channelMessages(channel)
        .findLast((m) => !m.deleted && buttons(m).some((b) => b.custom_id === data));
      if (!forged && !shown) throw new Error(`no button ${data} in ${where}`);
      // Forged: the payload on the latest card there (or the latest message), which never showed it.
      const messages = discord.state.channelMessages(channel).filter((m) => !m.deleted);
      const on = shown ?? messages.findLast((m) => m.components.length > 0) ?? messages.at(-1);
      if (!on) throw new Error(`no message in ${where} to press on`);
      await settled(() => discord.pressButton(on.id, user(who).id, data));
    },
    async close() {
      await adapter.stop();
      await runtime.close();
      await discord.close();
    },
  };
}

describeAccessTable("discord", discordDriver, 120_000);
