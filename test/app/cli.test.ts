import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");

function cli(args: string[], input = "", env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "chatwarden-cli-"));
  const result = spawnSync(tsx, [join(root, "src/cli.ts"), ...args], {
    cwd: root,
    input,
    encoding: "utf8",
    env: {
      ...process.env,
      CHATWARDEN_SECRET: "",
      CHATWARDEN_CONFIG: "",
      TELEGRAM_BOT_TOKEN: "",
      LOG_LEVEL: "silent",
      ...env,
    },
    timeout: 60_000,
  });
  return { ...result, dir };
}

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "chatwarden-cli-")), name);
  writeFileSync(path, text);
  return path;
}

describe("chatwarden CLI", () => {
  it("check-config accepts the example and exits 0", () => {
    const r = cli(["check-config", "--config", "config/chatwarden.example.yaml"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("config/chatwarden.example.yaml: valid");
    expect(r.status).toBe(0);
  });

  it("check-config names the field of an invalid config and exits 2", () => {
    const bad = file(
      "bad.yaml",
      'communities:\n  - id: demo\n    name: Demo\n    chats: [{ id: "console:lobby" }]\n    sanctions:\n      ladder: [{ at: 1, action: mute, duration: tomorrow }]\n',
    );
    const r = cli(["check-config", "--config", bad]);
    expect(r.stderr).toContain(
      `communities[0].sanctions.ladder[0].duration: expected a duration like "24h", got "tomorrow"`,
    );
    expect(r.status).toBe(2);
  });

  it("simulate prints each step and the bot's decisions", () => {
    const transcript = file("t.txt", "alice to bot: /help\nalice to bot: /nope\n");
    const r = cli(["simulate", transcript, "--config", "config/chatwarden.example.yaml"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("» alice to bot: /nope");
    expect(r.stdout).toContain("I don't know the command /nope");
  });

  it("simulate rejects malformed transcript lines with the line number and exits 2", () => {
    const transcript = file("t.txt", "alice to bot: /help\nnonsense here\n");
    const r = cli(["simulate", transcript, "--config", "config/chatwarden.example.yaml"]);
    expect(r.stdout).toContain("t.txt:2: cannot read");
    expect(r.status).toBe(2);
  });

  // Three CLI processes one after another: allow for a loaded machine (CI shares its cores).
  it("shows the --config option in each subcommand's help", { timeout: 90_000 }, () => {
    for (const command of ["start", "simulate", "check-config"]) {
      const r = cli([command, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("--config <file>");
    }
  });

  it("rejects an unknown command with usage and exits 2", () => {
    const r = cli(["frobnicate"]);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.status).toBe(2);
  });

  it("start runs the playground when no token is set, creates a secret and ends cleanly at end of input", () => {
    const dir = mkdtempSync(join(tmpdir(), "chatwarden-start-"));
    const config = file(
      "c.yaml",
      `data_dir: ${dir}\ncommunities:\n  - id: demo\n    name: Demo\n    chats: [{ id: "console:lobby" }]\n`,
    );
    const r = cli(["start", "--config", config], "alice in lobby: hello\nalice to bot: /language zh\n");
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`created a new local secret in ${dir}/secret.key`);
    expect(r.stdout).toContain("从现在起我会用简体中文与你交流。");
    const again = cli(["start", "--config", config], "");
    expect(again.status).toBe(0);
    expect(again.stderr).toContain("Using the local secret");
  });

  it("refuses to start when CHATWARDEN_SECRET does not match the stored data", () => {
    const dir = mkdtempSync(join(tmpdir(), "chatwarden-secret-"));
    const config = file(
      "c.yaml",
      `data_dir: ${dir}\ncommunities:\n  - id: demo\n    name: Demo\n    chats: [{ id: "console:lobby" }]\n`,
    );
    expect(
      cli(["start", "--keep", "--config", config], "", {
        CHATWARDEN_SECRET: "the-first-secret-0123456789abcdefghij",
      }).status,
    ).toBe(0);
    // --keep: the playground's own store persists (without it each run starts on a fresh store).
    const r = cli(["start", "--keep", "--config", config], "", {
      CHATWARDEN_SECRET: "another-secret-abcdefghijkl0123456789",
    });
    expect(r.stderr).toContain("does not match the data in the store");
    expect(r.status).toBe(2);
  });
});
