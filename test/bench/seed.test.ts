import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/adapters/storage/memory-store.js";
import type { AccountKey } from "../../src/core/ids.js";
import type { DumpRecord } from "../../src/core/ports/store.js";
import { captureTemplate, seededAccount, seedThroughPort } from "../../bench/seed.js";
import { benchRuntime, exampleConfig, verifyMembers } from "../../bench/setup.js";

/** The records of one member, with its identity id and case number made generic, sealed names left out. */
async function recordsOf(store: MemoryStore, member: AccountKey): Promise<string[]> {
  const runtime = await benchRuntime(exampleConfig(), store);
  const identity = (await runtime.services.identities.lookup(member))?.identity ?? "no-identity";
  const out: string[] = [];
  for await (const r of store.dump() as AsyncIterable<DumpRecord>) {
    if (r.kind === "scheduled") continue;
    const text = JSON.stringify(r);
    if (!text.includes(member) && !text.includes(identity)) continue;
    out.push(
      text
        .replaceAll(identity, "<identity>")
        .replace(/"v1\.[^"]+"/g, "<sealed>")
        // times: under a field name, or by position in the compact records
        .replace(/\b\d{13}\b/g, "<time>"),
    );
  }
  return out.sort();
}

describe("benchmark seeding (bench/seed.ts)", () => {
  it("writes for a seeded member the records the engine writes when an admin verifies one", async () => {
    const config = exampleConfig();
    const engineStore = new MemoryStore();
    const runtime = await benchRuntime(config, engineStore);
    await verifyMembers(runtime, 1);

    const seededStore = new MemoryStore();
    await benchRuntime(config, seededStore); // its first records, as for the engine's store
    const template = await captureTemplate(config);
    await seedThroughPort(seededStore, template, 0, 3);

    const expected = await recordsOf(engineStore, seededAccount(0));
    expect(expected.length).toBeGreaterThan(2);
    expect(await recordsOf(seededStore, seededAccount(0))).toEqual(expected);
    // identity ids of the same form (and length) as the engine's
    const idForm = async (store: MemoryStore) =>
      (
        await (await benchRuntime(config, store)).services.identities.lookup(seededAccount(0))
      )?.identity.replace(/[0-9A-Za-z]/g, "x");
    expect(await idForm(seededStore)).toBe(await idForm(engineStore));
  });

  it("gives every seeded member its own identity and sealed legal name, readable through the engine", async () => {
    const config = exampleConfig();
    const store = new MemoryStore();
    const template = await captureTemplate(config);
    await seedThroughPort(store, template, 0, 3);
    const runtime = await benchRuntime(config, store);
    const found = await Promise.all(
      [0, 1, 2].map((i) => runtime.services.identities.lookup(seededAccount(i))),
    );
    expect(found.map((f) => f?.verified)).toEqual([true, true, true]);
    expect(new Set(found.map((f) => f?.identity)).size).toBe(3);
    expect(await runtime.services.identities.realName(seededAccount(2))).toBe("Member Number2");
    expect(await store.get("case-counter:demo")).toBe(3);
  });
});
