import type { Client } from "discord.js";
import type { Logger } from "../../core/ports/logger.js";
import type { PlatformRuntime } from "../../core/ports/platform.js";
import type { DiscordDecisionExecutor } from "./executor.js";
import type { DiscordGuildConfig } from "./guild-checks.js";
import { communityOfGuild } from "./guild-checks.js";
import { discordChat } from "./keys.js";
import { discordTexts } from "./texts.js";
import { VERIFY_START } from "./verify-form.js";
import { translator } from "../../core/i18n/translator.js";

const noticeKey = (guild: string, channel: string) => `discord:verify-notice:${guild}:${channel}`;

/**
 * Keeps one message with the Verify button in each configured verification channel: posted at the first
 * start, posted again when someone deleted it; its id lives in the store, so a restart posts nothing new.
 */
export async function postVerifyNotices(parts: {
  client: Client;
  runtime: PlatformRuntime;
  guilds: Readonly<Record<string, DiscordGuildConfig>>;
  executor: DiscordDecisionExecutor;
  logger: Logger;
}): Promise<void> {
  const { client, runtime, guilds, executor, logger } = parts;
  for (const [guild, config] of Object.entries(guilds)) {
    const channel = config.verificationChannel;
    const community = communityOfGuild(runtime.communities, guild);
    if (!channel || !community || !client.guilds.cache.has(guild)) continue;
    const key = noticeKey(guild, channel);
    const known = await runtime.store.get<string>(key);
    if (known) {
      const up = await client.channels
        .fetch(channel)
        .then((c) => (c?.isTextBased() ? c.messages.fetch(known) : undefined))
        .catch(() => undefined);
      if (up) continue;
    }
    const t = discordTexts(community.language);
    const outcome = await executor.execute({
      kind: "send",
      chat: discordChat(guild, channel),
      text: t("verifyHere", { community: community.name }),
      buttons: [
        [
          {
            label: translator(community.language)("verification.buttonStart"),
            data: `${VERIFY_START}${community.id}`,
          },
        ],
      ],
    });
    const id = outcome.status === "ok" ? outcome.refs?.[0]?.id : undefined;
    if (id) await runtime.store.set(key, id);
    else logger.warn({ guild, channel }, "could not post the Verify button in the verification channel");
  }
}
