import { describe, expect, it } from "vitest";
import { DAY, HOUR } from "../../../src/core/ports/clock.js";
import {
  decay,
  decayAnchor,
  escalate,
  jumpFor,
  rankOf,
  stepFor,
} from "../../../src/core/sanctions/ladder.js";
import { sanctionSettingsSchema } from "../../../src/core/sanctions/settings.js";

const { ladder } = sanctionSettingsSchema.parse({});

describe("decay", () => {
  it("removes per_day points for each full day, and never goes below zero", () => {
    expect(decay(6, 2 * DAY, { per_day: 1 })).toBe(4);
    expect(decay(6, 12 * HOUR, { per_day: 2 })).toBe(6);
    expect(decay(6, DAY + 12 * HOUR, { per_day: 2 })).toBe(4);
    expect(decay(1, 3 * DAY, { per_day: 1 })).toBe(0);
  });

  it("keeps the running day when points change, so decay is not postponed by each new hit", () => {
    const start = 1_000;
    expect(decayAnchor(start, start + DAY + 5 * HOUR, { per_day: 1 })).toBe(start + DAY);
    expect(decayAnchor(start, start + 5 * HOUR, { per_day: 1 })).toBe(start);
    expect(decayAnchor(start, start + 5 * HOUR, { half_life: DAY })).toBe(start + 5 * HOUR);
  });

  it("halves the total every half-life", () => {
    expect(decay(8, 2 * DAY, { half_life: DAY })).toBe(2);
    expect(decay(8, 0, { half_life: DAY })).toBe(8);
    expect(decay(8, DAY / 2, { half_life: DAY })).toBeCloseTo(8 / Math.SQRT2, 9);
  });
});

describe("ladder", () => {
  it("maps a running total to the highest step it reaches (default ladder: warn, mute 1h, mute 24h, limit 7d, ban)", () => {
    expect(ladder.map((s) => s.action)).toEqual(["warn", "mute", "mute", "limit", "ban"]);
    expect(stepFor(0, ladder)).toBe(-1);
    expect(stepFor(0.9, ladder)).toBe(-1);
    expect(stepFor(1, ladder)).toBe(0);
    expect(stepFor(2.9999999999, ladder)).toBe(1);
    expect(stepFor(4, ladder)).toBe(1);
    expect(stepFor(5, ladder)).toBe(2);
    expect(stepFor(11, ladder)).toBe(3);
    expect(stepFor(40, ladder)).toBe(4);
  });

  it("finds a severe category's jump step by action name or index", () => {
    expect(jumpFor({ jump_to: "ban" }, ladder)).toBe(4);
    expect(jumpFor({ jump_to: "mute" }, ladder)).toBe(1);
    expect(jumpFor({ jump_to: 99 }, ladder)).toBe(4);
    expect(jumpFor({}, ladder)).toBeUndefined();
    expect(jumpFor(undefined, ladder)).toBeUndefined();
  });

  it("jumps a severe violation to its step whatever the total, raising the total to that step's threshold", () => {
    expect(escalate(0, 1, ladder, 4)).toEqual({ total: 12, added: 12, step: 4, jumped: true });
    expect(escalate(2, 1, ladder, undefined)).toEqual({ total: 3, added: 1, step: 1, jumped: false });
    // Already above the jump's threshold: the points simply add.
    expect(escalate(13, 1, ladder, 4)).toEqual({ total: 14, added: 1, step: 4, jumped: false });
  });

  it("ranks a hand-imposed action at its first step on the ladder", () => {
    expect(rankOf("mute", ladder)).toBe(1);
    expect(rankOf("limit", ladder)).toBe(3);
    expect(rankOf("ban", [{ at: 1, action: "warn" }])).toBe(1);
  });
});
