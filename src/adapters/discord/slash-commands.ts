import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  PermissionFlagsBits,
  REST,
  Routes,
  type ChatInputCommandInteraction,
  type RESTPostAPIApplicationCommandsJSONBody,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { CommandSpec } from "../../core/engine/module.js";
import type { CommandIssued } from "../../core/events.js";
import { translator } from "../../core/i18n/translator.js";
import type { Instant } from "../../core/ports/clock.js";
import { discordChat } from "./keys.js";
import { discordMentions } from "./mentions.js";
import { REPORT_COMMAND, reportMenuCommand } from "./report-message.js";
import { actorOf } from "./translate.js";

/** Discord's rule for command and option names (lower case). */
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
/** `/start` answers Telegram deep links; it has no place in Discord's command list. */
const HIDDEN = new Set(["start"]);
/** The two options every command takes: a member picked from a list, and the rest as text. */
export const MEMBER_OPTION = "member";
export const TEXT_OPTION = "text";

/** Discord shows the default locale's text unless the user's client is in one of these. */
const LOCALES = { en: "en-US", zh: "zh-CN" } as const;

type CommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** The two options every slash command takes. */
const OPTIONS: CommandJson["options"] = [
  {
    type: ApplicationCommandOptionType.User,
    name: MEMBER_OPTION,
    name_localizations: { [LOCALES.zh]: "成员" },
    description: "The member this is about",
    description_localizations: { [LOCALES.zh]: "相关成员" },
    required: false,
  },
  {
    type: ApplicationCommandOptionType.String,
    name: TEXT_OPTION,
    name_localizations: { [LOCALES.zh]: "内容" },
    description: "Everything else (duration, reason, code, …)",
    description_localizations: { [LOCALES.zh]: "其余内容（时长、原因、代码等）" },
    required: false,
    max_length: 1000,
  },
];

/**
 * The application commands for the bot's command list: one slash command per command, with a user picker
 * (so no one types a mention) and a free-text option for the rest; descriptions in English with Chinese
 * localizations. Admin commands are hidden from members by default member permissions (moderators with
 * ModerateMembers see them; a server can change that in its Integrations settings). The engine checks
 * scope and admin rights on every use anyway.
 *
 * `/report` needs the reported message, which a slash command cannot point at: the "Report message"
 * message command files it, and `/report` (without options) says how to find that command.
 */
export function commandList(specs: readonly CommandSpec[]): RESTPostAPIApplicationCommandsJSONBody[] {
  const en = translator("en");
  const zh = translator("zh");
  const text = (s: string, name: string) => s.slice(0, 100) || name;
  const slash: CommandJson[] = specs
    .filter((s) => NAME.test(s.name) && s.name === s.name.toLowerCase() && !HIDDEN.has(s.name))
    .slice(0, 100)
    .map((s) => ({
      name: s.name,
      description: text(en(s.description), s.name),
      description_localizations: {
        [LOCALES.en]: text(en(s.description), s.name),
        [LOCALES.zh]: text(zh(s.description), s.name),
      },
      default_member_permissions: s.admin ? PermissionFlagsBits.ModerateMembers.toString() : null,
      ...(s.name === REPORT_COMMAND ? {} : { options: OPTIONS }),
    }));
  const reports = specs.some((s) => s.name === REPORT_COMMAND);
  return reports ? [...slash, reportMenuCommand()] : slash;
}

/**
 * A slash command as the core's CommandIssued: the picked member written into `args` as `<@id>` (then
 * read back with `discordMentions`, exactly as a typed mention would be) where the command expects its
 * member (after `memberAfter` words of the text: `/publisher add <@id>`), else first. A command the core
 * only allows in private (`scope: "private"`) runs as if sent privately: its answers are ephemeral, which
 * is Discord's private reply.
 */
export function commandEvent(
  i: ChatInputCommandInteraction,
  spec: Pick<CommandSpec, "scope" | "memberAfter"> | undefined,
): CommandIssued {
  const user = i.options.getUser(MEMBER_OPTION);
  const text = (i.options.getString(TEXT_OPTION) ?? "").trim();
  // The words before the member, and the rest of the text exactly as typed.
  const before = user
    ? (new RegExp(`^(?:\\S+(?:\\s+|$)){0,${spec?.memberAfter ?? 0}}`).exec(text)?.[0] ?? "")
    : "";
  const args = [before.trim(), user ? `<@${user.id}>` : "", text.slice(before.length)]
    .filter(Boolean)
    .join(" ");
  const scope = spec?.scope;
  const member = i.inCachedGuild() ? i.member : null;
  const inChannel = i.guildId !== null && scope !== "private";
  return {
    kind: "command",
    name: i.commandName,
    args,
    mentions: discordMentions(args),
    actor: actorOf(i.user, member),
    ...(inChannel && i.guildId ? { chat: discordChat(i.guildId, i.channelId) } : {}),
    at: i.createdTimestamp as Instant,
  };
}

/**
 * Registers the commands in each guild over REST alone, without a gateway connection
 * (`chatwarden discord deploy-commands`). Returns how many slash commands and message commands each
 * guild got.
 */
export async function deployCommandsOverRest(opts: {
  token: string;
  apiUrl?: string;
  guilds: readonly string[];
  specs: readonly CommandSpec[];
}): Promise<{ guild: string; commands: number; menus: number }[]> {
  const rest = new REST(opts.apiUrl ? { api: opts.apiUrl } : {}).setToken(opts.token);
  const app = (await rest.get(Routes.currentApplication())) as { id: string };
  const body = commandList(opts.specs);
  const menus = body.filter((c) => c.type === ApplicationCommandType.Message).length;
  const out: { guild: string; commands: number; menus: number }[] = [];
  for (const guild of opts.guilds) {
    await rest.put(Routes.applicationGuildCommands(app.id, guild), { body });
    out.push({ guild, commands: body.length - menus, menus });
  }
  return out;
}
