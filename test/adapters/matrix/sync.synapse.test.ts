import { describe, expect, it } from "vitest";
import { createMatrixAdapter } from "../../../src/adapters/matrix/adapter.js";
import { ReactionButtons } from "../../../src/adapters/matrix/buttons.js";
import { createMatrixClient, quietMatrixLogging } from "../../../src/adapters/matrix/client.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import type { CoreEvent } from "../../../src/core/events.js";
import { chatKey, communityId } from "../../../src/core/ids.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import type { PlatformRuntime } from "../../../src/core/ports/platform.js";
import type { CommunitySettings } from "../../../src/core/settings/community.js";
import { until } from "../../support/matrix-bot.js";
import { registerUser, synapseEnv } from "../../support/synapse.js";

/** The sync across starts: the sync token lives in our store. */
describe.skipIf(!synapseEnv)("Matrix sync across restarts (Synapse)", () => {
  it("skips a room's past on the very first start, handles what came while it was down after a restart, and stops promptly", async () => {
    const env = synapseEnv!;
    quietMatrixLogging(silentLogger);
    const [bot, owner] = await Promise.all([registerUser(env, "warden"), registerUser(env, "owner")]);
    const room = await owner.createRoom({ version: "11", invite: [bot.userId] });
    await bot.join(room);
    await owner.send(room, "from before the bot ever ran");
    const store = new MemoryStore();
    const texts: string[] = [];
    const community: CommunitySettings = {
      id: communityId("demo"),
      name: "Demo",
      language: "en",
      admins: [],
      chats: [{ key: chatKey("matrix", room), policy: {} as CommunitySettings["policy"] }],
      policy: {} as CommunitySettings["policy"],
    };
    const runtime: PlatformRuntime = {
      handle: async (event: CoreEvent) => {
        if (event.kind === "message_posted") texts.push(event.content.text);
        return { decisions: [], outcomes: [] } as unknown as Awaited<ReturnType<PlatformRuntime["handle"]>>;
      },
      setExecutor() {},
      commands: () => [],
      communities: [community],
      store,
      members: { byUsername: async () => undefined, isKnown: async () => false },
      languageOf: async () => "en",
    };
    const start = async () => {
      const client = createMatrixClient(env.url, bot.accessToken, store);
      const adapter = createMatrixAdapter({
        client,
        executor: { execute: async () => ({ status: "ok" }) },
        buttons: new ReactionButtons(store),
        runtime,
        logger: silentLogger,
      });
      await adapter.start();
      return adapter;
    };

    let adapter = await start();
    await owner.send(room, "after the first start");
    await until("the new message", () => texts.includes("after the first start") || undefined);
    expect(texts).not.toContain("from before the bot ever ran");

    const asked = Date.now();
    await adapter.stop();
    expect(Date.now() - asked).toBeLessThan(5_000);
    await owner.send(room, "while the bot was down");
    adapter = await start();
    await until("the message from the downtime", () => texts.includes("while the bot was down") || undefined);
    await owner.send(room, "after the restart");
    await until("the next message", () => texts.includes("after the restart") || undefined);
    await adapter.stop();
    expect(texts).toEqual(["after the first start", "while the bot was down", "after the restart"]);
  }, 60_000);
});
