import type { Ctx, IdentityDirectory } from "../../../src/core/engine/context.js";
import type { AccountKey } from "../../../src/core/ids.js";
import { communityId } from "../../../src/core/ids.js";
import { translator } from "../../../src/core/i18n/translator.js";
import type { Decision } from "../../../src/core/decisions.js";
import type { Harness } from "../../support/harness.js";

export const demo = communityId("demo");

/** The cases opened about an account in the demo community. */
export function casesOf(h: Harness, account: AccountKey) {
  return h.runtime.services.cases.of(demo, account);
}

export function lastPrivate(h: Harness, user: string): string {
  return h.world.privateMessages(h.session.account(user)).at(-1)?.text ?? "";
}

export function modlog(h: Harness): string[] {
  return h.world.visible(h.session.chat("modlog")).map((m) => m.text);
}

/**
 * A small identity directory for tests: each group of accounts is one bound identity. The real one
 * comes from the verification module; the runtime's services object is shared with the engine, so
 * replacing the field takes effect at once (and must be repeated after a restart).
 */
export function bindIdentities(h: Harness, groups: Record<string, AccountKey[]>): void {
  const directory: IdentityDirectory = {
    async lookup(account) {
      for (const [identity, accounts] of Object.entries(groups))
        if (accounts.includes(account)) return { identity, accounts, verified: true };
      return undefined;
    },
    async realName() {
      return undefined;
    },
  };
  h.runtime.services.identities = directory;
}

/** A context outside any event, for calling module hooks (exportData, eraseData) directly. */
export function bareCtx(h: Harness, emitted: Decision[] = []): Ctx {
  return {
    event: { kind: "timer_fired", timer: { id: "test", at: h.clock.now(), kind: "test", payload: {} } },
    now: h.clock.now(),
    t: translator("en"),
    services: h.runtime.services,
    emit: (...d) => emitted.push(...d),
    translatorFor: (account, community) => h.runtime.engine.translatorFor(account, community),
    isAdmin: async () => false,
  };
}

/**
 * Members join the lobby, so the bot knows them: admins can name only members the bot has seen (an
 * unknown name gets "I don't know that member", never a case).
 */
export async function meet(h: Harness, ...users: string[]): Promise<void> {
  for (const user of users) await h.session.join(user, "lobby");
}
