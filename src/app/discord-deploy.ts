import { randomBytes } from "node:crypto";
import { configuredGuilds } from "../adapters/discord/adapter.js";
import { startFailure } from "../adapters/discord/connect.js";
import { deployCommandsOverRest } from "../adapters/discord/slash-commands.js";
import { NodeSealer, nodeRandom } from "../adapters/crypto/node-sealer.js";
import { MemoryStore } from "../adapters/storage/memory-store.js";
import type { Environment } from "../config/environment.js";
import type { LoadedConfig } from "../config/load.js";
import { silentLogger } from "../core/ports/logger.js";
import { discordSettings } from "./platforms.js";
import { createRuntime } from "./runtime.js";

/**
 * `chatwarden discord deploy-commands`: registers the slash commands in every Discord server the config
 * names, over REST, without starting the bot (the bot also does it at each start unless
 * `discord.commands: false`). Exit code 0, 1 when Discord refused, 2 without DISCORD_BOT_TOKEN.
 */
export async function deployDiscordCommands(
  config: LoadedConfig,
  env: Environment,
  print: (line: string) => void,
): Promise<number> {
  const settings = discordSettings(config, env);
  if (!settings) {
    print("discord deploy-commands: set DISCORD_BOT_TOKEN to the bot's token first.");
    return 2;
  }
  const guilds = configuredGuilds(config.core.communities, settings.guilds);
  if (guilds.length === 0) {
    print('discord deploy-commands: no Discord server in the config (add a "discord:<server id>" chat).');
    return 2;
  }
  // The command list comes from the modules; nothing is stored, so a throwaway store and secret do.
  const runtime = await createRuntime({
    settings: config.core,
    store: new MemoryStore(),
    clock: { now: () => Date.now() },
    sealer: new NodeSealer(randomBytes(32).toString("hex")),
    random: nodeRandom,
    logger: silentLogger,
  });
  const specs = runtime.engine.commandList();
  await runtime.close();
  try {
    const done = await deployCommandsOverRest({
      token: settings.token,
      apiUrl: settings.apiUrl,
      guilds,
      specs,
    });
    for (const d of done)
      print(
        `discord server ${d.guild}: ${d.commands} slash commands registered` +
          (d.menus ? `, and ${d.menus} message command ("Report message")` : ""),
      );
    return 0;
  } catch (error) {
    print(
      `discord deploy-commands: ${startFailure(error, settings.apiUrl ?? "https://discord.com/api").message}`,
    );
    return 1;
  }
}
