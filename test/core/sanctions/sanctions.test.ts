import { describe, expect, it } from "vitest";
import { DAY, HOUR, MINUTE } from "../../../src/core/ports/clock.js";
import { keys } from "../../../src/core/sanctions/state.js";
import type { PointsRecord } from "../../../src/core/sanctions/state.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";
import { casesOf, demo, lastPrivate, meet, modlog } from "./support.js";

async function points(h: Harness, subject: string): Promise<number | undefined> {
  return (await h.store.get<PointsRecord>(keys.points(demo, subject)))?.total;
}

describe("the ladder through admin warnings", () => {
  it("warns, then mutes for 1h in every chat of the community when the total reaches 3, and lifts it after the hour", async () => {
    const h = await startHarness(consoleConfig());
    const bob = h.session.account("bob");
    await h.session.say("bob", "lobby", "hello");
    await h.session.say("admin", "lobby", "/warn bob first");
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("full");
    expect(lastPrivate(h, "bob")).toContain("warned (case #1)");
    expect(lastPrivate(h, "bob")).toContain("/appeal 1");
    await h.session.say("admin", "lobby", "/warn bob second");
    await h.session.say("admin", "lobby", "/warn bob third");
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("read_only");
    expect(h.world.levelOf(h.session.chat("second"), bob)).toBe("read_only");
    expect(lastPrivate(h, "bob")).toMatch(/muted for 1h \(case #3\)[\s\S]*Reason: third[\s\S]*\/appeal 3/);
    const cases = await casesOf(h, bob);
    expect(cases.map((c) => c.action)).toEqual(["warn", "warn", "mute"]);
    expect(cases.every((c) => c.source === "admin" && c.category === "admin_warning")).toBe(true);
    expect(modlog(h)).toHaveLength(3);
    expect(modlog(h)[2]).toMatch(
      /^#3 bob muted for 1h — by admin \(admin\) \[admin_warning\] \+1 pts: third$/,
    );
    await h.advance(HOUR + 1000);
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("full");
  });

  it("tells the member in their own language", async () => {
    const h = await startHarness(consoleConfig());
    h.session.setLanguage("bob", "zh");
    await h.session.say("bob", "lobby", "你好");
    await h.session.say("admin", "lobby", "/warn bob 刷屏");
    expect(lastPrivate(h, "bob")).toContain("你被警告（案件 #1）");
  });

  it("escalates only to a higher step: a warning during a 7-day limit leaves the limit in force", async () => {
    const h = await startHarness(consoleConfig());
    await meet(h, "bob");
    const bob = h.session.account("bob");
    await h.session.say("admin", "lobby", "/limit bob 7d spam links");
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("text_only");
    await h.session.say("admin", "lobby", "/warn bob again");
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("text_only");
    expect((await casesOf(h, bob)).map((c) => c.action)).toEqual(["limit", "violation"]);
    expect(lastPrivate(h, "bob")).toContain("current sanction stays in force");
  });

  it("renews the same step: a second violation at the 1h-mute step restarts the hour", async () => {
    const h = await startHarness(consoleConfig("sanctions:\n  decay: { per_day: 0 }"));
    await meet(h, "bob");
    const lobby = h.session.chat("lobby");
    const bob = h.session.account("bob");
    for (const n of [1, 2, 3]) await h.session.say("admin", "lobby", `/warn bob ${n}`);
    expect(h.world.levelOf(lobby, bob)).toBe("read_only");
    await h.advance(30 * MINUTE);
    await h.session.say("admin", "lobby", "/warn bob 4");
    expect((await casesOf(h, bob)).at(-1)?.action).toBe("mute");
    await h.advance(40 * MINUTE);
    expect(h.world.levelOf(lobby, bob)).toBe("read_only");
    await h.advance(21 * MINUTE);
    expect(h.world.levelOf(lobby, bob)).toBe("full");
  });
});

describe("decay", () => {
  it("per_day: two points are gone after two days, so a third warning only warns", async () => {
    const h = await startHarness(consoleConfig("sanctions:\n  decay: { per_day: 1 }"));
    await meet(h, "bob");
    const bob = h.session.account("bob");
    await h.session.say("admin", "lobby", "/warn bob 1");
    await h.session.say("admin", "lobby", "/warn bob 2");
    await h.advance(2 * DAY);
    await h.session.say("admin", "lobby", "/warn bob 3");
    expect(await points(h, bob)).toBe(1);
    expect((await casesOf(h, bob)).at(-1)?.action).toBe("warn");
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("full");
  });

  it("half_life: two points halve to one after a day, so a third warning only warns", async () => {
    const h = await startHarness(consoleConfig('sanctions:\n  decay: { half_life: "1d" }'));
    await meet(h, "bob");
    const bob = h.session.account("bob");
    await h.session.say("admin", "lobby", "/warn bob 1");
    await h.session.say("admin", "lobby", "/warn bob 2");
    await h.advance(DAY);
    await h.session.say("admin", "lobby", "/warn bob 3");
    expect(await points(h, bob)).toBeCloseTo(2, 9);
    expect((await casesOf(h, bob)).at(-1)?.action).toBe("warn");
  });

  it("without enough time the same three warnings mute (the decay is what made the difference)", async () => {
    const h = await startHarness(consoleConfig('sanctions:\n  decay: { half_life: "1d" }'));
    await meet(h, "bob");
    const bob = h.session.account("bob");
    for (const n of [1, 2, 3]) await h.session.say("admin", "lobby", `/warn bob ${n}`);
    expect((await casesOf(h, bob)).at(-1)?.action).toBe("mute");
  });
});

describe("severe categories", () => {
  it("jumps straight to a ban on the first violation in a jump_to category, and the points reflect the ban step", async () => {
    const h = await startHarness(
      consoleConfig(
        'rules:\n  categories:\n    extremism:\n      terms: ["pledge allegiance to the caliphate"]\n      points: 1\n      jump_to: ban',
      ),
    );
    const bob = h.session.account("bob");
    await h.session.say("bob", "lobby", "you should pledge allegiance to the caliphate");
    expect(h.world.isBanned(h.session.chat("lobby"), bob)).toBe(true);
    expect(h.world.isBanned(h.session.chat("second"), bob)).toBe(true);
    const [only] = await casesOf(h, bob);
    expect(only).toMatchObject({
      action: "ban",
      source: "rule",
      category: "extremism",
      actor: "bot",
      points: 12,
    });
    expect(await points(h, bob)).toBe(12);
    expect(lastPrivate(h, "bob")).toContain("banned (case #1)");
  });

  it("says the hit jumped to the ban step instead of a point count the category does not give", async () => {
    const config = (language: string) =>
      consoleConfig(
        `language: ${language}\nrules:\n  categories:\n    extremism:\n      terms: ["pledge allegiance to the caliphate"]\n      points: 10\n      jump_to: ban`,
      );
    for (const [language, jump] of [
      ["en", "[extremism] jumped to ban:"],
      ["zh", "[extremism] 直接升至封禁："],
    ] as const) {
      const h = await startHarness(config(language));
      await h.session.say("bob", "lobby", "you should pledge allegiance to the caliphate");
      const modlog = h.world.visible(h.session.chat("modlog")).map((m) => m.text);
      expect(modlog.at(-1)).toContain(jump);
      expect(modlog.join("\n")).not.toMatch(/\+12/);
      await h.session.tell("admin", "/cases bob");
      const cases = lastPrivate(h, "admin");
      expect(cases).toContain(jump.slice(0, -1));
      expect(cases).not.toMatch(/\+12/);
    }
  });
});

describe("scope", () => {
  it("chat scope: a mute applies only in the chat of the violation", async () => {
    const h = await startHarness(consoleConfig("sanctions:\n  scope: chat"));
    await meet(h, "bob");
    const bob = h.session.account("bob");
    await h.session.say("admin", "lobby", "/mute bob 1h");
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("read_only");
    expect(h.world.levelOf(h.session.chat("second"), bob)).toBe("full");
  });
});

describe("points within a day", () => {
  it("mutes a spammer whose three 1-point hits come minutes apart (decay 1 per day, mute at 3)", async () => {
    const h = await startHarness(
      consoleConfig(`rules:
  categories:
    spam: { terms: ["free crypto"], points: 1, action: delete }
sanctions:
  decay: { per_day: 1 }
  ladder:
    - { at: 1, action: warn }
    - { at: 3, action: mute, duration: 1h }
`),
    );
    const bob = h.session.account("bob");
    for (let i = 0; i < 3; i++) {
      await h.session.say("bob", "lobby", "free crypto here");
      h.clock.advance(20 * 60_000);
    }
    expect(h.world.levelOf(h.session.chat("lobby"), bob)).toBe("read_only");
  });
});
