import { describe, expect, it } from "vitest";
import {
  cnResidentCheckChar,
  compileIdPattern,
  idErrorCodes,
  maskId,
  validateId,
  type IdValidatorSpec,
} from "../../../src/core/verification/id-validators.js";

const cn: IdValidatorSpec = { kind: "cn-resident" };
const today = { year: 2025, month: 6, day: 15 };

/** Independent MOD 11-2 implementation: appends the check character to 17 digits. */
function withCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const weight = 2 ** (17 - i) % 11;
    sum += Number(first17[i]) * weight;
  }
  const value = (12 - (sum % 11)) % 11;
  return first17 + (value === 10 ? "X" : String(value));
}

/** Replaces the check character with a different, still well-formed one. */
function withWrongCheck(first17: string): string {
  const right = withCheck(first17).charAt(17);
  return first17 + (right === "0" ? "1" : "0");
}

describe("validateId cn-resident", () => {
  it("accepts the well-known sample 11010519491231002X", () => {
    expect(validateId(cn, "11010519491231002X", today)).toEqual({
      ok: true,
      normalized: "11010519491231002X",
    });
  });

  it("agrees with an independent check-character computation", () => {
    expect(withCheck("11010519491231002")).toBe("11010519491231002X");
    for (const first17 of [
      "44030419900307001",
      "31011519851112123",
      "65010220000229456",
      "81000019991231987",
    ]) {
      expect(cnResidentCheckChar(first17)).toBe(withCheck(first17).charAt(17));
      expect(validateId(cn, withCheck(first17), today).ok).toBe(true);
    }
  });

  it("accepts a lower-case x as the check character and returns it upper-cased", () => {
    expect(validateId(cn, "11010519491231002x", today)).toEqual({
      ok: true,
      normalized: "11010519491231002X",
    });
  });

  it("accepts full-width digits, spaces and hyphens", () => {
    expect(validateId(cn, " １１０１０５-１９４９１２３１ ００２Ｘ ", today)).toEqual({
      ok: true,
      normalized: "11010519491231002X",
    });
  });

  it("rejects an empty or blank input with empty", () => {
    expect(validateId(cn, "  - ", today)).toEqual({ ok: false, code: "empty" });
  });

  it("rejects a 15-digit old card and a 17-digit number with wrong_length", () => {
    expect(validateId(cn, "110105491231002", today)).toEqual({ ok: false, code: "wrong_length" });
    expect(validateId(cn, "11010519491231002", today)).toEqual({ ok: false, code: "wrong_length" });
  });

  it("rejects letters in the first 17 characters with bad_characters", () => {
    expect(validateId(cn, "1101051949123100AX", today)).toEqual({ ok: false, code: "bad_characters" });
    expect(validateId(cn, "11010519491231002Y", today)).toEqual({ ok: false, code: "bad_characters" });
  });

  it("rejects a region code whose province does not exist with bad_region", () => {
    expect(validateId(cn, withCheck("99010519491231002"), today)).toEqual({ ok: false, code: "bad_region" });
    expect(validateId(cn, withCheck("10010519491231002"), today)).toEqual({ ok: false, code: "bad_region" });
    expect(validateId(cn, withCheck("84010519491231002"), today)).toEqual({ ok: false, code: "bad_region" });
  });

  it("rejects February 30 with impossible_date", () => {
    expect(validateId(cn, withCheck("11010520000230002"), today)).toEqual({
      ok: false,
      code: "impossible_date",
    });
  });

  it("rejects February 29 in a non-leap year (including 1900) but accepts it in 2000", () => {
    expect(validateId(cn, withCheck("11010520230229002"), today)).toEqual({
      ok: false,
      code: "impossible_date",
    });
    expect(validateId(cn, withCheck("11010519000229002"), today)).toEqual({
      ok: false,
      code: "impossible_date",
    });
    expect(validateId(cn, withCheck("11010520000229002"), today).ok).toBe(true);
  });

  it("rejects month 13, day 00, April 31 and years before 1900 with impossible_date", () => {
    for (const first17 of [
      "11010519491301002",
      "11010519491200002",
      "11010519490431002",
      "11010518991231002",
    ]) {
      expect(validateId(cn, withCheck(first17), today)).toEqual({ ok: false, code: "impossible_date" });
    }
  });

  it("rejects a birth date after today with future_date, and accepts today itself", () => {
    expect(validateId(cn, withCheck("11010520250616002"), today)).toEqual({ ok: false, code: "future_date" });
    expect(validateId(cn, withCheck("11010520260101002"), today)).toEqual({ ok: false, code: "future_date" });
    expect(validateId(cn, withCheck("11010520250615002"), today).ok).toBe(true);
  });

  it("rejects a wrong check character with bad_check_char", () => {
    expect(validateId(cn, withWrongCheck("11010519491231002"), today)).toEqual({
      ok: false,
      code: "bad_check_char",
    });
    expect(validateId(cn, withWrongCheck("44030419900307001"), today)).toEqual({
      ok: false,
      code: "bad_check_char",
    });
  });
});

