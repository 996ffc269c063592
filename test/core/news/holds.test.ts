import { describe, expect, it } from "vitest";
import type { Decision } from "../../../src/core/decisions.js";
import { DAY } from "../../../src/core/ports/clock.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";

const NEWS = `news:
  enabled: true
  domains: ["example.com", "reuters.com"]
  keywords: ["breaking"]
  expire_after: 2d
`;

async function start(extra = NEWS): Promise<Harness> {
  return startHarness(consoleConfig(extra));
}

const texts = (h: Harness, chat: string) => h.world.visible(h.session.chat(chat)).map((m) => m.text);
const privateTexts = (h: Harness, user: string) =>
  h.world.privateMessages(h.session.account(user)).map((m) => m.text);
const card = (h: Harness) =>
  h.world
    .visible(h.session.chat("review"))
    .filter((m) => (m.buttons?.length ?? 0) > 0)
    .at(-1);
const holdIdOf = (h: Harness) => /Held post (h\w+)/.exec(card(h)?.text ?? "")?.[1] ?? "";
const kinds = (decisions: Decision[]) => decisions.map((d) => d.kind);

describe("news holds: taking a post into a hold", () => {
  it("holds a news link: copies it to the review chat with a card, deletes the original, tells the author", async () => {
    const h = await start();
    const { decisions } = await h.session.say("alice", "lobby", "look https://www.reuters.com/world/x");
    expect(kinds(decisions)).toEqual(["post_card", "schedule", "delete", "send_private"]);
    expect(texts(h, "lobby")).toEqual([]);
    const review = h.world.visible(h.session.chat("review"));
    expect(review.map((m) => m.text)).toEqual([
      "look https://www.reuters.com/world/x",
      expect.stringContaining("Held post h"),
    ]);
    expect(card(h)?.text).toContain("a link to reuters.com");
    expect(
      card(h)
        ?.buttons?.flat()
        .map((b) => b.label),
    ).toEqual(["Approve", "Reject", "Reject and warn"]);
    for (const b of card(h)?.buttons?.flat() ?? []) expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(64);
    expect(privateTexts(h, "alice").at(-1)).toContain("an admin has to approve it");
  });

  it("stores the hold durably before any platform action", async () => {
    const h = await start();
    const { decisions } = await h.session.say("alice", "lobby", "https://example.com/a");
    const tag = decisions[0]?.record;
    expect(tag?.kind).toBe("hold.card");
    const hold = await h.store.get<{ status: string; parts: unknown[] }>(`news:hold:${String(tag?.holdId)}`);
    expect(hold?.status).toBe("pending");
    expect(hold?.parts).toHaveLength(1);
    expect(await h.store.setMembers("news:pending:demo")).toEqual([tag?.holdId]);
  });

  it("holds the folded domain forms ｎｅｗｓ．example．com and example。com", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "看 ｎｅｗｓ．example．com/a，好");
    await h.session.say("bob", "lobby", "消息在 example。com");
    expect(texts(h, "lobby")).toEqual([]);
    expect(h.world.visible(h.session.chat("review")).filter((m) => m.buttons?.length)).toHaveLength(2);
  });

  it("lets ordinary posts, user forwards and look-alike domains through", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "hello notexample.com");
    await h.session.say("alice", "lobby", "from a friend", { forwardedFrom: { kind: "user" } });
    expect(texts(h, "lobby")).toEqual(["hello notexample.com", "from a friend"]);
    expect(texts(h, "review")).toEqual([]);
  });

  it("holds channel forwards, keywords, text_link entities and captions", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "look", { forwardedFrom: { kind: "channel", title: "Daily" } });
    await h.session.say("alice", "lobby", "BREAKING: things");
    await h.session.say("alice", "lobby", "click here", { links: ["https://news.example.com/s"] });
    await h.session.say("alice", "lobby", "photo from reuters.com", { media: ["photo"] });
    expect(texts(h, "lobby")).toEqual([]);
    const cards = h.world
      .visible(h.session.chat("review"))
      .filter((m) => m.buttons?.length)
      .map((m) => m.text);
    expect(cards[0]).toContain("forwarded from Daily");
    expect(cards[1]).toContain("the keyword “breaking”");
    expect(cards[2]).toContain("a link to example.com");
    expect(cards[3]).toContain("a link to reuters.com");
  });

  it("tells the author in their own language", async () => {
    const h = await start();
    h.session.setLanguage("alice", "zh");
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    expect(privateTexts(h, "alice").at(-1)).toBe(
      "你在 Demo (console:lobby) 的帖子看起来是新闻（指向 reuters.com 的链接），需要管理员批准后才会发布。管理员决定后我会告诉你。",
    );
  });

  it("does nothing when the news pillar is off", async () => {
    const h = await start("");
    await h.session.say("alice", "lobby", "https://www.reuters.com/x");
    expect(texts(h, "lobby")).toHaveLength(1);
  });

  it("holds an edit that turns an ordinary post into a news post", async () => {
    const h = await start();
    const { message } = await h.session.say("alice", "lobby", "hi all");
    expect(texts(h, "lobby")).toEqual(["hi all"]);
    await h.session.edit("alice", "lobby", message.ref.id, "hi all, see example.com/x");
    expect(texts(h, "lobby")).toEqual([]);
    expect(card(h)?.text).toContain("became news through an edit");
  });

  it("exempts admins: configured, and platform admins of the chat", async () => {
    const h = await start();
    await h.session.say("admin", "lobby", "https://reuters.com/a");
    h.session.setAdmin("carol", "lobby");
    await h.session.say("carol", "lobby", "https://reuters.com/b");
    expect(texts(h, "lobby")).toHaveLength(2);
    expect(texts(h, "review")).toEqual([]);
  });

  it("keeps the post up and tells the admins when the copy to the review chat fails", async () => {
    const h = await start();
    h.world.failNext("post_card", { message: "bot is not in the review chat" });
    const { outcomes } = await h.session.say("alice", "lobby", "https://reuters.com/a");
    expect(outcomes.map((o) => o.status).slice(0, 4)).toEqual(["failed", "skipped", "skipped", "skipped"]);
    expect(texts(h, "lobby")).toEqual(["https://reuters.com/a"]);
    expect(texts(h, "modlog").join("\n")).toContain("so I left it up: bot is not in the review chat");
    expect(await h.store.setMembers("news:pending:demo")).toEqual([]);
    expect(privateTexts(h, "alice")).toEqual([]);
  });

  it("notes an original it could not delete, and approving it then posts nothing twice", async () => {
    const h = await start();
    h.world.failNext("delete", { message: "message too old" });
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    expect(texts(h, "lobby")).toEqual(["https://reuters.com/a"]);
    expect(card(h)?.text).toContain("could not delete the original");
    const { decisions } = await h.session.press("admin", "Approve", { chat: "review" });
    expect(kinds(decisions)).not.toContain("repost");
    expect(texts(h, "lobby")).toEqual(["https://reuters.com/a"]);
  });
});

