import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import type { KeyValueStore } from "../../../src/core/ports/store.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";
import { interceptStore } from "../../support/intercept-store.js";
import { casesOf, lastPrivate } from "./support.js";

const review = (h: Harness) => h.world.visible(h.session.chat("review"));

/** Every value and set member in the store, as text, for a raw search. */
async function raw(store: KeyValueStore): Promise<string[]> {
  const out: string[] = [];
  for await (const r of store.dump()) out.push(JSON.stringify(r));
  return out;
}

async function carolReportsBob(h: Harness) {
  const { message } = await h.session.say("bob", "lobby", "buy my pills");
  await h.session.say("carol", "lobby", "/report selling pills, says carol", { replyTo: message.ref.id });
  return message;
}

describe("a reporter's /forgetme", () => {
  it("leaves no reporter account or reason in the store; the report stays open for the admins", async () => {
    const h = await startHarness(consoleConfig());
    await carolReportsBob(h);
    const carol = h.session.account("carol");
    expect((await raw(h.store)).some((t) => t.includes(carol))).toBe(true);
    await h.session.tell("carol", "/forgetme");
    expect(lastPrivate(h, "carol")).toContain("report(s) stay for the admins");
    const left = await raw(h.store);
    expect(left.filter((t) => t.includes(carol))).toEqual([]);
    expect(left.filter((t) => t.includes("says carol"))).toEqual([]);
    expect(await h.store.get("sanctions:report:demo:1")).toMatchObject({
      status: "open",
      target: h.session.account("bob"),
      withdrawn: true,
    });
  });

  it("an admin confirms afterwards: the case on the target is recorded, the card has no name or reason, the reporter hears nothing", async () => {
    const h = await startHarness(consoleConfig());
    const original = await carolReportsBob(h);
    await h.session.tell("carol", "/forgetme");
    const told = h.world.privateMessages(h.session.account("carol")).length;
    await h.session.press("admin", "Confirm", { chat: "review" });
    const bob = h.session.account("bob");
    expect((await casesOf(h, bob))[0]).toMatchObject({
      source: "report",
      category: "confirmed_report",
      actor: "console:admin",
    });
    expect(h.world.find(original.ref.chat, original.ref.id)?.deleted).toBe(true);
    const card = review(h).at(-1)?.text ?? "";
    expect(card).toContain("Confirmed by console:admin: case #1");
    expect(card).toContain("The reporter withdrew their data");
    expect(card).not.toContain("console:carol");
    expect(card).not.toContain("says carol");
    expect(h.world.privateMessages(h.session.account("carol"))).toHaveLength(told);
    expect((await raw(h.store)).filter((t) => t.includes(h.session.account("carol")))).toEqual([]);
  });

  it("a confirmed report's case stays as it was; /mydata lists the reports a member filed", async () => {
    const h = await startHarness(consoleConfig());
    await carolReportsBob(h);
    await h.session.tell("carol", "/mydata");
    expect(lastPrivate(h, "carol")).toContain('"reason": "selling pills, says carol"');
    await h.session.press("admin", "Confirm", { chat: "review" });
    const before = await casesOf(h, h.session.account("bob"));
    await h.session.tell("carol", "/forgetme");
    expect(await casesOf(h, h.session.account("bob"))).toEqual(before);
    expect(await h.store.get("sanctions:report:demo:1")).toMatchObject({
      status: "confirmed",
      withdrawn: true,
    });
  });

  it("the reported member's /forgetme keeps the open report whole and says so; it stays decidable", async () => {
    const h = await startHarness(consoleConfig());
    await carolReportsBob(h);
    await h.session.tell("bob", "/forgetme");
    expect(lastPrivate(h, "bob")).toContain("Demo: 1 open report(s) about you stay with the admins");
    expect(await h.store.get("sanctions:report:demo:1")).toMatchObject({
      status: "open",
      reporter: h.session.account("carol"),
      reason: "selling pills, says carol",
    });
    await h.session.press("admin", "Confirm", { chat: "review" });
    expect(await casesOf(h, h.session.account("bob"))).toHaveLength(1);
    expect(lastPrivate(h, "carol")).toContain("confirmed your report");
    // Decided, it is a case: the index of open reports about bob is empty again.
    expect(await h.store.setSize(`sanctions:reports-about:demo:${h.session.account("bob")}`)).toBe(0);
  });

  it("redraws the open report's card without the reporter's name or reason, buttons kept; Confirm still works", async () => {
    const h = await startHarness(consoleConfig());
    await carolReportsBob(h);
    const card = review(h).at(-1);
    expect(card?.text).toContain("console:carol");
    await h.session.tell("carol", "/forgetme");
    const redrawn = h.world.find(h.session.chat("review"), card?.ref.id ?? "");
    expect(redrawn?.text).toContain("The reporter withdrew their data");
    expect(redrawn?.text).not.toContain("console:carol");
    expect(redrawn?.text).not.toContain("says carol");
    expect(redrawn?.buttons?.flat().map((b) => b.label)).toEqual(["Confirm", "Dismiss"]);
    await h.session.press("admin", "Confirm", { chat: "review", id: card?.ref.id });
    expect(await casesOf(h, h.session.account("bob"))).toHaveLength(1);
    expect(redrawn?.text).toContain("Confirmed by console:admin: case #1");
    expect(redrawn?.text).not.toContain("says carol");
    expect(redrawn?.buttons).toEqual([]);
  });

  it("redraws a decided report's card without the reporter's name or reason, the decision line kept", async () => {
    const h = await startHarness(consoleConfig());
    await carolReportsBob(h);
    const card = review(h).at(-1);
    await h.session.press("admin", "Dismiss", { chat: "review" });
    expect(card?.text).toContain("says carol");
    await h.session.tell("carol", "/forgetme");
    expect(card?.text).toContain("The reporter withdrew their data");
    expect(card?.text).toContain("Dismissed by console:admin (case #1)");
    expect(card?.text).not.toContain("console:carol");
    expect(card?.text).not.toContain("says carol");
    expect(card?.buttons).toEqual([]);
  });

  it("a report card deleted from the review chat only fails its own redraw: the erasure and the other cards go on", async () => {
    const h = await startHarness(consoleConfig());
    await carolReportsBob(h);
    const gone = review(h).at(-1);
    const { message } = await h.session.say("dave", "lobby", "spam spam");
    await h.session.say("carol", "lobby", "/report spam, says carol", { replyTo: message.ref.id });
    const kept = review(h).at(-1);
    if (gone) gone.deleted = true;
    await h.session.tell("carol", "/forgetme");
    expect(lastPrivate(h, "carol")).toContain("report(s) stay for the admins");
    // Told to the admins like any failed card edit, with no name or reason in it.
    const failure = h.world.visible(h.session.chat("modlog")).at(-1)?.text ?? "";
    expect(failure).toContain("could not update a review card");
    expect(failure).not.toContain("carol");
    expect(kept?.text).toContain("The reporter withdrew their data");
    expect(kept?.text).not.toContain("says carol");
    expect((await raw(h.store)).filter((t) => t.includes("says carol"))).toEqual([]);
    await h.session.press("admin", "Confirm", { chat: "review", id: kept?.ref.id });
    expect(await casesOf(h, h.session.account("dave"))).toHaveLength(1);
  });

  it("a /forgetme that lands while an admin's decision is under way: the case, the card and the reporter stay unnamed", async () => {
    let between: (() => Promise<unknown>) | undefined;
    // Right after the decision is claimed (the report leaves the open-reports index), carol's /forgetme runs.
    const store = interceptStore(new MemoryStore(), async (operation, key) => {
      if (operation !== "removeFromSet" || !key.startsWith("sanctions:reports-about:") || !between) return;
      const run = between;
      between = undefined;
      await run();
    });
    const h = await startHarness(consoleConfig(), { store });
    await carolReportsBob(h);
    const card = review(h).at(-1);
    const carol = h.session.account("carol");
    between = () => h.session.tell("carol", "/forgetme");
    await h.session.press("admin", "Confirm", { chat: "review" });
    expect(between).toBeUndefined();
    expect(card?.text).toContain("Confirmed by console:admin: case #1");
    expect(card?.text).not.toContain("says carol");
    expect(card?.text).not.toContain(carol);
    expect(lastPrivate(h, "carol")).toContain("report(s) stay for the admins");
    expect((await raw(h.store)).filter((t) => t.includes("says carol") || t.includes(carol))).toEqual([]);
  });
});
