import { describe, expect, it } from "vitest";
import { formatEffect } from "../../../src/adapters/console/printer.js";
import { describeAction } from "../../../src/core/engine/audit.js";
import { translator } from "../../../src/core/i18n/translator.js";
import type { AccountKey, ChatKey } from "../../../src/core/ids.js";
import { formatDuration, parseDuration } from "../../../src/core/settings/duration.js";

const H = 3_600_000;

describe("formatDuration", () => {
  it("writes configured durations exactly", () => {
    for (const text of ["1h", "1h30m", "90s", "7d", "2d5h", "45m", "1s"])
      expect(formatDuration(parseDuration(text) as number)).toBe(text === "90s" ? "1m30s" : text);
  });

  it("shows a remaining hour as 1h although the clock moved a few milliseconds", () => {
    expect(formatDuration(H - 3)).toBe("1h");
    expect(formatDuration(H - 450)).toBe("1h");
    expect(formatDuration(H + 4)).toBe("1h");
  });

  it("rounds a long remaining time to its two largest units", () => {
    expect(formatDuration(3 * 24 * H - 2_000)).toBe("3d");
    expect(formatDuration(H + 29 * 60_000 + 50_000)).toBe("1h30m");
    expect(formatDuration(59_400)).toBe("59s");
  });

  it("keeps sub-second remainders readable", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(400)).toBe("400ms");
  });
});

describe("durations in messages", () => {
  it("a mute of 1h reads 1h in English and Chinese when the clock moved on", () => {
    const start = Date.UTC(2026, 0, 5, 9);
    for (const language of ["en", "zh"] as const) {
      const t = translator(language);
      const text = describeAction(t, "mute", start + H, start + 7);
      expect(text).toContain("1h");
      expect(text).not.toContain("59m");
    }
  });

  it("the playground prints a 1h restriction as 1h a few milliseconds later", () => {
    const start = Date.UTC(2026, 0, 5, 9);
    const line = formatEffect(
      {
        decision: {
          kind: "restrict",
          chat: "console:lobby" as ChatKey,
          account: "console:bob" as AccountKey,
          level: "read_only",
          until: start + H,
        },
        outcome: { status: "ok" },
      },
      start + 5,
    );
    expect(line).toBe("  bot ⛔ bob in lobby limited to read_only for 1h");
  });
});

describe("formatDuration at the second boundary", () => {
  it("shows just under a second as 1s", () => {
    expect(formatDuration(999.6)).toBe("1s");
  });
});
