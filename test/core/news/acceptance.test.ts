/**
 * Acceptance checks of the news-approval hold (issue 4) that the unit-level holds tests leave open:
 * storage failures, a press racing the expiry timer, attribution through the real verification module,
 * and texts in the author's language.
 */
import { describe, expect, it } from "vitest";
import { interceptStore } from "../../support/intercept-store.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { DAY } from "../../../src/core/ports/clock.js";
import { StoreError, type KeyValueStore } from "../../../src/core/ports/store.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";
import { NEWS } from "../../support/hold-configs.js";

const texts = (h: Harness, chat: string) => h.world.visible(h.session.chat(chat)).map((m) => m.text);
const privateTexts = (h: Harness, user: string) =>
  h.world
    .privateMessages(h.session.account(user))
    .filter((m) => m.author === "bot")
    .map((m) => m.text);
const card = (h: Harness) =>
  h.world
    .visible(h.session.chat("review"))
    .filter((m) => (m.buttons?.length ?? 0) > 0)
    .at(-1);
const holdIdOf = (h: Harness) => /Held post (h\w+)/.exec(card(h)?.text ?? "")?.[1] ?? "";

/** A memory store whose writes to keys with `prefix` fail once armed, like a full disk. */
function failingWrites(prefix: string): { store: KeyValueStore; arm: () => void } {
  const inner = new MemoryStore();
  let armed = false;
  const check = (key: string) => {
    if (armed && key.startsWith(prefix)) throw new StoreError("disk full", "backend_failed");
  };
  const writes = new Set<string>([
    "set",
    "update",
    "change",
    "setIfAbsent",
    "increment",
    "addToSet",
    "schedule",
  ]);
  const store = interceptStore(inner, (op, key) => {
    if (writes.has(op)) check(key);
  });
  return { store, arm: () => (armed = true) };
}

describe("news holds: the post is stored before anything happens on the platform", () => {
  for (const prefix of ["news:hold:", "news:holds-by:", "news:held-msg:", "news:pending:"]) {
    it(`leaves the original up when writing ${prefix}… fails`, async () => {
      const { store, arm } = failingWrites(prefix);
      const h = await startHarness(consoleConfig(NEWS), { store });
      arm();
      await expect(h.session.say("alice", "lobby", "https://reuters.com/a")).rejects.toThrow("disk full");
      expect(texts(h, "lobby")).toEqual(["https://reuters.com/a"]);
      expect(h.world.effects.map((e) => e.decision.kind)).not.toContain("delete");
      expect(texts(h, "review")).toEqual([]);
      expect(privateTexts(h, "alice")).toEqual([]);
    });
  }
});

/** A memory store that lets other work run before every access to a hold, so racing flows interleave. */
function slowHolds(): KeyValueStore {
  const inner = new MemoryStore();
  const pause = async (key: string) => {
    if (key.startsWith("news:hold:")) for (let i = 0; i < 3; i++) await new Promise(setImmediate);
  };
  return interceptStore(inner, async (op, key) => {
    if (op !== "delete") await pause(key);
  });
}