describe("news holds: publishers", () => {
  it("/publisher add by name makes a member's news posts pass; remove makes them held again", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "hello");
    await h.session.say("admin", "lobby", "/publisher add alice");
    expect(texts(h, "lobby").at(-1)).toContain("alice is now a publisher");
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    expect(texts(h, "lobby")).toContain("https://reuters.com/a");
    await h.session.say("admin", "lobby", "/publisher list");
    expect(texts(h, "lobby").at(-1)).toBe("Publishers in Demo: alice");
    await h.session.say("admin", "lobby", "/publisher remove console:alice");
    await h.session.say("alice", "lobby", "https://reuters.com/b");
    expect(texts(h, "lobby")).not.toContain("https://reuters.com/b");
  });

  it("/publisher add by reply, and refuses non-admins and unknown names", async () => {
    const h = await start();
    const { message } = await h.session.say("bob", "lobby", "hi");
    await h.session.say("admin", "lobby", "/publisher add", { replyTo: message.ref.id });
    expect(texts(h, "lobby").at(-1)).toContain("bob is now a publisher");
    await h.session.say("mallory", "lobby", "/publisher add mallory");
    expect(texts(h, "lobby").at(-1)).toContain("for admins");
    await h.session.say("admin", "lobby", "/publisher add nobody");
    expect(texts(h, "lobby").at(-1)).toContain("I don't know that member (nobody)");
  });

  it("keeps publishers per community", async () => {
    const h = await startHarness(`${consoleConfig(NEWS)}
  - id: other
    name: Other
    admins: ["console:admin"]
    review_chat: "console:review2"
    chats:
      - id: "console:elsewhere"
    news:
      enabled: true
      domains: ["reuters.com"]
`);
    await h.session.say("alice", "lobby", "hello");
    await h.session.say("admin", "lobby", "/publisher add alice");
    await h.session.say("alice", "elsewhere", "https://reuters.com/a");
    expect(texts(h, "elsewhere")).toEqual([]);
    expect(texts(h, "review2")).toHaveLength(2);
  });
});

