import type { AccountKey, ChatKey, CommunityId, Platform } from "../ids.js";
import { platformOf } from "../ids.js";
import type { Actor } from "../model/content.js";
import type { Instant } from "../ports/clock.js";
import type { MemberLookup } from "../ports/members.js";
import type { KeyValueStore } from "../ports/store.js";
import { KEEP, allMembers, readShared, type Frozen, type MaybePromise } from "../ports/store.js";
import { keyOf1, keyOf2 } from "../ports/record-keys.js";
import type { CommunitySettings } from "../settings/community.js";

/** What the bot knows about one account in one chat (platforms do not list members, so we learn). */
export interface Membership {
  chat: ChatKey;
  account: AccountKey;
  displayName: string;
  language?: string;
  firstSeen: Instant;
  lastSeen: Instant;
  /** Last platform report of admin status in this chat. */
  admin: boolean;
  /** Whether the account is in the chat now (as far as we know). */
  present: boolean;
  /** Joined after the bot was watching (a newcomer) rather than found already there. */
  newcomer: boolean;
}

export interface AccountProfile {
  account: AccountKey;
  displayName: string;
  /** The platform username last seen (Telegram `@name`), for resolving names typed in commands. */
  username?: string;
  language?: string;
  /** Communities in whose chats this account was seen, most recent last. */
  communities: CommunityId[];
}

/** `lastSeen` is written at most this often per member and chat (nothing reads it finer than a day). */
export const SEEN_EVERY = 60 * 60 * 1000;

function seenMembership(
  cur: Frozen<Membership> | undefined,
  chat: ChatKey,
  actor: Actor,
  now: Instant,
  how: "joined" | "seen",
): Membership {
  return {
    chat,
    account: actor.account,
    displayName: actor.displayName,
    language: actor.language ?? cur?.language,
    firstSeen: cur?.firstSeen ?? now,
    lastSeen: now,
    admin: actor.isChatAdmin,
    present: true,
    newcomer: cur ? cur.newcomer || how === "joined" : how === "joined",
  };
}

/**
 * `seenMembership(cur, …)` would equal `cur` but for `lastSeen`: the same comparisons, field by field,
 * without building the new record (this runs for every message).
 */
function seenAsBefore(cur: Frozen<Membership>, actor: Actor, now: Instant, how: "joined" | "seen"): boolean {
  return (
    cur.displayName === actor.displayName &&
    cur.language === (actor.language ?? cur.language) &&
    cur.firstSeen === (cur.firstSeen ?? now) &&
    cur.admin === actor.isChatAdmin &&
    cur.present === true &&
    cur.newcomer === (cur.newcomer || how === "joined")
  );
}

function seenProfile(
  cur: Frozen<AccountProfile> | undefined,
  community: CommunityId,
  actor: Actor,
): AccountProfile {
  const communities = cur?.communities ?? [];
  return {
    account: actor.account,
    displayName: actor.displayName,
    ...(actor.username ? { username: actor.username } : {}),
    language: actor.language ?? cur?.language,
    communities:
      communities.at(-1) === community
        ? [...communities]
        : [...communities.filter((c) => c !== community), community],
  };
}

/**
 * `seenProfile(cur, …)` would equal `cur`, without building it: its community list is the same exactly
 * when `community` is already the last one.
 */
function profileAsBefore(cur: Frozen<AccountProfile>, community: CommunityId, actor: Actor): boolean {
  return (
    cur.displayName === actor.displayName &&
    cur.username === (actor.username ? actor.username : undefined) &&
    cur.language === (actor.language ?? cur.language) &&
    cur.communities.at(-1) === community
  );
}

const membershipKey: (chat: ChatKey, account: AccountKey) => string = keyOf2("member:");
const chatIndexKey = (chat: ChatKey) => `members-of:${chat}`;
const profileKey: (account: AccountKey) => string = keyOf1("profile:");
/** Usernames are case-insensitive on every platform that has them. */
const usernameKey = (platform: Platform, username: string) =>
  `username:${platform}:${username.toLowerCase()}`;

/** What `noteSeen` found: the membership, whether it is new to us, the account's profile as it now is. */
export interface Seen {
  membership: Frozen<Membership>;
  isNew: boolean;
  profile: Frozen<AccountProfile>;
}

/**
 * Memberships and profiles, kept from the events the adapters report; also the username index adapters
 * use to resolve `@name` in commands (through the `MemberLookup` port).
 */
export class MemberRegistry implements MemberLookup {
  constructor(private readonly store: KeyValueStore) {}

  /**
   * Records that `actor` acted in `chat`; returns the membership, whether it is new to us, and the
   * account's profile as it now is. Writes only what changed: a membership or profile that would be
   * written back the same is left alone, and `lastSeen` moves at most once per `SEEN_EVERY` (so a member
   * who keeps writing costs two reads per message, not two read-modify-writes).
   */
  noteSeen(
    community: CommunityId,
    chat: ChatKey,
    actor: Actor,
    now: Instant,
    how: "joined" | "seen",
  ): MaybePromise<Seen> {
    // Read shared (parsed once per cached value): on most messages nothing changes and nothing is written,
    // and where the store has both records at hand (`readShared`) nothing is awaited either.
    const seen = readShared<Membership>(this.store, membershipKey(chat, actor.account));
    const known = readShared<AccountProfile>(this.store, profileKey(actor.account));
    if (
      !(seen instanceof Promise) &&
      !(known instanceof Promise) &&
      seen !== undefined &&
      known !== undefined &&
      now - seen.lastSeen < SEEN_EVERY &&
      seenAsBefore(seen, actor, now, how) &&
      profileAsBefore(known, community, actor)
    )
      return { membership: seen, isNew: false, profile: known };
    return this.noteChanges(community, chat, actor, now, how, seen, known);
  }

