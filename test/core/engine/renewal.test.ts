import { describe, expect, it } from "vitest";
import type { DecisionExecutor, Outcome, PlatformDecision } from "../../../src/core/decisions.js";
import { DAY, HOUR } from "../../../src/core/ports/clock.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";

const CAP = 28 * DAY;

/** The console world, but restrictions last at most 28 days, as Discord timeouts do. */
function capped(h: Harness): { restricts: number[] } {
  const seen = { restricts: [] as number[] };
  const inner = h.world;
  const executor: DecisionExecutor = {
    async execute(d: PlatformDecision): Promise<Outcome> {
      const outcome = await inner.execute(d);
      if (d.kind !== "restrict" || outcome.status !== "ok") return outcome;
      const now = h.clock.now();
      seen.restricts.push(now);
      return d.until === undefined || d.until > now + CAP ? { ...outcome, until: now + CAP } : outcome;
    },
  };
  h.runtime.engine.setExecutor("console", executor);
  return seen;
}

describe("restrictions a platform shortens", () => {
  it("re-applies a 60-day mute before each 28-day platform timeout lapses, then lifts it once", async () => {
    const h = await startHarness(consoleConfig());
    const seen = capped(h);
    const alice = h.session.account("alice");
    const lobby = h.session.chat("lobby");
    const start = h.clock.now();
    await h.runtime.engine.run(
      await h.runtime.services.access.constrain(
        [lobby],
        alice,
        { source: "sanction", level: "read_only", until: start + 60 * DAY, caseNumber: 1 },
        start,
      ),
    );
    expect((await h.runtime.services.access.get(lobby, alice))?.appliedUntil).toBe(start + CAP);
    await h.advance(CAP - HOUR - 1000);
    expect(seen.restricts).toHaveLength(1);
    await h.advance(2000);
    expect(seen.restricts).toHaveLength(2); // renewed an hour before the first timeout ends
    await h.advance(CAP);
    expect(seen.restricts).toHaveLength(3);
    expect(h.world.levelOf(lobby, alice)).toBe("read_only");
    await h.advance(60 * DAY - (h.clock.now() - start) + 1000);
    expect(h.world.levelOf(lobby, alice)).toBe("full");
    await h.advance(60 * DAY);
    expect(seen.restricts).toHaveLength(3);
  });

  it("keeps renewing an open-ended mute, and schedules nothing for one the platform applied in full", async () => {
    const h = await startHarness(consoleConfig());
    const seen = capped(h);
    const alice = h.session.account("alice");
    const bob = h.session.account("bob");
    const lobby = h.session.chat("lobby");
    const now = h.clock.now();
    const { access } = h.runtime.services;
    await h.runtime.engine.run(
      await access.constrain([lobby], alice, { source: "admin", level: "read_only" }, now),
    );
    await h.runtime.engine.run(
      await access.constrain([lobby], bob, { source: "admin", level: "read_only", until: now + DAY }, now),
    );
    expect(seen.restricts).toHaveLength(2);
    for (let i = 0; i < 4; i++) await h.advance(CAP);
    expect(seen.restricts).toHaveLength(2 + 4); // alice renewed each time, bob never
    expect(h.world.levelOf(lobby, alice)).toBe("read_only");
    expect(h.world.levelOf(lobby, bob)).toBe("full");
  });
});

describe("a shortened restriction lifted early", () => {
  /** The renewal timers of bob's mute, in each chat of the community. */
  const renewals = async (h: Harness) => {
    const bob = h.session.account("bob");
    const timers = ["lobby", "second"].map((c) =>
      h.runtime.services.timers.get(`access-renew:${h.session.chat(c)}:${bob}`),
    );
    return (await Promise.all(timers)).filter(Boolean);
  };

  it.each([
    ["a pardon", (h: Harness) => h.session.say("admin", "lobby", "/pardon 1 mistake")],
    [
      "an accepted appeal",
      async (h: Harness) => {
        await h.session.tell("bob", "/appeal 1 sorry");
        await h.session.press("admin", "Accept", { chat: "review" });
      },
    ],
  ])("cancels the renewal timer of a 60-day mute lifted by %s", async (_how, lift) => {
    const h = await startHarness(consoleConfig());
    const seen = capped(h);
    await h.session.say("bob", "lobby", "hello");
    await h.session.say("admin", "lobby", "/mute bob 60d insults");
    const applied = seen.restricts.length;
    expect(applied).toBeGreaterThan(0);
    expect(await renewals(h)).toHaveLength(applied);
    await lift(h);
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("bob"))).toBe("full");
    expect(await renewals(h)).toEqual([]);
    await h.advance(CAP);
    expect(seen.restricts).toHaveLength(applied);
  });
});
