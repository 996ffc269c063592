import { describe, expect, it } from "vitest";
import { accountKey } from "../../../src/core/ids.js";
import { HOUR, MINUTE } from "../../../src/core/ports/clock.js";
import { cnId, consoleConfig, lastPrivate, privateTexts, startVerification } from "./support.js";
import type { Harness } from "../../support/harness.js";

const ID = cnId("44030519791124567");
const config = (extra = "") =>
  consoleConfig(`verification:
  required: true
  fields: { legal_name: true, id_number: { kind: cn-resident } }
  link_code_ttl: 10m
  ${extra}`);

async function verify(h: Harness, user: string, id = ID, name = "Dana Example") {
  await h.session.tell(user, "/verify demo");
  await h.session.tell(user, name);
  await h.session.tell(user, id);
}

/** A Telegram account talking to the same engine (the console session only makes console accounts). */
async function telegramSays(h: Harness, id: string, text: string) {
  const match = /^\/(\w+)\s*(.*)$/.exec(text);
  const actor = { account: accountKey("telegram", id), displayName: `tg${id}`, isChatAdmin: false };
  return h.runtime.engine.handle(
    match
      ? { kind: "command", mentions: [], name: match[1] as string, args: match[2] as string, actor }
      : { kind: "private_message", actor, text },
  );
}

describe("one identity, many accounts", () => {
  it("refuses a second account on the same platform with the same ID number", async () => {
    const h = await startVerification(config());
    await verify(h, "dana");
    await verify(h, "dana2");
    expect(lastPrivate(h, "dana2")).toContain("This ID number cannot be used for a new registration here");
    expect(await h.runtime.services.identities.lookup(h.session.account("dana2"))).toBeUndefined();
  });

  it("allows as many accounts per platform as max_accounts_per_platform, all under one identity", async () => {
    const h = await startVerification(config("max_accounts_per_platform: 2"));
    await verify(h, "dana");
    await verify(h, "dana2");
    const found = await h.runtime.services.identities.lookup(h.session.account("dana2"));
    expect(found?.accounts).toEqual([h.session.account("dana"), h.session.account("dana2")]);
  });

  it("links an account on another platform with a one-time code, so verification follows the person", async () => {
    const h = await startVerification(config());
    await verify(h, "dana");
    await h.session.tell("dana", "/link");
    const code = /code: (\S+)/.exec(lastPrivate(h, "dana"))?.[1] as string;
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    const { decisions } = await telegramSays(h, "777", `/link ${code}`);
    const text = decisions
      .filter((d) => d.kind === "send_private")
      .map((d) => (d as { text: string }).text)
      .join("\n");
    expect(text).toContain("linked to your verified identity");
    const found = await h.runtime.services.identities.lookup(accountKey("telegram", "777"));
    expect(found).toMatchObject({ verified: true, accounts: [h.session.account("dana"), "telegram:777"] });
    // Single use: the same code does nothing the second time.
    const again = await telegramSays(h, "778", `/link ${code}`);
    expect(JSON.stringify(again.decisions)).toContain("unknown, already used or expired");
  });

  it("refuses an expired link code", async () => {
    const h = await startVerification(config());
    await verify(h, "dana");
    await h.session.tell("dana", "/link");
    const code = /code: (\S+)/.exec(lastPrivate(h, "dana"))?.[1] as string;
    h.clock.advance(11 * MINUTE);
    const { decisions } = await telegramSays(h, "777", `/link ${code}`);
    expect(JSON.stringify(decisions)).toContain("expired");
    expect(await h.runtime.services.identities.lookup(accountKey("telegram", "777"))).toBeUndefined();
  });

  it("consumes a link code exactly once when two accounts redeem it at the same time", async () => {
    const h = await startVerification(config());
    await verify(h, "dana");
    await h.session.tell("dana", "/link");
    const code = /code: (\S+)/.exec(lastPrivate(h, "dana"))?.[1] as string;
    await Promise.all([telegramSays(h, "1", `/link ${code}`), telegramSays(h, "2", `/link ${code}`)]);
    const linked = await Promise.all(
      ["1", "2"].map((id) => h.runtime.services.identities.lookup(accountKey("telegram", id))),
    );
    expect(linked.filter(Boolean)).toHaveLength(1);
  });

  it("refuses /link <code> that would exceed the per-platform cap", async () => {
    const h = await startVerification(config());
    await verify(h, "dana");
    await h.session.tell("dana", "/link");
    const code = /code: (\S+)/.exec(lastPrivate(h, "dana"))?.[1] as string;
    await h.session.tell("dana2", `/link ${code}`);
    expect(lastPrivate(h, "dana2")).toContain("already bound");
  });

  it("asks an unverified account to verify before it can issue a link code", async () => {
    const h = await startVerification(config());
    await h.session.tell("erin", "/link");
    expect(lastPrivate(h, "erin")).toContain("Verify this account first");
  });
});

