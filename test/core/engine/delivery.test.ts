import { describe, expect, it } from "vitest";
import type { SendPrivate } from "../../../src/core/decisions.js";
import { consoleConfig, startHarness } from "../../support/harness.js";

const NEWS = `news:
  enabled: true
  domains: ["reuters.com"]
`;

describe("delivery: short-lived notices", () => {
  it("deletes a command's answer in the group after its time through a durable timer, also after a restart", async () => {
    const h = await startHarness(consoleConfig());
    const lobby = h.session.chat("lobby");
    const { decisions } = await h.session.say("alice", "lobby", "/frobnicate");
    expect(decisions[0]).toMatchObject({ kind: "send", chat: lobby, ttlMs: 60_000 });
    const notice = h.world.visible(lobby).find((m) => m.author === "bot");
    expect(notice?.text).toContain("/frobnicate");
    await h.restart();
    await h.advance(59_000);
    expect(notice?.deleted).toBe(false);
    await h.advance(2_000);
    expect(notice?.deleted).toBe(true);
    // The deletion is done: nothing is reported to the admins, and no timer is left.
    expect(h.world.visible(h.session.chat("modlog"))).toEqual([]);
    expect(await h.runtime.services.timers.nextDue()).toBeUndefined();
  });

  it("counts a notice someone already deleted as done, without a report to the mod-log", async () => {
    const h = await startHarness(consoleConfig());
    const lobby = h.session.chat("lobby");
    await h.session.say("alice", "lobby", "/frobnicate");
    const notice = h.world.visible(lobby).find((m) => m.author === "bot");
    if (notice) notice.deleted = true;
    await h.advance(61_000);
    expect(h.world.visible(h.session.chat("modlog"))).toEqual([]);
    expect(h.world.effects.at(-1)).toMatchObject({ decision: { kind: "delete" }, outcome: { status: "ok" } });
  });
});

describe("delivery: refused presses", () => {
  it("flags the answer to a refused press as a refusal instead of relying on its wording", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    await h.session.say("bob", "lobby", "see https://www.reuters.com/world/x");
    const { decisions } = await h.session.press("carol", "Approve", { chat: "review" });
    const answer = decisions.find((d): d is SendPrivate => d.kind === "send_private");
    expect(answer).toMatchObject({ account: h.session.account("carol"), refusal: true });
  });

  it("does not flag an ordinary answer to a press", async () => {
    const h = await startHarness(consoleConfig(NEWS));
    await h.session.say("bob", "lobby", "see https://www.reuters.com/world/x");
    const { decisions } = await h.session.press("admin", "Approve", { chat: "review" });
    expect(decisions.some((d) => d.kind === "send_private" && d.refusal)).toBe(false);
  });
});
