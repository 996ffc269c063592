import { describe, expect, it } from "vitest";
import { SimulatedWorld } from "../../../src/adapters/console/world.js";
import type { Actor } from "../../../src/core/model/content.js";
import type { AccountKey, ChatKey } from "../../../src/core/ids.js";
import { cnId, lastPrivate, startVerification } from "./support.js";
import type { Harness } from "../../support/harness.js";

/**
 * One community with a console chat and a Telegram group. The console session drives console accounts;
 * a second SimulatedWorld carries out the Telegram decisions, so both platforms really take part.
 */
const config = (extra = "") => `
communities:
  - id: demo
    name: Demo
    admins: ["console:admin"]
    review_chat: "console:review"
    modlog_chat: "console:modlog"
    chats:
      - id: "console:lobby"
      - id: "telegram:-1001"
    verification:
      required: true
      fields: { legal_name: true, id_number: { kind: cn-resident } }
${extra}`;

const ID = cnId("44030519791124567");
const TG_CHAT = "telegram:-1001" as ChatKey;
const TG_DANA = "telegram:42" as AccountKey;

function tgActor(id: string): Actor {
  return { account: `telegram:${id}` as AccountKey, displayName: `tg${id}`, isChatAdmin: false };
}

async function twoPlatforms(extra = ""): Promise<{ h: Harness; tg: SimulatedWorld }> {
  const h = await startVerification(config(extra));
  const tg = new SimulatedWorld();
  h.runtime.engine.setExecutor("telegram", tg);
  return { h, tg };
}

function tgPrivate(tg: SimulatedWorld, account: AccountKey): string {
  return tg
    .privateMessages(account)
    .map((m) => m.text)
    .join("\n");
}

async function verifyOnConsole(h: Harness, user: string, id = ID) {
  await h.session.tell(user, "/verify demo");
  await h.session.tell(user, "Dana Example");
  await h.session.tell(user, id);
}

async function linkCode(h: Harness, user: string): Promise<string> {
  await h.session.tell(user, "/link");
  const code = /code: (\S+)/.exec(lastPrivate(h, user))?.[1];
  if (!code) throw new Error(`no link code in: ${lastPrivate(h, user)}`);
  return code;
}

