import { describe, expect, it } from "vitest";
import { normalizePhone, normalizeTypedPhone } from "../../../src/core/verification/phone.js";

describe("normalizePhone", () => {
  it("keeps an already normalised number", () => {
    expect(normalizePhone("+8613800000000")).toBe("+8613800000000");
  });

  it("treats a Telegram contact number without + as including the country code", () => {
    expect(normalizePhone("8613800000000")).toBe("+8613800000000");
  });

  it("strips spaces, dashes, parentheses and dots", () => {
    expect(normalizePhone("+1 (415) 555-0100")).toBe("+14155550100");
    expect(normalizePhone("+44.20.7946.0958")).toBe("+442079460958");
  });

  it("reads a 00 international prefix like +", () => {
    expect(normalizePhone("0086 138 0000 0000")).toBe("+8613800000000");
  });

  it("accepts full-width digits and plus sign", () => {
    expect(normalizePhone("＋８６ １３８００００００００")).toBe("+8613800000000");
  });

  it("accepts exactly 8 and 15 digits and rejects 7 and 16", () => {
    expect(normalizePhone("+12345678")).toBe("+12345678");
    expect(normalizePhone("+123456789012345")).toBe("+123456789012345");
    expect(normalizePhone("+1234567")).toBeNull();
    expect(normalizePhone("+1234567890123456")).toBeNull();
  });

  it("rejects letters, a plus in the middle, and empty input", () => {
    expect(normalizePhone("+86 138 CALL ME")).toBeNull();
    expect(normalizePhone("86+13800000000")).toBeNull();
    expect(normalizePhone("")).toBeNull();
  });

  it("rejects a national number with a trunk 0 instead of guessing its country", () => {
    expect(normalizePhone("013800000000")).toBeNull();
  });
});

describe("normalizeTypedPhone", () => {
  it("refuses a typed number without its country code instead of reading it as another country's", () => {
    expect(normalizeTypedPhone("13800000000")).toBeNull();
    expect(normalizeTypedPhone("138 0000 0000")).toBeNull();
  });

  it("accepts a typed number written with +, 00 or a full-width plus", () => {
    expect(normalizeTypedPhone(" +86 138 0000 0000")).toBe("+8613800000000");
    expect(normalizeTypedPhone("0086 138 0000 0000")).toBe("+8613800000000");
    expect(normalizeTypedPhone("＋８６ １３８００００００００")).toBe("+8613800000000");
  });
});

describe("normalizeTypedPhone with a community's default country code", () => {
  it("reads a national number as that country's", () => {
    expect(normalizeTypedPhone("138 0000 0000", "+86")).toBe("+8613800000000");
    expect(normalizeTypedPhone("(138) 0000-0000", "+86")).toBe("+8613800000000");
  });

  it("keeps a number typed with a country code as written", () => {
    expect(normalizeTypedPhone("+44 20 7946 0958", "+86")).toBe("+442079460958");
    expect(normalizeTypedPhone("0044 20 7946 0958", "+86")).toBe("+442079460958");
  });

  it("refuses a national number with a trunk 0 instead of guessing whether the 0 belongs to it", () => {
    expect(normalizeTypedPhone("020 7946 0958", "+44")).toBeNull();
    expect(normalizeTypedPhone("(0)20 7946 0958", "+44")).toBeNull();
  });

  it("refuses what is not a number, and a number too short or too long with the code", () => {
    expect(normalizeTypedPhone("call me", "+86")).toBeNull();
    expect(normalizeTypedPhone("12345", "+86")).toBeNull();
    expect(normalizeTypedPhone("1234567890123456", "+86")).toBeNull();
  });
});