describe("news holds: deciding", () => {
  it("approve re-posts in the original chat and thread, replying to the same message, with attribution", async () => {
    const h = await start();
    const { message: first } = await h.session.say("bob", "lobby", "question?", { thread: "t7" });
    await h.session.say("alice", "lobby", "answer: https://reuters.com/a", {
      thread: "t7",
      replyTo: first.ref.id,
    });
    const { decisions } = await h.session.press("admin", "Approve", { chat: "review" });
    const repost = decisions.find((d) => d.kind === "repost");
    expect(repost).toMatchObject({
      chat: "console:lobby",
      thread: "t7",
      replyTo: first.ref.id,
      attribution: "Posted by alice",
    });
    expect(repost?.kind === "repost" && repost.copies).toHaveLength(1);
    const posted = h.world.visible(h.session.chat("lobby")).at(-1);
    expect(posted?.text).toBe("Posted by alice\nanswer: https://reuters.com/a");
    expect(posted?.ref.thread).toBe("t7");
    expect(card(h)).toBeUndefined();
    expect(h.world.visible(h.session.chat("review")).at(-1)?.text).toContain("✅ Approved by admin");
    expect(privateTexts(h, "alice").at(-1)).toContain("was approved");
    const cases = await h.runtime.services.cases.of("demo" as never, h.session.account("alice"));
    expect(cases.map((c) => c.action)).toEqual(["hold_approved"]);
  });

  it("re-posts exactly once when two admins approve at the same moment", async () => {
    const h = await start();
    h.session.setAdmin("carol", "review");
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    const [a, b] = await Promise.all([
      h.session.press("admin", "Approve", { chat: "review" }),
      h.session.press("carol", "Approve", { chat: "review" }),
    ]);
    const reposts = [...a.decisions, ...b.decisions].filter((d) => d.kind === "repost");
    expect(reposts).toHaveLength(1);
    expect(texts(h, "lobby")).toHaveLength(1);
    const loser = kinds(a.decisions).includes("repost") ? "carol" : "admin";
    const winnerName = loser === "carol" ? "admin" : "carol";
    expect(privateTexts(h, loser).at(-1)).toMatch(
      new RegExp(`already approved by ${winnerName} at 2026-01-05 09:00 UTC`),
    );
  });

  it("answers a retried press with who decided and when, and changes nothing", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    const id = holdIdOf(h);
    const cardId = card(h)?.ref.id ?? "";
    await h.session.press("admin", "Reject", { chat: "review", id: cardId });
    h.clock.advance(60_000);
    // The old card lost its buttons; a client that cached the button sends the same data again.
    const { decisions } = await h.session.dispatch({
      kind: "button_pressed",
      data: `hold:approve:${id}`,
      actor: h.session.actor("admin", "review"),
      chat: h.session.chat("review"),
    });
    expect(kinds(decisions)).toEqual(["send_private"]);
    expect(privateTexts(h, "admin").at(-1)).toBe(
      `Held post ${id} was already rejected by admin at 2026-01-05 09:00 UTC.`,
    );
    expect(texts(h, "lobby")).toEqual([]);
  });

  it("a failed re-post is shown on the card and can be retried once with /approvepost", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    const id = holdIdOf(h);
    h.world.failNext("repost", { message: "chat not found", code: "not_found" });
    await h.session.press("admin", "Approve", { chat: "review" });
    expect(texts(h, "lobby")).toEqual([]);
    expect(texts(h, "review").join("\n")).toContain(`The re-post failed; retry with /approvepost ${id}`);
    await h.session.say("admin", "review", `/approvepost ${id}`);
    expect(texts(h, "lobby")).toEqual(["Posted by alice\nhttps://reuters.com/a"]);
    await h.session.say("admin", "review", `/approvepost ${id}`);
    expect(texts(h, "lobby")).toHaveLength(1);
    expect(texts(h, "review").at(-1)).toContain("was already approved by admin");
  });

  it("refuses a non-admin's press privately and changes nothing", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    const { decisions } = await h.session.press("mallory", "Approve", { chat: "review" });
    expect(kinds(decisions)).toEqual(["send_private"]);
    expect(privateTexts(h, "mallory")).toEqual(["Only admins of this community can do that."]);
    expect(texts(h, "lobby")).toEqual([]);
    expect(card(h)?.buttons).toBeDefined();
    await h.session.press("admin", "Approve", { chat: "review" });
    expect(texts(h, "lobby")).toHaveLength(1);
  });

  it("refuses an admin of another community", async () => {
    const h = await startHarness(`${consoleConfig(NEWS)}
  - id: other
    name: Other
    admins: ["console:otheradmin"]
    chats:
      - id: "console:elsewhere"
`);
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    const id = holdIdOf(h);
    await h.session.tell("otheradmin", `/approvepost ${id}`);
    expect(privateTexts(h, "otheradmin").at(-1)).toBe("Only admins of this community can do that.");
    expect(texts(h, "lobby")).toEqual([]);
  });

  it("reject tells the author the default reason and opens a case", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    const { decisions } = await h.session.press("admin", "Reject", { chat: "review" });
    expect(kinds(decisions)).not.toContain("repost");
    expect(privateTexts(h, "alice").at(-1)).toBe(
      "Your post in Demo (console:lobby) was not published. Reason: an admin did not approve it for this chat",
    );
    expect(h.world.visible(h.session.chat("review")).at(-1)?.text).toContain("❌ Rejected by admin");
    const cases = await h.runtime.services.cases.of("demo" as never, h.session.account("alice"));
    expect(cases.map((c) => c.action)).toEqual(["hold_rejected"]);
  });

  it("/rejectpost <id> <reason> in the review chat gives the author the admin's reason", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    const id = holdIdOf(h);
    await h.session.say("admin", "review", `/rejectpost ${id} unconfirmed rumour`);
    expect(privateTexts(h, "alice").at(-1)).toBe(
      "Your post in Demo (console:lobby) was not published. Reason: unconfirmed rumour",
    );
    expect(h.world.visible(h.session.chat("review")).find((m) => m.text.includes("❌"))?.text).toContain(
      "unconfirmed rumour",
    );
    await h.session.say("admin", "review", "/rejectpost");
    expect(texts(h, "review").at(-1)).toContain("Usage: /rejectpost <hold id> <reason>");
    await h.session.say("admin", "review", "/rejectpost hnope x");
    expect(texts(h, "review").at(-1)).toBe("There is no held post hnope.");
  });

  it("reject and warn records a violation for the author", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.session.press("admin", "Reject and warn", { chat: "review" });
    expect(privateTexts(h, "alice").some((t) => t.includes("counts as a warning"))).toBe(true);
    const cases = await h.runtime.services.cases.of("demo" as never, h.session.account("alice"));
    expect(cases.map((c) => c.action)).toContain("hold_rejected");
    expect(cases.some((c) => c.category === "rejected_post" && c.source === "hold")).toBe(true);
  });

  it("attributes a verified author with a mark, and the real name only when the community opted in", async () => {
    const h = await start();
    h.runtime.services.identities.lookup = async () => ({ identity: "i1", accounts: [], verified: true });
    h.runtime.services.identities.realName = async () => "Alice Real";
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.session.press("admin", "Approve", { chat: "review" });
    expect(texts(h, "lobby").at(-1)).toBe("Posted by alice ✔ verified\nhttps://reuters.com/a");

    const h2 = await start(`${NEWS}  attribute_real_name: true\n`);
    h2.runtime.services.identities.lookup = async () => ({ identity: "i1", accounts: [], verified: true });
    h2.runtime.services.identities.realName = async () => "Alice Real";
    await h2.session.say("alice", "lobby", "https://reuters.com/a");
    await h2.session.press("admin", "Approve", { chat: "review" });
    expect(texts(h2, "lobby").at(-1)).toBe("Posted by Alice Real ✔ verified\nhttps://reuters.com/a");
  });
});

