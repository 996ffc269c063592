/**
 * Bad input that gets a clear answer: oversized command arguments, lone surrogates in a legal name,
 * tampered deep-link payloads (through the real grammY bot and the fake Bot API).
 */
import { afterEach, describe, expect, it } from "vitest";
import { encodePayload } from "../../src/adapters/telegram/deeplink.js";
import { startWorld, type TgWorld } from "../adapters/telegram/support.js";
import { lastPrivate } from "../core/verification/support.js";
import { consoleConfig, startHarness } from "../support/harness.js";

const config = consoleConfig(`verification:
  required: true
  method: admin_review
  fields: { legal_name: true }`);

describe("bad input: a clear answer", () => {
  it("refuses a command whose arguments are oversized, storing nothing of them", async () => {
    const h = await startHarness(config);
    await h.session.say("bob", "lobby", "hello");
    const huge = "spam ".repeat(40_000);
    const answers: string[] = [];
    for (const line of [`/report ${huge}`, `/appeal 1 ${huge}`]) {
      const { decisions } = await h.session.say("alice", "lobby", line, { replyTo: "1" });
      answers.push(...decisions.flatMap((d) => ("text" in d ? [String(d.text)] : [])));
    }
    let stored = 0;
    for await (const r of h.store.dump()) stored = Math.max(stored, JSON.stringify(r).length);
    console.log(
      `oversized: 2 commands of ${huge.length} characters answered, largest stored record ${stored} chars`,
    );
    expect(answers.filter((a) => /too long/.test(a))).toHaveLength(2);
    expect(stored).toBeLessThan(10_000);
  });

  it("refuses a legal name with a lone surrogate (it would be stored as another name)", async () => {
    const h = await startHarness(config);
    await h.session.tell("dana", "/verify");
    await h.session.tell("dana", "Dana \ud800Example");
    expect(lastPrivate(h, "dana")).toContain("legal name");
    await h.session.tell("dana", "Dana Example");
    expect(lastPrivate(h, "dana")).toContain("sent to the admins");
  });
});

describe("bad input on Telegram: tampered deep-link payloads", () => {
  let w: TgWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it("answers every tampered /start payload in words (the welcome, or why the press does nothing)", async () => {
    w = await startWorld({ policy: "verification: { required: true }" });
    const { tg } = w;
    const eve = tg.addUser({ first_name: "Eve" });
    const payloads = [
      "%%%not-base64%%%",
      "x".repeat(80),
      encodePayload("zz:1") as string,
      encodePayload("verify:start:nosuchcommunity") as string,
      encodePayload("verify:approve:r0000") as string,
      encodePayload("hold:approve:h000") as string,
      encodePayload("sanct:rc:1:2") as string,
    ];
    for (const [i, payload] of payloads.entries()) {
      tg.userStartsBot(eve.id, payload);
      await tg.waitFor(() => tg.botMessages(eve.id).length > i, { timeoutMs: 10_000 });
    }
    const answers = tg.botMessages(eve.id).map((m) => m.message.text ?? "");
    console.log(`deep links: ${payloads.length} tampered payloads, ${answers.length} answers`);
    expect(answers).toHaveLength(payloads.length);
    for (const a of answers) expect(a.length).toBeGreaterThan(10);
    expect(answers.filter((a) => /not valid|only admins|only by admins|no held post/i.test(a)).length).toBe(
      5,
    );
  }, 60_000);
});
