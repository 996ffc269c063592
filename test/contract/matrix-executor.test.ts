import { describe } from "vitest";
import { badGateway, rateLimited, startMatrixWorld, synapseEnv } from "../adapters/matrix/support.js";
import { executorContract, type ExecutorWorld } from "./executor.contract.js";

/** The request that carries out each kind first, for injected failures. */
const ROUTE: Partial<Record<string, [string, RegExp]>> = {
  restrict: ["PUT", /\/state\/m\.room\.power_levels/],
  lift: ["PUT", /\/state\/m\.room\.power_levels/],
  send: ["PUT", /\/send\/m\.room\.message\//],
  send_private: ["POST", /\/createRoom$/],
  post_card: ["PUT", /\/send\/m\.room\.message\//],
  delete: ["PUT", /\/redact\//],
  ban: ["POST", /\/ban$/],
};

for (const version of ["11", "12"] as const) {
  describe.skipIf(!synapseEnv)(`Matrix executor on Synapse, room version ${version}`, () => {
    executorContract(`matrix (room version ${version})`, async () => {
      const w = await startMatrixWorld({ version });
      return {
        executor: w.executor,
        chat: w.chat,
        member: (options) => w.member(options),
        post: async (author, text) => ({ chat: w.chat, id: await w.user(author).send(w.room, text) }),
        requestJoin: async (account) => {
          // A member in the room leaves first: only outsiders knock.
          const user = w.user(account);
          if ((await w.owner.membership(w.room, user.userId)) === "join")
            await user.api("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(w.room)}/leave`, {});
          await user.api("POST", `/_matrix/client/v3/knock/${encodeURIComponent(w.room)}`, {});
        },
        revokeRights: async () => {
          // The bot gives up its own power (allowed even where nobody else may lower it).
          const levels = await w.levels();
          await w.bot.setState(w.room, "m.room.power_levels", {
            ...levels,
            users: { ...levels.users, [w.bot.userId]: 0 },
          });
        },
        failNext(kind, code) {
          const route = ROUTE[kind];
          if (!route) throw new Error(`no Matrix route for ${kind}`);
          w.failNext(route[0], route[1], code === "rate_limited" ? rateLimited() : badGateway());
        },
        visible: async (ref) => (await w.event(ref)) !== undefined,
        text: (ref) => w.text(ref),
        level: (account) => w.level(account),
        banned: async (account) =>
          (await w.owner.membership(w.room, account.slice("matrix:".length))) === "ban",
        privateTexts: (account) => w.privateTexts(account),
        close: async () => w.client.stop(),
      } satisfies ExecutorWorld;
    });
  });
}
