import { describe, expect, it } from "vitest";
import { ReactionButtons } from "../../../src/adapters/matrix/buttons.js";
import { createMatrixClient } from "../../../src/adapters/matrix/client.js";
import { MatrixDecisionExecutor } from "../../../src/adapters/matrix/executor.js";
import { matrixAccount, matrixChat } from "../../../src/adapters/matrix/keys.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import type { MessageRef } from "../../../src/core/model/content.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import { MatrixApiError, registerUser } from "../../support/synapse.js";
import { startMatrixWorld, synapseEnv } from "./support.js";

const refsOf = (o: { status: string; refs?: MessageRef[] }) => (o.status === "ok" ? (o.refs ?? []) : []);

/** Whether the homeserver lets the member post (the real test of a mute). */
async function canPost(user: { send(room: string, body: string): Promise<string> }, room: string) {
  try {
    await user.send(room, "can I post?");
    return true;
  } catch (error) {
    if (error instanceof MatrixApiError && error.status === 403) return false;
    throw error;
  }
}

for (const version of ["11", "12"] as const) {
  describe.skipIf(!synapseEnv)(`Matrix executor on Synapse state, room version ${version}`, () => {
    it("mutes with a level below posting, which Synapse enforces, and lifting gives posting back", async () => {
      const w = await startMatrixWorld({ version });
      const alice = await w.member();
      const user = w.user(alice);
      expect(
        await w.executor.execute({ kind: "restrict", chat: w.chat, account: alice, level: "read_only" }),
      ).toEqual({
        status: "ok",
      });
      expect((await w.levels()).users?.[user.userId]).toBe(-1);
      expect(await canPost(user, w.room)).toBe(false);
      expect((await w.executor.execute({ kind: "lift", chat: w.chat, account: alice })).status).toBe("ok");
      expect((await w.levels()).users?.[user.userId]).toBeUndefined(); // the map stays small
      expect(await canPost(user, w.room)).toBe(true);
    });

    it("gives a muted moderator their own level back", async () => {
      const w = await startMatrixWorld({ version });
      const mod = await w.member({ name: "mod" });
      const levels = await w.levels();
      await w.owner.setState(w.room, "m.room.power_levels", {
        ...levels,
        users: { ...levels.users, [w.user(mod).userId]: 50 },
      });
      await w.executor.execute({ kind: "restrict", chat: w.chat, account: mod, level: "read_only" });
      await w.executor.execute({ kind: "restrict", chat: w.chat, account: mod, level: "read_only" });
      expect((await w.levels()).users?.[w.user(mod).userId]).toBe(-1);
      await w.executor.execute({ kind: "lift", chat: w.chat, account: mod });
      expect((await w.levels()).users?.[w.user(mod).userId]).toBe(50);
    });

    it("in a closed room (events_default 1) grants posting on lift and takes it away on restrict", async () => {
      const w = await startMatrixWorld({ version, powerLevels: { events_default: 1, users_default: 0 } });
      const alice = await w.member();
      const user = w.user(alice);
      expect(await canPost(user, w.room)).toBe(false);
      await w.executor.execute({ kind: "lift", chat: w.chat, account: alice });
      expect((await w.levels()).users?.[user.userId]).toBe(1);
      expect(await canPost(user, w.room)).toBe(true);
      await w.executor.execute({ kind: "restrict", chat: w.chat, account: alice, level: "read_only" });
      expect((await w.levels()).users?.[user.userId]).toBeUndefined();
      expect(await canPost(user, w.room)).toBe(false);
    });

    it("text_only keeps posting rights (the access gate removes media and links)", async () => {
      const w = await startMatrixWorld({ version });
      const alice = await w.member();
      await w.executor.execute({ kind: "restrict", chat: w.chat, account: alice, level: "read_only" });
      await w.executor.execute({ kind: "restrict", chat: w.chat, account: alice, level: "text_only" });
      expect(await canPost(w.user(alice), w.room)).toBe(true);
      expect(await w.level(alice)).toBe("text_only");
    });

    it("mutes two members at once without one change overwriting the other", async () => {
      const w = await startMatrixWorld({ version });
      const members = await Promise.all([w.member(), w.member(), w.member()]);
      const outcomes = await Promise.all(
        members.map((account) =>
          w.executor.execute({ kind: "restrict", chat: w.chat, account, level: "read_only" }),
        ),
      );
      expect(outcomes.map((o) => o.status)).toEqual(["ok", "ok", "ok"]);
      const users = (await w.levels()).users ?? {};
      for (const account of members) expect(users[w.user(account).userId]).toBe(-1);
    });

    it("bans and removes the member's recent messages; kicks; approves a knock with an invite", async () => {
      const w = await startMatrixWorld({ version });
      const spammer = await w.member();
      const first = await w.user(spammer).send(w.room, "spam 1");
      const second = await w.user(spammer).send(w.room, "spam 2");
      expect(
        (await w.executor.execute({ kind: "ban", chat: w.chat, account: spammer, deleteRecent: true }))
          .status,
      ).toBe("ok");
      expect(await w.owner.membership(w.room, w.user(spammer).userId)).toBe("ban");
      expect(await w.event({ chat: w.chat, id: first })).toBeUndefined();
      expect(await w.event({ chat: w.chat, id: second })).toBeUndefined();

      const bob = await w.member();
      expect((await w.executor.execute({ kind: "kick", chat: w.chat, account: bob })).status).toBe("ok");
      expect(await w.owner.membership(w.room, w.user(bob).userId)).toBe("leave");
      await w.user(bob).api("POST", `/_matrix/client/v3/knock/${encodeURIComponent(w.room)}`, {});
      expect((await w.executor.execute({ kind: "approve_join", chat: w.chat, account: bob })).status).toBe(
        "ok",
      );
      expect(await w.owner.membership(w.room, w.user(bob).userId)).toBe("invite");
    });

    it("posts a card whose buttons are the bot's reactions, kept in the store; deciding removes them", async () => {
      const w = await startMatrixWorld({ version });
      const buttons = [
        [
          { label: "Approve", data: "hold:approve:h1" },
          { label: "Reject", data: "hold:reject:h1" },
        ],
      ];
      const card = refsOf(
        await w.executor.execute({ kind: "post_card", chat: w.chat, text: "held post", buttons }),
      )[0]!;
      const event = await w.event(card);
      expect(event?.content.body).toBe("held post\n\nReact ✅ Approve · ❌ Reject");
      expect(event?.content.msgtype).toBe("m.notice");
      const reactions = async () => {
        const { chunk } = await w.owner.api<{
          chunk: { sender: string; content: Record<string, unknown> }[];
        }>(
          "GET",
          `/_matrix/client/v1/rooms/${encodeURIComponent(w.room)}/relations/${encodeURIComponent(card.id)}/m.annotation`,
        );
        return chunk.map((e) => (e.content["m.relates_to"] as { key: string }).key).sort();
      };
      expect(await reactions()).toEqual(["✅", "❌"].sort());
      const mapping = new ReactionButtons(w.store);
      expect(await mapping.dataOf(card.id, "✅")).toBe("hold:approve:h1");
      expect((await mapping.cardOf("h1"))?.eventId).toBe(card.id);

      await w.executor.execute({ kind: "update_card", card, text: "approved by a moderator", buttons: [] });
      expect(await w.text(card)).toBe("approved by a moderator");
      expect(await reactions()).toEqual([]);
      expect(await mapping.dataOf(card.id, "✅")).toBeUndefined();
    });

    it("re-posts as the bot with the attribution line, the formatting and the media by mxc URI", async () => {
      const w = await startMatrixWorld({ version });
      const refs = refsOf(
        await w.executor.execute({
          kind: "repost",
          chat: w.chat,
          attribution: "Posted by Alice, approved",
          content: [
            {
              text: "big news",
              links: ["https://example.org/a"],
              media: [{ kind: "photo", ref: "mxc://localhost/abcdef" }],
              formatting: { format: "org.matrix.custom.html", formatted_body: "<b>big</b> news" },
            },
          ],
        }),
      );
      expect(refs).toHaveLength(2);
      const [text, photo] = [await w.event(refs[0]!), await w.event(refs[1]!)];
      expect(text?.sender).toBe(w.bot.userId);
      expect(text?.content.body).toBe("Posted by Alice, approved\nbig news\nhttps://example.org/a");
      expect(text?.content.formatted_body).toBe("<p>Posted by Alice, approved</p><b>big</b> news");
      expect(text?.content["m.mentions"]).toEqual({});
      expect(photo?.content).toMatchObject({ msgtype: "m.image", url: "mxc://localhost/abcdef" });
    });

    it("writes privately in one DM room, invited with is_direct, and opens a new one when the member left", async () => {
      const w = await startMatrixWorld({ version });
      const alice = await w.member();
      const first = refsOf(
        await w.executor.execute({ kind: "send_private", account: alice, text: "one" }),
      )[0]!;
      const again = refsOf(
        await w.executor.execute({ kind: "send_private", account: alice, text: "two" }),
      )[0]!;
      expect(again.chat).toBe(first.chat);
      const dm = first.chat.slice("matrix:".length);
      const invite = await w.bot.state<{ membership: string; is_direct?: boolean }>(
        dm,
        "m.room.member",
        w.user(alice).userId,
      );
      expect(invite).toMatchObject({ membership: "invite", is_direct: true });
      expect(await w.privateTexts(alice)).toEqual(["one", "two"]);
      await w.user(alice).api("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(dm)}/leave`, {});
      const third = refsOf(
        await w.executor.execute({ kind: "send_private", account: alice, text: "three" }),
      )[0]!;
      expect(third.chat).not.toBe(first.chat);
      // The room the member left is no longer the bot's DM with them (m.direct).
      expect(await w.privateTexts(alice)).toEqual(["three"]);
    });
  });
}

describe.skipIf(!synapseEnv)("Matrix executor on Synapse: two bot processes", () => {
  it("two executors on one store mute members of one room at once without losing a change", async () => {
    const w = await startMatrixWorld({ version: "11" });
    const second = new MatrixDecisionExecutor({
      client: createMatrixClient(synapseEnv!.url, w.bot.accessToken, w.store),
      store: w.store,
      logger: silentLogger,
    });
    const members = await Promise.all(Array.from({ length: 6 }, () => w.member()));
    const outcomes = await Promise.all(
      members.map((account, i) =>
        (i % 2 ? second : w.executor).execute({
          kind: "restrict",
          chat: w.chat,
          account,
          level: "read_only",
        }),
      ),
    );
    expect(outcomes.every((o) => o.status === "ok")).toBe(true);
    const users = (await w.levels()).users ?? {};
    expect(members.filter((account) => users[w.user(account).userId] !== -1)).toEqual([]);
  });
});

describe.skipIf(!synapseEnv)("Matrix executor on Synapse: buttons in the room's language", () => {
  it("writes the legend's verb in the room's language and maps a typed-out reaction back", async () => {
    const w = await startMatrixWorld({ executor: { reactWord: () => "回应" } });
    const sent = await w.executor.execute({
      kind: "send",
      chat: w.chat,
      text: "请验证",
      buttons: [[{ label: "开始", data: "verify:start:c1" }]],
    });
    const ref = refsOf(sent)[0]!;
    expect((await w.event(ref))?.content.body).toBe("请验证\n\n回应 ✅ 开始");
    expect(await new ReactionButtons(w.store).dataOf(ref.id, "\u2705\uFE0F")).toBe("verify:start:c1");
  });
});

describe.skipIf(!synapseEnv)("Matrix executor on Synapse: refusals", () => {
  it("fails a DM to a member who blocks invites as forbidden, in plain words, and leaves no room behind", async () => {
    const w = await startMatrixWorld();
    const closed = await w.member({ privateOpen: false });
    const joined = async () =>
      (await w.bot.api<{ joined_rooms: string[] }>("GET", "/_matrix/client/v3/joined_rooms")).joined_rooms
        .length;
    const before = await joined();
    expect(await w.executor.execute({ kind: "send_private", account: closed, text: "hi" })).toMatchObject({
      status: "failed",
      error: { code: "forbidden", message: expect.stringMatching(/does not accept invitations/) },
    });
    expect(await joined()).toBe(before);
  });
});

for (const version of ["11", "12"] as const)
  describe.skipIf(!synapseEnv)(
    `Matrix executor on Synapse: a homeserver without format=event, room version ${version}`,
    () => {
      it("finds the room's creator another way", async () => {
        const w = await startMatrixWorld({ version });
        const doRequest = w.client.doRequest.bind(w.client);
        w.client.doRequest = ((
          method: string,
          endpoint: string,
          qs?: Record<string, unknown>,
          ...rest: unknown[]
        ) => {
          const { format: _ignored, ...others } = qs ?? {};
          return (doRequest as (...a: unknown[]) => Promise<unknown>)(
            method,
            endpoint,
            qs ? others : qs,
            ...rest,
          );
        }) as typeof w.client.doRequest;
        const alice = await w.member();
        expect(
          (await w.executor.execute({ kind: "restrict", chat: w.chat, account: alice, level: "read_only" }))
            .status,
        ).toBe("ok");
        const owner = matrixAccount(w.owner.userId);
        const onOwner = await w.executor.execute({
          kind: "restrict",
          chat: w.chat,
          account: owner,
          level: "read_only",
        });
        // version 12: the creator is privileged; version 11: the owner is listed at 100, like the bot
        expect(onOwner).toMatchObject({
          status: "failed",
          error: {
            code: "forbidden",
            message: expect.stringMatching(version === "12" ? /created the room/ : /not below the bot's/),
          },
        });
      });
    },
  );

describe.skipIf(!synapseEnv)("Matrix executor on Synapse: room version 12 creators", () => {
  it("refuses to restrict or ban the room's creator, in plain words", async () => {
    const w = await startMatrixWorld({ version: "12" });
    const owner = matrixAccount(w.owner.userId);
    const outcome = await w.executor.execute({
      kind: "restrict",
      chat: w.chat,
      account: owner,
      level: "read_only",
    });
    expect(outcome).toMatchObject({
      status: "failed",
      error: { code: "forbidden", message: expect.stringMatching(/created the room/) },
    });
    expect(await w.executor.execute({ kind: "ban", chat: w.chat, account: owner })).toMatchObject({
      status: "failed",
      error: { code: "forbidden" },
    });
  });

  it("moderates as the creator of its own room, whose power is not listed", async () => {
    const bot = await registerUser(synapseEnv!, "bot");
    const member = await registerUser(synapseEnv!, "member");
    const room = await bot.createRoom({ version: "12" });
    await member.join(room);
    expect(
      (await bot.state<{ users?: Record<string, number> }>(room, "m.room.power_levels"))?.users?.[bot.userId],
    ).toBeUndefined();
    const store = new MemoryStore();
    const executor = new MatrixDecisionExecutor({
      client: createMatrixClient(synapseEnv!.url, bot.accessToken, store),
      store,
      logger: silentLogger,
    });
    const account = matrixAccount(member.userId);
    expect(
      await executor.execute({ kind: "restrict", chat: matrixChat(room), account, level: "read_only" }),
    ).toEqual({
      status: "ok",
    });
    expect(await canPost(member, room)).toBe(false);
  });
});
