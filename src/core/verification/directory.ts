import type { IdentityDirectory } from "../engine/context.js";
import type { AccountKey, CommunityId } from "../ids.js";
import type { Sealer } from "../ports/crypto.js";
import type { KeyValueStore } from "../ports/store.js";
import { bindingsOf, getIdentity } from "./state.js";

/**
 * Identities for other modules: sanctions ban every linked account, news attribution may show the real
 * name. An account bound in several communities answers with the community it was bound in last.
 */
export class StoreIdentityDirectory implements IdentityDirectory {
  constructor(
    private readonly store: KeyValueStore,
    private readonly sealer: Sealer,
  ) {}

  async lookup(account: AccountKey, community?: CommunityId) {
    const identity = await this.find(account, community);
    return identity
      ? { identity: identity.id as string, accounts: [...identity.accounts], verified: identity.verified }
      : undefined;
  }

  async realName(account: AccountKey, community?: CommunityId): Promise<string | undefined> {
    const identity = await this.find(account, community);
    return identity?.sealedName ? this.sealer.open(identity.sealedName) : undefined;
  }

  private async find(account: AccountKey, community?: CommunityId) {
    // one read for the account's bindings, one for the identity
    const bindings = await bindingsOf(this.store, account);
    for (const [c, id] of [...bindings].reverse()) {
      if (community !== undefined && c !== community) continue;
      const identity = await getIdentity(this.store, c, id);
      if (identity) return identity;
    }
    return undefined;
  }
}
