import type { User } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { tgAccount } from "../../../src/adapters/telegram/keys.js";
import { communityId } from "../../../src/core/ids.js";
import { botTexts, startWorld, type TgWorld } from "./support.js";

let w: TgWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const demo = communityId("demo");
const casesOf = (world: TgWorld, user: User) => world.runtime.services.cases.of(demo, tgAccount(user.id));

/** A group member the bot has seen: they said hello and the bot handled it. */
async function seenMember(world: TgWorld, first_name: string, username?: string): Promise<User> {
  const user = world.tg.addUser({ first_name, ...(username ? { username } : {}) });
  world.tg.setMember(world.group.id, user.id, "member");
  world.tg.userSends(world.group.id, user.id, "hello");
  await world.tg.waitFor(() => world.tg.pendingUpdates.length === 0);
  await world.tg.waitFor(() => world.runtime.services.members.profile(tgAccount(user.id)));
  return user;
}

describe("telegram end to end: naming the member an admin command is about", () => {
  it("/ban @alice bans alice once the bot has seen her (usernames are case-insensitive)", async () => {
    w = await startWorld();
    const { tg, group } = w;
    const alice = await seenMember(w, "Alice", "alice");
    tg.userSends(group.id, w.admin.id, "/ban @Alice spam");
    await tg.waitFor(() => tg.member(group.id, alice.id).status === "kicked");
    expect(await casesOf(w, alice)).toEqual([expect.objectContaining({ action: "ban", reason: "spam" })]);
  });

  it('/ban @stranger answers "I don\'t know that member" and opens no case', async () => {
    w = await startWorld();
    const { tg, group } = w;
    const stranger = tg.addUser({ first_name: "Stranger", username: "stranger" });
    tg.setMember(group.id, stranger.id, "member");
    tg.userSends(group.id, w.admin.id, "/ban @stranger");
    const answer = await tg.waitFor(() =>
      botTexts(w as TgWorld, group.id).find((t) => t.startsWith("I don't know that member")),
    );
    expect(answer).toContain("(@stranger)");
    expect(tg.member(group.id, stranger.id).status).toBe("member");
    expect(tg.callsTo("banChatMember")).toEqual([]);
    expect(await casesOf(w, stranger)).toEqual([]);
    expect(botTexts(w, w.modlog.id)).toEqual([]);
  });

  it("takes the member from a text_mention, which carries the user even without a username", async () => {
    w = await startWorld();
    const { tg, group } = w;
    const dana = tg.addUser({ first_name: "Dana", last_name: "Example" });
    tg.setMember(group.id, dana.id, "member");
    tg.userSends(group.id, w.admin.id, {
      text: "/mute Dana Example 1h flood",
      entities: [
        { type: "bot_command", offset: 0, length: 5 },
        { type: "text_mention", offset: 6, length: 12, user: dana },
      ],
    });
    await tg.waitFor(() => tg.member(group.id, dana.id).status === "restricted");
    expect(await casesOf(w, dana)).toEqual([
      expect.objectContaining({ action: "mute", reason: "flood", until: expect.any(Number) }),
    ]);
  });

  it("resolves a numeric id only for an account the bot has seen", async () => {
    w = await startWorld();
    const { tg, group } = w;
    const bob = await seenMember(w, "Bob");
    const ghost = tg.addUser({ first_name: "Ghost" });
    tg.setMember(group.id, ghost.id, "member");
    tg.userSends(group.id, w.admin.id, `/warn ${ghost.id} noise`);
    await tg.waitFor(() => botTexts(w as TgWorld, group.id).some((t) => t.startsWith("I don't know")));
    tg.userSends(group.id, w.admin.id, `/warn ${bob.id} noise`);
    await tg.waitFor(async () => (await casesOf(w as TgWorld, bob)).length === 1 || undefined);
    expect(await casesOf(w, ghost)).toEqual([]);
  });

  it("follows a username to its new owner after a change", async () => {
    w = await startWorld();
    const { tg, group } = w;
    const carol = await seenMember(w, "Carol", "carol_old");
    // Carol renames herself; the bot learns it from her next message.
    tg.addUser({ id: carol.id, first_name: "Carol", username: "carol_new" });
    tg.userSends(group.id, carol.id, "new name");
    await tg.waitFor(() => tg.pendingUpdates.length === 0);
    tg.userSends(group.id, w.admin.id, "/warn @carol_old test");
    await tg.waitFor(() => botTexts(w as TgWorld, group.id).some((t) => t.includes("(@carol_old)")));
    tg.userSends(group.id, w.admin.id, "/warn @carol_new test");
    await tg.waitFor(async () => (await casesOf(w as TgWorld, carol)).length === 1 || undefined);
  });
});
