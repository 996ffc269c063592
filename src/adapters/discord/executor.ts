import type { Client, Guild } from "discord.js";
import type {
  DecisionExecutor,
  Outcome,
  PlatformDecision,
  Restrict,
  SendPrivate,
} from "../../core/decisions.js";
import type { AccountKey, ChatKey } from "../../core/ids.js";
import type { Logger } from "../../core/ports/logger.js";
import { ok, outcomeOf } from "../outcomes.js";
import { DiscordCode, hasCode, toFailure } from "./failures.js";
import { discordDmChat, placeOf, userIdOf } from "./keys.js";
import { actionRows, CONTENT_MAX, DiscordMessaging } from "./messaging.js";
import { interactionScope } from "./interaction-scope.js";
import { ChannelWebhooks } from "./webhooks.js";

/** Discord's longest timeout; the core renews longer mutes through its lift timer. */
export const MAX_TIMEOUT_MS = 28 * 86_400_000;
/** Discord's cap on deleting a banned member's recent messages. */
const BAN_DELETE_SECONDS = 7 * 86_400;

/** Role ids a guild uses for limited access; without one, `read_only` becomes a timeout. */
export interface RestrictionRoles {
  read_only?: string;
  text_only?: string;
}

export interface DiscordExecutorDeps {
  client: Client;
  logger: Logger;
  /** Milliseconds since the epoch (inject a fake clock in tests). */
  now?: () => number;
  /** Roles for limited access per guild (configured by id). */
  restrictionRoles?: (guildId: string) => RestrictionRoles | undefined;
  /**
   * Verification roles per guild (by id): members limited only because they have not verified get
   * `unverified` instead of a timeout; when their limits lift, `verified` replaces it.
   */
  verificationRoles?: (guildId: string) => { verified?: string; unverified?: string } | undefined;
  /** The name re-posts appear under when the decision names no author (the bot's name by default). */
  repostName?: string;
}

/**
 * Carries out decisions with discord.js and reports each as an Outcome; errors never escape. 429s are
 * waited out by discord.js's REST queue; what still fails becomes a typed failure (`forbidden` for
 * missing permissions, role hierarchy and closed DMs).
 */
export class DiscordDecisionExecutor implements DecisionExecutor {
  private readonly webhooks: ChannelWebhooks;
  private readonly messaging: DiscordMessaging;
  private readonly now: () => number;

  constructor(private readonly deps: DiscordExecutorDeps) {
    this.now = deps.now ?? Date.now;
    this.webhooks = new ChannelWebhooks(deps.client);
    this.messaging = new DiscordMessaging(deps.client, this.webhooks, this.now);
  }

  dispose(): void {
    this.webhooks.clear();
  }

  execute(decision: PlatformDecision): Promise<Outcome> {
    return outcomeOf(decision, (d) => this.run(d), {
      platform: "discord",
      toFailure,
      logger: this.deps.logger,
    });
  }

  private async run(d: PlatformDecision): Promise<Outcome> {
    switch (d.kind) {
      case "restrict":
        return this.restrict(d);
      case "lift":
        return this.lift(d.chat, d.account);
      case "ban": {
        const guild = await this.guildOf(d.chat);
        await guild.bans.create(userIdOf(d.account), {
          deleteMessageSeconds: d.deleteRecent ? BAN_DELETE_SECONDS : 0,
        });
        return ok();
      }
      case "unban": {
        const guild = await this.guildOf(d.chat);
        await guild.bans.remove(userIdOf(d.account)).catch((error: unknown) => {
          if (!hasCode(error, DiscordCode.unknownBan)) throw error;
        });
        return ok();
      }
      case "kick": {
        const guild = await this.guildOf(d.chat);
        await guild.members.kick(userIdOf(d.account)).catch((error: unknown) => {
          if (!hasCode(error, DiscordCode.unknownMember)) throw error; // gone already
        });
        return ok();
      }
      case "grant_role":
      case "revoke_role": {
        const guild = await this.guildOf(d.chat);
        const role = await this.roleId(guild, d.role);
        const user = userIdOf(d.account);
        if (d.kind === "grant_role") await guild.members.addRole({ user, role });
        else await guild.members.removeRole({ user, role });
        return ok();
      }
      case "delete":
        await this.messaging.delete(d.messages);
        return ok();
      case "send": {
        const scope = interactionScope.getStore();
        if (scope?.answersSend(d)) {
          await scope.say(d.text, d.buttons);
          return ok();
        }
        return ok(await this.messaging.send(d));
      }
      case "send_private":
        return this.sendPrivate(d);
      case "post_card":
        return ok(await this.messaging.postCard(d));
      case "update_card":
        await this.messaging.updateCard(d.card, d.text, d.buttons);
        return ok([d.card]);
      case "repost":
        return ok(
          await this.messaging.repost(d, {
            name: d.author?.name ?? this.deps.repostName ?? this.deps.client.user?.username ?? "chatwarden",
            ...(d.author?.avatarUrl ? { avatarUrl: d.author.avatarUrl } : {}),
          }),
        );
      case "approve_join":
      case "decline_join": {
        // No join requests on Discord (membership screening has no API): the member is in the guild
        // already and the bot grants the member role after verification instead.
        const guild = await this.guildOf(d.chat);
        await guild.members.fetch({ user: userIdOf(d.account), force: true });
        return {
          status: "skipped",
          reason:
            "Discord membership screening has no API: the bot grants the member role after verification",
        };
      }
    }
  }

