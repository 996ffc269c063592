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

/** The mod-log chat: one line per case, nothing else. */
function modlog(h: Harness): string[] {
  return visibleTexts(h, "modlog");
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
    // One mod-log line for the one case: the case line names the category and the listed term.
    expect(modlog(h)).toEqual([
      '#1 mallory warned — by the bot (rule) [spam] +1 pts: matched spam term "free crypto"',
    ]);
    // The member is told privately, in words about the rule (not the admins' wording), with case and appeal.
    const notice = h.world.privateMessages(h.session.account("mallory")).at(-1)?.text ?? "";
    expect(notice).toContain("case #1");
    expect(notice).toContain("your message in Demo (console:lobby) matched this community's rules on spam");
    expect(notice).toContain("/appeal 1");
  });

  it("tells a Chinese-speaking member privately, in Chinese, which rule their message hit, with the case and the appeal", async () => {
    const h = await setup();
    h.session.setLanguage("mallory", "zh");
    await h.session.say("mallory", "lobby", "加微信 详聊");
    const notice = h.world.privateMessages(h.session.account("mallory")).at(-1)?.text ?? "";
    expect(notice).toContain("案件 #1");
    expect(notice).toContain("原因：你在 Demo (console:lobby) 的消息触及了本社区关于垃圾广告的规则");
    expect(notice).toContain("/appeal 1");
    expect(notice).not.toContain("matched");
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

  it("re-posts a held message with an attribution when an admin releases it: a hold_approved case, no points", async () => {
    const h = await setup();
    await h.session.say("carol", "lobby", "紧急扩散：今晚八点开会");
    expect(modlog(h)).toEqual([]);
    await h.session.press("admin", "Release", { chat: "review" });
    const lobby = visibleTexts(h, "lobby");
    expect(lobby).toHaveLength(1);
    expect(lobby[0]).toContain("carol wrote (released after review):");
    expect(lobby[0]).toContain("紧急扩散：今晚八点开会");
    const cases = await casesOf(h, "carol");
    expect(cases).toEqual([
      expect.objectContaining({ action: "hold_approved", source: "hold", actor: "console:admin" }),
    ]);
    expect(cases[0]?.points).toBeUndefined();
    expect(modlog(h)).toEqual([expect.stringMatching(/^#1 carol held post approved — by admin \(hold\)/)]);
    expect(h.world.privateMessages(h.session.account("carol")).at(-1)?.text).toBe(
      "Your message in Demo (console:lobby) was reviewed and posted again (case #1).",
    );
    // The card lost its buttons: it cannot be released twice.
    expect(() => h.session.press("admin", "Release", { chat: "review" })).toThrow(/no button/);
    expect(visibleTexts(h, "lobby")).toHaveLength(1);
  });

  it("counts Confirm and Release only on the card in the review chat: the same data pressed elsewhere by an admin changes nothing", async () => {
    const h = await setup();
    await h.session.say("carol", "lobby", "紧急扩散：今晚八点开会");
    const card = h.world.visible(h.session.chat("review")).at(-1);
    const data = card?.buttons?.flat().find((b) => b.label === "Release")?.data ?? "";
    expect(data).toMatch(/^rules:release:/);
    const before = await h.store.get(`rules-hold:demo:${data.split(":")[2]}`);
    // A modified client in the group, and a crafted deep link followed privately.
    for (const chat of [h.session.chat("lobby"), undefined])
      await h.session.dispatch({
        kind: "button_pressed",
        data,
        actor: h.session.actor("admin", "lobby"),
        chat,
      });
    expect(visibleTexts(h, "lobby")).toEqual([]);
    expect(await h.store.get(`rules-hold:demo:${data.split(":")[2]}`)).toEqual(before);
    expect(await casesOf(h, "carol")).toEqual([]);
    await h.session.press("admin", "Release", { chat: "review" });
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
    expect((await casesOf(h, "carol")).map((c) => c.category)).toEqual(["rumours"]);
    expect(modlog(h)).toHaveLength(1);
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
    expect(modlog(h)).toEqual([expect.stringContaining("#1 mallory banned — by the bot (rule) [terrorism]")]);
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
  // A `hold` category, so the review card shows the listed term and how the member wrote it.
  const EVASIONS = `rules:
  categories:
    evasive:
      terms: ["free crypto", "加微信", "法轮功", "大力丸"]
      action: hold
      points: 1
`;
  const cases: [string, string, string, string][] = [
    ["NFKC (mathematical bold letters)", "𝐟𝐫𝐞𝐞 𝐜𝐫𝐲𝐩𝐭𝐨 now", "free crypto", "𝐟𝐫𝐞𝐞 𝐜𝐫𝐲𝐩𝐭𝐨"],
    ["mixed case and extra spaces", "FrEe    CRYPTO now", "free crypto", "FrEe CRYPTO"],
    ["zero-width characters", "想赚钱加\u200b微\u200d信", "加微信", "加\u200b微\u200d信"],
    ["a soft hyphen and a word joiner", "fr\u00adee c\u2060rypto", "free crypto", "fr\u00adee c\u2060rypto"],
    ["full-width letters", "ＦＲＥＥ ｃｒｙｐｔｏ!", "free crypto", "ＦＲＥＥ ｃｒｙｐｔｏ"],
    ["Kangxi radicals", "卖⼤⼒丸了", "大力丸", "⼤⼒丸"],
    ["a CJK compatibility ideograph", "法\uF9D7功", "法轮功", "法\uF9D7功"],
    ["Traditional characters", "真的法輪功嗎", "法轮功", "法輪功"],
    ["spaces between Chinese characters", "大家 法 轮 功 好", "法轮功", "法 轮 功"],
    ["dots between Chinese characters", "大家法.轮.功好", "法轮功", "法.轮.功"],
    ["dots between single English letters", "f.r.e.e crypto", "free crypto", "f.r.e.e crypto"],
    ["spaces between single English letters", "get f r e e crypto", "free crypto", "f r e e crypto"],
    ["Cyrillic look-alike letters", "fr\u0435\u0435 crypto", "free crypto", "fr\u0435\u0435 crypto"],
    ["Greek look-alike letters", "free crypt\u03bf", "free crypto", "free crypt\u03bf"],
  ];
  for (const [name, text, term, written] of cases) {
    it(`catches a listed term written with ${name}, and shows the term and the member's writing`, async () => {
      const h = await setup(EVASIONS);
      await h.session.say("mallory", "lobby", text);
      expect(visibleTexts(h, "lobby")).toEqual([]);
      const card = h.world.visible(h.session.chat("review")).at(-1)?.text ?? "";
      expect(card).toContain(`term “${term}” (written “${written}”)`);
      await h.session.press("admin", "Confirm violation", { chat: "review" });
      expect((await casesOf(h, "mallory")).map((c) => c.reason)).toEqual([`matched evasive term "${term}"`]);
    });
  }

  it("never joins separate English words: no hit when a separator stands between words", async () => {
    const h = await setup(EVASIONS);
    // Joining "fr ee" or "cry pto" would catch these, and would also turn "me me" into "meme".
    const texts = ["fr ee crypto for the brave", "free cry pto", "it is a fr ee c rypto"];
    for (const text of texts) await h.session.say("alice", "lobby", text);
    expect(visibleTexts(h, "lobby")).toEqual(texts);
    expect(await casesOf(h, "alice")).toEqual([]);
  });

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
