import { describe, expect, it } from "vitest";
import type {
  IdentityCheckRequest,
  IdentityProvider,
} from "../../../src/core/verification/identity-provider.js";
import { cnId, consoleConfig, lastPrivate, privateTexts, startVerification } from "./support.js";

const ID = cnId("51010719870601357");

describe("method phone", () => {
  const config = consoleConfig(`verification:
  required: true
  method: phone
  fields: { legal_name: false }`);

  it("accepts the member's own contact card and verifies", async () => {
    const h = await startVerification(config);
    await h.session.join("jane", "lobby");
    await h.session.tell("jane", "/verify");
    expect(h.world.effects.at(-1)?.decision).toMatchObject({ kind: "send_private", requestContact: true });
    await h.session.shareContact("jane", "8613800001111");
    expect(lastPrivate(h, "jane")).toContain("verified");
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("jane"))).toBe("full");
  });

  it("refuses someone else's contact and a typed number: share your own contact", async () => {
    const h = await startVerification(config);
    await h.session.tell("jane", "/verify");
    await h.session.shareContact("jane", "8613800002222", "kim");
    expect(lastPrivate(h, "jane")).toContain("share your own contact");
    await h.session.tell("jane", "+86 138 0000 2222");
    expect(lastPrivate(h, "jane")).toContain("share your own contact");
    expect(await h.runtime.services.identities.lookup(h.session.account("jane"))).toBeUndefined();
  });

  it("matches identities by the phone when it is the key field", async () => {
    const h = await startVerification(config);
    await h.session.tell("jane", "/verify");
    await h.session.shareContact("jane", "8613800001111");
    await h.session.tell("jane2", "/verify");
    await h.session.shareContact("jane2", "+86 138 0000 1111", "jane2");
    expect(lastPrivate(h, "jane2")).toContain("This phone number cannot be used for a new registration here");
  });

  it("/forgetme under a ban names the phone, not an ID number, as the one thing kept", async () => {
    const h = await startVerification(config);
    await h.session.tell("jane", "/verify");
    await h.session.shareContact("jane", "8613800001111");
    await h.session.join("jane", "lobby");
    await h.session.say("admin", "lobby", "/ban jane spam");
    await h.session.tell("jane", "/forgetme");
    expect(lastPrivate(h, "jane")).toContain("keyed hash of your phone number");
    expect(lastPrivate(h, "jane")).not.toContain("hash of your ID");
  });
});

describe("method external", () => {
  const config = consoleConfig(`verification:
  required: true
  method: external
  external: { url: "https://id.example.org/check", timeout: 5s }
  fields: { legal_name: true, id_number: { kind: cn-resident } }`);

  function provider(answer: Awaited<ReturnType<IdentityProvider["check"]>>) {
    const calls: IdentityCheckRequest[] = [];
    return {
      calls,
      provider: {
        check: async (r: IdentityCheckRequest) => (calls.push(r), answer),
      } satisfies IdentityProvider,
    };
  }

  async function run(p: IdentityProvider | undefined) {
    const h = await startVerification(config, { identityProvider: p });
    await h.session.join("kim", "lobby");
    await h.session.tell("kim", "/verify");
    await h.session.tell("kim", "Kim Example");
    await h.session.tell("kim", ID);
    return h;
  }

  it("sends the collected fields to the provider and verifies on its answer", async () => {
    const { calls, provider: p } = provider({ status: "verified" });
    const h = await run(p);
    expect(calls[0]).toMatchObject({
      endpoint: { url: "https://id.example.org/check", timeoutMs: 5000 },
      community: "demo",
      account: "console:kim",
      fields: { legal_name: "Kim Example", id_number: ID },
    });
    expect(lastPrivate(h, "kim")).toContain("verified");
  });

  it("passes the provider's rejection reason to the member", async () => {
    const h = await run(provider({ status: "rejected", reason: "name and ID number do not match" }).provider);
    expect(lastPrivate(h, "kim")).toContain("name and ID number do not match");
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("kim"))).toBe("read_only");
  });

  it("treats a provider failure as no decision: the member tries later, admins are told", async () => {
    const h = await run(provider({ status: "error", message: "no answer within 5000 ms" }).provider);
    expect(lastPrivate(h, "kim")).toContain("try again later");
    expect(h.world.visible(h.session.chat("modlog")).at(-1)?.text).toContain("no answer within 5000 ms");
  });

  it("leaves a join request waiting when the provider fails, and approves it when a retry succeeds", async () => {
    let answer: Awaited<ReturnType<IdentityProvider["check"]>> = { status: "error", message: "HTTP 503" };
    const h = await startVerification(config, { identityProvider: { check: async () => answer } });
    await h.session.requestJoin("kim", "lobby");
    await h.session.tell("kim", "Kim Example");
    await h.session.tell("kim", ID);
    expect(lastPrivate(h, "kim")).toContain("try again later");
    expect(h.world.effects.some((e) => e.decision.kind === "decline_join")).toBe(false);
    answer = { status: "verified" };
    await h.session.tell("kim", "/verify");
    await h.session.tell("kim", "Kim Example");
    await h.session.tell("kim", ID);
    expect(h.world.effects.some((e) => e.decision.kind === "approve_join")).toBe(true);
  });

  it("with no provider configured, tells the admins clearly and the member to wait", async () => {
    const h = await run(undefined);
    expect(privateTexts(h, "kim").join("\n")).toContain("not available right now");
    expect(h.world.visible(h.session.chat("modlog")).at(-1)?.text).toContain(
      "no identity provider is configured",
    );
  });
});