describe("news holds: expiry, queue, restart", () => {
  it("expires an undecided hold as rejected across a restart, and tells the author", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.restart();
    expect(await h.advance(2 * DAY - 1000)).toBe(0);
    expect(await h.advance(2000)).toBe(1);
    expect(privateTexts(h, "alice").at(-1)).toContain("was not reviewed within 2d");
    expect(h.world.visible(h.session.chat("review")).at(-1)?.text).toContain("⌛ Expired");
    expect(await h.store.setMembers("news:pending:demo")).toEqual([]);
    const cases = await h.runtime.services.cases.of("demo" as never, h.session.account("alice"));
    expect(cases.map((c) => c.action)).toEqual(["hold_expired"]);
    expect(card(h)).toBeUndefined();
    expect(texts(h, "lobby")).toEqual([]);
  });

  it("a decided hold does not expire later", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.session.press("admin", "Approve", { chat: "review" });
    expect(await h.advance(3 * DAY)).toBe(0);
    expect(privateTexts(h, "alice").some((t) => t.includes("not reviewed"))).toBe(false);
  });

  it("a pending hold and its card survive a restart and can still be decided", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.restart();
    await h.session.press("admin", "Approve", { chat: "review" });
    expect(texts(h, "lobby")).toEqual(["Posted by alice\nhttps://reuters.com/a"]);
  });

  it("/queue lists pending holds in the review chat, and privately elsewhere", async () => {
    const h = await start();
    await h.session.say("admin", "review", "/queue");
    expect(texts(h, "review").at(-1)).toBe("No posts are waiting for approval in Demo.");
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    h.clock.advance(90 * 60_000);
    await h.session.say("admin", "review", "/queue");
    const id = holdIdOf(h);
    expect(texts(h, "review").at(-1)).toBe(
      `Waiting for approval in Demo (1):\n${id} — alice in Demo (console:lobby), 1h30m ago: a link to reuters.com`,
    );
    await h.session.tell("admin", "/queue");
    expect(privateTexts(h, "admin").at(-1)).toContain(id);
    await h.session.say("admin", "lobby", "/queue");
    expect(texts(h, "lobby").every((t) => !t.includes(id))).toBe(true);
    await h.session.tell("alice", "/queue");
    expect(privateTexts(h, "alice").at(-1)).toContain("for admins");
  });
});

