import { afterEach, describe, expect, it } from "vitest";
import type { AccountKey } from "../../../src/core/ids.js";
import { waitFor, type StoredMessage } from "../../fakes/telegram/index.js";
import { member, startWorld, texts, type TgWorld } from "./support.js";

let w: TgWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const VERIFICATION = `verification:
  required: true
  method: self_declared
  fields: { legal_name: true, id_number: false, phone: false }
`;

const NEWS = `news:
  enabled: true
  domains: ["reuters.com"]
`;

const callbackData = (m: StoredMessage | undefined, label: string): string => {
  const button = m?.message.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
  return button && "callback_data" in button ? (button.callback_data ?? "") : "";
};

/** The review card: the bot's last message in the review chat with inline buttons. */
const cardOf = (w: TgWorld) =>
  w.tg
    .botMessages(w.review.id)
    .filter((m) => m.message.reply_markup?.inline_keyboard.length)
    .at(-1);

describe("telegram end to end: verification", () => {
  it("restricts a newcomer, invites them through a deep link, verifies them privately and restores their rights", async () => {
    w = await startWorld({ policy: VERIFICATION });
    const { tg, group } = w;
    const alice = tg.addUser({ first_name: "Alice" });
    tg.userJoins(group.id, alice.id);
    await tg.waitFor(() => tg.member(group.id, alice.id).status === "restricted");
    expect(tg.member(group.id, alice.id)).toMatchObject({ can_send_messages: false, can_send_photos: false });
    // Alice never opened a private chat: the invitation becomes a notice with a t.me deep link.
    const notice = await tg.waitFor(() => tg.botMessages(group.id).find((m) => m.message.reply_markup));
    const url = notice.message.reply_markup?.inline_keyboard[0]?.[0];
    expect(url && "url" in url && url.url).toMatch(
      new RegExp(`^https://t\\.me/${tg.botUser.username}\\?start=[A-Za-z0-9_-]{1,64}$`),
    );
    const payload = new URL((url as { url: string }).url).searchParams.get("start") ?? "";
    tg.userStartsBot(alice.id, payload);
    await tg.waitFor(() => tg.botMessages(alice.id).some((m) => /legal name/i.test(m.message.text ?? "")));
    tg.userSends(alice.id, alice.id, "Alice Example");
    await tg.waitFor(
      () => (tg.member(group.id, alice.id) as { can_send_messages?: boolean }).can_send_messages !== false,
    );
    expect(tg.member(group.id, alice.id)).not.toMatchObject({ can_send_photos: false });
    tg.userSends(group.id, alice.id, "hello, I am verified");
    expect(texts(w, group.id)).toContain("hello, I am verified");
  });
});

describe("telegram end to end: phone binding", () => {
  it("asks for the phone with a request_contact keyboard and refuses someone else's contact card", async () => {
    w = await startWorld({
      policy: `verification:
  required: true
  method: phone
  fields: { legal_name: false, id_number: false, phone: true }
`,
    });
    const { tg } = w;
    const alice = tg.addUser({ first_name: "Alice" });
    const other = tg.addUser({ first_name: "Other" });
    tg.userSends(alice.id, alice.id, {
      text: "/verify",
      entities: [{ type: "bot_command", offset: 0, length: 7 }],
    });
    const ask = await tg.waitFor(
      () => tg.message(alice.id, tg.botMessages(alice.id).at(-1)?.message.message_id ?? 0)?.replyKeyboard,
    );
    expect("keyboard" in ask && ask.keyboard[0]?.[0]).toMatchObject({ request_contact: true });
    const before = tg.botMessages(alice.id).length;
    tg.shareContact(alice.id, { phone_number: "+15550001111", user_id: other.id });
    await tg.waitFor(() => tg.botMessages(alice.id).length > before);
    expect(w.events.find((e) => e.kind === "contact_shared")).toMatchObject({
      actor: { account: `telegram:${alice.id}` },
      contactAccount: `telegram:${other.id}`,
    });
    const account = `telegram:${alice.id}` as AccountKey;
    expect((await w.runtime.services.identities.lookup(account))?.verified).not.toBe(true);
    tg.shareContact(alice.id, { phone_number: "+15550002222", user_id: alice.id });
    await waitFor(async () => (await w?.runtime.services.identities.lookup(account))?.verified);
    expect((await w.runtime.services.identities.lookup(account))?.verified).toBe(true);
  });
});

