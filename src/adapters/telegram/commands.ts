import type { Api } from "grammy";
import type { BotCommand, BotCommandScope } from "grammy/types";
import type { CommandSpec } from "../../core/engine/module.js";
import { translator, type Language } from "../../core/i18n/translator.js";
import type { Logger } from "../../core/ports/logger.js";
import { apiSignal } from "./connect.js";

const NAME = /^[a-z0-9_]{1,32}$/;
/** Commands that exist but do not belong in a menu (`/start` is what deep links send). */
const HIDDEN = new Set(["start"]);

export interface CommandMenu {
  scope: BotCommandScope;
  commands: (spec: CommandSpec) => boolean;
}

/**
 * Which commands each menu shows. Members see the group commands; admins (Telegram shows the most
 * specific scope) see those plus the admin ones; private chats show the private commands of members.
 * The engine checks scope and admin rights on every use anyway: menus are only a convenience.
 */
export const MENUS: readonly CommandMenu[] = [
  { scope: { type: "all_group_chats" }, commands: (s) => s.scope !== "private" && !s.admin },
  { scope: { type: "all_chat_administrators" }, commands: (s) => s.scope !== "private" },
  { scope: { type: "all_private_chats" }, commands: (s) => s.scope !== "group" && !s.admin },
];

/** The menu for one scope in one language; descriptions come from the i18n catalogue. */
export function menuFor(specs: readonly CommandSpec[], menu: CommandMenu, language: Language): BotCommand[] {
  const t = translator(language);
  return specs
    .filter((s) => NAME.test(s.name) && !HIDDEN.has(s.name) && menu.commands(s))
    .map((s) => ({ command: s.name, description: t(s.description).slice(0, 256) || s.name }));
}

/**
 * setMyCommands for every scope, in English (the default, no language_code) and Chinese ("zh").
 * A failure is logged, never fatal: the bot works without menus. Aborting `signal` ends it early.
 */
export async function registerCommands(
  api: Api,
  specs: readonly CommandSpec[],
  logger: Logger,
  signal?: AbortSignal,
): Promise<void> {
  const sig = signal ? apiSignal(signal) : undefined;
  for (const menu of MENUS) {
    for (const language of ["en", "zh"] as const) {
      if (signal?.aborted) return;
      const commands = menuFor(specs, menu, language);
      try {
        if (language === "en") await api.setMyCommands(commands, { scope: menu.scope }, sig);
        else await api.setMyCommands(commands, { scope: menu.scope, language_code: language }, sig);
      } catch (error) {
        if (signal?.aborted) return;
        logger.warn(
          { scope: menu.scope.type, language, err: String(error) },
          "could not register the command menu",
        );
      }
    }
  }
}
