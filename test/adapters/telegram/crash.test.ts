import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Message } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../../bench/corpus.js";
import { SqliteStore } from "../../../src/adapters/storage/sqlite-store.js";
import { tgMessageRef } from "../../../src/adapters/telegram/keys.js";
import { heldMessageKey } from "../../../src/core/news/holds.js";
import { FakeTelegram, type CallRecord, type FakeChat } from "../../fakes/telegram/index.js";

/**
 * Intake is at-least-once: the real CLI process is killed with SIGKILL in the middle of a batch of news
 * posts, again and again, and restarted on the same data directory each time. No post may be lost (left
 * published with no hold) and none may be handled twice (two copies or two review cards).
 *
 * The process runs as `node --import tsx` (not the tsx wrapper), so SIGKILL reaches the bot itself and no
 * orphan keeps polling.
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const SECRET = "crash-test-secret-0123456789abcdefghijklm";
const ROUNDS = 5;
/** API calls that carry out a hold (and its notices): the kill lands on one of them. */
const WORK = new Set(["copyMessages", "copyMessage", "sendMessage", "deleteMessage", "deleteMessages"]);

let tg: FakeTelegram;
let group: FakeChat;
let review: FakeChat;
let dir: string;
let config: string;
const authors: number[] = [];
const posts: Message[] = [];
let child: ChildProcess | undefined;
let out = "";
let killAfter = 0;

beforeAll(async () => {
  tg = await FakeTelegram.start();
  const owner = tg.addUser({ first_name: "Olga" });
  group = tg.addChat({ type: "supergroup", title: "Lobby", creatorId: owner.id });
  review = tg.addChat({ type: "supergroup", title: "Review", creatorId: owner.id });
  const modlog = tg.addChat({ type: "supergroup", title: "Modlog", creatorId: owner.id });
  for (const name of ["Ann", "Ben", "Cai"]) {
    const u = tg.addUser({ first_name: name });
    tg.setMember(group.id, u.id, "member");
    authors.push(u.id);
  }
  // The kill: on the n-th hold-making call after the batch went in, before the fake answers it.
  tg.onCall((call: CallRecord) => {
    if (killAfter > 0 && WORK.has(call.method) && --killAfter === 0) child?.kill("SIGKILL");
  });
  dir = mkdtempSync(join(tmpdir(), "chatwarden-crash-"));
  config = join(dir, "chatwarden.yaml");
  writeFileSync(
    config,
    `language: en
data_dir: ${JSON.stringify(dir)}
storage: { kind: sqlite, path: ${JSON.stringify(join(dir, "state.sqlite"))} }
log: { level: warn }
telegram: { pacing: false }
communities:
  - id: demo
    name: Demo
    review_chat: "telegram:${review.id}"
    modlog_chat: "telegram:${modlog.id}"
    chats:
      - id: "telegram:${group.id}"
    news: { enabled: true, domains: ["reuters.com"] }
`,
  );
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await tg.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `chatwarden start` and waits until it polls. */
async function startBot(): Promise<ChildProcess> {
  out = "";
  const polls = tg.callsTo("getUpdates").length;
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
  child = proc;
  await tg.waitFor(() => /running on telegram/.test(out) && tg.callsTo("getUpdates").length > polls, {
    timeoutMs: 40_000,
    message: `the CLI did not start:\n${out}`,
  });
  return proc;
}

const exited = (proc: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    if (proc.exitCode !== null || proc.signalCode !== null)
      done({ code: proc.exitCode, signal: proc.signalCode });
    else proc.once("exit", (code, signal) => done({ code, signal }));
  });

const textOf = (m: Message | undefined) => m?.text ?? m?.caption ?? "";

describe("intake survives SIGKILL mid-batch", () => {
  it("leaves every news post held with one review card, none lost and none doubled, over 5 kills", async () => {
    const rand = mulberry32(9_2026);
    for (let round = 1; round <= ROUNDS; round++) {
      const proc = await startBot();
      const batch = 5 + Math.floor(rand() * 16);
      for (let i = 0; i < batch; i++) {
        const author = authors[i % authors.length] ?? 0;
        posts.push(
          tg.userSends(group.id, author, `r${round} #${i} https://www.reuters.com/world/r${round}-${i}`),
        );
      }
      killAfter = 1 + Math.floor(rand() * batch * 2);
      const end = await exited(proc);
      expect(end.signal, `round ${round} ended without the kill:\n${out}`).toBe("SIGKILL");
    }
    killAfter = 0;
    // The last start drains whatever the kills left behind, then stops cleanly.
    const last = await startBot();
    let calls = -1;
    await tg.waitFor(
      () => {
        const quiet = tg.pendingUpdates.length === 0 && tg.calls.length === calls;
        calls = tg.calls.length;
        return quiet;
      },
      { timeoutMs: 40_000, message: "the bot did not settle" },
    );
    last.kill("SIGTERM");
    expect((await exited(last)).code).toBe(0);

    const reviewed = tg.botMessages(review.id);
    const store = new SqliteStore(join(dir, "state.sqlite"));
    const report: string[] = [];
    let lost = 0;
    let halfMade = 0;
    try {
      for (const post of posts) {
        const text = textOf(post);
        const copies = reviewed.filter((m) => textOf(m.message) === text);
        const cards = reviewed.filter(
          (m) =>
            m.message.reply_markup?.inline_keyboard.length && textOf(m.message.reply_to_message) === text,
        );
        const deleted = tg.message(group.id, post.message_id)?.deleted === true;
        const held = await store.get<string>(heldMessageKey(tgMessageRef(group.id, post.message_id)));
        // Never handled twice: one hold, at most one copy and one card.
        expect(copies.length, `copies of "${text}"`).toBeLessThanOrEqual(1);
        expect(cards.length, `cards of "${text}"`).toBeLessThanOrEqual(1);
        if (held === undefined) lost++;
        else if (!(deleted && cards.length === 1 && copies.length === 1)) {
          halfMade++;
          report.push(`${text}: copies ${copies.length}, cards ${cards.length}, deleted ${deleted}`);
        }
      }
    } finally {
      await store.close();
    }
    if (report.length) console.info(`holds left half-made by a kill:\n${report.join("\n")}`);
    // Never lost: every post reached the engine and got its hold.
    expect(lost).toBe(0);
    // Only the post being handled at the moment of a kill can be left half-made (the engine's part to
    // recover); every other post in flight was handled after the restart.
    expect(halfMade).toBeLessThanOrEqual(ROUNDS);
    expect(posts.length).toBeGreaterThanOrEqual(ROUNDS * 5);
  }, 150_000);
});
