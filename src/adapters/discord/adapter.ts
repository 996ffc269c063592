import { MessageFlags, type Client, type Interaction, type ModalSubmitInteraction } from "discord.js";
import type { ButtonPressed, CoreEvent } from "../../core/events.js";
import { translator, type Language } from "../../core/i18n/translator.js";
import type { Instant } from "../../core/ports/clock.js";
import type { HealthReporter } from "../../core/ports/health.js";
import type { Logger } from "../../core/ports/logger.js";
import type { PlatformRuntime } from "../../core/ports/platform.js";
import type { CommunitySettings } from "../../core/settings/community.js";
import { createDiscordClient, listen } from "./client.js";
import { connect, DEFAULT_START_TIMEOUT_MS } from "./connect.js";
import { DiscordDecisionExecutor } from "./executor.js";
import { checkGuilds, communityOfGuild, type DiscordGuildConfig, type GuildProblem } from "./guild-checks.js";
import { InteractionScope, interactionScope } from "./interaction-scope.js";
import { discordAccount, discordChat } from "./keys.js";
import { commandEvent, commandList } from "./slash-commands.js";
import { actorOf, fromButton, messageRefOf } from "./translate.js";
import { KeyedQueue } from "./queue.js";
import {
  byMember,
  isReportMenu,
  REPORT_COMMAND,
  reportedMessageId,
  reportEvent,
  reportForm,
} from "./report-message.js";
import { discordTexts } from "./texts.js";
import { formAnswers, VERIFY_FORM, VERIFY_START, verifyForm } from "./verify-form.js";
import { postVerifyNotices } from "./verify-notice.js";

export interface DiscordAdapterConfig {
  token: string;
  /** REST base without the version (`http://host:port/api`): a REST proxy, or a fake in tests. */
  apiUrl?: string;
  runtime: PlatformRuntime;
  logger: Logger;
  defaultLanguage?: Language;
  /** Roles and the verification channel per guild id. */
  guilds?: Readonly<Record<string, DiscordGuildConfig>>;
  /** Register the slash commands in every configured guild at start (default true). */
  commands?: boolean;
  /** How long the start may take to reach READY (default 30 s). */
  startTimeoutMs?: number;
  /** How long stop waits for events in flight (default 5 s). */
  drainMs?: number;
  health?: HealthReporter;
}

