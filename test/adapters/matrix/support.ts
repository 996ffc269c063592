import { MatrixError } from "matrix-bot-sdk";
import {
  createMatrixClient,
  quietMatrixLogging,
  type RetryingMatrixClient,
} from "../../../src/adapters/matrix/client.js";
import {
  MatrixDecisionExecutor,
  restrictionKey,
  type MatrixExecutorDeps,
  type RestrictionRecord,
} from "../../../src/adapters/matrix/executor.js";
import { matrixAccount, matrixChat, userIdOf } from "../../../src/adapters/matrix/keys.js";
import { levelToPost } from "../../../src/adapters/matrix/power-levels.js";
import type { PowerLevelsContent } from "../../../src/adapters/matrix/power.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import type { AccountKey, ChatKey } from "../../../src/core/ids.js";
import type { AccessLevel } from "../../../src/core/model/access.js";
import type { MessageRef } from "../../../src/core/model/content.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import {
  MatrixApiError,
  registerUser,
  synapseEnv,
  type MatrixEvent,
  type TestUser,
} from "../../support/synapse.js";

quietMatrixLogging(silentLogger);

/**
 * A room on the test Synapse with the bot as a moderator: `owner` created it (in version 12 the owner is
 * a privileged creator, in 11 it is listed at 100), the bot is listed at 100 and joined. Members join by
 * invitation (the room's join rule is `knock`, so join requests exist).
 */
export interface MatrixWorld {
  owner: TestUser;
  bot: TestUser;
  room: string;
  chat: ChatKey;
  client: RetryingMatrixClient;
  store: MemoryStore;
  executor: MatrixDecisionExecutor;
  users: Map<AccountKey, TestUser>;
  /** A new member (joined unless `inChat: false`); `privateOpen: false` blocks invites (M_INVITE_BLOCKED). */
  member(options?: { privateOpen?: boolean; inChat?: boolean; name?: string }): Promise<AccountKey>;
  user(account: AccountKey): TestUser;
  levels(): Promise<PowerLevelsContent>;
  level(account: AccountKey): Promise<AccessLevel>;
  /** The latest text of a message (edits applied), without the reactions legend; undefined when gone. */
  text(ref: MessageRef): Promise<string | undefined>;
  event(ref: MessageRef): Promise<MatrixEvent | undefined>;
  /** Bodies the bot sent the member in DM rooms, oldest first. */
  privateTexts(account: AccountKey): Promise<string[]>;
  /** The next request matching `path` (and method) fails as the homeserver would. */
  failNext(method: string, path: RegExp, error: unknown): void;
}

export async function startMatrixWorld(
  options: {
    version?: "11" | "12";
    powerLevels?: PowerLevelsContent;
    executor?: Partial<MatrixExecutorDeps>;
  } = {},
): Promise<MatrixWorld> {
  const env = synapseEnv;
  if (!env) throw new Error('no test Synapse: eval "$(scripts/synapse.sh start)"');
  const version = options.version ?? "12";
  const [owner, bot] = await Promise.all([registerUser(env, "owner"), registerUser(env, "bot")]);
  const users = {
    ...(version === "11" ? { [owner.userId]: 100 } : {}),
    [bot.userId]: 100,
    ...(options.powerLevels?.users ?? {}),
  };
  const room = await owner.createRoom({
    version,
    preset: "private_chat",
    powerLevels: { ...options.powerLevels, users },
  });
  await owner.setState(room, "m.room.join_rules", { join_rule: "knock" });
  await owner.invite(room, bot.userId);
  await bot.join(room);
  const store = new MemoryStore();
  const client = createMatrixClient(env.url, bot.accessToken, store, { retry: { maxWaitMs: 2_000 } });
  const failures: { method: string; path: RegExp; error: unknown }[] = [];
  const doRequest = client.doRequest.bind(client);
  client.doRequest = (async (method: string, endpoint: string, ...rest: unknown[]) => {
    const at = failures.findIndex((f) => f.method === method && f.path.test(endpoint));
    if (at >= 0) throw failures.splice(at, 1)[0]!.error;
    return (doRequest as (...a: unknown[]) => Promise<unknown>)(method, endpoint, ...rest);
  }) as typeof client.doRequest;
  const executor = new MatrixDecisionExecutor({ client, store, logger: silentLogger, ...options.executor });
  const byAccount = new Map<AccountKey, TestUser>();
  const world: MatrixWorld = {
    owner,
    bot,
    room,
    chat: matrixChat(room),
    client,
    store,
    executor,
    users: byAccount,
    async member({ privateOpen = true, inChat = true, name = "member" } = {}) {
      const user = await registerUser(env, name);
      const account = matrixAccount(user.userId);
      byAccount.set(account, user);
      if (inChat) {
        await owner.invite(room, user.userId);
        await user.join(room);
      }
      if (!privateOpen)
        await user.api(
          "PUT",
          `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/account_data/m.invite_permission_config`,
          {
            default_action: "block",
          },
        );
      return account;
    },
    user(account) {
      const user = byAccount.get(account);
      if (!user) throw new Error(`unknown test member ${account}`);
      return user;
    },
    levels: async () => (await owner.state<PowerLevelsContent>(room, "m.room.power_levels")) ?? {},
    async level(account) {
      const user = userIdOf(account);
      const levels = await world.levels();
      const power = levels.users?.[user] ?? levels.users_default ?? 0;
      if (power < levelToPost(levels)) return "read_only";
      const record = await store.get<RestrictionRecord>(restrictionKey(room, user));
      return record?.level === "text_only" ? "text_only" : "full";
    },
    async event(ref) {
      try {
        const ev = await owner.event(ref.chat.slice("matrix:".length), ref.id);
        return Object.keys(ev.content).length === 0 ? undefined : ev;
      } catch (error) {
        if (error instanceof MatrixApiError && error.status === 404) return undefined;
        throw error;
      }
    },
    async text(ref) {
      const ev = await world.event(ref);
      if (!ev) return undefined;
      const roomId = ref.chat.slice("matrix:".length);
      const { chunk } = await owner.api<{ chunk: MatrixEvent[] }>(
        "GET",
        `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/relations/${encodeURIComponent(ref.id)}/m.replace?dir=b&limit=1`,
      );
      const latest = (chunk[0]?.content["m.new_content"] as { body?: string } | undefined)?.body;
      return stripLegend(latest ?? String(ev.content.body));
    },
    async privateTexts(account) {
      const user = userIdOf(account);
      const direct = await bot
        .api<Record<string, string[]>>(
          "GET",
          `/_matrix/client/v3/user/${encodeURIComponent(bot.userId)}/account_data/m.direct`,
        )
        .catch(() => ({}) as Record<string, string[]>);
      const texts: string[] = [];
      for (const dm of direct[user] ?? []) {
        const events = await bot.messages(dm, 100);
        for (const ev of events.reverse())
          if (ev.type === "m.room.message" && ev.sender === bot.userId)
            texts.push(stripLegend(String(ev.content.body)));
      }
      return texts;
    },
    failNext(method, path, error) {
      failures.push({ method, path, error });
    },
  };
  return world;
}

/** The text without the reactions legend the executor appends for buttons. */
export const stripLegend = (body: string): string => body.replace(/\n\nReact [^\n]*$/, "");

export const rateLimited = () =>
  new MatrixError(
    { errcode: "M_LIMIT_EXCEEDED", error: "Too Many Requests", retry_after_ms: 3_600_000 },
    429,
  );
export const badGateway = () => ({ statusCode: 502, body: "<html>Bad Gateway</html>" });

export { synapseEnv };
