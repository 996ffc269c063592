import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../fakes/telegram/index.js";

/**
 * `chatwarden start` with `metrics: { port: 0 }` against the fake Bot API: /healthz and /metrics answer
 * while the bot runs (Telegram reported up), and the server is gone after SIGTERM.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const SECRET = "metrics-test-secret-0123456789abcdefghijk";

let dir: string;
let tg: FakeTelegram;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "chatwarden-metrics-"));
  tg = await FakeTelegram.start();
});
afterAll(async () => {
  await tg.close();
  rmSync(dir, { recursive: true, force: true });
});

const exited = (proc: ChildProcess) =>
  new Promise<number | null>((done) => {
    if (proc.exitCode !== null) done(proc.exitCode);
    else proc.once("exit", (code) => done(code));
  });

describe("chatwarden start with metrics", () => {
  it("serves /healthz and /metrics while running and closes the server on shutdown", async () => {
    const config = join(dir, "chatwarden.yaml");
    writeFileSync(
      config,
      `data_dir: ${JSON.stringify(join(dir, "data"))}
log: { level: info }
metrics: { port: 0 }
communities:
  - id: demo
    name: Demo
    chats:
      - id: "telegram:-1001"
`,
    );
    let out = "";
    const proc = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start", "--config", config], {
      cwd: ROOT,
      env: {
        ...process.env,
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.apiRoot,
        CHATWARDEN_SECRET: SECRET,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stdout?.on("data", (b: Buffer) => (out += b.toString()));
    proc.stderr?.on("data", (b: Buffer) => (out += b.toString()));
    try {
      await tg.waitFor(() => /chatwarden running on telegram/.test(out), { timeoutMs: 40_000, message: out });
      const port = Number(/"port":(\d+)[^\n]*metrics and health listening/.exec(out)?.[1]);
      expect(port, out).toBeGreaterThan(0);
      const base = `http://127.0.0.1:${port}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status, out).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", store: "up", platforms: { telegram: "up" } });
      const scrape = await (await fetch(`${base}/metrics`)).text();
      expect(scrape).toContain('chatwarden_platform_up{platform="telegram"} 1');
      expect(scrape).toContain("# TYPE chatwarden_decision_latency_seconds histogram");
      proc.kill("SIGTERM");
      expect(await exited(proc), out).toBe(0);
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      if (proc.exitCode === null) proc.kill("SIGKILL");
    }
  }, 60_000);
});