describe("news holds: albums", () => {
  it("holds an album as one unit and re-posts it as one", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "", { media: ["photo"], albumId: "A1" });
    await h.session.say("alice", "lobby", "pics from reuters.com/x", { media: ["photo"], albumId: "A1" });
    await h.session.say("alice", "lobby", "", { media: ["photo"], albumId: "A1" });
    // The first part was ordinary when it arrived; the parts wait for the settle timer.
    expect(texts(h, "review")).toEqual([]);
    expect(await h.advance(3_000)).toBe(1);
    expect(texts(h, "lobby")).toEqual([]);
    const review = h.world.visible(h.session.chat("review"));
    expect(review).toHaveLength(4);
    expect(card(h)?.text).toContain("An album of 3 messages");
    const { decisions } = await h.session.press("admin", "Approve", { chat: "review" });
    const reposts = decisions.filter((d) => d.kind === "repost");
    expect(reposts).toHaveLength(1);
    expect(reposts[0]?.kind === "repost" && reposts[0].content.map((c) => c.text)).toEqual([
      "",
      "pics from reuters.com/x",
      "",
    ]);
    expect(reposts[0]?.kind === "repost" && reposts[0].copies).toHaveLength(3);
  });

  it("an album that is not news passes untouched", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "holiday", { media: ["photo"], albumId: "A2" });
    await h.session.say("alice", "lobby", "", { media: ["photo"], albumId: "A2" });
    expect(await h.advance(10_000)).toBe(0);
    expect(texts(h, "lobby")).toHaveLength(2);
  });

  it("an edit that makes an album's caption news holds the whole album", async () => {
    const h = await start();
    const { message } = await h.session.say("alice", "lobby", "holiday", { media: ["photo"], albumId: "A3" });
    await h.session.say("alice", "lobby", "", { media: ["photo"], albumId: "A3" });
    await h.session.edit("alice", "lobby", message.ref.id, "holiday, via reuters.com", {
      media: ["photo"],
      albumId: "A3",
    });
    expect(texts(h, "lobby")).toEqual([]);
    expect(card(h)?.text).toContain("An album of 2 messages");
  });

  it("a pending album settles after a restart", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "reuters.com/x", { media: ["photo"], albumId: "A4" });
    await h.restart();
    await h.session.say("alice", "lobby", "", { media: ["video"], albumId: "A4" });
    expect(await h.advance(3_000)).toBe(1);
    expect(card(h)?.text).toContain("An album of 2 messages");
  });
});

describe("news holds: personal data", () => {
  it("shows the author's holds in /mydata and erases them with /forgetme, withdrawing a pending one", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.session.tell("alice", "/mydata");
    const exported = privateTexts(h, "alice").at(-1) ?? "";
    expect(exported).toContain('"heldPosts"');
    expect(exported).toContain("https://reuters.com/a");
    await h.session.tell("alice", "/forgetme");
    await h.session.tell("alice", "/mydata");
    expect(privateTexts(h, "alice").at(-1)).not.toContain("heldPosts");
    expect(await h.store.setMembers("news:pending:demo")).toEqual([]);
    expect(await h.advance(3 * DAY)).toBe(0);
    await h.session.press("admin", "Approve", { chat: "review" });
    expect(privateTexts(h, "admin").at(-1)).toMatch(/There is no held post h\w+\./);
    expect(texts(h, "lobby")).toEqual([]);
  });

  it("tells a publisher who erases their data that the publisher status stays", async () => {
    const h = await start();
    await h.session.say("alice", "lobby", "hello");
    await h.session.say("admin", "lobby", "/publisher add alice");
    await h.session.tell("alice", "/forgetme");
    expect(privateTexts(h, "alice").at(-1)).toContain("You remain a publisher in Demo");
  });
});
