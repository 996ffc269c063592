import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram, waitFor } from "../../fakes/telegram/index.js";

/**
 * Starting and stopping the real CLI (`node --import tsx src/cli.ts start`) when the Bot API does not
 * answer: the start fails with a plain error and exit code 1 in bounded time, and SIGTERM ends the
 * process promptly with exit code 0 at every stage.
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const SECRET = "start-test-secret-0123456789abcdefghijklm";
const TOKEN = "7000000001:AAStartTestTokenNeverPrinted_0123456789";

let dir: string;
let child: ChildProcess | undefined;
let out = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "chatwarden-start-"));
});
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, telegram: string, chats = `"telegram:-1001"`, extra = ""): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `language: en
data_dir: ${JSON.stringify(join(dir, name))}
storage: { kind: sqlite, path: ${JSON.stringify(join(dir, name, "state.sqlite"))} }
log: { level: info }
telegram: ${telegram}
communities:
  - id: demo
    name: Demo
    chats:
      - id: ${chats}
${extra}`,
  );
  return file;
}

function run(config: string, apiRoot: string, token = TOKEN): ChildProcess {
  out = "";
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start", "--config", config], {
    cwd: ROOT,
    env: { ...process.env, TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: apiRoot, CHATWARDEN_SECRET: SECRET },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout?.on("data", (b: Buffer) => (out += b.toString()));
  proc.stderr?.on("data", (b: Buffer) => (out += b.toString()));
  child = proc;
  return proc;
}

const exited = (proc: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    if (proc.exitCode !== null || proc.signalCode !== null)
      done({ code: proc.exitCode, signal: proc.signalCode });
    else proc.once("exit", (code, signal) => done({ code, signal }));
  });

/** Accepts TCP connections and never answers a byte. */
async function blackHole(): Promise<{
  root: string;
  accepted: () => number;
  firstAt: () => number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let firstAt = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    firstAt ||= Date.now();
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  return {
    root: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    firstAt: () => firstAt,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}

/** A port nothing listens on (taken, then released). */
async function deadPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}`;
}

describe("chatwarden start when the Bot API does not answer", () => {
  it("gives up after telegram.start_timeout with exit code 1, naming the API root, logging each retry", async () => {
    const hole = await blackHole();
    try {
      const proc = run(writeConfig("hole", "{ start_timeout: 4s }"), hole.root);
      const end = await exited(proc);
      // From the first getMe to the exit (the process's own start varies with the machine's load).
      const seconds = (Date.now() - hole.firstAt()) / 1000;
      expect(end.code, out).toBe(1);
      expect(out).toContain(`Cannot reach the Telegram Bot API at ${hole.root}: getMe failed`);
      expect(out).toMatch(/no answer within [\d.]+ s/);
      expect(out).toContain("telegram.start_timeout");
      expect(out).toMatch(/did not answer getMe: retrying/);
      expect(out).not.toContain("NeverPrinted");
      expect(hole.accepted()).toBeGreaterThanOrEqual(2);
      expect(seconds).toBeGreaterThan(3);
      expect(seconds).toBeLessThan(8);
    } finally {
      await hole.close();
    }
  }, 60_000);

  it("gives up on a port nothing listens on with exit code 1 and the connection error", async () => {
    const root = await deadPort();
    const proc = run(writeConfig("refused", "{ start_timeout: 3s }"), root);
    const end = await exited(proc);
    expect(end.code, out).toBe(1);
    expect(out).toContain(`Cannot reach the Telegram Bot API at ${root}`);
    expect(out).toContain("ECONNREFUSED");
    expect(out).not.toContain("NeverPrinted");
  }, 60_000);

  it("stops promptly with exit code 0 on SIGTERM while getMe waits for an answer", async () => {
    const hole = await blackHole();
    try {
      const proc = run(writeConfig("term-getme", "{}"), hole.root);
      await waitFor(() => hole.accepted() > 0, { timeoutMs: 40_000, message: `no getMe:\n${out}` });
      const begun = Date.now();
      proc.kill("SIGTERM");
      const end = await exited(proc);
      expect(end.code, out).toBe(0);
      expect(Date.now() - begun).toBeLessThan(5_000);
      expect(out).not.toMatch(/"level":(50|60)|unhandled/i);
    } finally {
      await hole.close();
    }
  }, 60_000);
});

describe("chatwarden start: SIGTERM after the start", () => {
  let tg: FakeTelegram;
  beforeAll(async () => {
    tg = await FakeTelegram.start();
  });
  afterAll(() => tg.close());

  it("stops promptly with exit code 0 while the first getUpdates gets no answer", async () => {
    tg.hang("getUpdates");
    const polls = tg.callsTo("getUpdates").length;
    const proc = run(writeConfig("term-poll", "{}"), tg.apiRoot, tg.token);
    await tg.waitFor(() => tg.callsTo("getUpdates").length > polls, { timeoutMs: 40_000, message: out });
    const begun = Date.now();
    proc.kill("SIGTERM");
    const end = await exited(proc);
    expect(end.code, out).toBe(0);
    expect(Date.now() - begun).toBeLessThan(5_000);
    expect(out).not.toMatch(/"level":(50|60)|unhandled/i);
  }, 60_000);

  it("stops with exit code 0 within the drain time while an update's API call hangs, leaving it unconfirmed", async () => {
    tg.hang("getUpdates", 0);
    const owner = tg.addUser({ first_name: "Olga" });
    const group = tg.addChat({ type: "supergroup", title: "Lobby", creatorId: owner.id });
    const review = tg.addChat({ type: "supergroup", title: "Review", creatorId: owner.id });
    const bob = tg.addUser({ first_name: "Bob" });
    tg.setMember(group.id, bob.id, "member");
    const config = writeConfig(
      "term-handling",
      "{}",
      `"telegram:${group.id}"`,
      `    review_chat: "telegram:${review.id}"\n    news: { enabled: true, domains: ["reuters.com"] }\n`,
    );
    const polls = tg.callsTo("getUpdates").length;
    const proc = run(config, tg.apiRoot, tg.token);
    await tg.waitFor(() => tg.callsTo("getUpdates").length > polls, { timeoutMs: 40_000, message: out });
    tg.hang("copyMessages");
    const post = tg.userSends(group.id, bob.id, "see https://www.reuters.com/world/x");
    await tg.waitFor(() => tg.callsTo("copyMessages").length > 0, { timeoutMs: 10_000, message: out });
    const begun = Date.now();
    proc.kill("SIGTERM");
    const end = await exited(proc);
    expect(end.code, out).toBe(0);
    // 5 s for the update in flight to finish, then its call is cut off.
    expect(Date.now() - begun).toBeLessThan(10_000);
    expect(out).toContain("left for the next start");
    // Not confirmed: Telegram delivers it again to the next start.
    expect(tg.pendingUpdates.map((u) => u.message?.message_id)).toContain(post.message_id);
  }, 60_000);
});
