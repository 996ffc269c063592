import type { IdentityDirectory, Services, ViolationSink } from "../core/engine/context.js";
import type { Module } from "../core/engine/module.js";
import { rulesModule } from "../core/rules/index.js";

/**
 * The pillar modules, in pipeline order: verification gates a message first, content rules next, news
 * holds last (a message deleted for a rule hit is not also held). Each pillar registers here.
 */
export function createModules(base: Omit<Services, "identities" | "violations">): {
  modules: Module[];
  identities: IdentityDirectory;
  violations: ViolationSink;
} {
  void base;
  const identities: IdentityDirectory = { lookup: async () => undefined, realName: async () => undefined };
  const violations: ViolationSink = {
    async record(ctx, v) {
      await ctx.services.cases.open(
        { community: v.community.id, action: "violation", source: v.source, subject: v.account, actor: v.actor, reason: v.reason, chat: v.chat, category: v.category, points: v.points },
        ctx.now,
      );
    },
  };
  return { modules: [rulesModule()], identities, violations };
}
