import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { Engine } from "../../../src/core/engine/engine.js";
import type { Module, Verdict } from "../../../src/core/engine/module.js";
import type { MessagePosted } from "../../../src/core/events.js";
import type { AccountKey, ChatKey } from "../../../src/core/ids.js";
import { UNCACHED, readShared, type KeyValueStore } from "../../../src/core/ports/store.js";
import { consoleConfig, startHarness } from "../../support/harness.js";
import { interceptStore } from "../../support/intercept-store.js";

const config = consoleConfig(`verification:
  required: true
  method: self_declared
news:
  enabled: true
  domains: [news.example]
rules:
  enabled: true
  categories:
    spam:
      terms: [buy followers]
      points: 1
      action: delete
`);

/** Counts calls by operation, passing each straight through (answers stay as the store gives them). */
function counted(inner: KeyValueStore) {
  const calls = new Map<string, number>();
  const state = { on: false };
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (state.on) {
          calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as KeyValueStore;
  return { store, calls, state };
}

/** A store that can answer nothing at once: every shared read is a round trip, as a cold Redis cache. */
function roundTrips(inner: KeyValueStore): KeyValueStore {
  return interceptStore(inner, () => undefined, { peekShared: () => UNCACHED });
}

/** A scenario touching every module of the message path; returns what members and chats saw. */
async function scenario(store: KeyValueStore) {
  const h = await startHarness(config, { store });
  const s = h.session;
  await s.say("hank", "lobby", "hello all");
  await s.say("admin", "review", "/verifyuser hank Hank Example");
  await s.say("hank", "lobby", "an ordinary message");
  await s.say("hank", "lobby", "buy followers here");
  await s.say("hank", "lobby", "see https://news.example/a");
  await s.say("newbie", "lobby", "first post before verifying");
  await s.say("newbie", "lobby", "buy followers while limited");
  await s.say("admin", "lobby", "buy followers, says the admin");
  // a newcomer is limited until verified: the gate removes the post, and its rule hit still counts
  await s.join("nova", "lobby");
  await s.say("nova", "lobby", "buy followers as a newcomer");
  await s.say("nova", "lobby", "and again");
  // hold ids are random: the same scenario gives others each run
  const plain = (text: string) => text.replace(/\bh[0-9a-f]{10}\b/g, "<hold>");
  const seen = (chat: string) => h.world.visible(s.chat(chat)).map((m) => plain(m.text));
  return {
    lobby: seen("lobby"),
    review: seen("review"),
    modlog: seen("modlog"),
    hank: h.world.privateMessages(s.account("hank")).map((m) => plain(m.text)),
    newbie: h.world.privateMessages(s.account("newbie")).map((m) => plain(m.text)),
    nova: h.world.privateMessages(s.account("nova")).map((m) => plain(m.text)),
  };
}

describe("records at hand", () => {
  it("handles an ordinary message of a verified member without a round trip: every record read at once", async () => {
    const { store, calls, state } = counted(new MemoryStore());
    const h = await startHarness(config, { store });
    await h.session.say("hank", "lobby", "first words");
    await h.session.say("admin", "review", "/verifyuser hank Hank Example");
    await h.session.say("hank", "lobby", "verified words");
    state.on = true;
    await h.session.say("hank", "lobby", "an ordinary message about the weekend");
    state.on = false;
    // membership, profile, chosen language, access level, binding, identity: each once, at once
    expect(calls.get("peekShared")).toBe(6);
    expect(calls.get("getShared")).toBeUndefined();
    expect(calls.get("get")).toBeUndefined();
  });

  it("removes a limited member's repeated post with shared reads only, at once: no plain read, no write", async () => {
    const { store, calls, state } = counted(new MemoryStore());
    const h = await startHarness(config, { store });
    await h.session.join("nova", "lobby");
    await h.session.say("nova", "lobby", "first post while limited");
    expect(
      h.world
        .privateMessages(h.session.account("nova"))
        .map((m) => m.text)
        .join("\n"),
    ).toMatch(/verif/i);
    state.on = true;
    await h.session.say("nova", "lobby", "and again, within the hour");
    state.on = false;
    expect(h.world.visible(h.session.chat("lobby")).map((m) => m.text)).not.toContain(
      "and again, within the hour",
    );
    // the access record (for the level and the reason) and the last notice's time, shared; told within the hour
    expect(calls.get("get")).toBeUndefined();
    expect(calls.get("change")).toBeUndefined();
    expect(calls.get("getShared")).toBeUndefined();
  });

  it("ends the same whether the store has the records at hand, answers by promise, or must go to the backend", async () => {
    const atHand = await scenario(new MemoryStore());
    expect(atHand.lobby).toContain("an ordinary message");
    expect(atHand.lobby).not.toContain("buy followers here");
    expect(atHand.lobby).not.toContain("see https://news.example/a");
    expect(atHand.review.join("\n")).toContain("news.example");
    expect(await scenario(interceptStore(new MemoryStore(), () => undefined))).toEqual(atHand);
    expect(await scenario(roundTrips(new MemoryStore()))).toEqual(atHand);
  });
});

describe("the message pipeline", () => {
  it("keeps module order and verdicts across modules that answer at once and ones that wait", async () => {
    const h = await startHarness(consoleConfig());
    const order: string[] = [];
    const later = <T>(value: T) => new Promise<T>((done) => setTimeout(() => done(value), 1));
    const at = (name: string, verdict: Verdict): Module => ({
      name,
      onMessage: () => {
        order.push(`${name}:message`);
        return verdict;
      },
      onRemovedMessage: () => {
        order.push(`${name}:removed`);
      },
    });
    const waits = (name: string, verdict: Verdict): Module => ({
      name,
      onMessage: () => {
        order.push(`${name}:message`);
        return later(verdict);
      },
      onRemovedMessage: async () => {
        await later(undefined);
        order.push(`${name}:removed`);
      },
    });
    const run = async (modules: Module[]) => {
      order.length = 0;
      const engine = new Engine({
        services: h.runtime.engine.services,
        clock: h.clock,
        modules,
        executors: {},
      });
      const event: MessagePosted = {
        kind: "message_posted",
        message: { chat: h.session.chat("lobby") as ChatKey, id: "1" },
        actor: { account: "console:zed" as AccountKey, displayName: "Zed", isChatAdmin: false },
        content: { text: "hi", links: [], media: [] },
      };
      await engine.handle(event);
      return [...order];
    };
    expect(await run([at("a", "continue"), waits("b", "continue"), at("c", "continue")])).toEqual([
      "a:message",
      "b:message",
      "c:message",
    ]);
    // a removal (at once or after a wait): later modules only record, in order, waiting or not
    expect(await run([at("a", "removed"), waits("b", "continue"), at("c", "continue")])).toEqual([
      "a:message",
      "b:removed",
      "c:removed",
    ]);
    expect(await run([waits("a", "removed"), at("b", "continue"), waits("c", "continue")])).toEqual([
      "a:message",
      "b:removed",
      "c:removed",
    ]);
    // a stop ends it, at once or after a wait
    expect(await run([at("a", "continue"), waits("b", "stop"), at("c", "continue")])).toEqual([
      "a:message",
      "b:message",
    ]);
    expect(await run([at("a", "stop"), waits("b", "continue")])).toEqual(["a:message"]);
  });
});

describe("readShared", () => {
  it("takes the store's answer at once, else waits for getShared, also when a wrapper made peekShared a promise", async () => {
    const inner = new MemoryStore();
    await inner.set("k", { n: 1 });
    expect(readShared(inner, "k")).toEqual({ n: 1 }); // not a promise
    const cold = roundTrips(inner);
    const waited = readShared(cold, "k");
    expect(waited).toBeInstanceOf(Promise);
    expect(await waited).toEqual({ n: 1 });
    const wrapped = interceptStore(inner, () => undefined);
    expect(await readShared(wrapped, "k")).toEqual({ n: 1 });
    const coldWrapped = interceptStore(roundTrips(inner), () => undefined);
    expect(await readShared(coldWrapped, "k")).toEqual({ n: 1 });
    expect(await readShared(coldWrapped, "absent")).toBeUndefined();
  });
});
