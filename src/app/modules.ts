import type { IdentityDirectory, Services, ViolationSink } from "../core/engine/context.js";
import type { Module } from "../core/engine/module.js";
import type { IdentityProvider } from "../core/verification/identity-provider.js";
import { StoreIdentityDirectory } from "../core/verification/directory.js";
import { createVerificationModule } from "../core/verification/module.js";
import { rulesModule } from "../core/rules/index.js";
import { newsModule } from "../core/news/module.js";
import { createSanctions } from "../core/sanctions/module.js";

/**
 * The pillar modules, in pipeline order: verification gates a message first, content rules next, news
 * holds last (a message deleted for a rule hit is not also held). Each pillar registers here.
 */
export function createModules(
  base: Omit<Services, "identities" | "violations">,
  options: { identityProvider?: IdentityProvider } = {},
): {
  modules: Module[];
  identities: IdentityDirectory;
  violations: ViolationSink;
} {
  const identities: IdentityDirectory = new StoreIdentityDirectory(base.store, base.sealer);
  const verification = createVerificationModule({
    identityProvider: options.identityProvider,
    allModules: () => modules,
  });
  const sanctions = createSanctions();
  const violations: ViolationSink = sanctions.violations;
  const modules: Module[] = [verification, rulesModule(), sanctions.module, newsModule];
  return { modules, identities, violations };
}
