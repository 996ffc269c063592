import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { boot } from "../../src/app/boot.js";
import type { Environment } from "../../src/config/environment.js";
import { parseConfigText } from "../../src/config/load.js";
import { SecretError } from "../../src/config/secret.js";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "chatwarden-secret-"));
  const dataDir = join(dir, "data");
  const yaml = `data_dir: ${dataDir}\ncommunities:\n  - id: demo\n    name: Demo\n    chats: [{ id: "console:lobby" }]\n`;
  const configFile = join(dir, "c.yaml");
  writeFileSync(configFile, yaml);
  const config = parseConfigText(yaml, { baseDir: dir });
  const start = async (env: Environment = {}) => {
    const booted = await boot({ config, env: { logLevel: "silent", ...env } });
    await booted.runtime.close();
  };
  return { dir, dataDir, configFile, config, start, keyFile: join(dataDir, "secret.key") };
}

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(tsx, [join(root, "src/cli.ts"), ...args], {
    cwd: root,
    input: "",
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
}

describe("the secret key file", () => {
  it("is never created again when the store already holds data", async () => {
    const s = setup();
    await s.start();
    const original = readFileSync(s.keyFile, "utf8");
    rmSync(s.keyFile);
    await expect(s.start()).rejects.toThrow(SecretError);
    await expect(s.start()).rejects.toThrow(
      /secret\.key is missing, but the store .*chatwarden\.sqlite already holds data .* Restore the old secret\.key from a backup, or set CHATWARDEN_SECRET/,
    );
    expect(existsSync(s.keyFile)).toBe(false);
    writeFileSync(s.keyFile, original, { mode: 0o600 });
    await s.start();
  });

  it("is created for a new store, readable by its owner only, in a 0700 data directory", async () => {
    const s = setup();
    await s.start();
    expect(statSync(s.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(s.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(s.dataDir, "chatwarden.sqlite")).mode & 0o777).toBe(0o600);
  });

  it("is refused when group- or world-readable, with the chmod to run", async () => {
    const s = setup();
    await s.start();
    chmodSync(s.keyFile, 0o644);
    await expect(s.start()).rejects.toThrow(
      `${s.keyFile} is readable by other users (mode 0644): it unlocks the stored identities. Run: chmod 600 ${s.keyFile}`,
    );
    chmodSync(s.keyFile, 0o640);
    await expect(s.start()).rejects.toThrow(/mode 0640.*chmod 600/);
  });

  it("when empty, is blamed itself, not CHATWARDEN_SECRET", async () => {
    const s = setup();
    await s.start();
    writeFileSync(s.keyFile, "\n");
    const error = await s.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(SecretError);
    expect(error?.message).toMatch(
      new RegExp(`^${s.keyFile}: the secret file is empty\\. Restore it from a backup`),
    );
  });

  it("asks for 32+ characters in CHATWARDEN_SECRET, as the README says, and exits 2", () => {
    const s = setup();
    const r = cli(["start", "--config", s.configFile], { CHATWARDEN_SECRET: "short" });
    expect(r.stderr).toContain(
      "CHATWARDEN_SECRET: expected at least 32 characters of random key material, got 5",
    );
    expect(r.status).toBe(2);
    expect(readFileSync(join(root, "README.md"), "utf8")).toContain(
      "`CHATWARDEN_SECRET` | key material (32+ random characters)",
    );
    const thirtyOne = cli(["start", "--config", s.configFile], { CHATWARDEN_SECRET: "x".repeat(31) });
    expect(thirtyOne.status).toBe(2);
  });

  it("exits 2 with the restore advice when the key file was deleted", () => {
    const s = setup();
    // --keep: the playground's own store persists (without it each run starts on a fresh store).
    expect(cli(["start", "--keep", "--config", s.configFile]).status).toBe(0);
    rmSync(s.keyFile);
    const r = cli(["start", "--keep", "--config", s.configFile]);
    expect(r.stderr).toMatch(/secret\.key is missing, but the store .*playground\.sqlite already holds data/);
    expect(r.stderr).not.toContain("created a new local secret");
    expect(r.status).toBe(2);
    expect(existsSync(s.keyFile)).toBe(false);
  });

  it("is not created for a fresh playground while the bot's store in the data dir holds data", async () => {
    const s = setup();
    await s.start(); // the bot's own store, <data_dir>/chatwarden.sqlite, now holds data
    rmSync(s.keyFile);
    const r = cli(["start", "--config", s.configFile]);
    expect(r.stderr).toMatch(/secret\.key is missing, but the store .*chatwarden\.sqlite already holds data/);
    expect(r.status).toBe(2);
    expect(existsSync(s.keyFile)).toBe(false);
  });
});
