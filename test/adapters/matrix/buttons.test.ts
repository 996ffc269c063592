import { describe, expect, it } from "vitest";
import {
  asReactions,
  normalizeKey,
  reactionLegend,
  ReactionButtons,
  subjectOf,
} from "../../../src/adapters/matrix/buttons.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";

const card = [
  [
    { label: "Approve", data: "hold:approve:h1" },
    { label: "Reject", data: "hold:reject:h1" },
  ],
  [{ label: "Reject and warn", data: "hold:warn:h1" }],
];

describe("buttons as reactions", () => {
  it("gives the first button ✅, the second ❌, the third ⚠️, and writes a legend", () => {
    const reactions = asReactions(card);
    expect(reactions.map((r) => r.key)).toEqual(["✅", "❌", "⚠️"]);
    expect(reactionLegend(reactions)).toBe("React ✅ Approve · ❌ Reject · ⚠️ Reject and warn");
    expect(reactionLegend([])).toBe("");
  });

  it("compares keys without variation selectors", () => {
    expect(normalizeKey("⚠️")).toBe(normalizeKey("⚠"));
    expect(normalizeKey("✅\uFE0F")).toBe("✅");
  });

  it("names the id a button acts on", () => {
    expect(subjectOf("hold:approve:h1")).toBe("h1");
    expect(subjectOf("verify:start")).toBeUndefined();
  });

  it("keeps the mapping in the store: a new instance on the same store (a restart) still knows it", async () => {
    const store = new MemoryStore();
    await new ReactionButtons(store).remember("!review:x", "$card", asReactions(card));
    const after = new ReactionButtons(store);
    expect(await after.dataOf("$card", "✅")).toBe("hold:approve:h1");
    expect(await after.dataOf("$card", "⚠")).toBe("hold:warn:h1");
    expect(await after.dataOf("$card", "👍")).toBeUndefined();
    expect(await after.cardOf("h1")).toMatchObject({ room: "!review:x", eventId: "$card" });
  });

  it("forgets a message whose buttons were removed (a decided card)", async () => {
    const buttons = new ReactionButtons(new MemoryStore());
    await buttons.remember("!review:x", "$card", asReactions(card));
    await buttons.remember("!review:x", "$card", []);
    expect(await buttons.dataOf("$card", "✅")).toBeUndefined();
  });
});
