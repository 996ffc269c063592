import type { Client, Guild } from "discord.js";
import type { CommunitySettings } from "../../core/settings/community.js";
import { discordTexts, type DiscordTranslate } from "./texts.js";

/** What the bot is configured to use in one guild, by id. */
export interface DiscordGuildConfig {
  verifiedRole?: string;
  unverifiedRole?: string;
  /** A channel where the bot keeps a message with the Verify button. */
  verificationChannel?: string;
  readOnlyRole?: string;
  textOnlyRole?: string;
}

/** A problem found at start, in the words admins read (the community's language). */
export interface GuildProblem {
  guild: string;
  text: string;
}

const ROLE_FIELDS = [
  ["verifiedRole", "verified_role", { en: "verified", zh: "已验证" }],
  ["unverifiedRole", "unverified_role", { en: "unverified", zh: "未验证" }],
  ["readOnlyRole", "read_only_role", { en: "read-only", zh: "只读" }],
  ["textOnlyRole", "text_only_role", { en: "text-only", zh: "仅文字" }],
] as const;

/** The community a guild belongs to (any of its chats is in that guild). */
export function communityOfGuild(
  communities: readonly CommunitySettings[],
  guild: string,
): CommunitySettings | undefined {
  const ours = (key: string | undefined) =>
    key !== undefined && (key === `discord:${guild}` || key.startsWith(`discord:${guild}/`));
  return communities.find((c) => c.chats.some((chat) => ours(chat.key)) || ours(c.reviewChat));
}

/**
 * Checks each configured guild once the bot is ready: the bot is in it, the configured roles exist and sit
 * below the bot's highest role (otherwise Discord refuses to grant them), the verification channel exists.
 */
export function checkGuilds(
  client: Client,
  guilds: Readonly<Record<string, DiscordGuildConfig>>,
  communities: readonly CommunitySettings[],
): GuildProblem[] {
  const problems: GuildProblem[] = [];
  for (const [id, config] of Object.entries(guilds)) {
    const language = communityOfGuild(communities, id)?.language ?? "en";
    const t = discordTexts(language);
    const guild = client.guilds.cache.get(id);
    if (!guild) {
      problems.push({ guild: id, text: t("notInGuild", { guild: id }) });
      continue;
    }
    problems.push(...rolesOf(guild, config, t, language).map((text) => ({ guild: id, text })));
    const channel = config.verificationChannel;
    if (channel && !guild.channels.cache.get(channel)?.isTextBased())
      problems.push({ guild: id, text: t("channelMissing", { channel, guild: id }) });
  }
  return problems;
}

function rolesOf(
  guild: Guild,
  config: DiscordGuildConfig,
  t: DiscordTranslate,
  language: "en" | "zh",
): string[] {
  const top = guild.members.me?.roles.highest.position ?? 0;
  const out: string[] = [];
  for (const [field, yaml, what] of ROLE_FIELDS) {
    const id = config[field];
    if (!id) continue;
    const role = guild.roles.cache.get(id);
    if (!role) out.push(t("roleMissing", { what: what[language], role: id, guild: guild.id, field: yaml }));
    else if (role.position >= top)
      out.push(t("roleTooHigh", { what: what[language], role: `@${role.name}` }));
  }
  return out;
}
