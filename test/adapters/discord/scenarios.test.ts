import { afterEach, describe, expect, it } from "vitest";
import { discordChat } from "../../../src/adapters/discord/keys.js";
import { waitFor } from "../../fakes/discord/index.js";
import { buttonOf, member, startDcWorld, type DcWorld } from "./world.js";

let w: DcWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const VERIFICATION = `verification:
  required: true
  method: self_declared
  fields: { legal_name: true, id_number: false, phone: false }
  rules: "Be kind."
`;

describe("discord end to end: start", () => {
  it("registers the slash commands in the guild, admin ones hidden by default, in English and Chinese", async () => {
    w = await startDcWorld();
    const commands = w.discord.commandsOf(w.guild.id);
    const byName = new Map(commands.map((c) => [c.name, c]));
    expect(byName.get("help")).toMatchObject({ default_member_permissions: null });
    expect(byName.get("mute")).toMatchObject({ default_member_permissions: String(1n << 40n) });
    expect(byName.has("start")).toBe(false);
    const mute = byName.get("mute") as unknown as {
      description_localizations: Record<string, string>;
      options: { type: number; name: string }[];
    };
    expect(mute.description_localizations["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
    expect(mute.options.map((o) => [o.type, o.name])).toEqual([
      [6, "member"],
      [3, "text"],
    ]);
  });
});

describe("discord end to end: verification", () => {
  it("gates a newcomer with the unverified role, verifies them through the form and the rules, and swaps the roles", async () => {
    let roles = { verified: "", unverified: "", channel: "" };
    w = await startDcWorld({
      policy: VERIFICATION,
      prepare: (discord, guild) => {
        roles = {
          verified: discord.addRole(guild.id, { name: "verified", position: 2 }),
          unverified: discord.addRole(guild.id, { name: "unverified", position: 1 }),
          channel: discord.addChannel(guild.id, "verify-here"),
        };
        return {
          verifiedRole: roles.verified,
          unverifiedRole: roles.unverified,
          verificationChannel: roles.channel,
        };
      },
    });
    const { discord, guild } = w;
    // The verification channel got its Verify button.
    const notice = buttonOf(w, roles.channel, /verify/i);
    expect(notice.customId).toBe("verify:start:demo");
    const alice = discord.addUser({ username: "alice", global_name: "Alice" });
    discord.memberJoins(guild.id, alice.id);
    await waitFor(() => discord.member(guild.id, alice.id)?.roles.includes(roles.unverified) || undefined);
    expect(discord.member(guild.id, alice.id)?.communication_disabled_until).toBeNull();
    // The invitation reached Alice's DMs with the Verify button; pressing it opens the form.
    const dm = await waitFor(() => discord.dmChannelOf(alice.id));
    const invite = await waitFor(() =>
      buttonOf(w!, dm, /verify/i).customId ? buttonOf(w!, dm, /verify/i) : undefined,
    );
    const press = discord.pressButton(invite.message, alice.id, invite.customId);
    const form = await waitFor(() => discord.interactionAnswers(press).find((a) => a.type === 9));
    expect(JSON.stringify(form.data)).toContain('"custom_id":"name"');
    // The form's answer; the rules come back as an ephemeral reply with Accept / Decline.
    const submit = discord.submitModal({ channelId: dm }, alice.id, "verify-form:demo", {
      name: "Alice Example",
    });
    const rules = await waitFor(() => discord.repliesTo(submit).find((m) => /Be kind/.test(m.content)));
    expect(rules.interaction?.ephemeral).toBe(true);
    expect(
      discord
        .repliesTo(submit)
        .map((m) => m.content)
        .join("\n"),
    ).not.toMatch(/legal name/i);
    const accept = (
      rules.components as { components: { custom_id: string; label: string }[] }[]
    )[0]?.components.find((b) => /accept/i.test(b.label));
    discord.pressButton(rules.id, alice.id, accept?.custom_id ?? "");
    // The verified role replaces the unverified one.
    await waitFor(() => discord.member(guild.id, alice.id)?.roles.join() === roles.verified || undefined);
    // The legal name never appears where others read.
    for (const channel of [guild.general, w.review, w.modlog, roles.channel])
      expect(
        discord
          .messagesIn(channel)
          .map((m) => m.content)
          .join("\n"),
      ).not.toContain("Alice Example");
  });
});

describe("discord end to end: the verification form", () => {
  it("opens the form from /verify, and a refused answer comes back with the Verify button to try again", async () => {
    w = await startDcWorld({ policy: VERIFICATION.replace('  rules: "Be kind."\n', "") });
    const { discord, guild } = w;
    const alice = member(w, "alice");
    const here = { guildId: guild.id, channelId: guild.general };
    const used = discord.useCommand(here, alice.id, "verify");
    await waitFor(() => discord.interactionAnswers(used).find((a) => a.type === 9));
    const bad = discord.submitModal(here, alice.id, "verify-form:demo", { name: "x1" });
    const refused = await waitFor(() => discord.repliesTo(bad).find((m) => m.components.length > 0));
    expect(refused.interaction?.ephemeral).toBe(true);
    expect(JSON.stringify(refused.components)).toContain("verify:start:demo");
    const good = discord.submitModal(here, alice.id, "verify-form:demo", { name: "Alice Example" });
    await waitFor(() => discord.repliesTo(good).find((m) => /verified/i.test(m.content)));
    expect(
      discord
        .messagesIn(guild.general)
        .map((m) => m.content)
        .join("\n"),
    ).not.toContain("Alice Example");
  });

  it("reads a typed /command in the bot's DMs as a command", async () => {
    w = await startDcWorld();
    const alice = member(w, "alice");
    const dm = await w.adapter.client.users.createDM(alice.id);
    w.discord.postMessage(dm.id, alice.id, "/help");
    await waitFor(() => w!.discord.messagesIn(dm.id).find((m) => m.content.includes("/language")));
  });
});

const NEWS = `news:
  enabled: true
  domains: ["reuters.com"]
`;

const webhookPosts = (w: DcWorld) => w.discord.messagesIn(w.guild.general).filter((m) => m.webhook_id);

describe("discord end to end: news holds and review buttons", () => {
  it("holds a news link, refuses a non-admin's and a forged press, re-posts once under the author's name, and a second admin's press re-posts nothing", async () => {
    w = await startDcWorld({ policy: NEWS });
    const { discord, guild } = w;
    const alice = member(w, "alice");
    const post = discord.postMessage(guild.general, alice.id, "see https://www.reuters.com/world/x");
    await waitFor(() => discord.state.messages.get(post.id)?.deleted || undefined);
    const card = await waitFor(() =>
      buttonOf(w!, w!.review, /^Approve$/).customId ? buttonOf(w!, w!.review, /^Approve$/) : undefined,
    );
    // A copy of the post is kept in the review channel, mentions off.
    expect(discord.messagesIn(w.review).some((m) => m.content.includes("reuters.com/world/x"))).toBe(true);
    // A plain member presses Approve: told so, only they see it, nothing is posted.
    const bob = member(w, "bob");
    const refused = discord.pressButton(card.message, bob.id, card.customId);
    const refusal = await waitFor(() => discord.repliesTo(refused)[0]);
    expect(refusal.interaction?.ephemeral).toBe(true);
    // A forged custom_id (a hold that does not exist), pressed by the moderator: nothing happens either.
    const forged = discord.pressButton(card.message, w.mod.id, "hold:approve:hforged0000");
    await waitFor(() => discord.interactionAnswers(forged).length > 0 || undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(webhookPosts(w)).toEqual([]);
    // The moderator approves: re-posted through the channel's webhook under Alice's name and picture.
    const approved = discord.pressButton(card.message, w.mod.id, card.customId);
    await waitFor(() => webhookPosts(w!).length > 0 || undefined);
    const [repost] = webhookPosts(w);
    expect(repost?.author.username).toBe("Alice");
    expect(repost?.author.avatar).toMatch(/^https:\/\/cdn\.discordapp\.com\//);
    expect(repost?.content).toContain("see https://www.reuters.com/world/x");
    expect(repost?.allowed_mentions).toEqual({ parse: [] });
    expect(discord.interactionAnswers(approved)[0]?.type).toBe(6); // deferred update within the 3 s
    // The owner (another admin) presses the same button afterwards: nothing more is posted.
    const second = discord.pressButton(card.message, discord.guild(guild.id).ownerId, card.customId);
    await waitFor(() => discord.interactionAnswers(second).length > 0 || undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(webhookPosts(w)).toHaveLength(1);
    expect(discord.webhooksIn(guild.general)).toHaveLength(1);
  });

  it("keeps a pending hold across a restart and re-posts it once after", async () => {
    w = await startDcWorld({ policy: NEWS });
    const alice = member(w, "alice");
    w.discord.postMessage(w.guild.general, alice.id, "breaking https://www.reuters.com/a");
    const card = await waitFor(() =>
      buttonOf(w!, w!.review, /^Approve$/).customId ? buttonOf(w!, w!.review, /^Approve$/) : undefined,
    );
    await w.restart();
    w.discord.pressButton(card.message, w.mod.id, card.customId);
    await waitFor(() => webhookPosts(w!).length > 0 || undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(webhookPosts(w).map((m) => m.author.username)).toEqual(["Alice"]);
  });

  it("waits out a 429 with retry_after and loses nothing", async () => {
    w = await startDcWorld({ policy: NEWS });
    const alice = member(w, "alice");
    w.discord.failNext("createMessage", { status: 429, retryAfter: 0.3 });
    w.discord.postMessage(w.guild.general, alice.id, "look https://www.reuters.com/b");
    await waitFor(() => (buttonOf(w!, w!.review, /^Approve$/).customId ? true : undefined));
    expect(w.discord.callsTo("createMessage")[0]?.status).toBe(429);
  });
});

describe("discord end to end: sanctions", () => {
  it("escalates repeated rule hits to a ban", async () => {
    w = await startDcWorld({
      policy: `rules:
  categories:
    spam: { terms: ["buy followers"], points: 2, action: delete }
sanctions:
  ladder:
    - { at: 1, action: warn }
    - { at: 5, action: ban }
`,
    });
    const eve = member(w, "eve");
    for (const text of ["buy followers", "buy followers now", "buy followers cheap"]) {
      const m = w.discord.postMessage(w.guild.general, eve.id, text);
      await waitFor(() => w!.discord.state.messages.get(m.id)?.deleted || undefined);
    }
    await waitFor(() => w!.discord.guild(w!.guild.id).bans.has(eve.id) || undefined);
  });

  it("mutes through /mute with the member picked from the list, and tells admins in plain words when the role hierarchy forbids it", async () => {
    w = await startDcWorld();
    const { discord, guild } = w;
    const alice = member(w, "alice");
    const used = discord.useCommand({ guildId: guild.id, channelId: guild.general }, w.mod.id, "mute", {
      member: { user: alice.id },
      text: "1h flooding",
    });
    await waitFor(() => discord.member(guild.id, alice.id)?.communication_disabled_until || undefined);
    expect(discord.interactionAnswers(used)[0]).toMatchObject({ type: 5, data: { flags: 64 } });
    // A member whose role sits above the bot's: Discord refuses, the mod-log says why.
    const vip = discord.addRole(guild.id, { name: "vip", position: 20 });
    const carol = member(w, "carol");
    discord.member(guild.id, carol.id)?.roles.push(vip);
    discord.useCommand({ guildId: guild.id, channelId: guild.general }, w.mod.id, "mute", {
      member: { user: carol.id },
      text: "1h",
    });
    const told = await waitFor(() =>
      discord
        .messagesIn(w!.modlog)
        .find((m) => /highest role is not below the bot's highest role/.test(m.content)),
    );
    expect(told.content).toMatch(/missing permissions/);
    expect(discord.member(guild.id, carol.id)?.communication_disabled_until).toBeNull();
  });
});

describe("discord end to end: mutes longer than Discord's 28 days", () => {
  it("renews a 60-day mute's timeout by a timer, and a pardon lifts the timeout and cancels that timer", async () => {
    w = await startDcWorld();
    const { discord, guild } = w;
    const alice = member(w, "alice");
    const here = { guildId: guild.id, channelId: guild.general };
    discord.useCommand(here, w.mod.id, "mute", { member: { user: alice.id }, text: "60d flooding" });
    const until = await waitFor(() => discord.member(guild.id, alice.id)?.communication_disabled_until);
    expect(Date.parse(until) - Date.now()).toBeLessThanOrEqual(28 * 24 * 3600_000);
    const renewals = async () => {
      const ids = [discordChat(guild.id), discordChat(guild.id, guild.general)].map(
        (chat) => `access-renew:${chat}:discord:${alice.id}`,
      );
      return (await Promise.all(ids.map((id) => w!.runtime.services.timers.get(id)))).filter(Boolean);
    };
    await waitFor(async () => ((await renewals()).length > 0 ? true : undefined));
    discord.useCommand(here, w.mod.id, "pardon", { text: "1 mistake" });
    await waitFor(() =>
      discord.member(guild.id, alice.id)?.communication_disabled_until ? undefined : true,
    );
    await waitFor(async () => ((await renewals()).length === 0 ? true : undefined));
  });
});

describe("discord end to end: the member picker", () => {
  it("puts the picked member where the command expects it: /publisher member:@alice text:add", async () => {
    w = await startDcWorld();
    const { discord, guild } = w;
    const alice = member(w, "alice");
    const here = { guildId: guild.id, channelId: guild.general };
    const used = discord.useCommand(here, w.mod.id, "publisher", { member: { user: alice.id }, text: "add" });
    const answer = await waitFor(() => discord.repliesTo(used)[0]);
    expect(answer.content).not.toMatch(/^Usage/);
    expect(JSON.stringify(await w.store.get("news:publishers:demo"))).toContain(`discord:${alice.id}`);
  });
});

describe("discord end to end: reporting a message", () => {
  const REVIEW_BUTTONS = /^(Confirm|Dismiss)$/;
  const cardOf = (w: DcWorld, label: RegExp) =>
    buttonOf(w, w.review, label).customId ? buttonOf(w, w.review, label) : undefined;

  it("registers Report message as a message command beside the slash commands, in English and Chinese", async () => {
    w = await startDcWorld();
    const commands = w.discord.commandsOf(w.guild.id);
    const menu = commands.find((c) => c["type"] === 3);
    expect(menu).toMatchObject({
      name: "Report message",
      name_localizations: { "zh-CN": "举报消息" },
      default_member_permissions: null,
      contexts: [0],
    });
    // /report (a slash command cannot point at a message) has no options: it says where the menu is.
    const report = commands.find((c) => c.name === "report" && c["type"] === 1);
    expect(report?.["options"]).toBeUndefined();
    const alice = member(w, "alice");
    const used = w.discord.useCommand(
      { guildId: w.guild.id, channelId: w.guild.general },
      alice.id,
      "report",
    );
    const answer = await waitFor(() => w!.discord.repliesTo(used)[0]);
    expect(answer.interaction?.ephemeral).toBe(true);
    expect(answer.content).toMatch(/Apps → Report message/);
  });

  it("files a report through the menu and its form: the card in the review channel, a non-admin's press refused, the moderator's Confirm deletes the message and opens a case", async () => {
    w = await startDcWorld();
    const { discord, guild } = w;
    const alice = member(w, "alice");
    const bob = member(w, "bob");
    const rude = discord.postMessage(guild.general, alice.id, "you are all idiots");
    await waitFor(() => w!.events.find((e) => e.kind === "message_posted"));
    // Bob: right-click → Apps → Report message; the form asks for a reason.
    const used = discord.useMessageCommand(rude.id, bob.id, "Report message");
    const form = await waitFor(() => discord.interactionAnswers(used).find((a) => a.type === 9));
    expect(form.data).toMatchObject({ custom_id: `report-form:${rude.id}` });
    expect(JSON.stringify(form.data)).toContain('"required":false');
    const submitted = discord.submitModal(
      { guildId: guild.id, channelId: guild.general },
      bob.id,
      form.data?.["custom_id"] as string,
      {
        reason: "insults",
      },
    );
    // Bob is thanked where only he sees it; the card waits in the review channel with a copy of the message.
    const thanks = await waitFor(() => discord.repliesTo(submitted).find((m) => /Thank you/.test(m.content)));
    expect(thanks.interaction?.ephemeral).toBe(true);
    const confirm = await waitFor(() => cardOf(w!, /^Confirm$/));
    const card = discord.state.messages.get(confirm.message);
    expect(card?.content).toContain("insults");
    expect(card?.content).toContain(`discord:${alice.id}`);
    expect(discord.messagesIn(w.review).some((m) => m.content.includes("you are all idiots"))).toBe(true);
    expect(discord.messagesIn(guild.general).map((m) => m.id)).toContain(rude.id);
    // Bob presses Confirm himself: refused, only he sees it, the message stays.
    const refused = discord.pressButton(confirm.message, bob.id, confirm.customId);
    expect((await waitFor(() => discord.repliesTo(refused)[0])).interaction?.ephemeral).toBe(true);
    expect(discord.state.messages.get(rude.id)?.deleted).toBe(false);
    // The moderator confirms: the message is deleted, the card says so and loses its buttons, a case is open.
    discord.pressButton(confirm.message, w.mod.id, confirm.customId);
    await waitFor(() => discord.state.messages.get(rude.id)?.deleted || undefined);
    await waitFor(
      () => /Confirmed by/.test(discord.state.messages.get(confirm.message)?.content ?? "") || undefined,
    );
    expect(discord.state.messages.get(confirm.message)?.components).toEqual([]);
    expect(await w.store.get("sanctions:report:demo:1")).toMatchObject({
      status: "confirmed",
      reporter: `discord:${bob.id}`,
      target: `discord:${alice.id}`,
      reason: "insults",
    });
  });

  it("a reporter's /forgetme redraws the card without their name and reason, the buttons kept: the moderator still confirms", async () => {
    w = await startDcWorld();
    const { discord, guild } = w;
    const alice = member(w, "alice");
    const bob = member(w, "bob");
    const rude = discord.postMessage(guild.general, alice.id, "you are all idiots");
    await waitFor(() => w!.events.find((e) => e.kind === "message_posted"));
    discord.useMessageCommand(rude.id, bob.id, "Report message");
    discord.submitModal({ guildId: guild.id, channelId: guild.general }, bob.id, `report-form:${rude.id}`, {
      reason: "insults, says bob",
    });
    const confirm = await waitFor(() => cardOf(w!, /^Confirm$/));
    expect(discord.state.messages.get(confirm.message)?.content).toContain(`discord:${bob.id}`);
    const forget = discord.useCommand({ channelId: "bob-dm" }, bob.id, "forgetme");
    expect((await waitFor(() => discord.repliesTo(forget)[0])).content).toContain(
      "report(s) stay for the admins",
    );
    const card = await waitFor(() => {
      const m = discord.state.messages.get(confirm.message);
      return /withdrew their data/.test(m?.content ?? "") ? m : undefined;
    });
    expect(card.content).not.toContain(`discord:${bob.id}`);
    expect(card.content).not.toContain("says bob");
    expect(cardOf(w, /^Confirm$/)).toEqual(confirm);
    discord.pressButton(confirm.message, w.mod.id, confirm.customId);
    await waitFor(() => discord.state.messages.get(rude.id)?.deleted || undefined);
    await waitFor(
      () => /Confirmed by/.test(discord.state.messages.get(confirm.message)?.content ?? "") || undefined,
    );
    expect(discord.state.messages.get(confirm.message)?.content).not.toContain("says bob");
  });

  it("files a report without a reason, which the moderator dismisses", async () => {
    w = await startDcWorld();
    const { discord, guild } = w;
    const alice = member(w, "alice");
    const bob = member(w, "bob");
    const post = discord.postMessage(guild.general, alice.id, "hmm");
    await waitFor(() => w!.events.find((e) => e.kind === "message_posted"));
    const used = discord.useMessageCommand(post.id, bob.id, "Report message");
    await waitFor(() => discord.interactionAnswers(used).find((a) => a.type === 9));
    discord.submitModal({ guildId: guild.id, channelId: guild.general }, bob.id, `report-form:${post.id}`, {
      reason: "",
    });
    const dismiss = await waitFor(() => cardOf(w!, /^Dismiss$/));
    expect(discord.state.messages.get(dismiss.message)?.content).toContain("no reason given");
    discord.pressButton(dismiss.message, w.mod.id, dismiss.customId);
    await waitFor(
      () => /Dismissed by/.test(discord.state.messages.get(dismiss.message)?.content ?? "") || undefined,
    );
    expect(discord.state.messages.get(post.id)?.deleted).toBe(false);
    expect(buttonOf(w, w.review, REVIEW_BUTTONS).customId).toBe("");
  });

  it("answers in words when the message is gone or was not written by a member, and files nothing", async () => {
    w = await startDcWorld();
    const { discord, guild } = w;
    const alice = member(w, "alice");
    const bob = member(w, "bob");
    const here = { guildId: guild.id, channelId: guild.general };
    const post = discord.postMessage(guild.general, alice.id, "soon gone");
    discord.state.messages.get(post.id)!.deleted = true;
    const gone = discord.submitModal(here, bob.id, `report-form:${post.id}`, { reason: "x" });
    expect((await waitFor(() => discord.repliesTo(gone)[0])).content).toMatch(/message is gone/);
    // The bot's own message: told at once, no form; a submitted form naming it is refused the same way.
    const sent = await w.adapter.executor.execute({
      kind: "send",
      chat: discordChat(guild.id, guild.general),
      text: "notice",
    });
    const own = sent.status === "ok" ? (sent.refs?.[0]?.id ?? "") : "";
    const menu = discord.useMessageCommand(own, bob.id, "Report message");
    const told = await waitFor(() => discord.repliesTo(menu)[0]);
    expect(told.content).toMatch(/not by a member/);
    expect(told.interaction?.ephemeral).toBe(true);
    const notMember = discord.submitModal(here, bob.id, `report-form:${own}`, { reason: "x" });
    expect((await waitFor(() => discord.repliesTo(notMember)[0])).content).toMatch(/not by a member/);
    // A forged form id (not a message id) is not a report form at all: no card either way.
    discord.submitModal(here, bob.id, "report-form:../../1", { reason: "x" });
    await new Promise((r) => setTimeout(r, 200));
    expect(discord.messagesIn(w.review)).toEqual([]);
    expect(await w.store.get("sanctions:report:demo:1")).toBeUndefined();
  });
});
