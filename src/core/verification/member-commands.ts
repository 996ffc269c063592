import { openCase } from "../engine/audit.js";
import type { CommandIssued } from "../events.js";
import type { Ctx } from "../engine/context.js";
import type { CommandSpec } from "../engine/module.js";
import type { AccountKey } from "../ids.js";
import { platformOf } from "../ids.js";
import { formatDuration } from "../settings/duration.js";
import type { CommunitySettings } from "../settings/community.js";
import { communityById, grantFull, reply, takeAttempt, type VerificationDeps } from "./common.js";
import { abandon, begin } from "./flow.js";
import type { Identity, LinkCode } from "./state.js";
import {
  bindAccount,
  bindingOf,
  boundCommunities,
  getIdentity,
  identityOf,
  keys,
  unbindAccount,
} from "./state.js";
import { KEEP } from "../ports/store.js";
import { eraseMemberRecords } from "../engine/erase.js";

/** The community a member means: the named one, else the one they were last seen in, else the only one. */
async function chooseCommunity(
  ctx: Ctx,
  account: AccountKey,
  named: string,
): Promise<CommunitySettings | undefined> {
  const { directory, members } = ctx.services;
  if (named) return directory.community(named.toLowerCase());
  if (ctx.community) return ctx.community;
  const seen = (await members.profile(account))?.communities ?? [];
  for (const id of [...seen].reverse()) {
    const c = directory.community(id);
    if (c) return c;
  }
  return directory.communities.length === 1 ? directory.communities[0] : undefined;
}

/** Deep-link payloads: "verify-<community>", "verify_<community>" or the bare community id. */
export function communityFromPayload(payload: string): string {
  return payload.trim().replace(/^verify[-_:]/, "");
}

function verifyCommand(deps: VerificationDeps): CommandSpec {
  return {
    name: "verify",
    scope: "any",
    admin: false,
    usage: "verification.usageVerify",
    description: "verification.describeVerify",
    async run(ctx, event) {
      const account = event.actor.account;
      const community = await chooseCommunity(ctx, account, event.args.trim());
      if (!community) {
        const list = ctx.services.directory.communities.map((c) => c.id).join(", ");
        return void ctx.emit(reply(ctx, event, ctx.t("verification.whichCommunity", { list })));
      }
      if (event.chat) {
        // Personal data is asked only privately: from a group, the dialogue starts in the private chat.
        ctx.emit({
          kind: "send_private",
          account,
          text: ctx.t("verification.continuePrivately"),
          fallbackChat: event.chat,
        });
      }
      await abandonQuietly(ctx, account);
      await begin(ctx, deps, community, account);
    },
  };
}

/** /verify again restarts: the old dialogue ends without declining join requests. */
async function abandonQuietly(ctx: Ctx, account: AccountKey): Promise<void> {
  await ctx.services.store.delete(keys.session(account));
}

function startCommand(deps: VerificationDeps): CommandSpec {
  return {
    name: "start",
    scope: "private",
    admin: false,
    usage: "verification.usageStart",
    description: "verification.describeStart",
    async run(ctx, event) {
      const payload = event.args.trim();
      const community = payload ? communityById(ctx, communityFromPayload(payload)) : undefined;
      if (!community) return void ctx.emit(reply(ctx, event, ctx.t("verification.welcome")));
      await abandonQuietly(ctx, event.actor.account);
      await begin(ctx, deps, community, event.actor.account);
    },
  };
}

const cancelCommand: CommandSpec = {
  name: "cancel",
  scope: "private",
  admin: false,
  usage: "verification.usageCancel",
  description: "verification.describeCancel",
  async run(ctx, event) {
    const ended = await abandon(ctx, event.actor.account);
    ctx.emit(reply(ctx, event, ctx.t(ended ? "verification.cancelled" : "verification.noSession")));
  },
};

const linkCommand: CommandSpec = {
  name: "link",
  scope: "private",
  admin: false,
  usage: "verification.usageLink",
  description: "verification.describeLink",
  async run(ctx, event) {
    const account = event.actor.account;
    const code = event.args.trim().toUpperCase();
    return code ? redeem(ctx, event, account, code) : issue(ctx, event, account);
  },
};

async function verifiedBindings(
  ctx: Ctx,
  account: AccountKey,
): Promise<{ community: CommunitySettings; identity: Identity }[]> {
  const out: { community: CommunitySettings; identity: Identity }[] = [];
  for (const id of await boundCommunities(ctx.services.store, account)) {
    const community = communityById(ctx, id);
    const identity = community ? await identityOf(ctx.services.store, id, account) : undefined;
    if (community && identity?.verified) out.push({ community, identity });
  }
  return out;
}

async function issue(ctx: Ctx, event: CommandIssued, account: AccountKey): Promise<void> {
  const bindings = await verifiedBindings(ctx, account);
  if (bindings.length === 0) return void ctx.emit(reply(ctx, event, ctx.t("verification.linkNeedsVerified")));
  const ttl = Math.min(...bindings.map((b) => b.community.policy.verification.link_code_ttl));
  const code = ctx.services.random.code(8);
  const record: LinkCode = {
    from: account,
    bindings: bindings.map((b) => ({ community: b.community.id, identity: b.identity.id })),
    expiresAt: ctx.now + ttl,
  };
  await ctx.services.store.set(keys.linkCode(code), record, ttl);
  await ctx.services.store.set(keys.linkCodeOf(account), code, ttl);
  ctx.emit(reply(ctx, event, ctx.t("verification.linkCode", { code, ttl: formatDuration(ttl) })));
}

