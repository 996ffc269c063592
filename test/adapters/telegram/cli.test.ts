import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram, type FakeChat, type StoredMessage } from "../../fakes/telegram/index.js";

/**
 * The real command line, as an operator runs it: `chatwarden start --config <file>` with the token and
 * API root in the environment, against the fake Bot API server. One process for the whole file (its
 * start costs seconds); the tests run in order and share the chats.
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const SECRET = "cli-test-secret-0123456789abcdefghijklmnop";

let tg: FakeTelegram;
let group: FakeChat;
let review: FakeChat;
let dir: string;
let child: ChildProcess;
let out = "";
const adminId = 5_100_000_001;

const cardOf = () =>
  tg
    .botMessages(review.id)
    .filter((m) => m.message.reply_markup?.inline_keyboard.length)
    .at(-1);
const dataOf = (m: StoredMessage | undefined, label: string) => {
  const b = m?.message.reply_markup?.inline_keyboard.flat().find((x) => x.text === label);
  return b && "callback_data" in b ? (b.callback_data ?? "") : "";
};
const texts = (chat: number) => tg.messages(chat).map((m) => m.message.text ?? m.message.caption ?? "");

beforeAll(async () => {
  tg = await FakeTelegram.start();
  const owner = tg.addUser({ first_name: "Olga" });
  tg.addUser({ id: adminId, first_name: "Adam" });
  group = tg.addChat({ type: "supergroup", title: "Lobby", creatorId: owner.id });
  review = tg.addChat({ type: "supergroup", title: "Review", creatorId: owner.id });
  const modlog = tg.addChat({ type: "supergroup", title: "Modlog", creatorId: owner.id });
  dir = mkdtempSync(join(tmpdir(), "chatwarden-cli-"));
  const config = join(dir, "chatwarden.yaml");
  writeFileSync(
    config,
    `language: en
data_dir: ${JSON.stringify(dir)}
storage: { kind: sqlite, path: ${JSON.stringify(join(dir, "state.sqlite"))} }
log: { level: warn }
communities:
  - id: demo
    name: Demo
    admins: ["telegram:${adminId}"]
    review_chat: "telegram:${review.id}"
    modlog_chat: "telegram:${modlog.id}"
    chats:
      - id: "telegram:${group.id}"
    verification:
      required: true
      method: self_declared
      fields: { legal_name: true, id_number: false, phone: false }
    news: { enabled: true, domains: ["reuters.com"] }
    rules:
      categories:
        spam: { terms: ["buy followers"], points: 2, action: delete }
    sanctions:
      ladder:
        - { at: 1, action: warn }
        - { at: 5, action: ban }
`,
  );
  child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["src/cli.ts", "start", "--config", config], {
    cwd: ROOT,
    env: {
      ...process.env,
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      CHATWARDEN_SECRET: SECRET,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (out += b.toString()));
  await tg.waitFor(() => /running on telegram/.test(out) && tg.allowedUpdates, {
    timeoutMs: 45_000,
    message: `the CLI did not start:\n${out}`,
  });
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill("SIGKILL");
  await tg.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("chatwarden start against the fake Bot API", () => {
  it("restricts a newcomer, verifies them through the deep link and restores their rights", async () => {
    const alice = tg.addUser({ first_name: "Alice" });
    tg.userJoins(group.id, alice.id);
    await tg.waitFor(() => tg.member(group.id, alice.id).status === "restricted");
    expect(tg.member(group.id, alice.id)).toMatchObject({ can_send_messages: false });
    const notice = await tg.waitFor(() =>
      tg.botMessages(group.id).find((m) => m.message.reply_markup?.inline_keyboard[0]?.[0]),
    );
    expect(notice.message.text).toContain("Alice");
    const button = notice.message.reply_markup?.inline_keyboard[0]?.[0];
    const url = button && "url" in button ? (button.url ?? "") : "";
    expect(url).toMatch(/^https:\/\/t\.me\/chatwarden_test_bot\?start=[A-Za-z0-9_-]+$/);
    tg.userStartsBot(alice.id, new URL(url).searchParams.get("start") ?? "");
    await tg.waitFor(() => tg.botMessages(alice.id).some((m) => /legal name/i.test(m.message.text ?? "")));
    tg.userSends(alice.id, alice.id, "Alice Example");
    await tg.waitFor(
      () => (tg.member(group.id, alice.id) as { can_send_messages?: boolean }).can_send_messages !== false,
      { timeoutMs: 10_000 },
    );
    tg.userSends(group.id, alice.id, "hi all");
    // The legal name never reaches the group, nor the process output (logs).
    expect(texts(group.id).join("\n")).not.toContain("Alice Example");
    expect(out).not.toContain("Alice Example");
  }, 30_000);

  it("holds a news link, refuses a non-admin's press, and re-posts once on the admin's approval", async () => {
    const bob = tg.addUser({ first_name: "Bob" });
    tg.setMember(group.id, bob.id, "member");
    const post = tg.userSends(group.id, bob.id, "see https://www.reuters.com/world/x");
    await tg.waitFor(() => tg.message(group.id, post.message_id)?.deleted, { timeoutMs: 10_000 });
    const card = await tg.waitFor(() => cardOf());
    const approve = dataOf(card, "Approve");
    expect(approve).not.toBe("");
    const carol = tg.addUser({ first_name: "Carol" });
    tg.setMember(review.id, carol.id, "member");
    const refused = tg.pressButton(review.id, card.message.message_id, carol.id, approve);
    expect(await tg.waitFor(() => tg.callbackAnswer(refused))).toMatchObject({ show_alert: true });
    expect(texts(group.id)).not.toContain("see https://www.reuters.com/world/x");
    tg.setMember(review.id, adminId, "member");
    const first = tg.pressButton(review.id, card.message.message_id, adminId, approve);
    await tg.waitFor(() => tg.callbackAnswer(first));
    // The re-post is one message: the attribution line, then the post.
    await tg.waitFor(() => texts(group.id).some((t) => t.endsWith("\nsee https://www.reuters.com/world/x")));
    // A second press of the same button (a double tap) copies nothing more.
    const again = cardOf();
    if (again?.message.reply_markup?.inline_keyboard.flat().some((b) => b.text === "Approve")) {
      const second = tg.pressButton(review.id, again.message.message_id, adminId, approve);
      await tg.waitFor(() => tg.callbackAnswer(second));
    }
    expect(texts(group.id).filter((t) => t.endsWith("\nsee https://www.reuters.com/world/x"))).toHaveLength(
      1,
    );
    // Bob never opened the bot: one notice in the group, and its button delivers what waited for him.
    const notices = tg.botMessages(group.id).filter((m) => m.message.text?.startsWith("Bob,"));
    expect(notices).toHaveLength(1);
    const link = notices[0]?.message.reply_markup?.inline_keyboard[0]?.[0];
    const start = new URL(link && "url" in link ? (link.url ?? "") : "").searchParams.get("start");
    tg.userStartsBot(bob.id, start ?? undefined);
    await tg.waitFor(() => tg.botMessages(bob.id).some((m) => /approved/i.test(m.message.text ?? "")));
    expect(tg.botMessages(bob.id).some((m) => /has to approve it/.test(m.message.text ?? ""))).toBe(true);
  }, 30_000);

  it("escalates repeated rule hits to a ban", async () => {
    const eve = tg.addUser({ first_name: "Eve" });
    tg.setMember(group.id, eve.id, "member");
    for (const text of ["buy followers", "buy followers now", "buy followers cheap"]) {
      const m = tg.userSends(group.id, eve.id, text);
      await tg.waitFor(() => tg.message(group.id, m.message_id)?.deleted, { timeoutMs: 10_000 });
    }
    await tg.waitFor(() => tg.member(group.id, eve.id).status === "kicked", { timeoutMs: 10_000 });
  }, 30_000);

  it("ends cleanly with exit code 0 on SIGTERM", async () => {
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // Nothing failed on the way out (pino levels 50 error, 60 fatal; Node's own unhandled rejections).
    expect(out).not.toMatch(/"level":(50|60)|unhandled/i);
  }, 30_000);
});
