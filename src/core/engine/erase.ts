/**
 * /forgetme for what the engine itself keeps about a member: memberships, profile and username, the
 * chosen language, private texts waiting for them, and access records that no longer restrict anything.
 * Records that still restrict the member (a ban, a mute) stay; so do the short-lived counters that
 * protect others (verification attempts, hourly caps, gate notices: at most two hours), or /forgetme
 * would reset them.
 */
import type { AccountKey, ChatKey } from "../ids.js";
import type { Enforcement } from "../model/access.js";
import { KEEP } from "../ports/store.js";
import { enforcementKey } from "./access.js";
import { languageKey } from "./builtin.js";
import type { Services } from "./context.js";
import { PrivateOutbox } from "./outbox.js";

export async function eraseMemberRecords(
  services: Services,
  account: AccountKey,
  chats: readonly ChatKey[],
): Promise<void> {
  const { store, access, cases, directory } = services;
  // A ban, a mute or a sanction case still concerns the account: admins must still be able to name it.
  let concerned = false;
  for (const chat of chats) {
    const e = await access.get(chat, account);
    if (e?.banned || (e?.constraints.length ?? 0) > 0) concerned = true;
  }
  for (const c of directory.communities) if ((await cases.of(c.id, account)).length > 0) concerned = true;
  await services.members.forget(account, chats, concerned);
  await store.delete(languageKey(account));
  await new PrivateOutbox(store, services.sealer).forget(account, chats);
  for (const chat of chats) {
    await store.change<Enforcement, void>(enforcementKey(chat, account), (cur) => ({
      value: cur && cur.constraints.length === 0 && !cur.banned ? undefined : KEEP,
      result: undefined,
    }));
  }
}
