import type { Message } from "grammy/types";
import { mulberry32 } from "../../bench/corpus.js";
import type { FakeTelegram } from "../fakes/telegram/index.js";
import { waitFor, type CallRecord, type FakeChat } from "../fakes/telegram/index.js";
import type { BotProcess } from "./bot-process.js";

/** API calls that carry out the bot's work: a kill lands on one of them. */
const WORK = new Set([
  "copyMessages",
  "copyMessage",
  "sendMessage",
  "deleteMessage",
  "deleteMessages",
  "editMessageText",
  "editMessageReplyMarkup",
  "restrictChatMember",
  "answerCallbackQuery",
]);

export const pad = (i: number) => String(i).padStart(3, "0");
export const textOf = (m: Message | undefined) => m?.text ?? m?.caption ?? "";
/** How long one step of a cycle may take, restarts included (a leased timer waits out its minute). */
const STEP_MS = 45_000;

export interface Stuck {
  cycle: string;
  step: string;
}

/**
 * The chats, the people and the kill switch of a crash run, on the Telegram fake. Cycles drive the bot
 * as users and admins would (post, press, join, answer) and wait for it across restarts; a step that
 * does not complete in time is noted (never thrown), so a run reports every loss it finds.
 */
export class CrashWorld {
  group!: FakeChat;
  review!: FakeChat;
  modlog!: FakeChat;
  readonly adminId = 5_100_000_001;
  readonly stuck: Stuck[] = [];
  readonly holdCycles: { i: number; author: number; post: Message }[] = [];
  readonly verifications: { i: number; member: number }[] = [];
  readonly mutes: { i: number; member: number; until: number }[] = [];
  /** Members who posted a content-rule threat (each also in `mutes`). */
  readonly violations: { i: number; member: number; post: number }[] = [];
  /** Kills that landed, by where (the API method the bot was calling, and whether it was carried out). */
  readonly killedAt: string[] = [];
  private armed = 0;
  private dropNext = false;
  private readonly rand: () => number;

  constructor(
    readonly tg: FakeTelegram,
    seed: number,
    /** Which process a kill hits. */
    private readonly victim: () => BotProcess | undefined,
  ) {
    this.rand = mulberry32(seed);
    tg.onCall((call: CallRecord) => {
      if (this.armed <= 0 || !WORK.has(call.method) || --this.armed > 0) return undefined;
      const target = this.victim();
      if (!target?.running) return undefined;
      // Half the kills come after Telegram carried the call out (its answer is lost), half before the
      // request reached it (the connection drops with the process).
      const drop = this.dropNext;
      this.killedAt.push(`${call.method}${drop ? " (not carried out)" : ""}`);
      target.kill();
      return drop ? "drop" : undefined;
    });
  }

  setup(): void {
    const { tg } = this;
    const owner = tg.addUser({ first_name: "Olga" });
    tg.addUser({ id: this.adminId, first_name: "Adam" });
    this.group = tg.addChat({ type: "supergroup", title: "Lobby", creatorId: owner.id });
    this.review = tg.addChat({ type: "supergroup", title: "Review", creatorId: owner.id });
    this.modlog = tg.addChat({ type: "supergroup", title: "Modlog", creatorId: owner.id });
    tg.setMember(this.review.id, this.adminId, "member");
    tg.setMember(this.group.id, this.adminId, "member");
  }

  config(extra = ""): string {
    return `language: en
log: { level: warn }
telegram: { pacing: false${extra} }
communities:
  - id: demo
    name: Demo
    admins: ["telegram:${this.adminId}"]
    review_chat: "telegram:${this.review.id}"
    modlog_chat: "telegram:${this.modlog.id}"
    chats:
      - id: "telegram:${this.group.id}"
    verification:
      required: true
      method: self_declared
      fields: { legal_name: true, id_number: false, phone: false }
    news: { enabled: true, domains: ["reuters.com"] }
    rules:
      categories:
        threats: { terms: ["i will hurt you"], points: 3, action: delete }
    sanctions:
      ladder:
        - { at: 1, action: warn }
        - { at: 3, action: mute, duration: 3s }
`;
  }

  /** With probability `p`, a kill after 1 to `spread` more work calls (seeded). */
  maybeArm(p: number, spread: number): void {
    if (this.armed > 0 || this.rand() >= p) return;
    this.armed = 1 + Math.floor(this.rand() * spread);
    this.dropNext = this.rand() < 0.5;
  }

