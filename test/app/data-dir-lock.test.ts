import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const env = {
  ...process.env,
  CHATWARDEN_SECRET: "",
  CHATWARDEN_CONFIG: "",
  CHATWARDEN_STORAGE_URL: "",
  TELEGRAM_BOT_TOKEN: "",
  LOG_LEVEL: "silent",
};

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "chatwarden-lock-"));
  const dataDir = join(dir, "data");
  const config = join(dir, "c.yaml");
  writeFileSync(
    config,
    `data_dir: ${dataDir}\ncommunities:\n  - id: demo\n    name: Demo\n    chats: [{ id: "console:lobby" }]\n`,
  );
  return { dataDir, config, lock: join(dataDir, "chatwarden.lock") };
}

const startSync = (config: string) =>
  spawnSync(tsx, [join(root, "src/cli.ts"), "start", "--keep", "--config", config], {
    cwd: root,
    input: "",
    encoding: "utf8",
    env,
    timeout: 60_000,
  });

describe("one chatwarden per data directory", () => {
  it("refuses a second start on the same data dir with exit 2, naming the first one's pid; frees it at exit", async () => {
    const s = setup();
    // --keep: the playground on its SQLite store in the data dir, as a bot on chatwarden.sqlite would be.
    const first = spawn(tsx, [join(root, "src/cli.ts"), "start", "--keep", "--config", s.config], {
      cwd: root,
      env,
    });
    let stdout = "";
    first.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    await expect.poll(() => stdout, { timeout: 30_000, interval: 100 }).toContain("chatwarden playground");
    const holder = JSON.parse(readFileSync(s.lock, "utf8")) as { pid: number };

    const second = startSync(s.config);
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(
      `the data directory ${s.dataDir} is in use by another chatwarden (pid ${holder.pid})`,
    );
    expect(second.stdout).not.toContain("chatwarden playground");

    first.stdin.end();
    const code = await new Promise<number | null>((done) => first.on("exit", done));
    expect(code).toBe(0);
    expect(existsSync(s.lock)).toBe(false);
    expect(startSync(s.config).status).toBe(0);
  }, 90_000);

  it("takes over a lock left by a process that no longer runs", () => {
    const s = setup();
    expect(startSync(s.config).status).toBe(0);
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    writeFileSync(s.lock, JSON.stringify({ pid: Number(gone.stdout), since: "2026-01-01T00:00:00Z" }));
    const r = startSync(s.config);
    expect(r.stderr).not.toContain("in use");
    expect(r.status).toBe(0);
    expect(existsSync(s.lock)).toBe(false);
  }, 90_000);
});
