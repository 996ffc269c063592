import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDiscord, waitFor, type FakeGuildHandle, type FakeUser } from "../../fakes/discord/index.js";

/**
 * The real command line, as an operator runs it: `chatwarden start --config <file>` with
 * DISCORD_BOT_TOKEN and DISCORD_API_URL in the environment, against the fake Discord; and
 * `chatwarden discord deploy-commands`. One bot process for the file; the tests run in order.
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const SECRET = "cli-test-secret-0123456789abcdefghijklmnop";

let discord: FakeDiscord;
let guild: FakeGuildHandle;
let review: string;
let mod: FakeUser;
let dir: string;
let configFile: string;
let child: ChildProcess;
let out = "";

function run(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(join(ROOT, "node_modules/.bin/tsx"), ["src/cli.ts", ...args, "--config", configFile], {
    cwd: ROOT,
    env: { ...process.env, CHATWARDEN_SECRET: SECRET, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function finished(p: ChildProcess): Promise<{ code: number | null; text: string }> {
  let text = "";
  p.stdout?.on("data", (b: Buffer) => (text += b.toString()));
  p.stderr?.on("data", (b: Buffer) => (text += b.toString()));
  const code = await new Promise<number | null>((done) => p.once("exit", (c) => done(c)));
  return { code, text };
}

beforeAll(async () => {
  discord = await FakeDiscord.start();
  guild = discord.addGuild({ name: "Lobby" });
  review = discord.addChannel(guild.id, "review");
  mod = discord.addUser({ username: "mo" });
  discord.addMember(guild.id, mod.id);
  dir = mkdtempSync(join(tmpdir(), "chatwarden-discord-cli-"));
  configFile = join(dir, "chatwarden.yaml");
  writeFileSync(
    configFile,
    `language: en
data_dir: ${JSON.stringify(dir)}
storage: { url: ${JSON.stringify(`sqlite://${join(dir, "state.sqlite")}`)} }
log: { level: warn }
discord:
  commands: false
communities:
  - id: demo
    name: Demo
    admins: ["discord:${mod.id}"]
    review_chat: "discord:${guild.id}/${review}"
    chats:
      - id: "discord:${guild.id}"
      - id: "discord:${guild.id}/${guild.general}"
    news: { enabled: true, domains: ["reuters.com"] }
`,
  );
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await discord.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("chatwarden discord deploy-commands", () => {
  it("registers the slash commands in the configured server without starting the bot", async () => {
    const { code, text } = await finished(
      run(["discord", "deploy-commands"], {
        DISCORD_BOT_TOKEN: discord.token,
        DISCORD_API_URL: discord.apiUrl,
      }),
    );
    expect(text).toMatch(
      new RegExp(`discord server ${guild.id}: \\d+ slash commands registered, and 1 message command`),
    );
    expect(code).toBe(0);
    expect(discord.commandsOf(guild.id).map((c) => c.name)).toEqual(
      expect.arrayContaining(["mute", "report", "Report message"]),
    );
    expect(discord.gatewayFrames).toEqual([]); // REST only
  }, 30_000);
});

describe("chatwarden start against the fake Discord", () => {
  it("exits with code 1 and says how to fix it when the privileged intents are off", async () => {
    discord.setPrivilegedIntents(false);
    const { code, text } = await finished(
      run(["start"], { DISCORD_BOT_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl }),
    );
    discord.setPrivilegedIntents(true);
    expect(code).toBe(1);
    expect(text).toContain("turn on SERVER MEMBERS INTENT and MESSAGE CONTENT INTENT");
  }, 30_000);

  it("starts, holds a news link, and re-posts it once through the webhook on the moderator's approval", async () => {
    child = run(["start"], { DISCORD_BOT_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl });
    child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr?.on("data", (b: Buffer) => (out += b.toString()));
    await waitFor(() => /running on discord/.test(out), { timeoutMs: 45_000, message: `no start:\n${out}` });
    const alice = discord.addUser({ username: "alice", global_name: "Alice" });
    discord.addMember(guild.id, alice.id);
    const post = discord.postMessage(guild.general, alice.id, "see https://www.reuters.com/world/x");
    await waitFor(() => discord.state.messages.get(post.id)?.deleted, { timeoutMs: 10_000 });
    const card = await waitFor(() =>
      discord
        .messagesIn(review)
        .map((m) => ({
          m,
          b: (m.components as { components?: { label?: string; custom_id?: string }[] }[])
            .flatMap((r) => r.components ?? [])
            .find((c) => c.label === "Approve"),
        }))
        .find((x) => x.b),
    );
    discord.pressButton(card.m.id, mod.id, card.b?.custom_id ?? "");
    const reposts = () => discord.messagesIn(guild.general).filter((m) => m.webhook_id);
    await waitFor(() => reposts().length > 0 || undefined, { timeoutMs: 10_000 });
    expect(reposts().map((m) => [m.author.username, m.content.includes("reuters.com/world/x")])).toEqual([
      ["Alice", true],
    ]);
  }, 60_000);

  it("ends cleanly with exit code 0 on SIGTERM", async () => {
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).not.toMatch(/"level":(50|60)|unhandled/i);
  }, 30_000);
});
