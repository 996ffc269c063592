import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/errors.js";
import { parseConfigText } from "../../../src/config/load.js";
import { accountKey } from "../../../src/core/ids.js";
import { verificationSettingsSchema } from "../../../src/core/verification/settings.js";
import { methods, stepsFor } from "../../../src/core/verification/methods/index.js";
import { consoleConfig, startVerification } from "./support.js";

const root = resolve(import.meta.dirname, "../../..");

function problems(yaml: string): string[] {
  try {
    parseConfigText(yaml, { baseDir: root });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

const community = (verification: string, chats: string) => `communities:
  - id: demo
    name: Demo
    review_chat: "telegram:-100999"
    verification:
${verification}
    chats:
${chats}`;

describe("verification methods as strategies", () => {
  it("registers every method of the config under its own name", () => {
    const names = verificationSettingsSchema.shape.method.unwrap().options;
    expect(Object.keys(methods).sort()).toEqual([...names].sort());
    for (const name of names) expect(methods[name].name).toBe(name);
  });

  it("asks the method for its steps: phone adds the phone step even when the field is off", () => {
    const s = (method: string) =>
      verificationSettingsSchema.parse({ method, fields: { legal_name: true }, rules: "be kind" });
    expect(stepsFor(s("self_declared"))).toEqual(["name", "rules"]);
    expect(stepsFor(s("phone"))).toEqual(["name", "phone", "rules"]);
  });

  it('refuses method "phone" for a Discord or Matrix chat, naming the field and the chat', () => {
    const found = problems(
      community(
        "      method: phone",
        `      - id: "telegram:-100123"
      - id: "discord:111/222"
      - id: "matrix:!room:example.org"
        verification: { method: phone }`,
      ),
    );
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(
      /^communities\[0\]\.verification\.method: method "phone" cannot verify members of "discord:111\/222", a discord chat; it works on telegram, console only: it needs a contact card/,
    );
    expect(found[1]).toMatch(
      /^communities\[0\]\.chats\[2\]\.verification\.method: method "phone" cannot verify members of "matrix:!room:example.org"/,
    );
  });

  it('accepts method "phone" on Telegram, and another method for the Discord chat of the same community', () => {
    expect(
      problems(
        community(
          "      method: phone",
          `      - id: "telegram:-100123"
      - id: "discord:111/222"
        verification: { method: admin_review }`,
        ),
      ),
    ).toEqual([]);
  });

  it("still reports the external method's missing provider block through the strategy", () => {
    expect(problems(community("      method: external", `      - id: "telegram:-100123"`))).toEqual([
      'communities[0].verification.external: required when method is "external": expected { url: "https://…" }',
    ]);
  });

  it("tells a member on a platform the method does not support where to verify, and asks nothing", async () => {
    const h = await startVerification(
      consoleConfig(`verification:
  required: true
  method: phone`),
    );
    const actor = { account: accountKey("discord", "42"), displayName: "d42", isChatAdmin: false };
    const { decisions } = await h.runtime.engine.handle({
      kind: "command",
      name: "verify",
      args: "demo",
      mentions: [],
      actor,
    });
    const texts = decisions.flatMap((d) => (d.kind === "send_private" ? [d.text] : []));
    expect(texts.join("\n")).toContain(
      "cannot be done from discord: its method works only on telegram, console",
    );
    expect(texts.join("\n")).not.toContain("(1/");
    expect(decisions.some((d) => d.kind === "send_private" && d.requestContact)).toBe(false);
  });
});

describe("verification.default_country_code", () => {
  const withCode = (value: string) =>
    community(`      default_country_code: ${value}`, `      - id: "telegram:-100123"`);

  it("accepts a calling code quoted or not (YAML reads an unquoted +86 as a number)", () => {
    for (const value of ['"+86"', "+86", "86", '"44"']) expect(problems(withCode(value))).toEqual([]);
    const loaded = parseConfigText(withCode("+86"), { baseDir: root });
    expect(loaded.core.communities[0]?.policy.verification.default_country_code).toBe("+86");
  });

  it("refuses something that is not a calling code, naming the field", () => {
    expect(problems(withCode('"+86 1"'))).toEqual([
      'communities[0].verification.default_country_code: expected a country calling code like "+86" or "+44", got "+86 1"',
    ]);
  });
});
