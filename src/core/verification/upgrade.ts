/**
 * Identity records written before the compact form (identity-record.ts) are rewritten once, when a
 * runtime first starts on the store: `vf:identity:<c>:<id>` becomes `vf:id:<c>:<id>` in short form, and
 * each account's `vf:communities:<account>` list with its `vf:binding:<c>:<account>` records becomes one
 * `vf:acct:<account>` record. The new record is written before the old one is deleted, so a crash in the
 * middle loses nothing (the next start finishes the work), and two processes doing it at once agree.
 */
import type { AccountKey, CommunityId, IdentityId } from "../ids.js";
import type { KeyValueStore } from "../ports/store.js";
import { decodeIdentity, encodeIdentity, type AccountBindings } from "./identity-record.js";
import { keys, type Identity } from "./state.js";

const MARK = "meta:identities-compact";
const OLD_IDENTITY = "vf:identity:";
const OLD_BINDING = "vf:binding:";
const OLD_LIST = "vf:communities:";

/** Splits `<community>:<rest>` (community ids never contain a colon). */
function split(rest: string): [string, string] {
  const at = rest.indexOf(":");
  return [rest.slice(0, at), rest.slice(at + 1)];
}

/** Rewrites the older identity records; returns how many records it rewrote (0 once done). */
export async function upgradeIdentityRecords(store: KeyValueStore): Promise<number> {
  if ((await store.get<boolean>(MARK)) === true) return 0;
  const identities: string[] = [];
  const bindings: string[] = [];
  const lists: string[] = [];
  for await (const record of store.dump()) {
    if (record.kind !== "value") continue;
    if (record.key.startsWith(OLD_IDENTITY)) identities.push(record.key);
    else if (record.key.startsWith(OLD_BINDING)) bindings.push(record.key);
    else if (record.key.startsWith(OLD_LIST)) lists.push(record.key);
  }
  let rewritten = 0;
  for (const key of identities) {
    const old = await store.get<Identity>(key);
    const [community, id] = split(key.slice(OLD_IDENTITY.length)) as [CommunityId, IdentityId];
    if (old) {
      const identity = decodeIdentity(old, community, id);
      await store.setIfAbsent(keys.identity(community, id), encodeIdentity(identity));
      rewritten++;
    }
    await store.delete(key);
  }
  const handled = new Set<string>();
  const addBindings = async (account: AccountKey, communities: readonly CommunityId[]) => {
    const pairs: AccountBindings = [];
    for (const community of communities) {
      const key = `${OLD_BINDING}${community}:${account}`;
      handled.add(key);
      const id = await store.get<IdentityId>(key);
      if (id) pairs.push([community, id]);
    }
    await store.update<AccountBindings>(keys.account(account), (list = []) => {
      const merged = [...list, ...pairs.filter(([c]) => !list.some(([other]) => other === c))];
      return merged.length ? merged : undefined;
    });
    for (const community of communities) await store.delete(`${OLD_BINDING}${community}:${account}`);
    rewritten++;
  };
  for (const key of lists) {
    const account = key.slice(OLD_LIST.length) as AccountKey;
    await addBindings(account, (await store.get<CommunityId[]>(key)) ?? []);
    await store.delete(key);
  }
  for (const key of bindings) {
    if (handled.has(key)) continue;
    const [community, account] = split(key.slice(OLD_BINDING.length)) as [CommunityId, AccountKey];
    await addBindings(account, [community]);
  }
  await store.set(MARK, true);
  return rewritten;
}