describe("news holds: exactly once against the expiry timer", () => {
  for (const order of ["press first", "timer first"] as const) {
    it(`an Approve press racing the expiry timer (${order}) decides the hold once`, async () => {
      const h = await startHarness(consoleConfig(NEWS), { store: slowHolds() });
      await h.session.say("alice", "lobby", "https://reuters.com/a");
      const cardRef = card(h)?.ref.id ?? "";
      const press = () => h.session.press("admin", "Approve", { chat: "review", id: cardRef });
      const expire = () => h.advance(2 * DAY);
      await Promise.all(order === "press first" ? [press(), expire()] : [expire(), press()]);

      const approved = texts(h, "lobby").length === 1;
      const told = privateTexts(h, "alice").filter((t) => !t.includes("an admin has to approve it"));
      expect(told).toHaveLength(1);
      expect(told[0]).toContain(approved ? "was approved" : "was not reviewed within 2d");
      const cases = await h.runtime.services.cases.of("demo" as never, h.session.account("alice"));
      expect(cases.map((c) => c.action)).toEqual([approved ? "hold_approved" : "hold_expired"]);
      const finalCard = texts(h, "review").at(-1) ?? "";
      expect(finalCard).toContain(approved ? "✅ Approved by admin" : "⌛ Expired");
      if (!approved) expect(privateTexts(h, "admin").at(-1)).toMatch(/expired at .* without a decision/);
      // Nothing is left to fire or decide.
      expect(await h.advance(3 * DAY)).toBe(0);
      expect(await h.store.setMembers("news:pending:demo")).toEqual([]);
    });
  }

  it("/approvepost after the hold expired tells the admin when it expired and posts nothing", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    const id = holdIdOf(h);
    await h.advance(2 * DAY);
    await h.session.say("admin", "review", `/approvepost ${id}`);
    expect(texts(h, "review").at(-1)).toBe(
      `Held post ${id} expired at 2026-01-07 09:00 UTC without a decision.`,
    );
    expect(texts(h, "lobby")).toEqual([]);
  });

  it("a second admin's press is answered in their own language with who decided and when", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    h.session.setAdmin("carol", "review");
    h.session.setLanguage("carol", "zh");
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    const id = holdIdOf(h);
    await h.session.press("admin", "Approve", { chat: "review" });
    h.clock.advance(5 * 60_000);
    await h.session.dispatch({
      kind: "button_pressed",
      data: `hold:warn:${id}`,
      actor: h.session.actor("carol", "review"),
      chat: h.session.chat("review"),
    });
    expect(privateTexts(h, "carol").at(-1)).toBe(`待审帖子 ${id} 已由 admin 于 2026-01-05 09:00 UTC 批准。`);
    const cases = await h.runtime.services.cases.of("demo" as never, h.session.account("alice"));
    expect(cases.map((c) => c.action)).toEqual(["hold_approved"]);
  });
});

describe("news holds: rejection reasons reach the author in the author's language", () => {
  it("the default reason, an admin's own reason, and the warning notice of Reject and warn", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    h.session.setLanguage("alice", "zh");
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.session.press("admin", "Reject", { chat: "review" });
    expect(privateTexts(h, "alice").at(-1)).toBe(
      "你在 Demo (console:lobby) 的帖子未被发布。原因：管理员未批准在此群发布",
    );
    // The card stays in the community's language.
    expect(texts(h, "review").at(-1)).toContain("an admin did not approve it for this chat");

    await h.session.say("alice", "lobby", "https://reuters.com/b");
    await h.session.say("admin", "review", `/rejectpost ${holdIdOf(h)} unconfirmed rumour`);
    expect(privateTexts(h, "alice").at(-1)).toBe(
      "你在 Demo (console:lobby) 的帖子未被发布。原因：unconfirmed rumour",
    );

    await h.session.say("alice", "lobby", "https://reuters.com/c");
    await h.session.press("admin", "Reject and warn", { chat: "review" });
    const after = privateTexts(h, "alice").slice(-2);
    expect(after[0]).toBe(
      "你在 Demo (console:lobby) 的帖子未被发布，并记为一次警告。原因：管理员未批准在此群发布",
    );
    // The sanctions notice of the warning carries the same reason, also in Chinese.
    expect(after[1]).toContain("原因：管理员未批准在此群发布");
    expect(after.join("\n")).not.toContain("an admin did not approve");
  });

  it("rejection and expiry notices fall back to the chat when the author has no private chat with the bot", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    const alice = h.session.account("alice");
    const toAlice = () =>
      h.world.effects
        .map((e) => e.decision)
        .filter((d) => d.kind === "send_private" && d.account === alice)
        .at(-1);
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.session.press("admin", "Reject", { chat: "review" });
    expect(toAlice()).toMatchObject({
      text: expect.stringContaining("Reason:"),
      fallbackChat: "console:lobby",
    });
    await h.session.say("alice", "second", "https://reuters.com/b");
    await h.advance(2 * DAY);
    expect(toAlice()).toMatchObject({
      text: expect.stringContaining("not reviewed"),
      fallbackChat: "console:second",
    });
  });

  it("expiry tells a Chinese-speaking author in Chinese", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    h.session.setLanguage("alice", "zh");
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.advance(2 * DAY);
    expect(privateTexts(h, "alice").at(-1)).toBe(
      "你在 Demo (console:lobby) 的帖子在 2d 内无人审核，因此未被发布。你可以重新发送。",
    );
  });
});

