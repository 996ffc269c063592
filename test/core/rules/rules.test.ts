import { describe, expect, it } from "vitest";
import type { CommunityId } from "../../../src/core/ids.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";

const RULES = `rules:
  categories:
    terrorism:
      term_files: [config/terms/terrorism.txt]
      points: 10
      jump_to: ban
    spam:
      terms: ["free crypto", "加微信", "法轮功"]
      domains: ["scam.example", "*.bad-links.test"]
      points: 1
    rumours:
      terms: ["紧急扩散"]
      action: hold
      points: 2
    insults:
      patterns: ["\\\\bidiots?\\\\b", "(蠢货){2,}"]
      action: record
      points: 1
`;

const demo = "demo" as CommunityId;

async function setup(extra = RULES): Promise<Harness> {
  return startHarness(consoleConfig(extra));
}

function visibleTexts(h: Harness, chat: string): string[] {
  return h.world.visible(h.session.chat(chat)).map((m) => m.text);
}

/** The content-rules line of the mod-log (the sanctions module writes its own lines there too). */
function ruleLog(h: Harness): string {
  return visibleTexts(h, "modlog").find((t) => t.includes("Content rules")) ?? "";
}

async function casesOf(h: Harness, user: string) {
  return h.runtime.services.cases.of(demo, h.session.account(user));
}

