import { describe, expect, it } from "vitest";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";
import { casesOf, lastPrivate, meet, modlog } from "./support.js";

const review = (h: Harness) => h.world.visible(h.session.chat("review"));

async function reportedPost(h: Harness) {
  const { message } = await h.session.say("bob", "lobby", "buy my pills", { media: ["photo"] });
  await h.session.say("carol", "lobby", "/report selling pills", { replyTo: message.ref.id });
  return message;
}

describe("reports", () => {
  it("sends a reported message to the review chat with Confirm / Dismiss, preserving a copy", async () => {
    const h = await startHarness(consoleConfig());
    await reportedPost(h);
    const [copy, card] = review(h);
    expect(copy?.text).toBe("buy my pills");
    expect(copy?.content?.media).toHaveLength(1);
    expect(card?.text).toContain("Reported member: console:bob");
    expect(card?.text).toContain("Reason: selling pills");
    expect(card?.buttons?.flat().map((b) => b.label)).toEqual(["Confirm", "Dismiss"]);
    expect(lastPrivate(h, "carol")).toContain("will look at your report");
  });

  it("on Confirm: records a confirmed_report violation, deletes the original, updates the card, tells the reporter", async () => {
    const h = await startHarness(consoleConfig());
    const original = await reportedPost(h);
    await h.session.press("admin", "Confirm", { chat: "review" });
    const bob = h.session.account("bob");
    expect((await casesOf(h, bob))[0]).toMatchObject({
      source: "report",
      category: "confirmed_report",
      points: 2,
      actor: "console:admin",
    });
    expect(h.world.find(original.ref.chat, original.ref.id)?.deleted).toBe(true);
    expect(review(h)[0]?.text).toBe("buy my pills");
    expect(review(h).at(-1)?.text).toContain("Confirmed by console:admin: case #1");
    expect(review(h).at(-1)?.buttons).toEqual([]);
    expect(lastPrivate(h, "carol")).toContain("confirmed your report");
    expect(lastPrivate(h, "bob")).toContain("case #1");
  });

  it("on Dismiss: no points, a report_dismissed case, the message stays, the reporter is told", async () => {
    const h = await startHarness(consoleConfig());
    const original = await reportedPost(h);
    await h.session.press("admin", "Dismiss", { chat: "review" });
    expect((await casesOf(h, h.session.account("bob"))).map((c) => [c.action, c.points])).toEqual([
      ["report_dismissed", undefined],
    ]);
    expect(h.world.find(original.ref.chat, original.ref.id)?.deleted).toBe(false);
    expect(lastPrivate(h, "carol")).toContain("decided not to act");
  });

  it("ignores a press by a non-admin and handles a report only once", async () => {
    const h = await startHarness(consoleConfig());
    await reportedPost(h);
    await h.session.press("dave", "Confirm", { chat: "review" });
    expect(await casesOf(h, h.session.account("bob"))).toHaveLength(0);
    expect(lastPrivate(h, "dave")).toContain("Only admins");
    const card = review(h).at(-1);
    await h.session.press("admin", "Dismiss", { chat: "review" });
    // A second, late press of the old button (an admin with a stale view).
    await h.session.dispatch({
      kind: "button_pressed",
      data: "sanct:rc:1",
      actor: h.session.actor("admin"),
      chat: h.session.chat("review"),
      message: card?.ref,
    });
    expect(await casesOf(h, h.session.account("bob"))).toHaveLength(1);
    expect(lastPrivate(h, "admin")).toContain("already handled");
  });

  it("needs a reply to a message", async () => {
    const h = await startHarness(consoleConfig());
    await h.session.say("carol", "lobby", "/report");
    expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toBe(
      "Usage: /report [reason] (as a reply to the message)",
    );
  });
});

describe("appeals", () => {
  it("Accept lifts the sanction, removes its points, and tells the member", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob");
    const bob = h.session.account("bob");
    await h.session.say("admin", "lobby", "/mute bob 24h insults");
    await h.session.tell("bob", "/appeal 1 it was a joke between friends");
    expect(lastPrivate(h, "bob")).toContain("appeal of case #1 was sent");
    const card = review(h).at(-1);
    expect(card?.text).toContain("Appeal of case #1 (muted for 1d) by console:bob");
    expect(card?.text).toContain("it was a joke between friends");
    await h.session.press("admin", "Accept", { chat: "review" });
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("full");
    expect((await casesOf(h, bob)).at(-1)).toMatchObject({
      action: "appeal_accepted",
      source: "appeal",
      refersTo: 1,
    });
    expect(lastPrivate(h, "bob")).toContain("was accepted");
    expect(modlog(h).at(-1)).toContain("appeal accepted (case #1 taken back)");
  });

  it("Accept of an appealed ladder case takes its points back", async () => {
    const h = await startHarness(consoleConfig("sanctions:\n  decay: { per_day: 0 }"));
    await meet(h, "bob");
    for (const n of [1, 2, 3]) await h.session.say("admin", "lobby", `/warn bob ${n}`);
    await h.session.tell("bob", "/appeal 3");
    await h.session.press("admin", "Accept", { chat: "review" });
    await h.session.say("admin", "lobby", "/cases bob");
    expect(lastPrivate(h, "admin")).toContain("points now: 2");
  });

  it("Deny keeps the sanction and tells the member; one appeal per case", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob");
    const bob = h.session.account("bob");
    await h.session.say("admin", "lobby", "/mute bob 24h insults");
    await h.session.tell("bob", "/appeal 1");
    await h.session.press("admin", "Deny", { chat: "review" });
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("read_only");
    expect((await casesOf(h, bob)).at(-1)).toMatchObject({ action: "appeal_denied", refersTo: 1 });
    expect(lastPrivate(h, "bob")).toContain("was denied");
    await h.session.tell("bob", "/appeal 1");
    expect(lastPrivate(h, "bob")).toContain("already appealed");
  });

  it("refuses an appeal of someone else's case", async () => {
    const h = await startHarness(consoleConfig());
    await h.session.say("admin", "lobby", "/mute bob 1h");
    await h.session.tell("mallory", "/appeal 1");
    expect(lastPrivate(h, "mallory")).toContain("no case #1 about you");
    expect(review(h)).toHaveLength(0);
  });
});