export interface DiscordAdapter {
  readonly client: Client;
  readonly executor: DiscordDecisionExecutor;
  /** What the start-up checks found (also logged and told to the community's mod-log chat). */
  readonly problems: readonly GuildProblem[];
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/** Every guild the bot serves: named by a community's chats or in the `discord.guilds` section. */
export function configuredGuilds(
  communities: readonly CommunitySettings[],
  guilds: Readonly<Record<string, unknown>> = {},
): string[] {
  const out = new Set(Object.keys(guilds));
  for (const c of communities)
    for (const key of [...c.chats.map((chat) => chat.key), c.reviewChat, c.modlogChat]) {
      const m = key ? /^discord:([0-9]+)(?:\/|$)/.exec(key) : null;
      if (m?.[1]) out.add(m[1]);
    }
  return [...out];
}

/**
 * The Discord adapter: discord.js with the bot's intents; gateway events become core events (one at a
 * time per channel or member, in order), decisions come back through the DiscordDecisionExecutor.
 * Interactions are answered at once (deferred), then filled from the decisions: slash commands, button
 * presses (Verify opens the verification form), the form's submission, and "Report message" (a form
 * for the reason, then the core's `/report` as a reply to that message).
 */
export function createDiscordAdapter(config: DiscordAdapterConfig): DiscordAdapter {
  const { runtime, logger } = config;
  const client = createDiscordClient({ apiUrl: config.apiUrl });
  const guilds = config.guilds ?? {};
  const executor = new DiscordDecisionExecutor({
    client,
    logger,
    restrictionRoles: (g) => ({ read_only: guilds[g]?.readOnlyRole, text_only: guilds[g]?.textOnlyRole }),
    verificationRoles: (g) => ({ verified: guilds[g]?.verifiedRole, unverified: guilds[g]?.unverifiedRole }),
  });
  const queue = new KeyedQueue();
  const problems: GuildProblem[] = [];
  let stopping = false;
  let unlisten = () => {};

  async function handle(event: CoreEvent): Promise<void> {
    try {
      await runtime.handle(event);
    } catch (error) {
      logger.error({ event: event.kind, err: String(error) }, "the engine failed on a Discord event");
    }
  }

  const keyOf = (event: CoreEvent): string => {
    if ("message" in event && event.message) return event.message.chat;
    if ("chat" in event && event.chat) return `${event.chat}:${"actor" in event ? event.actor.account : ""}`;
    return "actor" in event ? event.actor.account : event.kind;
  };

  function emit(event: CoreEvent): void {
    if (stopping) return;
    void queue.run(keyOf(event), () => handle(event));
  }

  async function inScope(scope: InteractionScope, work: () => Promise<void>): Promise<void> {
    try {
      await interactionScope.run(scope, work);
    } finally {
      await scope.finish().catch((err: unknown) => logger.debug({ err: String(err) }, "interaction end"));
    }
  }

  /**
   * Answers an interaction at once (a form, or a deferral: Discord allows 3 s) and returns the work that
   * fills the answer, or nothing when there is none.
   */
  async function acknowledge(i: Interaction): Promise<(() => Promise<void>) | undefined> {
    const account = discordAccount(i.user.id);
    const member = i.inCachedGuild() ? i.member : null;
    if (i.isButton()) {
      if (i.customId.startsWith(VERIFY_START)) {
        const community = runtime.communities.find((c) => c.id === i.customId.slice(VERIFY_START.length));
        const form = community && verifyForm(community, await runtime.languageOf(account));
        if (form) {
          await i.showModal(form);
          return undefined;
        }
      }
      await i.deferUpdate();
      const event = fromButton(i);
      const ref = messageRefOf(i.message);
      if (!event) return undefined;
      return () => inScope(new InteractionScope(i, account, ref?.chat, false), () => handle(event));
    }
    if (i.isMessageContextMenuCommand() && isReportMenu(i.commandName)) {
      // "Report message": the form for the reason first (a modal must be the first answer).
      const language = await runtime.languageOf(account);
      if (byMember(i.targetMessage)) await i.showModal(reportForm(i.targetId, language));
      else
        await i.reply({ content: discordTexts(language)("reportNotMember"), flags: MessageFlags.Ephemeral });
      return undefined;
    }
    if (i.isChatInputCommand() && i.commandName === REPORT_COMMAND) {
      // A slash command cannot point at a message: say where the message command is.
      const t = discordTexts(await runtime.languageOf(account));
      await i.reply({ content: t("reportHowTo"), flags: MessageFlags.Ephemeral });
      return undefined;
    }
    if (i.isModalSubmit() && reportedMessageId(i.customId)) return acknowledgeReport(i);
    if (i.isChatInputCommand()) {
      // /verify in a server opens the form at once (a modal must be the first answer).
      const here = i.guildId ? communityOfGuild(runtime.communities, i.guildId) : undefined;
      const form = i.commandName === "verify" && here && verifyForm(here, await runtime.languageOf(account));
      if (form) {
        await i.showModal(form);
        return undefined;
      }
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      const spec = runtime.commands().find((s) => s.name === i.commandName);
      const event = commandEvent(i, spec);
      return () => inScope(new InteractionScope(i, account, event.chat, true), () => handle(event));
    }
    if (!i.isModalSubmit() || !i.customId.startsWith(VERIFY_FORM)) return undefined;
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    const community = runtime.communities.find((c) => c.id === i.customId.slice(VERIFY_FORM.length));
    if (!community) return undefined;
    const chat = i.guildId && i.channelId ? discordChat(i.guildId, i.channelId) : undefined;
    const scope = new InteractionScope(i, account, chat, false);
    scope.answers = formAnswers(community, i);
    const t = translator(await runtime.languageOf(account));
    scope.retry = { label: t("verification.buttonStart"), data: `${VERIFY_START}${community.id}` };
    const actor = actorOf(i.user, member);
    const at = i.createdTimestamp as Instant;
    const start: ButtonPressed = {
      kind: "button_pressed",
      data: `${VERIFY_START}${community.id}`,
      actor,
      at,
    };
    // The form's answers go to the core one by one, each when it asks for that step.
    return () =>
      inScope(scope, async () => {
        await handle(start);
        for (let text = scope.nextAnswer; text !== undefined; text = scope.nextAnswer) {
          scope.nextAnswer = undefined;
          await handle({ kind: "private_message", actor, text, at });
        }
      });
  }

  /**
   * The report form's submission: the reported message is fetched from the submission's own channel (its
   * author is Discord's word), then filed as the core's `/report` replying to it.
   */
  async function acknowledgeReport(i: ModalSubmitInteraction): Promise<(() => Promise<void>) | undefined> {
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    const account = discordAccount(i.user.id);
    const id = reportedMessageId(i.customId) ?? "";
    const channel = i.channel;
    const target =
      channel && "messages" in channel
        ? await channel.messages.fetch({ message: id, force: true }).catch(() => undefined)
        : undefined;
    const say = async (key: "reportGone" | "reportNotMember") =>
      void (await i.editReply({ content: discordTexts(await runtime.languageOf(account))(key) }));
    if (!target || !i.guildId) return () => say("reportGone");
    if (!byMember(target)) return () => say("reportNotMember");
    const event = reportEvent(i, target);
    if (!event) return () => say("reportGone");
    return () => inScope(new InteractionScope(i, account, event.chat, true), () => handle(event));
  }

  function onInteraction(i: Interaction): void {
    if (stopping) return;
    const failed = (error: unknown) =>
      logger.warn({ err: String(error) }, "could not answer a Discord interaction");
    acknowledge(i).then((work) => {
      if (work) void queue.run(`user:${i.user.id}`, () => work().catch(failed));
    }, failed);
  }

  async function report(found: GuildProblem[]): Promise<void> {
    for (const p of found) {
      logger.warn({ guild: p.guild }, p.text);
      const chat = communityOfGuild(runtime.communities, p.guild)?.modlogChat;
      if (chat?.startsWith("discord:")) await executor.execute({ kind: "send", chat, text: `⚠️ ${p.text}` });
    }
  }

  async function deployCommands(): Promise<void> {
    const list = commandList(runtime.commands());
    for (const guild of configuredGuilds(runtime.communities, guilds)) {
      if (!client.guilds.cache.has(guild)) continue;
      try {
        await client.application?.commands.set(list, guild);
      } catch (error) {
        logger.warn({ guild, err: String(error) }, "could not register the slash commands");
      }
    }
  }

  return {
    client,
    executor,
    problems,
    async start(signal?: AbortSignal) {
      const where = config.apiUrl ?? "https://discord.com/api";
      config.health?.set("discord", false, "connecting");
      logger.info({ apiUrl: where }, "connecting to Discord");
      unlisten = listen(client, emit, { buttons: false });
      client.on("interactionCreate", onInteraction);
      client.on("shardDisconnect", () => config.health?.set("discord", false, "gateway disconnected"));
      client.on("shardResume", () => config.health?.set("discord", true));
      client.on("shardReady", () => config.health?.set("discord", true));
      await connect(client, config.token, {
        where,
        timeoutMs: config.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
        signal: signal ?? new AbortController().signal,
      });
      runtime.setExecutor("discord", executor);
      problems.push(...checkGuilds(client, guilds, runtime.communities));
      await report(problems);
      if (config.commands !== false) await deployCommands();
      await postVerifyNotices({ client, runtime, guilds, executor, logger });
      config.health?.set("discord", true);
      logger.info({ bot: client.user?.tag, guilds: client.guilds.cache.size }, "discord gateway ready");
    },
    async stop() {
      stopping = true;
      unlisten();
      client.off("interactionCreate", onInteraction);
      if (!(await queue.settle(config.drainMs ?? 5_000)))
        logger.warn({ pending: queue.size }, "stopping: Discord events still in flight are dropped");
      executor.dispose();
      await client.destroy();
    },
  };
}
