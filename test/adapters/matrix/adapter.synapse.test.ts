import { LogService, MatrixClient, MemoryStorageProvider } from "matrix-bot-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMatrixAdapter, type MatrixAdapter } from "../../../src/adapters/matrix/adapter.js";
import { asReactions, ReactionButtons } from "../../../src/adapters/matrix/buttons.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import type { PlatformDecision } from "../../../src/core/decisions.js";
import type { CoreEvent } from "../../../src/core/events.js";
import { communityId, chatKey } from "../../../src/core/ids.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import type { PlatformRuntime } from "../../../src/core/ports/platform.js";
import type { CommunitySettings } from "../../../src/core/settings/community.js";
import { registerUser, synapseEnv, type TestUser } from "../../support/synapse.js";

/**
 * The adapter's intake against a real Synapse: invites, encrypted rooms, events reaching the engine, the
 * presser's power level. The engine is a recorder here (the whole bot runs in test/e2e/matrix).
 */
async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!synapseEnv)("Matrix adapter on Synapse", () => {
  const env = synapseEnv!;
  let bot: TestUser, owner: TestUser, mod: TestUser, alice: TestUser, stranger: TestUser;
  let lobby: string, review: string;
  let adapter: MatrixAdapter;
  const events: CoreEvent[] = [];
  const store = new MemoryStore();
  const buttons = new ReactionButtons(store);

  beforeAll(async () => {
    LogService.setLogger({ trace() {}, debug() {}, info() {}, warn() {}, error() {} });
    [bot, owner, mod, alice, stranger] = await Promise.all([
      registerUser(env, "bot"),
      registerUser(env, "owner"),
      registerUser(env, "mod"),
      registerUser(env, "alice", { displayName: "Alice" }),
      registerUser(env, "stranger"),
    ]);
    lobby = await owner.createRoom({
      version: "11",
      powerLevels: { users: { [owner.userId]: 100, [mod.userId]: 50 } },
    });
    review = await owner.createRoom({ version: "12", powerLevels: { users: { [mod.userId]: 50 } } });
    await Promise.all([mod.join(lobby), mod.join(review)]);
    const community: CommunitySettings = {
      id: communityId("demo"),
      name: "Demo",
      language: "en",
      admins: [],
      reviewChat: chatKey("matrix", review),
      chats: [{ key: chatKey("matrix", lobby), policy: {} as CommunitySettings["policy"] }],
      policy: {} as CommunitySettings["policy"],
    };
    const runtime: PlatformRuntime = {
      handle: async (event) => {
        events.push(event);
        return { decisions: [], outcomes: [] } as unknown as Awaited<ReturnType<PlatformRuntime["handle"]>>;
      },
      setExecutor() {},
      commands: () => [],
      communities: [community],
      store,
      members: { byUsername: async () => undefined, isKnown: async () => false },
      languageOf: async () => "en",
    };
    const client = new MatrixClient(env.url, bot.accessToken, new MemoryStorageProvider());
    client.syncingTimeout = 500;
    adapter = createMatrixAdapter({
      client,
      executor: { execute: async (_d: PlatformDecision) => ({ status: "ok" }) },
      buttons,
      runtime,
      logger: silentLogger,
      inviters: [owner.userId],
    });
    await adapter.start();
  }, 60_000);

  afterAll(async () => {
    await adapter?.stop();
  });

  it("joins a configured room on anyone's invite and reports members joining it", async () => {
    await mod.invite(lobby, bot.userId);
    await until("the bot in the lobby", async () => (await owner.membership(lobby, bot.userId)) === "join");
    await alice.join(lobby);
    const joined = await until("alice's join", () =>
      events.find((e) => e.kind === "member_joined" && e.actor.account === `matrix:${alice.userId}`),
    );
    expect(joined).toMatchObject({
      chat: `matrix:${lobby}`,
      actor: { displayName: "Alice", isChatAdmin: false },
    });
    await alice.send(lobby, "hello everyone");
    await until("alice's message", () =>
      events.find((e) => e.kind === "message_posted" && e.content.text === "hello everyone"),
    );
  });

  it("declines a stranger's invite into an unconfigured room", async () => {
    const room = await stranger.createRoom({ version: "11", invite: [bot.userId] });
    await until("the invite declined", async () => (await stranger.membership(room, bot.userId)) === "leave");
  });

  it("joins a configured inviter's room", async () => {
    const room = await owner.createRoom({ version: "11", invite: [bot.userId] });
    await until("the bot in the room", async () => (await owner.membership(room, bot.userId)) === "join");
  });

  it("says it cannot moderate an encrypted room, naming Pantalaimon, and leaves", async () => {
    const room = await owner.createRoom({ version: "11", invite: [bot.userId] });
    await owner.setState(room, "m.room.encryption", { algorithm: "m.megolm.v1.aes-sha2" });
    await until("the bot gone", async () => (await owner.membership(room, bot.userId)) === "leave");
    const notice = (await owner.messages(room)).find(
      (e) => e.sender === bot.userId && e.type === "m.room.message",
    );
    expect(String(notice?.content.body)).toContain("Pantalaimon");
  });

  it("turns reactions on a card into presses, with each reactor's power level read afresh (v12 creator included)", async () => {
    await owner.invite(review, bot.userId);
    await until("the bot in review", async () => (await owner.membership(review, bot.userId)) === "join");
    await alice.join(review);
    const card = await owner.send(review, "card");
    await buttons.remember(review, card, asReactions([[{ label: "Approve", data: "hold:approve:h1" }]]));
    const react = (u: TestUser) =>
      u.sendEvent(review, "m.reaction", {
        "m.relates_to": { rel_type: "m.annotation", event_id: card, key: "✅" },
      });
    const press = (u: TestUser) =>
      until(`${u.userId}'s press`, () =>
        events.find((e) => e.kind === "button_pressed" && e.actor.account === `matrix:${u.userId}`),
      );
    await react(alice);
    expect(await press(alice)).toMatchObject({
      data: "hold:approve:h1",
      actor: { isChatAdmin: false },
      chat: `matrix:${review}`,
    });
    await react(mod);
    expect(await press(mod)).toMatchObject({ actor: { isChatAdmin: true }, message: { id: card } });
    await react(owner);
    expect(await press(owner)).toMatchObject({ actor: { isChatAdmin: true } });
    // Demoted: the next press is no admin's, though the level was read a moment ago.
    await owner.setState(review, "m.room.power_levels", {
      ...(await owner.state(review, "m.room.power_levels")),
      users: {},
    });
    events.length = 0;
    await mod.sendEvent(review, "m.reaction", {
      "m.relates_to": { rel_type: "m.annotation", event_id: card, key: "✅️" },
    });
    expect(await press(mod)).toMatchObject({ actor: { isChatAdmin: false } });
  });
});
