import { describe, expect, it } from "vitest";
import { DAY, MINUTE } from "../../../src/core/ports/clock.js";
import { cnId, consoleConfig, lastPrivate, privateTexts, startVerification } from "./support.js";

const config = consoleConfig(`verification:
  required: true
  fields: { legal_name: true }
  grace_period: 3d
  reminder_every: 1d
  step_timeout: 10m`);

describe("existing members", () => {
  it("gives a member first seen by posting a grace period with reminders, then limits them", async () => {
    const h = await startVerification(config);
    const alice = h.session.account("alice");
    const lobby = h.session.chat("lobby");
    const { message } = await h.session.say("alice", "lobby", "hi, I was here before the bot");
    expect(h.world.find(lobby, message.ref.id)?.deleted).toBe(false);
    expect(h.world.levelOf(lobby, alice)).toBe("full");
    expect(lastPrivate(h, "alice")).toContain("3d");
    await h.session.say("alice", "lobby", "still posting during grace");
    expect(privateTexts(h, "alice")).toHaveLength(1);
    await h.restart();
    await h.advance(DAY);
    expect(lastPrivate(h, "alice")).toContain("Reminder");
    await h.advance(DAY);
    expect(privateTexts(h, "alice").filter((t) => t.includes("Reminder"))).toHaveLength(2);
    await h.advance(DAY);
    expect(h.world.levelOf(lobby, alice)).toBe("read_only");
    expect(lastPrivate(h, "alice")).toContain("has ended");
  });

  it("ends the grace period early when the member verifies (no reminders, no limits afterwards)", async () => {
    const h = await startVerification(config);
    const alice = h.session.account("alice");
    await h.session.say("alice", "lobby", "hello");
    await h.session.press("alice", "Verify now");
    await h.session.tell("alice", "Alice Example");
    const before = privateTexts(h, "alice").length;
    await h.advance(4 * DAY);
    expect(privateTexts(h, "alice")).toHaveLength(before);
    expect(h.world.levelOf(h.session.chat("lobby"), alice)).toBe("full");
  });

  it("limits a newcomer at once, without a grace period", async () => {
    const h = await startVerification(config);
    await h.session.join("bob", "lobby");
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("bob"))).toBe("read_only");
  });

  it("does nothing when verification is not required", async () => {
    const h = await startVerification(consoleConfig());
    await h.session.join("bob", "lobby");
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("bob"))).toBe("full");
    expect(privateTexts(h, "bob")).toHaveLength(0);
  });

  it("lets a limited text_only member post text up to max_per_hour", async () => {
    const h = await startVerification(
      consoleConfig(`verification:
  required: true
  unverified: { level: text_only, max_per_hour: 2 }`),
    );
    const lobby = h.session.chat("lobby");
    await h.session.join("bob", "lobby");
    const first = await h.session.say("bob", "lobby", "one");
    const second = await h.session.say("bob", "lobby", "two");
    const third = await h.session.say("bob", "lobby", "three");
    const link = await h.session.say("bob", "lobby", "see https://example.com");
    expect([first, second, third, link].map((r) => h.world.find(lobby, r.message.ref.id)?.deleted)).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });

  it("tells an unverified member what the configured level still allows, on joining and when grace ends", async () => {
    const h = await startVerification(config);
    await h.session.join("bob", "lobby");
    expect(lastPrivate(h, "bob")).toContain("you can only read");
    const capped = await startVerification(
      consoleConfig(`verification:
  required: true
  grace_period: 1d
  unverified: { level: text_only, max_per_hour: 2 }`),
    );
    await capped.session.join("bob", "lobby");
    expect(lastPrivate(capped, "bob")).toContain(
      "only text, without links or media, and at most 2 messages an hour",
    );
    expect(lastPrivate(capped, "bob")).not.toContain("only read");
    await capped.session.say("carol", "lobby", "here before the bot");
    await capped.advance(DAY);
    expect(lastPrivate(capped, "carol")).toContain("has ended, so for now you can post only text");
    capped.session.setLanguage("dave", "zh");
    await capped.session.join("dave", "lobby");
    expect(lastPrivate(capped, "dave")).toContain(
      "你只能发送纯文字消息，不能包含链接或媒体，且每小时最多 2 条",
    );
    const uncapped = await startVerification(
      consoleConfig(`verification:
  required: true
  unverified: { level: text_only }`),
    );
    await uncapped.session.join("erin", "lobby");
    expect(lastPrivate(uncapped, "erin")).toContain("you can post only text, without links or media.");
  });
});

describe("join requests", () => {
  const joinConfig = consoleConfig(`verification:
  required: true
  fields: { legal_name: true, id_number: { kind: cn-resident } }
  step_timeout: 10m`);

  it("asks the applicant to verify privately and approves the request on success", async () => {
    const h = await startVerification(joinConfig);
    await h.session.requestJoin("carol", "lobby");
    expect(privateTexts(h, "carol").join("\n")).toContain("asked to join Demo");
    expect(lastPrivate(h, "carol")).toContain("legal name");
    await h.session.tell("carol", "Carol Example");
    const { decisions } = await h.session.tell("carol", cnId("31010419881212345"));
    expect(decisions).toContainEqual({
      kind: "approve_join",
      chat: "console:lobby",
      account: "console:carol",
    });
    expect(h.world.pendingJoins.size).toBe(0);
  });

  it("declines the request when the applicant abandons verification by timeout", async () => {
    const h = await startVerification(joinConfig);
    await h.session.requestJoin("carol", "lobby");
    await h.advance(11 * MINUTE);
    expect(h.world.effects.some((e) => e.decision.kind === "decline_join" && e.outcome.status === "ok")).toBe(
      true,
    );
    expect(lastPrivate(h, "carol")).toContain("no answer for too long");
  });

  it("declines the request when verification is rejected", async () => {
    const h = await startVerification(
      consoleConfig(`verification:
  required: true
  method: admin_review
  fields: { legal_name: true }`),
    );
    await h.session.requestJoin("carol", "lobby");
    await h.session.tell("carol", "Carol Example");
    await h.session.press("admin", "Reject", { chat: "review" });
    const card = h.world.visible(h.session.chat("review")).find((m) => m.buttons?.length);
    const id = /request (\S+) from/.exec(card?.text ?? "")?.[1];
    await h.session.say("admin", "review", `/reject ${id} the name does not match the photo`);
    expect(h.world.effects.some((e) => e.decision.kind === "decline_join")).toBe(true);
    expect(lastPrivate(h, "carol")).toContain("the name does not match the photo");
  });

  it("approves an already verified applicant at once", async () => {
    const h = await startVerification(joinConfig);
    await h.session.tell("carol", "/verify demo");
    await h.session.tell("carol", "Carol Example");
    await h.session.tell("carol", cnId("31010419881212345"));
    const { decisions } = await h.session.requestJoin("carol", "second");
    expect(decisions).toEqual([{ kind: "approve_join", chat: "console:second", account: "console:carol" }]);
  });
});