describe("validateId pattern", () => {
  const passport: IdValidatorSpec = { kind: "pattern", pattern: "[A-Z]\\d{8}" };

  it("accepts input that matches the whole pattern, after normalisation", () => {
    expect(validateId(passport, "ｅ１２３４５６７８", today)).toEqual({ ok: true, normalized: "E12345678" });
  });

  it("rejects a partial match with pattern_mismatch because the pattern is anchored", () => {
    expect(validateId(passport, "E123456789", today)).toEqual({ ok: false, code: "pattern_mismatch" });
    expect(validateId(passport, "XE12345678", today)).toEqual({ ok: false, code: "pattern_mismatch" });
  });

  it("anchors an alternation as a whole", () => {
    const spec: IdValidatorSpec = { kind: "pattern", pattern: "A\\d|B\\d" };
    expect(validateId(spec, "A1", today).ok).toBe(true);
    expect(validateId(spec, "A1B2", today)).toEqual({ ok: false, code: "pattern_mismatch" });
  });

  it("ignores the stateful g flag so repeated checks give the same answer", () => {
    const spec: IdValidatorSpec = { kind: "pattern", pattern: "\\d{4}", flags: "g" };
    expect(validateId(spec, "1234", today).ok).toBe(true);
    expect(validateId(spec, "1234", today).ok).toBe(true);
  });

  it("throws on an invalid pattern so config validation can reject it", () => {
    expect(() => compileIdPattern("([")).toThrow(SyntaxError);
  });

  it("reports empty before pattern_mismatch", () => {
    expect(validateId(passport, "   ", today)).toEqual({ ok: false, code: "empty" });
  });
});

describe("validateId none", () => {
  it("accepts any non-empty input and rejects blank input", () => {
    expect(validateId({ kind: "none" }, " abc 12 ", today)).toEqual({ ok: true, normalized: "ABC12" });
    expect(validateId({ kind: "none" }, "", today)).toEqual({ ok: false, code: "empty" });
  });
});

describe("maskId", () => {
  it("keeps the last four characters by default", () => {
    expect(maskId("11010519491231002X")).toBe("**************002X");
  });

  it("keeps the requested number of characters", () => {
    expect(maskId("11010519491231002X", 2)).toBe("****************2X");
    expect(maskId("11010519491231002X", 0)).toBe("******************");
  });

  it("never reveals more than half of a short ID", () => {
    expect(maskId("1234")).toBe("**34");
    expect(maskId("7")).toBe("*");
  });
});

describe("idErrorCodes", () => {
  it("lists every code once, including each code validateId produced above", () => {
    expect(new Set(idErrorCodes).size).toBe(idErrorCodes.length);
    expect([...idErrorCodes].sort()).toEqual(
      [
        "bad_characters",
        "bad_check_char",
        "bad_region",
        "empty",
        "future_date",
        "impossible_date",
        "pattern_mismatch",
        "wrong_length",
      ].sort(),
    );
  });
});