  /** A kill at the `k`-th next work call; `drop`: before the call is carried out. */
  armAt(k: number, drop: boolean): void {
    this.armed = k;
    this.dropNext = drop;
  }

  disarm(): void {
    this.armed = 0;
  }

  private async step(
    cycle: string,
    step: string,
    check: () => unknown,
    timeoutMs = STEP_MS,
  ): Promise<boolean> {
    try {
      await waitFor(check, { timeoutMs, intervalMs: 25 });
      return true;
    } catch {
      this.stuck.push({ cycle, step });
      return false;
    }
  }

  private liveCard(name: string) {
    return this.tg
      .botMessages(this.review.id)
      .filter((m) => textOf(m.message).includes(name))
      .filter((m) => m.message.reply_markup?.inline_keyboard.flat().some((b) => b.text === "Approve"))
      .at(-1);
  }

  /** The bot's re-posts of a text: one message with the attribution line first (or, before, the copy alone). */
  private reposts(text: string) {
    return this.tg
      .botMessages(this.group.id)
      .filter((m) => !m.deleted && (textOf(m.message) === text || textOf(m.message).endsWith(`\n${text}`)));
  }

  /** Attribution lines alone in the group ("Posted by Author007"): what a kill between two calls left. */
  loneAttributions(): string[] {
    return this.tg
      .botMessages(this.group.id)
      .filter((m) => !m.deleted && /^Posted by Author\d+( ✔ verified)?$/.test(textOf(m.message)))
      .map((m) => textOf(m.message));
  }

  /** A member posts a news link; an admin approves it from the review card; it is back in the group. */
  async holdCycle(i: number): Promise<void> {
    const { tg } = this;
    const name = `Author${pad(i)}`;
    const author = tg.addUser({ first_name: name });
    tg.setMember(this.group.id, author.id, "member");
    const post = tg.userSends(this.group.id, author.id, `post ${i} https://www.reuters.com/world/c${i}`);
    this.holdCycles.push({ i, author: author.id, post });
    const cycle = `hold ${i}`;
    if (!(await this.step(cycle, "card", () => this.liveCard(name)))) return;
    const card = this.liveCard(name);
    const button = card?.message.reply_markup?.inline_keyboard.flat().find((b) => b.text === "Approve");
    const data = button && "callback_data" in button ? (button.callback_data ?? "") : "";
    if (!card) return;
    tg.pressButton(this.review.id, card.message.message_id, this.adminId, data);
    // A re-post a kill cut short is only known as such a minute later: `resolveInterrupted` sees to it.
    await waitFor(() => this.reposts(textOf(post)).length > 0, { timeoutMs: 10_000, intervalMs: 25 }).catch(
      () => undefined,
    );
  }

  /** The latest text the card of `name`'s post shows, with its hold id. */
  private cardState(name: string): { id: string; text: string } | undefined {
    const card = this.tg
      .botMessages(this.review.id)
      .filter((m) => textOf(m.message).includes(name) && /\bh[0-9a-f]{10}\b/.test(textOf(m.message)))
      .at(-1);
    const text = textOf(card?.message);
    const id = /\b(h[0-9a-f]{10})\b/.exec(text)?.[1];
    return id ? { id, text } : undefined;
  }

  private flagged(i: number): boolean {
    return /restarted while re-posting/.test(this.cardState(`Author${pad(i)}`)?.text ?? "");
  }

  /** Cards flagged "I restarted while re-posting" that still say so (the admin found the post there). */
  flaggedNow(): number {
    return this.holdCycles.filter(({ i }) => this.flagged(i)).length;
  }

  /**
   * The admin's part after re-posts a kill cut short: the bot flags such a card ("I restarted while
   * re-posting") a minute later; the admin looks at the group and re-posts with /approvepost only what
   * is missing. Returns how many the admin re-posted.
   */
  async resolveInterrupted(): Promise<number> {
    const open = this.holdCycles.filter(({ post }) => this.reposts(textOf(post)).length === 0);
    for (const { i, post } of open)
      await this.step(
        `hold ${i}`,
        "re-post or flag",
        () => this.reposted(textOf(post)) > 0 || this.flagged(i),
        150_000,
      );
    let reposted = 0;
    for (const { i, post } of this.holdCycles) {
      if (!this.flagged(i) || this.reposts(textOf(post)).length > 0) continue;
      const id = this.cardState(`Author${pad(i)}`)?.id ?? "";
      this.tg.userSends(this.review.id, this.adminId, `/approvepost ${id}`);
      if (await this.step(`hold ${i}`, "re-post by the admin", () => this.reposts(textOf(post)).length > 0))
        reposted++;
    }
    return reposted;
  }

