import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, synapseEnv, type TestUser } from "../support/synapse.js";
import { react, sentBy, until } from "../support/matrix-bot.js";

/**
 * The real command line, as an operator runs it: `chatwarden start --config <file>` with
 * MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN in the environment, against Synapse, on a SQLite store.
 */
const ROOT = resolve(import.meta.dirname, "../..");

describe.skipIf(!synapseEnv)("chatwarden start on Matrix (Synapse)", () => {
  let bot: TestUser, owner: TestUser, mod: TestUser;
  let lobby: string, review: string, dir: string;
  let child: ChildProcess;
  let out = "";

  beforeAll(async () => {
    const env = synapseEnv!;
    [bot, owner, mod] = await Promise.all([
      registerUser(env, "warden"),
      registerUser(env, "owner"),
      registerUser(env, "mod"),
    ]);
    const users = { [bot.userId]: 100, [mod.userId]: 50 };
    lobby = await owner.createRoom({ version: "12", invite: [bot.userId], powerLevels: { users } });
    review = await owner.createRoom({ version: "12", invite: [bot.userId], powerLevels: { users } });
    await Promise.all([mod.join(lobby), mod.join(review)]);
    dir = mkdtempSync(join(tmpdir(), "chatwarden-matrix-cli-"));
    const config = join(dir, "chatwarden.yaml");
    writeFileSync(
      config,
      `language: en
data_dir: ${JSON.stringify(dir)}
storage: { url: ${JSON.stringify(`sqlite://${join(dir, "state.sqlite")}`)} }
log: { level: warn }
communities:
  - id: demo
    name: Demo
    review_chat: "matrix:${review}"
    chats:
      - id: "matrix:${lobby}"
    news: { enabled: true, domains: ["news.example.com"] }
`,
    );
    child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["src/cli.ts", "start", "--config", config], {
      cwd: ROOT,
      env: {
        ...process.env,
        MATRIX_HOMESERVER_URL: env.url,
        MATRIX_ACCESS_TOKEN: bot.accessToken,
        CHATWARDEN_SECRET: "matrix-cli-test-secret-0123456789abcdef",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr?.on("data", (b: Buffer) => (out += b.toString()));
    await until("the CLI running on matrix", () => /running on matrix/.test(out) || undefined, 45_000).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}\n${out}`);
      },
    );
    await until(
      "the bot in its rooms",
      async () =>
        ((await owner.membership(lobby, bot.userId)) === "join" &&
          (await owner.membership(review, bot.userId)) === "join") ||
        undefined,
    );
  }, 90_000);

  afterAll(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("redacts a member's news link and re-posts it once on the moderator's ✅", async () => {
    const carol = await registerUser(synapseEnv!, "carol");
    await carol.join(lobby);
    const post = await carol.send(lobby, "read https://news.example.com/b");
    await until(
      "the post redacted",
      async () => (await owner.event(lobby, post)).content.body === undefined || undefined,
    );
    const card = await until("the card", async () =>
      (await sentBy(mod, review, bot.userId)).find((e) => String(e.content.body).includes("✅")),
    );
    await react(mod, review, card.event_id, "✅");
    const reposts = async () =>
      (await sentBy(owner, lobby, bot.userId)).filter((e) =>
        String(e.content.body).includes("news.example.com/b"),
      );
    await until("the re-post", async () => (await reposts()).length > 0 || undefined);
    await react(owner, review, card.event_id, "✅");
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await reposts()).toHaveLength(1);
  }, 30_000);

  it("stops cleanly and promptly on SIGTERM (exit 0)", async () => {
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const asked = Date.now();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // Not held up by the sync's 30 s long poll.
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(out).not.toMatch(/syt_/);
  }, 30_000);
});
