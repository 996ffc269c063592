import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { allMembers } from "../../../src/core/ports/store.js";
import { consoleConfig, startHarness } from "../../support/harness.js";

describe("indexes are sets, not lists rewritten whole", () => {
  it("moves an index list written by an older version into the set on first read", async () => {
    const store = new MemoryStore();
    await store.set("news:pending:demo", ["h2", "h1"]);
    await store.addToSet("news:pending:demo", "h3");
    expect(await allMembers(store, "news:pending:demo")).toEqual(["h1", "h2", "h3"]);
    expect(await store.get("news:pending:demo")).toBeUndefined();
  });

  it("keeps a chat's members as one set entry per member", async () => {
    const h = await startHarness(consoleConfig());
    for (const name of ["alice", "bob", "carol"]) await h.session.join(name, "lobby");
    await h.session.say("alice", "lobby", "hello again");
    expect(await h.store.setMembers("members-of:console:lobby")).toEqual([
      "console:alice",
      "console:bob",
      "console:carol",
    ]);
    expect(await h.store.get("members-of:console:lobby")).toBeUndefined();
  });
});