describe("content rules: actions", () => {
  it("deletes a message with a listed term and records a violation naming the category and the term", async () => {
    const h = await setup();
    const { outcomes } = await h.session.say("mallory", "lobby", "Get FREE crypto here!");
    expect(outcomes[0]?.status).toBe("ok");
    expect(visibleTexts(h, "lobby")).not.toContain("Get FREE crypto here!");
    const cases = await casesOf(h, "mallory");
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      source: "rule",
      category: "spam",
      actor: "bot",
      points: 1,
      chat: "console:lobby",
    });
    expect(cases[0]?.reason).toBe('matched spam term "free crypto"');
    const log = ruleLog(h);
    expect(log).toContain("spam");
    expect(log).toContain("“free crypto”");
    expect(log).toContain("FREE crypto");
  });

  it("leaves a clean message alone and records nothing", async () => {
    const h = await setup();
    const texts = [
      "Morning all, the crypto meetup moved to Friday.",
      "我们明天一起去看电影吧，记得带伞。",
      "That was a classic free-for-all, me me me.",
      "See https://example.org/news for the schedule",
    ];
    for (const text of texts) await h.session.say("alice", "lobby", text);
    expect(visibleTexts(h, "lobby")).toEqual(texts);
    expect(await casesOf(h, "alice")).toEqual([]);
    expect(visibleTexts(h, "modlog")).toEqual([]);
  });

  it("only records a violation for a `record` category and keeps the message", async () => {
    const h = await setup();
    await h.session.say("bob", "lobby", "you are all idiots");
    expect(visibleTexts(h, "lobby")).toContain("you are all idiots");
    const cases = await casesOf(h, "bob");
    expect(cases.map((c) => [c.category, c.reason])).toEqual([
      ["insults", "matched insults pattern /\\bidiots?\\b/"],
    ]);
  });

  it("holds a `hold` category hit: preserved to the review chat, deleted, nothing recorded until an admin confirms", async () => {
    const h = await setup();
    await h.session.say("carol", "lobby", "紧急扩散！明天停水");
    expect(visibleTexts(h, "lobby")).toEqual([]);
    const review = h.world.visible(h.session.chat("review"));
    expect(review.map((m) => m.text)).toContain("紧急扩散！明天停水");
    const card = review.at(-1);
    expect(card?.text).toContain("rumours");
    expect(card?.buttons?.flat().map((b) => b.label)).toEqual(["Confirm violation", "Release"]);
    expect(await casesOf(h, "carol")).toEqual([]);
    expect(h.world.privateMessages(h.session.account("carol")).at(-1)?.text).toContain("held for review");

    await h.session.press("admin", "Confirm violation", { chat: "review" });
    const cases = await casesOf(h, "carol");
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ category: "rumours", actor: "console:admin", points: 2 });
    expect(cases[0]?.reason).toContain("紧急扩散");
    expect(h.world.find(h.session.chat("review"), card?.ref.id ?? "")?.text).toContain("confirmed by admin");
  });

  it("re-posts a held message with an attribution when an admin releases it, and records nothing", async () => {
    const h = await setup();
    await h.session.say("carol", "lobby", "紧急扩散：今晚八点开会");
    await h.session.press("admin", "Release", { chat: "review" });
    const lobby = visibleTexts(h, "lobby");
    expect(lobby).toHaveLength(1);
    expect(lobby[0]).toContain("carol wrote (released after review):");
    expect(lobby[0]).toContain("紧急扩散：今晚八点开会");
    expect(await casesOf(h, "carol")).toEqual([]);
    // The card lost its buttons: it cannot be released twice.
    expect(() => h.session.press("admin", "Release", { chat: "review" })).toThrow(/no button/);
    expect(visibleTexts(h, "lobby")).toHaveLength(1);
  });

  it("keeps a pending hold across a restart and releases it afterwards", async () => {
    const h = await setup();
    await h.session.say("carol", "lobby", "紧急扩散 after restart");
    await h.restart();
    await h.session.press("admin", "Release", { chat: "review" });
    expect(visibleTexts(h, "lobby").at(-1)).toContain("紧急扩散 after restart");
  });

  it("leaves the message in place when copying it to the review chat fails", async () => {
    const h = await setup();
    h.world.failNext("post_card", { message: "bot is not in the review chat" });
    const { outcomes } = await h.session.say("carol", "lobby", "紧急扩散");
    expect(outcomes[1]?.status).toBe("skipped");
    expect(visibleTexts(h, "lobby")).toEqual(["紧急扩散"]);
  });

  it("deletes instead of holding when the community has no review chat", async () => {
    const h = await startHarness(
      `communities:\n  - id: demo\n    name: Demo\n    admins: ["console:admin"]\n    modlog_chat: "console:modlog"\n    chats:\n      - id: "console:lobby"\n${RULES.split(
        "\n",
      )
        .map((l) => (l ? `    ${l}` : l))
        .join("\n")}`,
    );
    await h.session.say("carol", "lobby", "紧急扩散");
    expect(visibleTexts(h, "lobby")).toEqual([]);
    expect(ruleLog(h)).toContain("no review chat");
    expect((await casesOf(h, "carol")).map((c) => c.category)).toEqual(["rumours"]);
  });

  it("refuses the hold buttons to a member who is not an admin", async () => {
    const h = await setup();
    await h.session.say("carol", "lobby", "紧急扩散");
    await h.session.press("dave", "Release", { chat: "review" });
    expect(visibleTexts(h, "lobby")).toEqual([]);
    expect(h.world.privateMessages(h.session.account("dave")).at(-1)?.text).toContain("Only admins");
    await h.session.press("admin", "Release", { chat: "review" });
    expect(visibleTexts(h, "lobby")).toHaveLength(1);
  });

  it("picks the most severe category when a message hits several (jump_to outranks points)", async () => {
    const h = await setup();
    await h.session.say("mallory", "lobby", "free crypto for everyone who will join isis");
    const cases = await casesOf(h, "mallory");
    expect(cases.map((c) => c.category)).toEqual(["terrorism"]);
    expect(cases[0]?.reason).toBe('matched terrorism term "join isis"');
    expect(ruleLog(h)).toContain("Category: terrorism");
  });

  it("does not touch messages by admins", async () => {
    const h = await setup();
    await h.session.say("admin", "lobby", "free crypto is a scam, do not fall for it");
    h.session.setAdmin("olga", "lobby");
    await h.session.say("olga", "lobby", "warning: 加微信 messages are scams");
    expect(visibleTexts(h, "lobby")).toHaveLength(2);
    expect(await casesOf(h, "admin")).toEqual([]);
    expect(await casesOf(h, "olga")).toEqual([]);
  });

  it("checks an edited message again and acts once per category", async () => {
    const h = await setup();
    const { message } = await h.session.say("erin", "lobby", "hello there");
    expect(visibleTexts(h, "lobby")).toEqual(["hello there"]);
    await h.session.edit("erin", "lobby", message.ref.id, "hello there, idiots");
    expect(visibleTexts(h, "lobby")).toEqual(["hello there, idiots"]);
    await h.session.edit("erin", "lobby", message.ref.id, "hello there, idiot");
    expect((await casesOf(h, "erin")).map((c) => c.category)).toEqual(["insults"]);
    await h.session.edit("erin", "lobby", message.ref.id, "hello there, 加微信");
    expect(visibleTexts(h, "lobby")).toEqual([]);
    expect((await casesOf(h, "erin")).map((c) => c.category)).toEqual(["insults", "spam"]);
  });

  it("checks captions of media posts", async () => {
    const h = await setup();
    await h.session.say("mallory", "lobby", "free crypto inside", { media: ["photo"] });
    expect(visibleTexts(h, "lobby")).toEqual([]);
  });

  it("does nothing when the community turned content rules off", async () => {
    const h = await setup("rules:\n  enabled: false\n");
    await h.session.say("mallory", "lobby", "join isis");
    expect(visibleTexts(h, "lobby")).toEqual(["join isis"]);
  });
});

