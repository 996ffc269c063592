import { describe, expect, it } from "vitest";
import { consoleConfig, startHarness } from "../../support/harness.js";
import { casesOf, modlog } from "../sanctions/support.js";

describe("content rules while a member is limited", () => {
  it("a muted member's terrorism post is deleted once and still recorded (the ladder bans)", async () => {
    const h = await startHarness(consoleConfig());
    const bob = h.session.account("bob");
    await h.session.say("bob", "lobby", "hello");
    await h.session.say("admin", "lobby", "/mute bob 1h spam");
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("read_only");

    const { decisions, message } = await h.session.say("bob", "lobby", "join isis now");
    const deletes = decisions.filter((d) => d.kind === "delete");
    expect(deletes).toHaveLength(1);
    expect(h.world.find(h.session.chat("lobby"), message.ref.id)?.deleted).toBe(true);
    const cases = await casesOf(h, bob);
    expect(cases.at(-1)).toMatchObject({ action: "ban", source: "rule", category: "terrorism" });
    expect(h.world.isBanned(h.session.chat("lobby"), bob)).toBe(true);
    expect(modlog(h).at(-1)).toMatch(/^#2 bob banned — by the bot \(rule\) \[terrorism\]/);
  });

  it("an unverified (read-only) member's spam still adds points, once, also when edited", async () => {
    const h = await startHarness(
      consoleConfig(`verification:\n  required: true\n  unverified: { level: read_only }`),
    );
    const carol = h.session.account("carol");
    await h.session.join("carol", "lobby");
    const { decisions, message } = await h.session.say("carol", "lobby", "free crypto for everyone");
    expect(decisions.filter((d) => d.kind === "delete")).toHaveLength(1);
    expect(await casesOf(h, carol)).toEqual([expect.objectContaining({ category: "spam" })]);
    await h.session.edit("carol", "lobby", message.ref.id, "free crypto for everyone!");
    expect(await casesOf(h, carol)).toHaveLength(1);
  });

  it("a clean post of a muted member is only deleted, with no case", async () => {
    const h = await startHarness(consoleConfig());
    await h.session.say("bob", "lobby", "hello");
    await h.session.say("admin", "lobby", "/mute bob 1h spam");
    await h.session.say("bob", "lobby", "good morning");
    expect(await casesOf(h, h.session.account("bob"))).toHaveLength(1);
  });
});
