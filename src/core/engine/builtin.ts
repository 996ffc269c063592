import { isLanguage, languages } from "../i18n/translator.js";
import type { CommandSpec, Module } from "./module.js";
import { UsageError } from "./module.js";
import { keyOf1 } from "../ports/record-keys.js";

/** Where a member's own language choice is kept. */
export const languageKey: (account: string) => string = keyOf1("language:");

/** Commands every bot has: /help and /language. */
export function builtinModule(listCommands: () => CommandSpec[]): Module {
  return {
    name: "builtin",
    commands: [
      {
        name: "help",
        scope: "any",
        admin: false,
        usage: "core.usageHelp",
        description: "core.describeHelp",
        async run(ctx, event) {
          const communities = ctx.community ? [ctx.community] : ctx.services.directory.communities;
          let admin = false;
          for (const c of communities) if (await ctx.isAdmin(c, ctx.actor)) admin = true;
          const lines = listCommands()
            .filter((c) => admin || !c.admin)
            .filter(
              (c) =>
                c.scope === "any" || (c.scope === "group") === Boolean(event.chat) || c.scope === "private",
            )
            .map((c) => `${ctx.t(c.usage)} — ${ctx.t(c.description)}`);
          ctx.emit({
            kind: "send_private",
            account: event.actor.account,
            text: [ctx.t("core.helpHeader"), ...lines].join("\n"),
            fallbackChat: event.chat,
          });
        },
      },
      {
        name: "language",
        aliases: ["lang"],
        scope: "any",
        admin: false,
        usage: "core.usageLanguage",
        description: "core.describeLanguage",
        async run(ctx, event) {
          const choice = event.args.trim().toLowerCase();
          if (!choice) throw new UsageError(Object.keys(languages).join(", "));
          if (!isLanguage(choice)) {
            ctx.emit({
              kind: "send_private",
              account: event.actor.account,
              text: ctx.t("core.languageUnsupported", {
                language: choice.slice(0, 20),
                supported: Object.keys(languages).join(", "),
              }),
              fallbackChat: event.chat,
            });
            return;
          }
          await ctx.services.store.set(languageKey(event.actor.account), choice);
          const t = await ctx.translatorFor(event.actor.account);
          ctx.emit({
            kind: "send_private",
            account: event.actor.account,
            text: t("core.languageSet"),
            fallbackChat: event.chat,
          });
        },
      },
    ],
  };
}
