import type { Client } from "discord.js";
import { createDiscordClient, listen } from "../../../src/adapters/discord/client.js";
import { DiscordDecisionExecutor, type DiscordExecutorDeps } from "../../../src/adapters/discord/executor.js";
import type { CoreEvent } from "../../../src/core/events.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import {
  FakeDiscord,
  type FakeGuildHandle,
  type FakeUser,
  type NewGuild,
} from "../../fakes/discord/index.js";

export interface DiscordRig {
  discord: FakeDiscord;
  guild: FakeGuildHandle;
  alice: FakeUser;
  client: Client;
  executor: DiscordDecisionExecutor;
  events: CoreEvent[];
  close(): Promise<void>;
}

/**
 * The real discord.js client logged in to the fake (READY and the guild received), its events
 * translated into `events`, and the executor on that client. Alice is a plain member of the guild.
 */
export async function startDiscord(
  opts: { guild?: NewGuild; executor?: Partial<DiscordExecutorDeps> } = {},
): Promise<DiscordRig> {
  const discord = await FakeDiscord.start();
  const guild = discord.addGuild({ name: "Lobby", ...opts.guild });
  const alice = discord.addUser({ username: "alice", global_name: "Alice" });
  discord.addMember(guild.id, alice.id);
  const client = createDiscordClient({ apiUrl: discord.apiUrl });
  const events: CoreEvent[] = [];
  const stop = listen(client, (e) => events.push(e));
  const ready = new Promise<void>((resolve) => client.once("clientReady", () => resolve()));
  await client.login(discord.token);
  await ready;
  const executor = new DiscordDecisionExecutor({ client, logger: silentLogger, ...opts.executor });
  return {
    discord,
    guild,
    alice,
    client,
    executor,
    events,
    async close() {
      stop();
      executor.dispose();
      await client.destroy();
      await discord.close();
    },
  };
}
