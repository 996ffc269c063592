/**
 * Brute force: ID-number, phone and /link-code answers are limited per account over a sliding hour, with
 * the limit from the config (not a built-in one); link codes expire after the configured time.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/adapters/storage/memory-store.js";
import type { Ctx } from "../../src/core/engine/context.js";
import type { AccountKey } from "../../src/core/ids.js";
import { HOUR, MINUTE } from "../../src/core/ports/clock.js";
import { takeAttempt } from "../../src/core/verification/common.js";
import { cnId, lastPrivate } from "../core/verification/support.js";
import { consoleConfig, startHarness, type Harness } from "../support/harness.js";

const config = (limit: number, extra = "") =>
  consoleConfig(`verification:
  required: true
  fields: { legal_name: true, id_number: { kind: cn-resident }, phone: true }
  attempts_per_hour: ${limit}
  link_code_ttl: 3m
  ${extra}`);

const TOO_MANY = "Too many attempts";

/** Answers until refused (at most 30): how many answers were accepted within one hour. */
async function acceptedUntilRefused(h: Harness, user: string, answer: (i: number) => string) {
  for (let i = 0; i < 30; i++) {
    await h.session.tell(user, answer(i));
    if (lastPrivate(h, user).includes(TOO_MANY)) return i;
  }
  return 30;
}

/** A valid-looking but wrong ID number (wrong check character), different each time. */
const wrongId = (i: number) => {
  const right = cnId(`110105199003071${String(i).padStart(2, "0")}`);
  return right.slice(0, 17) + (right.endsWith("0") ? "1" : "0");
};

describe("brute force: the configured attempt limit is the one applied", () => {
  for (const limit of [3, 8]) {
    it(`ID-number answers: ${limit} per sliding hour with attempts_per_hour: ${limit}`, async () => {
      const h = await startHarness(config(limit));
      await h.session.tell("mallory", "/verify");
      await h.session.tell("mallory", "Mallory Example");
      const accepted = await acceptedUntilRefused(h, "mallory", wrongId);
      console.log(`ID numbers: ${accepted} answers accepted with attempts_per_hour: ${limit}`);
      expect(accepted).toBe(limit);
    });

    it(`/link codes: ${limit} guesses per sliding hour with attempts_per_hour: ${limit}`, async () => {
      const h = await startHarness(config(limit));
      const accepted = await acceptedUntilRefused(h, "mallory", (i) => `/link WRONG${i}`);
      console.log(`link codes: ${accepted} guesses accepted with attempts_per_hour: ${limit}`);
      expect(accepted).toBe(limit);
    });
  }

  it("phone answers: 2 per sliding hour with attempts_per_hour: 2", async () => {
    const h = await startHarness(
      consoleConfig(`verification:
  required: true
  fields: { legal_name: true, phone: true }
  attempts_per_hour: 2`),
    );
    await h.session.tell("mallory", "/verify");
    await h.session.tell("mallory", "Mallory Example");
    const accepted = await acceptedUntilRefused(h, "mallory", (i) => `not a phone ${i}`);
    console.log(`phones: ${accepted} answers accepted with attempts_per_hour: 2`);
    expect(accepted).toBe(2);
  });

  it("link codes expire after link_code_ttl from the config (3m): valid at 2m59s, refused at 3m01s", async () => {
    const h = await startHarness(config(5, "max_accounts_per_platform: 2"));
    const issue = async (user: string) => {
      await h.session.tell(user, "/verify");
      await h.session.tell(user, `${user} Example`);
      await h.session.tell(user, cnId(user === "dana" ? "44030519791124567" : "44030519791124568"));
      await h.session.tell(user, "+8613912345678");
      await h.session.tell(user, "/link");
      return /code: (\S+)/.exec(lastPrivate(h, user))?.[1] as string;
    };
    const early = await issue("dana");
    expect(early).toMatch(/^[A-Z0-9]{8}$/);
    h.clock.advance(3 * MINUTE - 1000);
    await h.session.tell("dana2", `/link ${early}`);
    expect(lastPrivate(h, "dana2")).toContain("linked");
    const late = await issue("erin");
    h.clock.advance(3 * MINUTE + 1000);
    await h.session.tell("erin2", `/link ${late}`);
    expect(lastPrivate(h, "erin2")).toContain("expired");
    console.log("link codes: accepted 1 s before link_code_ttl (3m), refused 1 s after");
  });
});

describe("brute force: the sliding window", () => {
  it("never accepts more than the limit in any 60 minutes, and accepts whenever fewer were taken (1,000 random schedules)", async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 20 * MINUTE }), { minLength: 1, maxLength: 60 }),
        async (limit, gaps) => {
          const store = new MemoryStore();
          const account = "console:mallory" as AccountKey;
          const accepted: number[] = [];
          let now = Date.UTC(2026, 0, 5);
          for (const gap of gaps) {
            now += gap;
            const ctx = { now, services: { store } } as unknown as Ctx;
            const ok = await takeAttempt(ctx, account, limit);
            // The model: accepted exactly when fewer than `limit` were accepted in the last hour.
            const recent = accepted.filter((t) => t > now - HOUR).length;
            expect(ok).toBe(recent < limit);
            if (ok) accepted.push(now);
            checked++;
          }
        },
      ),
      { numRuns: 1000 },
    );
    console.log(`sliding window: ${checked} attempts matched the model over 1000 schedules`);
  });
});
