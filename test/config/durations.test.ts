import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { ConfigError } from "../../src/config/errors.js";
import { parseConfigText } from "../../src/config/load.js";
import { parseTranscript } from "../../src/adapters/console/transcript.js";
import { readDuration } from "../../src/core/settings/duration.js";

const root = resolve(import.meta.dirname, "../..");

function problems(section: string): string[] {
  const yaml = `communities:
  - id: demo
    name: Demo
    review_chat: "console:review"
    chats: [{ id: "console:lobby" }]
${section}`;
  try {
    parseConfigText(yaml, { baseDir: root });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe("every duration has an upper bound", () => {
  it.each([
    ["news.expire_after", "    news:\n      expire_after: 9999999999d\n", "366d", "9999999999d"],
    ["news.album_settle", "    news:\n      album_settle: 1h\n", "5m", "1h"],
    ["verification.step_timeout", "    verification:\n      step_timeout: 30d\n", "7d", "30d"],
    ["verification.link_code_ttl", "    verification:\n      link_code_ttl: 8d\n", "7d", "8d"],
    ["verification.grace_period", "    verification:\n      grace_period: 367d\n", "366d", "367d"],
    [
      "verification.external.timeout",
      '    verification:\n      external: { url: "https://id.example", timeout: 1h }\n',
      "5m",
      "1h",
    ],
    [
      "sanctions.ladder[0].duration",
      "    sanctions:\n      ladder: [{ at: 1, action: mute, duration: 99999999999d }]\n",
      "366d",
      "99999999999d",
    ],
    ["sanctions.decay.half_life", "    sanctions:\n      decay: { half_life: 53w }\n", "366d", "53w"],
  ])(
    "refuses %s past its maximum, naming the field, the maximum and the value",
    (field, section, max, value) => {
      expect(problems(section)).toEqual([
        `communities[0].${field}: expected a duration up to ${max}, got ${JSON.stringify(value)}`,
      ]);
    },
  );

  it('says "or off" for durations that can be switched off', () => {
    expect(problems("    verification:\n      reminder_every: 400d\n")).toEqual([
      `communities[0].verification.reminder_every: expected a duration up to 366d or "off", got "400d"`,
    ]);
  });

  it("accepts durations up to the maximum and a digit string too long for a number", () => {
    expect(
      problems(
        "    news:\n      expire_after: 366d\n    sanctions:\n      ladder: [{ at: 1, action: ban, duration: 52w }]\n",
      ),
    ).toEqual([]);
    expect(readDuration(`${"9".repeat(400)}d`)).toEqual({
      ok: false,
      reason: "too_long",
      max: 366 * 86_400_000,
    });
  });

  it("bounds a transcript's wait", () => {
    const { errors } = parseTranscript("wait 99999999999d\n");
    expect(errors.map((e) => `${e.line}: ${e.message}`)).toEqual([
      '1: expected a duration up to 366d, got "99999999999d"',
    ]);
  });
});