describe("telegram end to end: news holds", () => {
  async function holdPost(world: TgWorld) {
    const bob = member(world, "Bob");
    const posted = world.tg.userSends(world.group.id, bob.id, "see https://www.reuters.com/world/x");
    await world.tg.waitFor(
      () =>
        !world.tg.message(world.group.id, posted.message_id) ||
        world.tg.message(world.group.id, posted.message_id)?.deleted,
    );
    const card = await world.tg.waitFor(() => cardOf(world));
    return { bob, posted, card };
  }

  it("holds a news link, refuses a non-admin's press with an alert, and re-posts once on an admin's approval", async () => {
    w = await startWorld({ policy: NEWS });
    const { tg, group, review } = w;
    const { card } = await holdPost(w);
    expect(tg.messages(review.id).map((m) => m.message.text)).toContain(
      "see https://www.reuters.com/world/x",
    );
    const approve = callbackData(card, "Approve");
    expect(approve).toMatch(/^hold:approve:/);

    const carol = member(w, "Carol", review.id);
    const refused = tg.pressButton(review.id, card.message.message_id, carol.id, approve);
    const answer = await tg.waitFor(() => tg.callbackAnswer(refused));
    expect(answer).toMatchObject({ show_alert: true, text: "Only admins of this community can do that." });
    expect(texts(w, group.id)).not.toContain("see https://www.reuters.com/world/x");
    expect(cardOf(w)?.message.reply_markup?.inline_keyboard.flat()).toHaveLength(
      card.message.reply_markup?.inline_keyboard.flat().length ?? -1,
    );

    const first = tg.pressButton(review.id, card.message.message_id, w.admin.id, approve);
    await tg.waitFor(() => tg.callbackAnswer(first));
    await tg.waitFor(() =>
      texts(w as TgWorld, group.id).some((t) => t.endsWith("\nsee https://www.reuters.com/world/x")),
    );
    expect(
      texts(w, group.id).filter((t) => t.endsWith("\nsee https://www.reuters.com/world/x")),
    ).toHaveLength(1);
    expect(texts(w, group.id).some((t) => t.includes("Bob"))).toBe(true);
    // Copied once into the review chat; the re-post is one message with the attribution line in it.
    expect(tg.callsTo("copyMessages").length).toBe(1);
  });

  it("approves a hold that was pending while the bot restarted", async () => {
    w = await startWorld({ policy: NEWS });
    const { card } = await holdPost(w);
    await w.restart();
    const approve = callbackData(card, "Approve");
    const q = w.tg.pressButton(w.review.id, card.message.message_id, w.admin.id, approve);
    await w.tg.waitFor(() => w?.tg.callbackAnswer(q));
    await w.tg.waitFor(() =>
      texts(w as TgWorld, w!.group.id).some((t) => t.endsWith("\nsee https://www.reuters.com/world/x")),
    );
  });
});

describe("telegram end to end: sanctions", () => {
  it("escalates repeated rule hits to a ban", async () => {
    w = await startWorld({
      policy: `rules:
  categories:
    spam: { terms: ["buy followers"], points: 1, action: delete }
sanctions:
  ladder:
    - { at: 1, action: warn }
    - { at: 2, action: ban }
`,
    });
    const { tg, group } = w;
    const eve = member(w, "Eve");
    const first = tg.userSends(group.id, eve.id, "buy followers here");
    await tg.waitFor(() => tg.message(group.id, first.message_id)?.deleted);
    expect(tg.member(group.id, eve.id).status).toBe("member");
    const second = tg.userSends(group.id, eve.id, "cheap: buy followers");
    await tg.waitFor(() => tg.message(group.id, second.message_id)?.deleted);
    await tg.waitFor(() => tg.member(group.id, eve.id).status === "kicked");
    expect(() => tg.userJoins(group.id, eve.id)).toThrow(/banned/);
  });
});
