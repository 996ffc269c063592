import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { consoleConfig, startHarness } from "../../support/harness.js";
import { interceptStore } from "../../support/intercept-store.js";

const config = consoleConfig(`verification:
  required: true
  method: self_declared
`);

async function newcomerJoins() {
  const calls: string[] = [];
  const state = { on: false };
  const store = interceptStore(new MemoryStore(), (operation, key) => {
    if (state.on) calls.push(`${operation} ${key}`);
  });
  const h = await startHarness(config, { store });
  await h.session.join("early", "lobby");
  state.on = true;
  await h.session.join("nina", "lobby");
  state.on = false;
  return { h, calls };
}

describe("the join path of a newcomer", () => {
  it("limits and invites the newcomer without cancelling timers that were never set", async () => {
    const { h, calls } = await newcomerJoins();
    expect(h.world.access.get("console:lobby|console:nina")?.level).toBe("read_only");
    // no access timer (the limit has no end) and no renewal (the platform applied it in full)
    expect(calls.filter((c) => c.startsWith("unschedule") || c.startsWith("schedule"))).toEqual([]);
    // the enforcement record: the constraint before the restrict, the applied level after it
    expect(calls.filter((c) => c.includes(" enforcement:"))).toEqual([
      "change enforcement:console:lobby:console:nina",
      "change enforcement:console:lobby:console:nina",
    ]);
  });
});