describe("news holds: attribution through the verification module's identity directory", () => {
  const withVerification = (extra = "") => `verification:
  required: true
  method: self_declared
  fields:
    legal_name: true
  rules: "Be kind."
${NEWS}${extra}`;

  async function verify(h: Harness, user: string, name: string): Promise<void> {
    await h.session.tell(user, "/verify");
    await h.session.tell(user, name);
    await h.session.press(user, "Accept");
    expect(privateTexts(h, user).at(-1)).toContain("verified for Demo");
  }

  it("shows the display name with a verified mark, and never the real name, by default", async () => {
    const h = await startHarness(consoleConfig(withVerification()));
    await verify(h, "alice", "Alice Example");
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.session.press("admin", "Approve", { chat: "review" });
    expect(texts(h, "lobby")).toEqual(["Posted by alice ✔ verified\nhttps://reuters.com/a"]);
    for (const chat of ["lobby", "review", "modlog"])
      expect(texts(h, chat).join("\n")).not.toContain("Alice Example");
  });

  it("shows the verified real name when the community opted in, and no mark for an unverified member", async () => {
    const h = await startHarness(consoleConfig(withVerification("  attribute_real_name: true\n")));
    await verify(h, "alice", "Alice Example");
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.session.press("admin", "Approve", { chat: "review" });
    expect(texts(h, "lobby").at(-1)).toBe("Posted by Alice Example ✔ verified\nhttps://reuters.com/a");
    // The card in the review chat still names the display name.
    expect(texts(h, "review").join("\n")).not.toContain("Alice Example");

    await h.session.say("bob", "lobby", "https://reuters.com/b");
    await h.session.press("admin", "Approve", { chat: "review" });
    expect(texts(h, "lobby").at(-1)).toBe("Posted by bob\nhttps://reuters.com/b");
  });
});

describe("news holds: attribution looks only at the hold's own community", () => {
  it("never publishes a real name given to another community, nor marks that member verified here", async () => {
    const h = await startHarness(`${consoleConfig(`${NEWS}  attribute_real_name: true\n`)}
  - id: other
    name: Other
    admins: ["console:admin"]
    review_chat: "console:review2"
    chats:
      - id: "console:elsewhere"
    verification:
      required: true
      method: self_declared
      fields:
        legal_name: true
      rules: "Be kind."
`);
    await h.session.tell("alice", "/start verify-other");
    await h.session.tell("alice", "Alice Example");
    await h.session.press("alice", "Accept");
    expect(privateTexts(h, "alice").at(-1)).toContain("verified for Other");
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    await h.session.press("admin", "Approve", { chat: "review" });
    expect(texts(h, "lobby")).toEqual(["Posted by alice\nhttps://reuters.com/a"]);
  });
});

describe("news holds: /queue names members only in the review chat or privately", () => {
  it("answers an admin privately when asked in an ordinary chat, and refuses members", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    await h.session.say("alice", "lobby", "https://reuters.com/a");
    const id = holdIdOf(h);
    await h.session.say("admin", "lobby", "/queue");
    expect(texts(h, "lobby").join("\n")).not.toContain("alice");
    expect(privateTexts(h, "admin").at(-1)).toContain(`${id} — alice in Demo (console:lobby)`);
    await h.session.say("bob", "lobby", "/queue");
    expect(texts(h, "lobby").join("\n")).not.toContain(id);
    expect(privateTexts(h, "bob").join("\n")).not.toContain(id);
  });
});

describe("news holds: an album is one unit", () => {
  it("a part arriving after the album's card is up is held on its own instead of showing", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    await h.session.say("alice", "lobby", "via reuters.com/x", { media: ["photo"], albumId: "L1" });
    expect(await h.advance(3_000)).toBe(1);
    const first = holdIdOf(h);
    await h.session.say("alice", "lobby", "", { media: ["photo"], albumId: "L1" });
    expect(await h.advance(3_000)).toBe(1);
    expect(texts(h, "lobby")).toEqual([]);
    const second = holdIdOf(h);
    expect(second).not.toBe(first);
    expect(card(h)?.text).toContain("Why: a link to reuters.com");
    // Deciding the first card leaves the late part's card pending.
    await h.session.press("admin", "Reject", {
      chat: "review",
      id: h.world.visible(h.session.chat("review")).find((m) => m.text.includes(first))?.ref.id ?? "",
    });
    expect(holdIdOf(h)).toBe(second);
  });

  it("a late part of an album that was already decided passes", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    await h.session.say("alice", "lobby", "via reuters.com/x", { media: ["photo"], albumId: "L2" });
    await h.advance(3_000);
    await h.session.press("admin", "Approve", { chat: "review" });
    await h.session.say("alice", "lobby", "", { media: ["photo"], albumId: "L2" });
    expect(await h.advance(3_000)).toBe(0);
    expect(texts(h, "lobby")).toHaveLength(2);
  });
});
