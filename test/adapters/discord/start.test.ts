import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDiscordAdapter, type DiscordAdapter } from "../../../src/adapters/discord/adapter.js";
import { DiscordStartError } from "../../../src/adapters/discord/connect.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { NodeSealer, nodeRandom } from "../../../src/adapters/crypto/node-sealer.js";
import { platformRuntime } from "../../../src/app/platform-runtime.js";
import { discordSettings } from "../../../src/app/platforms.js";
import { createRuntime } from "../../../src/app/runtime.js";
import { readEnvironment } from "../../../src/config/environment.js";
import { ConfigError } from "../../../src/config/errors.js";
import { loadConfigFile, parseConfigText } from "../../../src/config/load.js";
import { silentLogger } from "../../../src/core/ports/logger.js";
import { FakeDiscord } from "../../fakes/discord/index.js";
import { TEST_SECRET } from "../../support/harness.js";
import { startDcWorld, type DcWorld } from "./world.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const GUILD = "123456789012345678";
const config = (extra = "", top = "") =>
  parseConfigText(
    `${top}
communities:
  - id: demo
    name: Demo
    chats:
      - id: "discord:${GUILD}"
${extra}`,
    { baseDir: ROOT },
  );

let w: DcWorld | undefined;
let fake: FakeDiscord | undefined;
let adapter: DiscordAdapter | undefined;
afterEach(async () => {
  await w?.close();
  await adapter?.stop();
  await fake?.close();
  w = fake = adapter = undefined;
});

async function startAgainst(discord: FakeDiscord, token = discord.token): Promise<DiscordAdapter> {
  const runtime = await createRuntime({
    settings: config().core,
    clock: { now: () => Date.now() },
    store: new MemoryStore(),
    sealer: new NodeSealer(TEST_SECRET),
    random: nodeRandom,
    logger: silentLogger,
  });
  adapter = createDiscordAdapter({
    token,
    apiUrl: discord.apiUrl,
    runtime: platformRuntime(runtime),
    logger: silentLogger,
    startTimeoutMs: 5_000,
  });
  await adapter.start();
  return adapter;
}

describe("discord start: registration", () => {
  it("runs Discord when DISCORD_BOT_TOKEN is set, with DISCORD_API_URL as the REST base", () => {
    const env = readEnvironment({
      DISCORD_BOT_TOKEN: " abc ",
      DISCORD_API_URL: "http://127.0.0.1:9/api/v10/",
    });
    expect(env).toMatchObject({ discordToken: "abc", discordApiUrl: "http://127.0.0.1:9/api" });
    expect(discordSettings(config(), env)).toMatchObject({ token: "abc", apiUrl: "http://127.0.0.1:9/api" });
    expect(discordSettings(config(), readEnvironment({}))).toBeUndefined();
  });

  it("reads roles and the verification channel per server, quoted or not (unquoted ids are not rounded)", () => {
    for (const id of ['"223456789012345678"', "223456789012345678"]) {
      const settings = discordSettings(
        config("", `discord:\n  guilds:\n    ${GUILD}: { verified_role: ${id} }\n`),
        readEnvironment({ DISCORD_BOT_TOKEN: "t" }),
      );
      expect(settings?.guilds?.[GUILD]).toEqual({ verifiedRole: "223456789012345678" });
    }
    expect(() => config("", `discord:\n  guilds:\n    "${GUILD}": { verified_role: 2234 }\n`)).toThrow(
      /discord\.guilds\.123456789012345678\.verified_role: expected string, got 2234/,
    );
  });

  it("refuses the phone method for a Discord community, naming the field", () => {
    let error: unknown;
    try {
      config("    verification: { required: true, method: phone }\n");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(
      /communities\[0\]\.verification\.method: method "phone" cannot verify members of "discord:123456789012345678"/,
    );
  });
});

describe("discord start: failures in plain words", () => {
  it("says how to turn the privileged intents on when Discord refuses them (4014)", async () => {
    fake = await FakeDiscord.start();
    fake.addGuild();
    fake.setPrivilegedIntents(false);
    const failed = await startAgainst(fake).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DiscordStartError);
    expect(failed).toMatchObject({ code: "disallowed_intents" });
    expect((failed as Error).message).toMatch(/SERVER MEMBERS INTENT and MESSAGE CONTENT INTENT/);
  });

  it("says the token is wrong when Discord refuses it", async () => {
    fake = await FakeDiscord.start();
    const failed = await startAgainst(fake, "not.the.token").catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "bad_token" });
    expect((failed as Error).message).toMatch(/DISCORD_BOT_TOKEN.*Reset Token/);
  });

  it("tells the admins when a configured role is missing or above the bot's role", async () => {
    let high = "";
    w = await startDcWorld({
      prepare: (discord, guild) => {
        high = discord.addRole(guild.id, { name: "vip", position: 20 });
        return { verifiedRole: high, unverifiedRole: "999999999999999999" };
      },
    });
    const told = w.discord.messagesIn(w.modlog).map((m) => m.content);
    expect(told).toEqual([
      expect.stringMatching(
        /cannot give or take the verified role @vip: it sits at or above my own highest role/,
      ),
      expect.stringMatching(/unverified role 999999999999999999 configured for this server does not exist/),
    ]);
    expect(w.adapter.problems).toHaveLength(2);
  });
});

describe("discord sample config", () => {
  it("config/discord.example.yaml is valid and names the server's roles and verification channel", () => {
    const loaded = loadConfigFile(resolve(ROOT, "config/discord.example.yaml"));
    const settings = discordSettings(loaded, readEnvironment({ DISCORD_BOT_TOKEN: "t" }));
    expect(settings?.guilds?.["111111111111111111"]).toMatchObject({
      unverifiedRole: "222222222222222222",
      verifiedRole: "333333333333333333",
      verificationChannel: "444444444444444444",
    });
  });
});