describe("linking an account on another platform", () => {
  it("lifts the limit of a Telegram account in the community's Telegram group once it is linked", async () => {
    const { h, tg } = await twoPlatforms();
    await verifyOnConsole(h, "dana");
    await h.session.dispatch({ kind: "member_joined", chat: TG_CHAT, actor: tgActor("42") });
    expect(tg.levelOf(TG_CHAT, TG_DANA)).toBe("read_only");
    expect(tgPrivate(tg, TG_DANA)).toContain("Welcome to Demo");

    const code = await linkCode(h, "dana");
    await h.session.dispatch({
      kind: "command",
      mentions: [],
      name: "link",
      args: code,
      actor: tgActor("42"),
    });

    expect(tgPrivate(tg, TG_DANA)).toContain("linked to your verified identity in: Demo");
    expect(tg.levelOf(TG_CHAT, TG_DANA)).toBe("full");
    // Nothing about the Telegram account went to the console world, nor the other way round.
    expect(h.world.privateMessages(TG_DANA)).toHaveLength(0);
    expect(tg.privateMessages(h.session.account("dana"))).toHaveLength(0);
    const found = await h.runtime.services.identities.lookup(TG_DANA);
    expect(found).toMatchObject({ verified: true, accounts: [h.session.account("dana"), TG_DANA] });
    // A linked account posts freely in the Telegram group afterwards.
    const posted = await h.session.dispatch({
      kind: "message_posted",
      actor: tgActor("42"),
      message: { chat: TG_CHAT, id: "500" },
      content: { text: "hello from telegram", links: [], media: [] },
    });
    expect(posted.decisions.filter((d) => d.kind === "delete")).toHaveLength(0);
  });

  it("refuses a second Telegram account once the identity holds max_accounts_per_platform there", async () => {
    const { h, tg } = await twoPlatforms();
    await verifyOnConsole(h, "dana");
    await h.session.dispatch({
      kind: "command",
      mentions: [],
      name: "link",
      args: await linkCode(h, "dana"),
      actor: tgActor("42"),
    });
    await h.session.dispatch({ kind: "member_joined", chat: TG_CHAT, actor: tgActor("43") });
    await h.session.dispatch({
      kind: "command",
      mentions: [],
      name: "link",
      args: await linkCode(h, "dana"),
      actor: tgActor("43"),
    });
    expect(tgPrivate(tg, "telegram:43" as AccountKey)).toContain("already bound to 1 account(s) on telegram");
    expect(tg.levelOf(TG_CHAT, "telegram:43" as AccountKey)).toBe("read_only");
    expect(await h.runtime.services.identities.lookup("telegram:43" as AccountKey)).toBeUndefined();
  });

  it("lets a ban of the console account follow the person to the linked Telegram account", async () => {
    const { h, tg } = await twoPlatforms();
    await verifyOnConsole(h, "dana");
    await h.session.dispatch({ kind: "member_joined", chat: TG_CHAT, actor: tgActor("42") });
    await h.session.dispatch({
      kind: "command",
      mentions: [],
      name: "link",
      args: await linkCode(h, "dana"),
      actor: tgActor("42"),
    });
    await h.session.say("dana", "lobby", "spam");
    await h.session.say("admin", "lobby", "/ban dana spamming");
    expect(h.world.isBanned(h.session.chat("lobby"), h.session.account("dana"))).toBe(true);
    expect(tg.isBanned(TG_CHAT, TG_DANA)).toBe(true);
  });

  it("lets the person verify again once the ban that kept the erased hash is lifted", async () => {
    const { h, tg } = await twoPlatforms();
    await verifyOnConsole(h, "dana");
    await h.session.join("dana", "lobby");
    await h.session.say("admin", "lobby", "/ban dana spamming");
    expect(h.world.isBanned(h.session.chat("lobby"), h.session.account("dana"))).toBe(true);
    await h.session.tell("dana", "/forgetme");
    await h.session.say("admin", "lobby", "/unban dana");
    expect(h.world.isBanned(h.session.chat("lobby"), h.session.account("dana"))).toBe(false);
    const fresh = tgActor("99");
    await h.session.dispatch({ kind: "command", mentions: [], name: "verify", args: "demo", actor: fresh });
    await h.session.dispatch({ kind: "private_message", actor: fresh, text: "Dana Example" });
    await h.session.dispatch({ kind: "private_message", actor: fresh, text: ID });
    expect(tgPrivate(tg, fresh.account)).toContain("You are verified for Demo");
    expect(await h.runtime.services.identities.lookup(fresh.account)).toMatchObject({ verified: true });
  });

  it("/forgetme on a banned person's console account keeps the Telegram account from verifying anew", async () => {
    const { h, tg } = await twoPlatforms();
    await verifyOnConsole(h, "dana");
    await h.session.dispatch({
      kind: "command",
      mentions: [],
      name: "link",
      args: await linkCode(h, "dana"),
      actor: tgActor("42"),
    });
    await h.session.join("dana", "lobby");
    await h.session.say("admin", "lobby", "/ban dana spamming");
    expect(h.world.isBanned(h.session.chat("lobby"), h.session.account("dana"))).toBe(true);
    await h.session.tell("dana", "/forgetme");
    expect(lastPrivate(h, "dana")).toContain("keyed hash");
    expect(await h.runtime.services.identities.realName(TG_DANA)).toBeUndefined();
    // A fresh Telegram account with the same ID number is refused while the ban lasts.
    const fresh = tgActor("99");
    await h.session.dispatch({ kind: "command", mentions: [], name: "verify", args: "demo", actor: fresh });
    await h.session.dispatch({ kind: "private_message", actor: fresh, text: "Dana Example" });
    await h.session.dispatch({ kind: "private_message", actor: fresh, text: ID });
    expect(tgPrivate(tg, fresh.account)).toContain(
      "This ID number cannot be used for a new registration here",
    );
    expect(await h.runtime.services.identities.lookup(fresh.account)).toBeUndefined();
    // The linked Telegram account lost the verification with the erased identity.
    expect((await h.runtime.services.identities.lookup(TG_DANA))?.verified).toBe(false);
  });
});