describe("content rules: evasions through the whole pipeline", () => {
  const cases: [string, string, string][] = [
    ["spaced Chinese", "大家 法 轮 功 好", "法 轮 功"],
    ["Traditional characters", "真的法輪功嗎", "法輪功"],
    ["zero-width characters", "加\u200b微\u200d信", "加\u200b微\u200d信"],
    ["full-width letters", "ＦＲＥＥ ｃｒｙｐｔｏ!", "ＦＲＥＥ ｃｒｙｐｔｏ"],
    ["dotted single letters", "f.r.e.e crypto", "f.r.e.e crypto"],
    ["mixed case and extra spaces", "FrEe    CRYPTO now", "FrEe CRYPTO"],
  ];
  for (const [name, text, written] of cases) {
    it(`deletes a listed term written with ${name}`, async () => {
      const h = await setup();
      await h.session.say("mallory", "lobby", text);
      expect(visibleTexts(h, "lobby")).toEqual([]);
      expect((await casesOf(h, "mallory")).map((c) => c.category)).toEqual(["spam"]);
      expect(ruleLog(h)).toContain(`written “${written}”`);
    });
  }

  it("matches a pattern against the folded text (full-width, Traditional)", async () => {
    const h = await setup();
    await h.session.say("bob", "lobby", "ＩＤＩＯＴＳ everywhere");
    await h.session.say("bob", "lobby", "你們這些蠢貨蠢貨");
    expect((await casesOf(h, "bob")).map((c) => c.category)).toEqual(["insults", "insults"]);
  });
});

describe("content rules: link domains", () => {
  it("deletes a link to a listed domain written with ideographic and full-width dots", async () => {
    const h = await setup();
    await h.session.say("mallory", "lobby", "看这里 www。scam．example/offer 快");
    expect(visibleTexts(h, "lobby")).toEqual([]);
    const [c] = await casesOf(h, "mallory");
    expect(c?.reason).toBe("matched spam link domain scam.example");
  });

  it("matches subdomains and links the platform reported apart from the text", async () => {
    const h = await setup();
    await h.session.say("mallory", "lobby", "click here", { links: ["https://promo.bad-links.test/x"] });
    expect(visibleTexts(h, "lobby")).toEqual([]);
    await h.session.say("alice", "lobby", "notscam.example is fine");
    expect(visibleTexts(h, "lobby")).toEqual(["notscam.example is fine"]);
  });
});

describe("content rules: defaults and /rules", () => {
  it("applies the default categories when a community configures none (terrorism, spam)", async () => {
    const h = await setup("");
    await h.session.say("mallory", "lobby", "爆 炸 袭 击 明天");
    await h.session.say("spammer", "lobby", "加我微信领红包");
    expect(visibleTexts(h, "lobby")).toEqual([]);
    // The default terrorism category jumps straight to a ban (the sanctions ladder's last step).
    expect((await casesOf(h, "mallory")).map((c) => [c.category, c.action])).toEqual([["terrorism", "ban"]]);
    expect((await casesOf(h, "spammer")).map((c) => c.category)).toEqual(["spam"]);
  });

  it("holds a default slander/rumour hit for review", async () => {
    const h = await setup("");
    await h.session.say("carol", "lobby", "Share before they delete this!!");
    expect(visibleTexts(h, "lobby")).toEqual([]);
    expect(h.world.visible(h.session.chat("review")).at(-1)?.text).toContain("slander and rumours");
  });

  it("lists the category names (not the terms) with /rules", async () => {
    const h = await setup("");
    await h.session.say("alice", "lobby", "/rules");
    const text = visibleTexts(h, "lobby").at(-1) ?? "";
    expect(text).toContain("terrorism");
    expect(text).toContain("slander and rumours");
    expect(text).not.toContain("free crypto");
    h.session.setLanguage("bob", "zh");
    await h.session.tell("bob", "/rules");
    expect(h.world.privateMessages(h.session.account("bob")).at(-1)?.text).toContain("恐怖主义");
  });
});
