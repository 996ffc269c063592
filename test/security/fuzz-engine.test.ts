/**
 * Property-based: random events (posts, edits, joins, commands, button data, private texts, contacts,
 * the clock moving on) thrown at the whole engine with every module on, then the state invariants. The
 * full run is 100,000 events (`npm run test:security`); npm test runs a share of it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { consoleConfig, startHarness } from "../support/harness.js";
import { budget, checkInvariants, replay, steps } from "./fuzz-support.js";

const config = consoleConfig(`verification:
  required: true
  method: admin_review
  fields: { legal_name: true, id_number: { kind: cn-resident }, phone: true }
  unverified: { level: text_only, max_per_hour: 3 }
news:
  enabled: true
  domains: ["reuters.com"]
rules:
  enabled: true
  categories:
    spam: { terms: ["buy followers"], action: hold, points: 2 }
`);

const PER_RUN = 50;
/**
 * npm test's share (2,000 events) reaches a hold only about 5 times, so a fresh seed can miss one and fail
 * the reach check below by chance: it runs from this fixed seed. The full 100,000 draw a fresh one.
 */
const SMALL_RUN_SEED = 20261201;

describe("bad input: random events at the engine", () => {
  const total = budget(100_000);
  it(`handles ${total} random events without an unhandled exception, and the invariants hold`, async () => {
    let events = 0;
    let waits = 0;
    const seen = { holds: 0, requests: 0, points: 0, restrictions: 0 };
    await fc.assert(
      fc.asyncProperty(fc.infiniteStream(fc.nat()), fc.nat(), async (_s, seed) => {
        const h = await startHarness(config);
        h.session.setAdmin("admin", "lobby");
        h.session.setAdmin("admin", "review");
        const sample = fc.sample(steps(h), { numRuns: PER_RUN, seed });
        for (const step of sample) {
          if (step.kind === "wait") {
            await h.advance(step.ms);
            waits++;
          } else {
            for (const event of step.kind === "story" ? step.events : [step.event]) {
              await h.session.dispatch(event);
              events++;
            }
          }
        }
        await checkInvariants(h, seen);
        h.runtime.scheduler.stop();
      }),
      { numRuns: Math.ceil(total / PER_RUN), endOnFailure: true, ...replay(SMALL_RUN_SEED, total) },
    );
    console.log(
      `engine: ${events} random events and ${waits} clock moves, no exception; invariants held over ` +
        `${seen.holds} holds, ${seen.requests} review requests, ${seen.points} point records, ${seen.restrictions} restrictions`,
    );
    // The runs reached the states the invariants are about.
    expect(Math.min(seen.holds, seen.requests, seen.points, seen.restrictions)).toBeGreaterThan(0);
    expect(events + waits).toBeGreaterThanOrEqual(total);
  }, 1_800_000);
});
