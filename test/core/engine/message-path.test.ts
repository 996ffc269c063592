import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { SEEN_EVERY } from "../../../src/core/engine/members.js";
import type { KeyValueStore } from "../../../src/core/ports/store.js";
import { consoleConfig, startHarness } from "../../support/harness.js";
import { interceptStore } from "../../support/intercept-store.js";

/** Store calls by "operation key-prefix", counted while `on` is set. */
function counting() {
  const calls: string[] = [];
  const state = { on: false };
  const store: KeyValueStore = interceptStore(new MemoryStore(), (operation, key) => {
    if (state.on) calls.push(`${operation} ${key}`);
  });
  return { calls, state, store };
}

const WRITES = new Set(["set", "change", "update", "setIfAbsent", "increment", "addToSet", "delete"]);
const writes = (calls: string[]) => calls.filter((c) => WRITES.has(c.split(" ")[0] as string));

const config = consoleConfig(`verification:
  required: true
  method: self_declared
news:
  enabled: true
  domains: [news.example]
  keywords: ["breaking news"]
rules:
  enabled: true
  categories:
    spam:
      terms: [buy followers]
      patterns: ["wx\\\\s*\\\\d{5,}"]
      domains: [spam.example]
      points: 1
      action: delete
`);

async function verifiedMember() {
  const { calls, state, store } = counting();
  const h = await startHarness(config, { store });
  await h.session.say("hank", "lobby", "first words");
  await h.session.say("admin", "review", "/verifyuser hank Hank Example");
  await h.session.say("hank", "lobby", "verified words");
  return { h, calls, state };
}

async function post(
  h: Awaited<ReturnType<typeof verifiedMember>>,
  text: string,
  who = "hank",
): Promise<string[]> {
  h.calls.length = 0;
  h.state.on = true;
  await h.h.session.say(who, "lobby", text);
  h.state.on = false;
  return [...h.calls];
}

describe("the message path of a verified member", () => {
  it("writes nothing for an ordinary message, and reads each record once", async () => {
    const m = await verifiedMember();
    const calls = await post(m, "an ordinary message about the weekend");
    expect(writes(calls)).toEqual([]);
    // membership, profile, chosen language, access level, verified identity (binding + identity)
    expect(calls.length).toBeLessThanOrEqual(6);
    expect(new Set(calls).size).toBe(calls.length);
    // not news: the publisher list and held-message marks are not looked at
    expect(calls.filter((c) => c.includes(" news"))).toEqual([]);
  });

  it("moves lastSeen at most once per SEEN_EVERY", async () => {
    const m = await verifiedMember();
    m.h.clock.advance(SEEN_EVERY - 1);
    expect(writes(await post(m, "still within the hour"))).toEqual([]);
    m.h.clock.advance(1);
    expect(writes(await post(m, "an hour later"))).toEqual(["change member:console:lobby:console:hank"]);
    const seen = await m.h.store.get<{ lastSeen: number }>("member:console:lobby:console:hank");
    expect(seen?.lastSeen).toBe(m.h.clock.now());
  });

  it("writes the membership and profile at once when something else about the member changed", async () => {
    const m = await verifiedMember();
    m.h.clock.advance(1_000);
    m.calls.length = 0;
    m.state.on = true;
    await m.h.runtime.engine.handle({
      kind: "message_posted",
      message: { chat: "console:lobby" as never, id: "900" },
      actor: {
        account: "console:hank" as never,
        displayName: "Hank Renamed",
        username: "hank",
        isChatAdmin: false,
      },
      content: { text: "new name", links: [], media: [] },
    });
    m.state.on = false;
    expect(writes(m.calls)).toEqual([
      "change member:console:lobby:console:hank",
      "change profile:console:hank",
    ]);
    expect((await m.h.runtime.services.members.profile("console:hank" as never))?.displayName).toBe(
      "Hank Renamed",
    );
  });

  it("still checks news posts against the publisher list and held messages", async () => {
    const m = await verifiedMember();
    const calls = await post(m, "see https://news.example/a");
    expect(calls).toContain("get news:publishers:demo");
    expect(calls.some((c) => c.startsWith("get news:held-msg:console:lobby:"))).toBe(true);
    expect(m.h.world.messages.get("console:review" as never)?.length ?? 0).toBeGreaterThan(0);
  });
});
