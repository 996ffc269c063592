import { describe, expect, it } from "vitest";
import { MINUTE } from "../../../src/core/ports/clock.js";
import { cnId, consoleConfig, lastPrivate, privateTexts, startVerification } from "./support.js";

const ALICE_ID = cnId("11010519900307123");
const policy = (extra = "") => `verification:
  required: true
  method: self_declared
  fields:
    legal_name: true
    id_number: { kind: cn-resident }
  rules: "Be kind to each other."
  step_timeout: 15m
  ${extra}`;

async function verifyAlice(h: Awaited<ReturnType<typeof startVerification>>, user = "alice", id = ALICE_ID) {
  await h.session.tell(user, "/verify");
  await h.session.tell(user, "Alice Example");
  await h.session.tell(user, id);
  await h.session.press(user, "Accept");
}

describe("verification flow", () => {
  it("limits a newcomer at once and invites them privately with a verify button", async () => {
    const h = await startVerification(consoleConfig(policy()));
    const alice = h.session.account("alice");
    const { decisions } = await h.session.join("alice", "lobby");
    expect(h.world.levelOf(h.session.chat("lobby"), alice)).toBe("read_only");
    const invite = decisions.find((d) => d.kind === "send_private");
    expect(invite).toMatchObject({
      fallbackChat: "console:lobby",
      buttons: [[{ data: "verify:start:demo" }]],
    });
  });

  it("collects name, ID number and rules one at a time, then gives full access in every chat of the community", async () => {
    const h = await startVerification(consoleConfig(policy()));
    const alice = h.session.account("alice");
    await h.session.join("alice", "lobby");
    await h.session.join("alice", "second");
    await h.session.press("alice", "Verify now");
    expect(lastPrivate(h, "alice")).toContain("legal name");
    await h.session.tell("alice", "Alice Example");
    expect(lastPrivate(h, "alice")).toContain("resident ID");
    await h.session.tell("alice", ALICE_ID);
    expect(lastPrivate(h, "alice")).toContain("Be kind to each other.");
    await h.session.press("alice", "Accept");
    expect(lastPrivate(h, "alice")).toContain("verified for Demo");
    expect(h.world.levelOf(h.session.chat("lobby"), alice)).toBe("full");
    expect(h.world.levelOf(h.session.chat("second"), alice)).toBe("full");
    expect((await h.runtime.services.identities.lookup(alice))?.verified).toBe(true);
    expect(await h.runtime.services.identities.realName(alice)).toBe("Alice Example");
  });

  it("asks again for a typed phone without its country code instead of guessing the country", async () => {
    const h = await startVerification(
      consoleConfig(`verification:
  required: true
  fields: { legal_name: true, phone: true }`),
    );
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "Alice Example");
    await h.session.tell("alice", "13800000000");
    expect(lastPrivate(h, "alice")).toContain("include the country code");
    await h.session.tell("alice", "+86 138 0000 0000");
    expect(lastPrivate(h, "alice")).toContain("verified for Demo");
    await h.session.tell("alice", "/mydata");
    expect(lastPrivate(h, "alice")).toContain("+86*******0000");
  });

  it("in a zh community without default_country_code, refuses a national number with the international form in Chinese", async () => {
    const h = await startVerification(
      consoleConfig(
        `verification:
  required: true
  fields: { legal_name: true, phone: true }`,
        "language: zh",
      ),
    );
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "Alice Example");
    await h.session.tell("alice", "138 0000 0000");
    expect(lastPrivate(h, "alice")).toContain("按国际格式输入：+ 加国家代码再加号码");
    expect(await h.runtime.services.identities.lookup(h.session.account("alice"))).toBeUndefined();
  });

  it("reads a national number as the community's explicit default_country_code, and says so when asking", async () => {
    const h = await startVerification(
      consoleConfig(
        `verification:
  required: true
  default_country_code: +86
  fields: { legal_name: true, phone: true }`,
        "language: zh",
      ),
    );
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "Alice Example");
    expect(lastPrivate(h, "alice")).toContain("按 +86 处理");
    await h.session.tell("alice", "0138 0000 0000");
    expect(lastPrivate(h, "alice")).toContain("开头不带 0 的本国号码（按 +86 处理）");
    await h.session.tell("alice", "138 0000 0000");
    expect(lastPrivate(h, "alice")).toContain("已通过 Demo 的验证");
    await h.session.tell("alice", "/mydata");
    expect(lastPrivate(h, "alice")).toContain("+86*******0000");
  });

  it("with a default_country_code still takes a number typed with another country code as written", async () => {
    const h = await startVerification(
      consoleConfig(`verification:
  required: true
  default_country_code: "+86"
  fields: { legal_name: false, phone: true }`),
    );
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "+44 20 7946 0958");
    expect(lastPrivate(h, "alice")).toContain("verified for Demo");
    await h.session.tell("alice", "/mydata");
    expect(lastPrivate(h, "alice")).toContain("+44******0958");
  });

  it("starts from a /start deep-link payload", async () => {
    const h = await startVerification(consoleConfig(policy()));
    await h.session.tell("alice", "/start verify-demo");
    expect(lastPrivate(h, "alice")).toContain("legal name");
  });

  it("stops on /cancel and keeps nothing; /verify starts over from the first question", async () => {
    const h = await startVerification(consoleConfig(policy()));
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "Alice Example");
    await h.session.tell("alice", "/cancel");
    expect(lastPrivate(h, "alice")).toContain("cancelled");
    await h.session.tell("alice", ALICE_ID);
    expect(lastPrivate(h, "alice")).toContain("/help");
    await h.session.tell("alice", "/verify");
    expect(lastPrivate(h, "alice")).toContain("legal name");
  });

  it("restarts at the first question when /verify is sent in the middle", async () => {
    const h = await startVerification(consoleConfig(policy()));
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "Alice Example");
    expect(lastPrivate(h, "alice")).toContain("resident ID");
    await h.session.tell("alice", "/verify");
    expect(lastPrivate(h, "alice")).toContain("(1/3)");
    await h.session.tell("alice", "Alice Again");
    await h.session.tell("alice", ALICE_ID);
    await h.session.press("alice", "Accept");
    expect(await h.runtime.services.identities.realName(h.session.account("alice"))).toBe("Alice Again");
  });

  it("abandons a step left unanswered for step_timeout, tells the member, and survives a restart", async () => {
    const h = await startVerification(consoleConfig(policy()));
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "Alice Example");
    await h.restart();
    expect(await h.advance(14 * MINUTE)).toBe(0);
    expect(await h.advance(2 * MINUTE)).toBe(1);
    expect(lastPrivate(h, "alice")).toContain("no answer for too long");
    await h.session.tell("alice", ALICE_ID);
    expect(lastPrivate(h, "alice")).not.toContain("Be kind");
  });

  it("does not let an old step's timer end a later step", async () => {
    const h = await startVerification(consoleConfig(policy()));
    await h.session.tell("alice", "/verify");
    await h.advance(10 * MINUTE);
    await h.session.tell("alice", "Alice Example");
    await h.advance(10 * MINUTE);
    expect(lastPrivate(h, "alice")).toContain("resident ID");
  });

  it("stops when the rules are declined", async () => {
    const h = await startVerification(consoleConfig(policy()));
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "Alice Example");
    await h.session.tell("alice", ALICE_ID);
    await h.session.tell("alice", "ok");
    expect(lastPrivate(h, "alice")).toContain("Accept or Decline");
    await h.session.press("alice", "Decline");
    expect(lastPrivate(h, "alice")).toContain("declined the rules");
    expect(await h.runtime.services.identities.lookup(h.session.account("alice"))).toBeUndefined();
  });

  it("deletes a post by an unverified newcomer, limits them and invites them", async () => {
    const h = await startVerification(consoleConfig(policy()));
    const alice = h.session.account("alice");
    await h.session.join("alice", "lobby");
    await h.runtime.services.access.release([h.session.chat("lobby")], alice, () => true, h.clock.now());
    const { message } = await h.session.say("alice", "lobby", "hello");
    expect(h.world.find(h.session.chat("lobby"), message.ref.id)?.deleted).toBe(true);
    expect(lastPrivate(h, "alice")).toContain("was removed");
  });

  it("lets admins post without verifying", async () => {
    const h = await startVerification(consoleConfig(policy()));
    const { message } = await h.session.say("admin", "lobby", "announcement");
    expect(h.world.find(h.session.chat("lobby"), message.ref.id)?.deleted).toBe(false);
  });

  it("asks nothing and verifies at once when no fields and no rules are configured", async () => {
    const h = await startVerification(
      consoleConfig(`verification:
  required: true
  fields: { legal_name: false }`),
    );
    await h.session.join("alice", "lobby");
    await h.session.press("alice", "Verify now");
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("alice"))).toBe("full");
  });

  it("answers in Chinese for a member who chose Chinese", async () => {
    const h = await startVerification(consoleConfig(policy()));
    await h.session.tell("alice", "/language zh");
    await h.session.tell("alice", "/verify");
    expect(lastPrivate(h, "alice")).toContain("真实姓名");
    await h.session.tell("alice", "Alice Example");
    await h.session.tell("alice", "110105199003071230");
    expect(privateTexts(h, "alice").at(-1)).toMatch(/最后一位|检查/);
  });

  it("removes an unverified newcomer after remove_unverified_after, and not a verified one", async () => {
    const h = await startVerification(consoleConfig(policy("remove_unverified_after: 2d")));
    await h.session.join("alice", "lobby");
    await h.session.join("bob", "lobby");
    await verifyAlice(h, "bob", cnId("11010519850101999"));
    await h.advance(2 * 86_400_000 + 1000);
    const kicks = h.world.effects
      .filter((e) => e.decision.kind === "kick")
      .map((e) => (e.decision as { account: string }).account);
    expect(kicks).toEqual([h.session.account("alice")]);
    expect(lastPrivate(h, "alice")).toContain("removed from Demo");
  });
});

export { verifyAlice, ALICE_ID, policy };
