/**
 * Publishers: members an admin trusts to post news without approval, per community.
 * One document per community, changed only through atomic updates.
 */
import type { AccountKey, CommunityId } from "../ids.js";
import type { Instant } from "../ports/clock.js";
import type { KeyValueStore } from "../ports/store.js";
import { KEEP } from "../ports/store.js";

export interface Publisher {
  account: AccountKey;
  addedBy: AccountKey;
  addedAt: Instant;
}

const publishersKey = (community: CommunityId | string) => `news:publishers:${community}`;

export class Publishers {
  constructor(private readonly store: KeyValueStore) {}

  async list(community: CommunityId): Promise<Publisher[]> {
    return (await this.store.get<Publisher[]>(publishersKey(community))) ?? [];
  }

  async has(community: CommunityId, account: AccountKey): Promise<boolean> {
    return (await this.list(community)).some((p) => p.account === account);
  }

  /** True when the account was not a publisher before. */
  async add(community: CommunityId, publisher: Publisher): Promise<boolean> {
    return this.store.change<Publisher[], boolean>(publishersKey(community), (list = []) =>
      list.some((p) => p.account === publisher.account)
        ? { value: KEEP, result: false }
        : { value: [...list, publisher], result: true },
    );
  }

  /** True when the account was a publisher. */
  async remove(community: CommunityId, account: AccountKey): Promise<boolean> {
    return this.store.change<Publisher[], boolean>(publishersKey(community), (list = []) => {
      if (!list.some((p) => p.account === account)) return { value: KEEP, result: false };
      const rest = list.filter((p) => p.account !== account);
      return { value: rest.length === 0 ? undefined : rest, result: true };
    });
  }
}