  /**
   * A configured role for the level when there is one; otherwise `read_only` is a timeout (until the
   * decision's end, at most 28 days: the core's lift timer renews longer ones). `text_only` without a
   * role is left to the access gate, which deletes media and link messages.
   */
  private async restrict(d: Restrict): Promise<Outcome> {
    const guild = await this.guildOf(d.chat);
    const user = userIdOf(d.account);
    const unverified = this.deps.verificationRoles?.(guild.id)?.unverified;
    if (unverified && d.sources?.length && d.sources.every((s) => s === "verification")) {
      await guild.members.addRole({ user, role: unverified });
      return ok();
    }
    const role = this.deps.restrictionRoles?.(guild.id)?.[d.level];
    if (role) {
      await guild.members.addRole({ user, role });
      return ok();
    }
    if (d.level === "text_only")
      return {
        status: "skipped",
        reason: "no text_only role configured: the access gate deletes media and links",
      };
    const now = this.now();
    const ms = Math.min(d.until !== undefined ? d.until - now : MAX_TIMEOUT_MS, MAX_TIMEOUT_MS);
    if (ms <= 0) return this.lift(d.chat, d.account);
    await guild.members.edit(user, { communicationDisabledUntil: now + ms });
    // Shorter than asked: the engine renews it before Discord lifts it (its renewal timer).
    return d.until === undefined || d.until > now + ms ? { status: "ok", until: now + ms } : ok();
  }

  /** Ends a timeout and removes the configured restriction roles; a member who left has nothing to lift. */
  private async lift(chat: ChatKey, account: AccountKey): Promise<Outcome> {
    const guild = await this.guildOf(chat);
    const user = userIdOf(account);
    const member = await guild.members.fetch({ user, force: true }).catch((error: unknown) => {
      if (hasCode(error, DiscordCode.unknownMember, DiscordCode.unknownUser)) return undefined;
      throw error;
    });
    if (!member) return ok();
    if (
      member.communicationDisabledUntilTimestamp !== null &&
      member.communicationDisabledUntilTimestamp > this.now()
    )
      await guild.members.edit(user, { communicationDisabledUntil: null });
    const { verified, unverified } = this.deps.verificationRoles?.(guild.id) ?? {};
    const roles = [...Object.values(this.deps.restrictionRoles?.(guild.id) ?? {}), unverified].filter(
      (r): r is string => typeof r === "string" && member.roles.cache.has(r),
    );
    // Limits lift for one who was unverified: they verified (nothing else removes that limit).
    if (verified && unverified && member.roles.cache.has(unverified) && !member.roles.cache.has(verified))
      await guild.members.addRole({ user, role: verified });
    for (const role of roles) await guild.members.removeRole({ user, role });
    return ok();
  }

  /**
   * A DM, or an ephemeral reply to the member's interaction; closed DMs answer 403 / 50007, reported as
   * `forbidden` (the core keeps the text in its outbox).
   */
  private async sendPrivate(d: SendPrivate): Promise<Outcome> {
    const user = userIdOf(d.account);
    // Answering an interaction of this member: shown there, to them only (or answered from their form).
    const scope = interactionScope.getStore();
    if (scope?.answersPrivate(d)) {
      if (!scope.takeAsked(d)) await scope.say(d.text, scope.buttonsFor(d));
      return ok();
    }
    const dm = await this.deps.client.users.createDM(user);
    const sent = await dm.send({
      content: d.text.slice(0, CONTENT_MAX),
      components: actionRows(d.buttons),
      allowedMentions: { parse: [] },
    });
    return ok([{ chat: discordDmChat(dm.id), id: sent.id }]);
  }

  private async guildOf(chat: ChatKey): Promise<Guild> {
    const { guild } = placeOf(chat);
    return this.deps.client.guilds.cache.get(guild) ?? (await this.deps.client.guilds.fetch(guild));
  }

  /** A role by id, or by name when the configured value is not an id. */
  private async roleId(guild: Guild, role: string): Promise<string> {
    if (/^[0-9]{1,20}$/.test(role)) return role;
    const byName = () => guild.roles.cache.find((r) => r.name === role);
    const found = byName() ?? ((await guild.roles.fetch()) && byName());
    if (!found) throw new TypeError(`no role named ${JSON.stringify(role)} in guild ${guild.id}`);
    return found.id;
  }
}
