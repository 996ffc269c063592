import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram, type FakeChat } from "../fakes/telegram/index.js";
import { BotProcess } from "./bot-process.js";
import { textOf } from "./world.js";

/**
 * Platform faults against the real CLI on the Telegram fake: 429 with retry-after, 5xx, calls that hang,
 * connections dropped before the call is carried out. Each is retried with backoff or reported to the
 * admins; nothing is lost; a lasting failure never makes the process exit (no restart loop); SIGTERM
 * ends the process with exit code 0 in bounded time in every state.
 */
const SECRET = "faults-test-secret-0123456789abcdefghijkl";

let tg: FakeTelegram;
let dir: string;
let group: FakeChat;
let review: FakeChat;
let modlog: FakeChat;
let n = 0;
const procs: BotProcess[] = [];
const figures: string[] = [];

beforeAll(async () => {
  tg = await FakeTelegram.start();
  const owner = tg.addUser({ first_name: "Olga" });
  group = tg.addChat({ type: "supergroup", title: "Lobby", creatorId: owner.id });
  review = tg.addChat({ type: "supergroup", title: "Review", creatorId: owner.id });
  modlog = tg.addChat({ type: "supergroup", title: "Modlog", creatorId: owner.id });
  dir = mkdtempSync(join(tmpdir(), "chatwarden-faults-"));
});
afterEach(() => {
  for (const p of procs.splice(0)) p.dispose();
});
afterAll(async () => {
  console.info(`platform faults:\n${figures.map((f) => `  ${f}`).join("\n")}`);
  await tg.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string): string {
  const home = join(dir, name);
  const config = join(dir, `${name}.yaml`);
  writeFileSync(
    config,
    `language: en
data_dir: ${JSON.stringify(home)}
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
  return config;
}

const env = () => ({
  TELEGRAM_BOT_TOKEN: tg.token,
  TELEGRAM_API_ROOT: tg.apiRoot,
  CHATWARDEN_SECRET: SECRET,
});

/** A bot process of its own (own data dir) on the shared fake, started. */
async function startBot(name: string): Promise<BotProcess> {
  const bot = new BotProcess(name, writeConfig(name), env());
  procs.push(bot);
  await bot.start();
  return bot;
}

/** A member posts a news link; returns its text and message id. */
function post(): { text: string; id: number } {
  const author = tg.addUser({ first_name: `Author${++n}` });
  tg.setMember(group.id, author.id, "member");
  const text = `post ${n} https://www.reuters.com/world/f${n}`;
  return { text, id: tg.userSends(group.id, author.id, text).message_id };
}

/** Held exactly once: the original deleted, one copy in the review chat. */
async function heldOnce(p: { text: string; id: number }, timeoutMs = 30_000): Promise<void> {
  await tg.waitFor(() => tg.message(group.id, p.id)?.deleted, { timeoutMs, message: `${p.text} not held` });
  await tg.waitFor(() => tg.pendingUpdates.length === 0, { timeoutMs });
  expect(tg.botMessages(review.id).filter((m) => textOf(m.message) === p.text)).toHaveLength(1);
}

const outcomes = (method: string, since: number) =>
  tg.calls
    .slice(since)
    .filter((c) => c.method === method)
    .map((c) => c.error?.error_code ?? "ok");

describe("platform faults while running", () => {
  it("retries 429 (after retry-after), 5xx, a hanging call and dropped connections; a lasting failure is reported, the post stays up", async () => {
    const bot = await startBot("running");

    let since = tg.calls.length;
    tg.failNext("copyMessages", { error_code: 429, retry_after: 2 });
    tg.failNext("deleteMessage", { error_code: 502, description: "Bad Gateway" }, 2);
    let begun = Date.now();
    await heldOnce(post());
    expect(outcomes("copyMessages", since)).toEqual([429, "ok"]);
    expect(outcomes("deleteMessage", since)).toEqual([502, 502, "ok"]);
    expect(Date.now() - begun).toBeGreaterThanOrEqual(2_000);
    figures.push(`429 (retry after 2 s) and 2× 502: held once after ${Date.now() - begun} ms`);

    since = tg.calls.length;
    tg.drop("copyMessages", 2);
    begun = Date.now();
    await heldOnce(post());
    expect(outcomes("copyMessages", since)).toEqual([0, 0, "ok"]);
    figures.push(`2 dropped connections: held once after ${Date.now() - begun} ms`);

    // A call that never gets an answer is given up after 20 s and tried again.
    since = tg.calls.length;
    tg.hang("copyMessages", 1);
    begun = Date.now();
    await heldOnce(post(), 60_000);
    const hung = Date.now() - begun;
    expect(tg.calls.slice(since).filter((c) => c.method === "copyMessages")).toHaveLength(2);
    expect(hung).toBeLessThan(40_000);
    figures.push(`a hanging call: given up and retried, held once after ${hung} ms`);

    // The API keeps dropping copies: after 3 attempts the card fails, the admins hear of it, the post stays.
    since = tg.calls.length;
    tg.drop("copyMessages", 1_000);
    begun = Date.now();
    const kept = post();
    const report = await tg.waitFor(
      () => tg.botMessages(modlog.id).find((m) => textOf(m.message).includes("could not copy it")),
      { timeoutMs: 30_000, message: "the admins were not told" },
    );
    tg.drop("copyMessages", 0);
    expect(textOf(report.message)).toContain("so I left it up");
    expect(tg.message(group.id, kept.id)?.deleted).toBeFalsy();
    expect(outcomes("copyMessages", since)).toEqual([0, 0, 0]);
    figures.push(
      `copies dropped for good: reported to the mod-log after ${Date.now() - begun} ms, the post left up`,
    );

    // getUpdates failing for a while: polling backs off and resumes, the process stays up.
    since = tg.calls.length;
    tg.failNext("getUpdates", { error_code: 500 }, 2);
    tg.failNext("getUpdates", { error_code: 429, retry_after: 1 });
    tg.drop("getUpdates", 1);
    begun = Date.now();
    const late = post();
    await heldOnce(late, 60_000);
    expect(bot.running).toBe(true);
    expect(bot.starts).toBe(1);
    const polls = outcomes("getUpdates", since);
    expect(polls.filter((o) => o !== "ok").length).toBe(4);
    figures.push(
      `getUpdates: 2× 500, 429, 1 dropped: polling resumed, held once after ${Date.now() - begun} ms, no restart`,
    );

    const end = await bot.stop();
    expect(end.code).toBe(0);
    expect(bot.all).not.toMatch(/"level":(50|60)|unhandled/i);
  }, 300_000);
});

describe("SIGTERM in every state: exit code 0 in bounded time", () => {
  afterEach(() => tg.clearFaults());

  async function term(bot: BotProcess, state: string, boundMs: number): Promise<void> {
    const end = await bot.stop();
    expect(end.code, `${state}:\n${bot.all}`).toBe(0);
    expect(end.ms, state).toBeLessThan(boundMs);
    expect(bot.all, state).not.toMatch(/"level":(50|60)|unhandled/i);
    figures.push(`SIGTERM ${state}: exit 0 in ${end.ms} ms`);
  }

  it("while getMe is retried at the start", async () => {
    tg.failNext("getMe", { error_code: 500 }, 1_000);
    const since = tg.callsTo("getMe").length;
    const bot = new BotProcess("term-start", writeConfig("term-start"), env());
    procs.push(bot);
    void bot.start().catch(() => undefined);
    await tg.waitFor(() => tg.callsTo("getMe").length >= since + 2, { timeoutMs: 40_000 });
    await term(bot, "during the start (getMe retried)", 3_000);
  }, 60_000);

  it("while polling waits for updates", async () => {
    const bot = await startBot("term-idle");
    await term(bot, "while long polling", 3_000);
  }, 60_000);

  it("while getUpdates backs off after failures", async () => {
    const bot = await startBot("term-backoff");
    tg.failNext("getUpdates", { error_code: 500 }, 1_000);
    const since = tg.callsTo("getUpdates").length;
    post();
    await tg.waitFor(
      () =>
        tg
          .callsTo("getUpdates")
          .slice(since)
          .filter((c) => !c.ok).length >= 3,
      {
        timeoutMs: 30_000,
      },
    );
    await term(bot, "during a getUpdates backoff", 3_000);
  }, 60_000);

  it("while a call waits out a 429's retry-after", async () => {
    const bot = await startBot("term-retry");
    tg.failNext("copyMessages", { error_code: 429, retry_after: 25 });
    const since = tg.callsTo("copyMessages").length;
    const p = post();
    await tg.waitFor(() => tg.callsTo("copyMessages").length > since, { timeoutMs: 30_000 });
    await term(bot, "during a retry wait (429, retry after 25 s)", 9_000);
    // Not handled to the end: left unconfirmed, so Telegram delivers it again to the next start, which
    // holds it (the card cut off by the stop is no failed card: the post is not left up unreviewed).
    expect(tg.pendingUpdates.some((u) => u.message?.message_id === p.id)).toBe(true);
    const again = await startBot("term-retry");
    await heldOnce(p);
    expect((await again.stop()).code).toBe(0);
  }, 60_000);

  it("while an update's call hangs", async () => {
    const bot = await startBot("term-handling");
    tg.hang("copyMessages", 1);
    const since = tg.callsTo("copyMessages").length;
    post();
    await tg.waitFor(() => tg.callsTo("copyMessages").length > since, { timeoutMs: 30_000 });
    await term(bot, "during handling (a call hangs)", 9_000);
  }, 60_000);
});