  /** `noteSeen` when something is to be written (or a record had to be waited for). */
  private async noteChanges(
    community: CommunityId,
    chat: ChatKey,
    actor: Actor,
    now: Instant,
    how: "joined" | "seen",
    seenRead: MaybePromise<Frozen<Membership> | undefined>,
    knownRead: MaybePromise<Frozen<AccountProfile> | undefined>,
  ): Promise<Seen> {
    const [seen, known] = await Promise.all([seenRead, knownRead]);
    let membership: Frozen<Membership>;
    let isNew = !seen;
    if (!seen || !seenAsBefore(seen, actor, now, how) || now - seen.lastSeen >= SEEN_EVERY) {
      ({ membership, isNew } = await this.store.change<
        Membership,
        { membership: Membership; isNew: boolean }
      >(membershipKey(chat, actor.account), (cur) => {
        const next = seenMembership(cur, chat, actor, now, how);
        return { value: next, result: { membership: next, isNew: !cur } };
      }));
    } else membership = seen;
    if (isNew) await this.store.addToSet(chatIndexKey(chat), actor.account);
    let profile: Frozen<AccountProfile>;
    if (!known || !profileAsBefore(known, community, actor)) {
      profile = seenProfile(known, community, actor);
      const previous = await this.store.change<AccountProfile, string | undefined>(
        profileKey(actor.account),
        (cur) => ({ value: seenProfile(cur, community, actor), result: cur?.username }),
      );
      await this.reindexUsername(actor.account, previous, actor.username);
    } else profile = known;
    return { membership, isNew, profile };
  }

  /**
   * Points the username at the account and drops the account's old name, when it changed. A platform
   * gives a username to one account at a time, so the newest holder seen wins.
   */
  private async reindexUsername(account: AccountKey, before?: string, now?: string): Promise<void> {
    if (before === now) return;
    const platform = platformOf(account);
    if (before && before.toLowerCase() !== now?.toLowerCase()) {
      await this.store.update<string>(usernameKey(platform, before), (cur) =>
        cur === account ? undefined : cur,
      );
    }
    if (now) await this.store.update<string>(usernameKey(platform, now), () => account);
  }

  async byUsername(platform: Platform, username: string): Promise<AccountKey | undefined> {
    if (!username) return undefined;
    return (await this.store.get<string>(usernameKey(platform, username))) as AccountKey | undefined;
  }

  async isKnown(account: AccountKey): Promise<boolean> {
    return (await this.profile(account)) !== undefined;
  }

  async markLeft(chat: ChatKey, account: AccountKey): Promise<void> {
    await this.store.update<Membership>(membershipKey(chat, account), (cur) =>
      cur ? { ...cur, present: false } : cur,
    );
  }

  /**
   * Admin of `community`: configured admin, or the platform reports admin rights (see `Ctx.isAdmin`): in
   * the event's chat as its event says, outside the community's chats in any of them as last reported.
   */
  isAdmin(
    community: CommunitySettings,
    actor: Actor | undefined,
    eventChat?: ChatKey,
  ): MaybePromise<boolean> {
    if (!actor) return false;
    if (community.admins.includes(actor.account)) return true;
    const inCommunityChat =
      eventChat && (community.chats.some((c) => c.key === eventChat) || community.reviewChat === eventChat);
    if (inCommunityChat) return actor.isChatAdmin;
    return this.adminInAnyChat(community, actor);
  }

  private async adminInAnyChat(community: CommunitySettings, actor: Actor): Promise<boolean> {
    for (const chat of community.chats) {
      if ((await this.get(chat.key, actor.account))?.admin) return true;
    }
    return false;
  }

  get(chat: ChatKey, account: AccountKey): Promise<Membership | undefined> {
    return this.store.get<Membership>(membershipKey(chat, account));
  }

  profile(account: AccountKey): Promise<AccountProfile | undefined> {
    return this.store.get<AccountProfile>(profileKey(account));
  }

  /**
   * The name to show for an account in group notices and the mod-log: its display name as the bot last
   * saw it, else (never seen, or erased by /forgetme) the account key. Audit records keep the key.
   */
  async nameOf(account: AccountKey): Promise<string> {
    return (await this.profile(account))?.displayName || account;
  }

  async accountsIn(chat: ChatKey): Promise<AccountKey[]> {
    return (await allMembers(this.store, chatIndexKey(chat))) as AccountKey[];
  }

  /**
   * /forgetme: the display names and the username pointing at the account go. With `keepKey` (records
   * that still concern the account remain, such as a ban or its cases) the profile and memberships keep
   * only the account key, so admins can still name it; otherwise they go entirely, and the bot learns
   * the member again from their next event, as a member it has not seen before.
   */
  async forget(account: AccountKey, chats: readonly ChatKey[], keepKey = false): Promise<void> {
    const profile = await this.store.change<AccountProfile, AccountProfile | undefined>(
      profileKey(account),
      (cur) => {
        if (!cur) return { value: KEEP, result: undefined };
        return {
          value: keepKey ? { account, displayName: "", communities: cur.communities } : undefined,
          result: cur,
        };
      },
    );
    await this.reindexUsername(account, profile?.username, undefined);
    for (const chat of chats) {
      if (keepKey) {
        await this.store.update<Membership>(membershipKey(chat, account), (cur) =>
          cur ? { ...cur, displayName: "", language: undefined } : cur,
        );
      } else {
        await this.store.delete(membershipKey(chat, account));
        await this.store.removeFromSet(chatIndexKey(chat), account);
      }
    }
  }
}
