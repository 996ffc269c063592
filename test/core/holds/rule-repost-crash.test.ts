import { describe, expect, it } from "vitest";
import { crashingStore } from "../../support/crashing-store.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";
import { RULES } from "../../support/hold-configs.js";

const TEXT = "紧急扩散 now";

const visible = (h: Harness, chat: string) => h.world.visible(h.session.chat(chat));
const card = (h: Harness) => visible(h, "review").find((m) => /Held for review|Released by/.test(m.text));
const reposts = (h: Harness) => visible(h, "lobby").filter((m) => m.text.endsWith(`\n${TEXT}`)).length;

interface StoredRuleHold {
  id: string;
  status: string;
  reposted?: string;
}

async function theHold(h: Harness): Promise<StoredRuleHold | undefined> {
  const refs = (await h.store.get<{ community: string; id: string }[]>("rules-holds-of:console:carol")) ?? [];
  const ref = refs[0];
  return ref ? h.store.get<StoredRuleHold>(`rules-hold:${ref.community}:${ref.id}`) : undefined;
}

/**
 * The release of a content-rule hold, cut short by a crash at each store write of the press in turn (the
 * same lifecycle as news holds, src/core/holds). The message must never be lost or posted twice: when
 * the re-post's fate is unknown, the card itself says so a minute later (as a news hold's card does) and
 * offers Release again, which re-posts it once. Before, the card stayed "released" with no button, and a
 * message the crash cut off was gone for good.
 */
describe("releasing a content-rule hold, crashed at any store write", () => {
  it("flags the card when the re-post's fate is unknown, and never loses or doubles the message", async () => {
    let points = 0;
    const outcomes = new Map<string, number>();
    for (let n = 0; ; n++) {
      const crash = crashingStore();
      const h = await startHarness(consoleConfig(RULES), { store: crash.store });
      await h.session.say("carol", "lobby", TEXT);
      const held = card(h);
      expect(held, "the hold has its card").toBeDefined();
      crash.crashAfter(n);
      await h.session.press("admin", "Release", { chat: "review", id: held!.ref.id }).catch(() => undefined);
      const crashed = crash.crashed();
      crash.revive();
      if (!crashed) break;
      points++;
      await h.restart();
      await h.advance(0);
      await h.advance(60_001); // the re-post check comes due a minute after the press
      const hold = await theHold(h);
      let outcome: string;
      if (hold?.status === "pending") {
        await h.session.press("admin", "Release", { chat: "review", id: held!.ref.id });
        outcome = "still pending: pressed again";
      } else if (hold?.reposted === "unknown") {
        const redrawn = h.world.find(h.session.chat("review"), held!.ref.id);
        expect(redrawn?.text, `crash at write ${n}: the card says the re-post was cut short`).toMatch(
          /restarted while re-posting/,
        );
        const missing = reposts(h) === 0;
        if (missing) await h.session.press("admin", "Release", { chat: "review", id: held!.ref.id });
        outcome = missing ? "flagged: released again by the admin" : "flagged: already in the chat";
      } else outcome = `re-posted (${hold?.reposted ?? "no outcome"})`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      expect(reposts(h), `crash at write ${n} (${outcome})`).toBe(1);
      expect(["ok", "unknown"], `crash at write ${n}`).toContain((await theHold(h))?.reposted);
      await h.runtime.close();
    }
    console.info(
      `release cut short at ${points} store writes: ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );
    expect(points).toBeGreaterThan(3);
    expect([...outcomes.keys()]).toContain("flagged: released again by the admin");
  });

  it("redraws the card when the re-post fails, and Release again re-posts it once", async () => {
    const h = await startHarness(consoleConfig(RULES));
    await h.session.say("carol", "lobby", TEXT);
    const held = card(h)!;
    h.world.failNext("repost", { code: "unavailable", message: "platform is down" });
    await h.session.press("admin", "Release", { chat: "review", id: held.ref.id });
    expect(reposts(h)).toBe(0);
    const redrawn = h.world.find(h.session.chat("review"), held.ref.id)!;
    expect(redrawn.text).toMatch(/re-post failed/);
    await h.session.press("admin", "Release", { chat: "review", id: held.ref.id });
    expect(reposts(h)).toBe(1);
    expect(h.world.find(h.session.chat("review"), held.ref.id)?.buttons ?? []).toEqual([]);
    // A stale press of the same button changes nothing.
    await h.session.dispatch({
      kind: "button_pressed",
      data: `rules:release:${(await theHold(h))!.id}`,
      actor: h.session.actor("admin", "review"),
      chat: h.session.chat("review"),
    });
    expect(reposts(h)).toBe(1);
  });
});