  private post(i: number) {
    return this.holdCycles.find((c) => c.i === i)?.post;
  }

  /** A newcomer joins, opens the bot from the group notice, gives a name, and may write again. */
  async verification(i: number): Promise<void> {
    const { tg } = this;
    const name = `Member${pad(i)}`;
    const member = tg.addUser({ first_name: name });
    tg.userJoins(this.group.id, member.id);
    this.verifications.push({ i, member: member.id });
    const cycle = `verification ${i}`;
    const link = () =>
      tg
        .botMessages(this.group.id)
        .filter((m) => textOf(m.message).includes(name))
        .flatMap((m) => m.message.reply_markup?.inline_keyboard.flat() ?? [])
        .map((b) => ("url" in b ? b.url : undefined))
        .find((url) => url?.includes("?start="));
    if (!(await this.step(cycle, "notice", link))) return;
    tg.userStartsBot(member.id, new URL(link() ?? "").searchParams.get("start") ?? "");
    const asked = () => tg.botMessages(member.id).some((m) => /legal name/i.test(textOf(m.message)));
    if (!(await this.step(cycle, "question", asked))) return;
    // A legal name has no digits: the cycle number in letters keeps it unique.
    const letters = pad(i).replace(/\d/g, (d) => "abcdefghij"[Number(d)] ?? "");
    tg.userSends(member.id, member.id, `Real Person${letters}`);
    await this.step(cycle, "rights back", () => this.unrestricted(member.id));
  }

  /** An admin mutes a member for a few seconds: the mute must end on time, whatever restarts. */
  async mute(i: number): Promise<void> {
    const { tg } = this;
    const member = tg.addUser({ first_name: `Muted${pad(i)}` });
    tg.setMember(this.group.id, member.id, "member");
    const said = tg.userSends(this.group.id, member.id, `hello from ${i}`);
    tg.userSends(this.group.id, this.adminId, { text: "/mute 3s", reply_to: said.message_id });
    const until = Date.now() + 3_000;
    this.mutes.push({ i, member: member.id, until });
    await this.step(`mute ${i}`, "muted", () => !this.unrestricted(member.id));
  }

  /**
   * A member posts a threat (a content rule): the post must go and the member be muted for a few seconds,
   * with one case, whatever restarts (the post is delivered again after a kill), and the mute must end.
   */
  async violation(i: number): Promise<void> {
    const { tg } = this;
    const member = tg.addUser({ first_name: `Threat${pad(i)}` });
    tg.setMember(this.group.id, member.id, "member");
    const said = tg.userSends(this.group.id, member.id, `i will hurt you, says ${i}`);
    this.violations.push({ i, member: member.id, post: said.message_id });
    this.mutes.push({ i, member: member.id, until: Date.now() + 3_000 });
    const cycle = `violation ${i}`;
    if (
      !(await this.step(
        cycle,
        "post deleted",
        () => tg.message(this.group.id, said.message_id)?.deleted === true,
      ))
    )
      return;
    await this.step(cycle, "muted", () => !this.unrestricted(member.id));
  }

  unrestricted(userId: number): boolean {
    const m = this.tg.member(this.group.id, userId) as { status: string; can_send_messages?: boolean };
    return m.status !== "restricted" || m.can_send_messages !== false;
  }

  /**
   * Waits until the bot is idle: nothing pending, no call for `quietMs`, every mute due is lifted.
   * False when that did not happen in time (the checks that follow say what is missing).
   */
  async settle(procs: BotProcess[], timeoutMs = 150_000, quietMs = 3_000): Promise<boolean> {
    let calls = -1;
    let since = Date.now();
    return waitFor(
      () => {
        if (procs.some((p) => !p.running)) return false;
        if (this.tg.calls.length !== calls) {
          calls = this.tg.calls.length;
          since = Date.now();
        }
        const mutesDone = this.mutes.every((m) => this.unrestricted(m.member));
        return this.tg.pendingUpdates.length === 0 && mutesDone && Date.now() - since >= quietMs;
      },
      { timeoutMs, intervalMs: 100 },
    ).catch(() => false);
  }

  /** What the group shows for each held post: copies re-posted (should be 1) and the original's fate. */
  reposted(text: string): number {
    return this.reposts(text).length;
  }
}