describe("attempt limits", () => {
  it("stops ID-number guessing after attempts_per_hour answers, and allows again an hour later", async () => {
    const h = await startVerification(config());
    await h.session.tell("mallory", "/verify");
    await h.session.tell("mallory", "Mallory Example");
    for (let i = 0; i < 5; i++) {
      const right = cnId(`1101051990030710${i}`);
      await h.session.tell("mallory", right.slice(0, 17) + (right.endsWith("0") ? "1" : "0"));
      expect(lastPrivate(h, "mallory")).toContain("does not match the others");
    }
    expect(lastPrivate(h, "mallory")).not.toContain("Too many");
    await h.session.tell("mallory", ID);
    expect(lastPrivate(h, "mallory")).toContain("Too many attempts");
    expect(await h.runtime.services.identities.lookup(h.session.account("mallory"))).toBeUndefined();
    h.clock.advance(HOUR);
    await h.session.tell("mallory", ID);
    expect(lastPrivate(h, "mallory")).toContain("verified");
  });

  it("limits attempts over a sliding hour, not the clock hour: a burst across the hour boundary stays limited", async () => {
    const h = await startVerification(config());
    h.clock.advance(HOUR - (h.clock.now() % HOUR) - 10_000); // 10 s before a full hour
    for (let i = 0; i < 5; i++) await h.session.tell("mallory", `/link WRONG${i}`);
    expect(lastPrivate(h, "mallory")).not.toContain("Too many");
    h.clock.advance(20_000); // the clock hour changed; the last 60 minutes did not
    await h.session.tell("mallory", "/link WRONG5");
    expect(lastPrivate(h, "mallory")).toContain("Too many attempts");
    h.clock.advance(HOUR);
    await h.session.tell("mallory", "/link WRONG6");
    expect(lastPrivate(h, "mallory")).not.toContain("Too many");
  });

  it("counts link-code guesses as attempts", async () => {
    const h = await startVerification(config());
    for (let i = 0; i < 5; i++) await h.session.tell("mallory", `/link WRONG${i}`);
    await h.session.tell("mallory", "/link WRONG9");
    expect(lastPrivate(h, "mallory")).toContain("Too many attempts");
  });
});

describe("personal data", () => {
  it("/mydata sends everything stored privately, with the ID number masked", async () => {
    const h = await startVerification(config());
    await verify(h, "dana");
    await h.session.say("dana", "lobby", "/mydata");
    const text = lastPrivate(h, "dana");
    expect(text).toContain("Dana Example");
    expect(text).toContain(`**************${ID.slice(-4)}`);
    expect(text).not.toContain(ID);
    const group = h.world
      .visible(h.session.chat("lobby"))
      .map((m) => m.text)
      .join("\n");
    expect(group).not.toContain("Dana Example");
  });

  it("/forgetme erases name and identity; the member must verify again", async () => {
    const h = await startVerification(config());
    const dana = h.session.account("dana");
    await verify(h, "dana");
    await h.session.tell("dana", "/forgetme");
    expect(lastPrivate(h, "dana")).toContain("erased");
    expect(await h.runtime.services.identities.lookup(dana)).toBeUndefined();
    expect(await h.runtime.services.identities.realName(dana)).toBeUndefined();
    // The ID number is free again: another account may bind it.
    await verify(h, "dana2");
    expect(lastPrivate(h, "dana2")).toContain("verified");
  });

  it("/forgetme under an active ban keeps only the keyed hash, says so, and blocks re-registration", async () => {
    const h = await startVerification(config());
    const dana = h.session.account("dana");
    await verify(h, "dana");
    await h.runtime.services.access.setBanned(h.session.chat("lobby"), dana, true);
    await h.session.tell("dana", "/forgetme");
    expect(lastPrivate(h, "dana")).toContain("keyed hash");
    expect(await h.runtime.services.identities.realName(dana)).toBeUndefined();
    expect((await h.runtime.services.identities.lookup(dana))?.verified).toBe(false);
    await verify(h, "dana2");
    expect(lastPrivate(h, "dana2")).toContain("This ID number cannot be used for a new registration here");
  });
});

describe("an ID number already registered, at its own step", () => {
  const full = consoleConfig(`verification:
  required: true
  fields: { legal_name: true, id_number: { kind: cn-resident }, phone: true }
  rules: "Be kind."`);

  async function verifyFully(h: Harness, user: string) {
    await h.session.tell(user, "/verify demo");
    await h.session.tell(user, "Dana Example");
    await h.session.tell(user, ID);
    await h.session.tell(user, "+86 138 0000 1234");
    await h.session.press(user, "Accept");
  }

  /** A second account types the same ID number; returns what it was told right after. */
  async function secondAccountTries(h: Harness): Promise<string> {
    await h.session.tell("dana2", "/verify demo");
    await h.session.tell("dana2", "Someone Else");
    await h.session.tell("dana2", ID);
    return lastPrivate(h, "dana2");
  }

  it("stops a second account right after the ID number, before the phone and rules steps", async () => {
    const h = await startVerification(full);
    await verifyFully(h, "dana");
    const reply = await secondAccountTries(h);
    expect(reply).toContain("This ID number cannot be used for a new registration here");
    expect(reply).toContain("/link from your verified account, or ask an admin");
    expect(reply).not.toContain("phone number");
    // The dialogue is over: a phone typed now is no answer, and the rules never come.
    await h.session.tell("dana2", "+86 138 0000 9999");
    expect(privateTexts(h, "dana2").join("\n")).not.toContain("Be kind.");
    expect(await h.runtime.services.identities.lookup(h.session.account("dana2"))).toBeUndefined();
    // The admins are told why, in the mod-log.
    expect(h.world.visible(h.session.chat("modlog")).at(-1)?.text).toContain(
      "ID number belongs to an identity at its account cap",
    );
  });

  it("does not confirm to a stranger whether the ID's identity is at its account cap or banned", async () => {
    const capped = await startVerification(full);
    await verifyFully(capped, "dana");
    const banned = await startVerification(full);
    await verifyFully(banned, "dana");
    await banned.session.say("admin", "lobby", "/ban dana spam");
    const replies = [await secondAccountTries(capped), await secondAccountTries(banned)];
    expect(replies[0]).toBe(replies[1]);
    for (const reply of replies) {
      expect(reply).toContain("cannot be used for a new registration here");
      expect(reply).not.toMatch(/already bound|account\(s\)|console|ban/i);
    }
  });
});
