import { matrixStarter } from "../../src/adapters/matrix/starter.js";
import { platformRuntime } from "../../src/app/platform-runtime.js";
import { silentLogger } from "../../src/core/ports/logger.js";
import { startHarness, type Harness } from "./harness.js";
import { registerUser, type SynapseEnv, type TestUser } from "./synapse.js";

/** Polls until `fn` gives something (not undefined / false); fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 75));
  }
}

/**
 * The whole bot (engine, modules, Matrix adapter and executor) on a real Synapse: a community with a
 * lobby (room version 12, the owner its creator) and a review room (version 11), the bot at power 100 in
 * both and a moderator at 50. `community` is YAML under the community (policy sections).
 */
export interface MatrixWorld {
  h: Harness;
  bot: TestUser;
  owner: TestUser;
  mod: TestUser;
  lobby: string;
  review: string;
  /** More configured rooms of the community (`extraRooms`), titled "Room 1", "Room 2", …; the bot at 100. */
  rooms: string[];
  /** Starts (or, after `stop`, restarts on the same store) the Matrix adapter. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A new member of the lobby (registered, joined). */
  member(name: string): Promise<TestUser>;
  /** The room id of the bot's direct chat with a user (from the bot's m.direct). */
  dmWith(user: TestUser): Promise<string | undefined>;
}

export async function matrixWorld(
  env: SynapseEnv,
  community: string,
  options: { extraRooms?: number } = {},
): Promise<MatrixWorld> {
  const [bot, owner, mod] = await Promise.all([
    registerUser(env, "warden", { displayName: "Warden" }),
    registerUser(env, "owner"),
    registerUser(env, "mod"),
  ]);
  // Room version 12 lists no creator in power_levels (the creator is above them); version 11 does.
  const levels = { users: { [bot.userId]: 100, [mod.userId]: 50 } };
  const lobby = await owner.createRoom({ version: "12", invite: [bot.userId], powerLevels: levels });
  const review = await owner.createRoom({
    version: "11",
    invite: [bot.userId],
    powerLevels: { users: { ...levels.users, [owner.userId]: 100 } },
  });
  const rooms = await Promise.all(
    Array.from({ length: options.extraRooms ?? 0 }, () =>
      owner.createRoom({
        version: "11",
        invite: [bot.userId],
        powerLevels: { users: { ...levels.users, [owner.userId]: 100 } },
      }),
    ),
  );
  await Promise.all([mod.join(lobby), mod.join(review)]);
  const extra = rooms
    .map((room, i) => `      - id: "matrix:${room}"\n        title: Room ${i + 1}\n`)
    .join("");
  const indented = community
    .split("\n")
    .map((l) => (l ? `    ${l}` : l))
    .join("\n");
  const h = await startHarness(`
communities:
  - id: demo
    name: Demo
    review_chat: "matrix:${review}"
    chats:
      - id: "matrix:${lobby}"
        title: Lobby
${extra}${indented}
`);
  let stop: (() => Promise<void>) | undefined;
  const world: MatrixWorld = {
    h,
    bot,
    owner,
    mod,
    lobby,
    review,
    rooms,
    async start() {
      stop = await matrixStarter.start({
        runtime: platformRuntime(h.runtime),
        settings: { homeserverUrl: env.url, accessToken: bot.accessToken, inviters: [], syncTimeoutMs: 500 },
        logger: silentLogger,
      });
    },
    async stop() {
      await stop?.();
      stop = undefined;
    },
    async member(name) {
      const user = await registerUser(env, name, { displayName: name });
      await user.join(lobby);
      return user;
    },
    async dmWith(user) {
      const direct = await bot
        .api<Record<string, string[]>>(
          "GET",
          `/_matrix/client/v3/user/${encodeURIComponent(bot.userId)}/account_data/m.direct`,
        )
        .catch(() => ({}) as Record<string, string[]>);
      return direct[user.userId]?.[0];
    },
  };
  await world.start();
  await until(
    "the bot in its rooms",
    async () =>
      (
        await Promise.all(
          [lobby, review, ...rooms].map(
            async (room) => (await owner.membership(room, bot.userId)) === "join",
          ),
        )
      ).every(Boolean) || undefined,
  );
  return world;
}

/** The events of a room from one sender, oldest first. */
export async function sentBy(user: TestUser, room: string, sender: string, type = "m.room.message") {
  return (await user.messages(room, 100)).filter((e) => e.sender === sender && e.type === type).reverse();
}

/** Reacts to an event with a key. */
export function react(user: TestUser, room: string, eventId: string, key: string): Promise<string> {
  return user.sendEvent(room, "m.reaction", {
    "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key },
  });
}
