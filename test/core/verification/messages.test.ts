import { describe, expect, it } from "vitest";
import { translator } from "../../../src/core/i18n/translator.js";
import { idErrorCodes, validateId } from "../../../src/core/verification/id-validators.js";
import { idErrorMessages } from "../../../src/core/verification/answers.js";
import { en } from "../../../src/core/i18n/en/index.js";
import { consoleConfig, lastPrivate, startVerification } from "./support.js";

const today = { year: 2026, month: 1, day: 5 };
/** One input per error code, each producing exactly that code. */
const samples: Record<(typeof idErrorCodes)[number], { input: string; spec?: "pattern" }> = {
  empty: { input: "   " },
  wrong_length: { input: "1101051990" },
  bad_characters: { input: "11010519900307123A" },
  bad_region: { input: "99010519900307123X" },
  impossible_date: { input: "110105199002301234" },
  future_date: { input: "110105209901011234" },
  bad_check_char: { input: "110105199003071230" },
  pattern_mismatch: { input: "12345", spec: "pattern" },
};

describe("ID validator messages", () => {
  it("gives every error code its own message in both languages", () => {
    for (const language of ["en", "zh"] as const) {
      const t = translator(language);
      const texts = idErrorCodes.map((code) => t(idErrorMessages[code]));
      expect(new Set(texts).size).toBe(idErrorCodes.length);
      for (const text of texts) expect(text.length).toBeGreaterThan(10);
    }
  });

  it("the samples really produce each code (so the flow test below covers every message)", () => {
    for (const code of idErrorCodes) {
      const sample = samples[code];
      const spec =
        sample.spec === "pattern"
          ? { kind: "pattern" as const, pattern: "[A-Z]{2}\\d{6}" }
          : { kind: "cn-resident" as const };
      expect(validateId(spec, sample.input, today)).toEqual({ ok: false, code });
    }
  });

  for (const code of idErrorCodes) {
    it(`tells the member the ${code} message and stays at the ID step`, async () => {
      const sample = samples[code];
      const idField =
        sample.spec === "pattern"
          ? `{ kind: pattern, pattern: "[A-Z]{2}\\\\d{6}" }`
          : "{ kind: cn-resident }";
      const h = await startVerification(
        consoleConfig(`verification:
  required: true
  fields: { legal_name: false, id_number: ${idField} }
  attempts_per_hour: 20`),
      );
      await h.session.tell("alice", "/verify");
      await h.session.tell("alice", sample.input);
      const key = idErrorMessages[code].split(".")[1] as keyof typeof en.verification;
      expect(lastPrivate(h, "alice")).toBe(en.verification[key]);
    });
  }
});