async function redeem(ctx: Ctx, event: CommandIssued, account: AccountKey, code: string): Promise<void> {
  const { store } = ctx.services;
  // A code may belong to any community, so the strictest configured limit applies (no built-in cap).
  const limitPerHour = Math.min(
    ...ctx.services.directory.communities.map((c) => c.policy.verification.attempts_per_hour),
  );
  if (!(await takeAttempt(ctx, account, limitPerHour)))
    return void ctx.emit(reply(ctx, event, ctx.t("verification.tooManyAttempts")));
  // Single use: the code is taken and deleted in one atomic step, so two redemptions cannot both succeed.
  const taken = await store.change<LinkCode, LinkCode | undefined>(keys.linkCode(code), (cur) =>
    !cur || cur.from === account ? { value: KEEP, result: undefined } : { value: undefined, result: cur },
  );
  if (!taken && (await store.get<LinkCode>(keys.linkCode(code)))?.from === account) {
    return void ctx.emit(reply(ctx, event, ctx.t("verification.linkSameAccount")));
  }
  if (!taken || taken.expiresAt <= ctx.now)
    return void ctx.emit(reply(ctx, event, ctx.t("verification.linkInvalid")));
  const linked: string[] = [];
  for (const b of taken.bindings) {
    const community = communityById(ctx, b.community);
    const identity = community ? await getIdentity(store, b.community, b.identity) : undefined;
    if (!community || !identity?.verified) continue;
    const s = community.policy.verification;
    const samePlatform = identity.accounts.filter(
      (a) => a !== account && platformOf(a) === platformOf(account),
    );
    if (samePlatform.length >= s.max_accounts_per_platform) {
      ctx.emit(
        reply(
          ctx,
          event,
          ctx.t("verification.accountCap", {
            platform: platformOf(account),
            max: s.max_accounts_per_platform,
          }),
        ),
      );
      continue;
    }
    const current = await bindingOf(store, community.id, account);
    if (current && current !== identity.id) await unbindAccount(store, community.id, account);
    await bindAccount(store, identity, account);
    await openCase(ctx, community, {
      action: "verified",
      source: "verification",
      subject: account,
      actor: "bot",
      reason: "linked",
    });
    await grantFull(ctx, community, account);
    linked.push(community.name);
  }
  if (linked.length)
    ctx.emit(reply(ctx, event, ctx.t("verification.linked", { communities: linked.join(", ") })));
}

/** What /mydata shows: the profile the bot learnt and each module's export; empty when nothing is stored. */
async function storedAbout(
  ctx: Ctx,
  deps: VerificationDeps,
  account: AccountKey,
): Promise<Record<string, unknown>> {
  const sections: Record<string, unknown> = {};
  const profile = await ctx.services.members.profile(account);
  if (profile) sections.profile = profile;
  for (const module of deps.allModules()) {
    const data = await module.exportData?.(ctx, account);
    if (data && Object.keys(data).length) sections[module.name] = data;
  }
  return sections;
}

function mydataCommand(deps: VerificationDeps): CommandSpec {
  return {
    name: "mydata",
    scope: "any",
    admin: false,
    usage: "verification.usageMyData",
    description: "verification.describeMyData",
    async run(ctx, event) {
      const account = event.actor.account;
      const sections = await storedAbout(ctx, deps, account);
      // Never a fallback into the group: this is the member's personal data.
      ctx.emit({
        kind: "send_private",
        account,
        text: `${ctx.t("verification.myDataHeader")}\n${JSON.stringify(sections, null, 2)}`,
      });
      if (event.chat) ctx.emit(reply(ctx, event, ctx.t("verification.sentPrivately")));
    },
  };
}

function forgetmeCommand(deps: VerificationDeps): CommandSpec {
  return {
    name: "forgetme",
    scope: "private",
    admin: false,
    usage: "verification.usageForgetMe",
    description: "verification.describeForgetMe",
    async run(ctx, event) {
      const account = event.actor.account;
      const stored = await storedAbout(ctx, deps, account);
      // A profile whose name an earlier /forgetme erased holds nothing personal any more.
      const profile = stored.profile as { displayName?: string } | undefined;
      if (profile && !profile.displayName) delete stored.profile;
      if (Object.keys(stored).length === 0) {
        ctx.emit(reply(ctx, event, ctx.t("verification.nothingStored")));
        return;
      }
      const kept: string[] = [];
      for (const module of deps.allModules()) kept.push(...((await module.eraseData?.(ctx, account)) ?? []));
      const chats = ctx.services.directory.communities.flatMap((c) => c.chats.map((chat) => chat.key));
      await eraseMemberRecords(ctx.services, account, chats);
      // Deleted values can linger in the backend's files (free pages, journal, WAL, AOF): scrub them. The
      // erasure itself is done; a scrub that fails is logged, and the member still gets the answer.
      await ctx.services.store.scrub().then(
        (report) => ctx.services.logger.info({ ...report }, "store scrubbed after an erasure"),
        (error: unknown) =>
          ctx.services.logger.error(
            { err: error instanceof Error ? error.message : String(error) },
            "could not scrub the store after an erasure",
          ),
      );
      const lines = [ctx.t("verification.forgotten"), ...kept.map((k) => `• ${k}`)];
      ctx.emit(reply(ctx, event, lines.join("\n")));
    },
  };
}

export function memberCommands(deps: VerificationDeps): CommandSpec[] {
  return [
    verifyCommand(deps),
    startCommand(deps),
    cancelCommand,
    linkCommand,
    mydataCommand(deps),
    forgetmeCommand(deps),
  ];
}
