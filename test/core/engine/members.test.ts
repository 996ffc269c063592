import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { MemberRegistry } from "../../../src/core/engine/members.js";
import { accountKey, chatKey, communityId } from "../../../src/core/ids.js";
import type { Actor } from "../../../src/core/model/content.js";

const demo = communityId("demo");
const lobby = chatKey("telegram", "-1001");
const alice = accountKey("telegram", "11");
const bob = accountKey("telegram", "22");

const actor = (account: typeof alice, username?: string): Actor => ({
  account,
  displayName: account,
  ...(username ? { username } : {}),
  isChatAdmin: false,
});

async function registry() {
  const members = new MemberRegistry(new MemoryStore());
  const see = (a: Actor) => members.noteSeen(demo, lobby, a, 1000, "seen");
  return { members, see };
}

describe("MemberRegistry as the lookup adapters resolve names through", () => {
  it("finds an account by the username it was last seen with, whatever the case", async () => {
    const { members, see } = await registry();
    await see(actor(alice, "Alice_W"));
    expect(await members.byUsername("telegram", "alice_w")).toBe(alice);
    expect(await members.byUsername("telegram", "ALICE_W")).toBe(alice);
    expect(await members.byUsername("console", "alice_w")).toBeUndefined();
    expect(await members.byUsername("telegram", "someone")).toBeUndefined();
  });

  it("drops the old username when it changes, and gives a name to whoever holds it now", async () => {
    const { members, see } = await registry();
    await see(actor(alice, "alice"));
    await see(actor(alice, "alice2"));
    expect(await members.byUsername("telegram", "alice")).toBeUndefined();
    expect(await members.byUsername("telegram", "alice2")).toBe(alice);
    await see(actor(bob, "alice"));
    expect(await members.byUsername("telegram", "alice")).toBe(bob);
    // alice dropping her username later does not take bob's
    await see(actor(alice));
    expect(await members.byUsername("telegram", "alice2")).toBeUndefined();
    expect(await members.byUsername("telegram", "alice")).toBe(bob);
  });

  it("knows only accounts it has seen, and forgets the username on /forgetme", async () => {
    const { members, see } = await registry();
    expect(await members.isKnown(alice)).toBe(false);
    await see(actor(alice, "alice"));
    expect(await members.isKnown(alice)).toBe(true);
    await members.forget(alice, [lobby]);
    expect(await members.byUsername("telegram", "alice")).toBeUndefined();
    expect((await members.profile(alice))?.username).toBeUndefined();
  });
});
