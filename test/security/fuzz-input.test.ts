/**
 * Property-based: random configs at the config loader (raw text, and valid configs with one random value
 * spliced in) and random transcripts at the parser and the console runner. Every answer is a clear one:
 * a ConfigError naming the problem, a transcript error with its line, or a member's mistake in words —
 * never a TypeError or another unexpected exception.
 */
import fc from "fast-check";
import { resolve } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { parseTranscript } from "../../src/adapters/console/transcript.js";
import { runStep } from "../../src/adapters/console/runner.js";
import { ConfigError } from "../../src/config/errors.js";
import { parseConfigText } from "../../src/config/load.js";
import { consoleConfig, startHarness } from "../support/harness.js";
import { budget, text } from "./fuzz-support.js";

const baseDir = resolve(import.meta.dirname, "../..");

/** Loads a config: a ConfigError (with a message) or a loaded config; anything else fails the property. */
function load(source: string): "ok" | "refused" {
  try {
    parseConfigText(source, { baseDir });
    return "ok";
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.message.length).toBeGreaterThan(0);
    return "refused";
  }
}

/** Places in a valid config where a random value goes. */
const SLOTS = [
  "language",
  "communities.0.id",
  "communities.0.admins",
  "communities.0.chats.0.id",
  "communities.0.verification.method",
  "communities.0.verification.fields",
  "communities.0.verification.attempts_per_hour",
  "communities.0.verification.link_code_ttl",
  "communities.0.verification.unverified",
  "communities.0.sanctions.ladder",
  "communities.0.sanctions.points",
  "communities.0.news.expire_after",
  "communities.0.news.domains",
  "communities.0.rules.categories",
  "communities.0.chats.0.policy",
  "storage.url",
];

function base(): Record<string, unknown> {
  return {
    language: "en",
    communities: [
      {
        id: "demo",
        name: "Demo",
        admins: ["console:admin"],
        review_chat: "console:review",
        chats: [{ id: "console:lobby" }],
        verification: { required: true },
        news: { enabled: true, domains: ["reuters.com"] },
        rules: { enabled: true, categories: {} },
      },
    ],
  };
}

function splice(doc: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const parts = path.split(".");
  let at: Record<string, unknown> = doc;
  for (const p of parts.slice(0, -1)) {
    if (typeof at[p] !== "object" || at[p] === null) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts.at(-1) as string] = value;
  return doc;
}

describe("bad input: random configs at the config loader", () => {
  const total = budget(100_000);
  it(`answers ${total} random configs with a loaded config or a ConfigError, never another exception`, () => {
    const counts = { ok: 0, refused: 0 };
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      text,
      fc.constantFrom("10m", "-1s", "1e308", "0", "9999999d", "sqlite://", "redis://", "{}", "[]", "&a [*a]"),
    );
    const half = Math.ceil(total / 2);
    fc.assert(
      fc.property(fc.constantFrom(...SLOTS), value, (slot, v) => {
        counts[load(stringify(splice(base(), slot, v)))]++;
      }),
      { numRuns: half },
    );
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: "grapheme", maxLength: 200 })), (raw) => {
        counts[load(raw)]++;
      }),
      { numRuns: total - half },
    );
    console.log(
      `config loader: ${total} random configs, ${counts.ok} loaded, ${counts.refused} refused with a ConfigError`,
    );
    expect(counts.ok + counts.refused).toBe(total);
    expect(counts.ok).toBeGreaterThan(0);
  }, 1_800_000);
});

/** A member's mistake in a transcript line, as the runner words it (the playground prints it). */
const MEMBERS_MISTAKE = /^(no button|no message|unknown chat|\S+ has no message)/;

describe("bad input: random transcripts at the parser and the console runner", () => {
  const total = budget(100_000);
  it(`parses and runs ${total} random transcript lines: steps or errors with their line, never a crash`, async () => {
    const line = fc.oneof(
      text,
      fc
        .record({
          who: fc.constantFrom("alice", "bob", "admin", "x y", ""),
          verb: fc.constantFrom(
            " in lobby: ",
            ": ",
            " to bot: ",
            " presses ",
            " joins ",
            " leaves ",
            " edits 1 in lobby: ",
            " shares contact ",
            " is admin of ",
            " speaks ",
            " in lobby [reply 2]: ",
            " in review: ",
          ),
          rest: text,
        })
        .map(({ who, verb, rest }) => `${who}${verb}${rest.slice(0, 300)}`),
      fc.constantFrom(
        "wait 2h",
        "wait -1s",
        "wait 99999d",
        "restart",
        "# note",
        "admin presses Approve on 2 in review",
      ),
    );
    const h = await startHarness(consoleConfig());
    const hooks = {
      wait: async (ms: number) => void (await h.advance(ms)),
      restart: () => h.restart(),
      defaultChat: "lobby",
      chats: new Set(["console:lobby", "console:second", "console:review", "console:modlog"]),
    };
    const counts = { steps: 0, lineErrors: 0, mistakes: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 10 }), async (lines) => {
        const { steps, errors } = parseTranscript(lines.join("\n"));
        for (const e of errors) expect(e.line).toBeGreaterThan(0);
        counts.lineErrors += errors.length;
        for (const { step } of steps) {
          try {
            await runStep(h.session, step, hooks);
            counts.steps++;
          } catch (error) {
            if (
              !(error instanceof Error) ||
              error.constructor !== Error ||
              !MEMBERS_MISTAKE.test(error.message)
            )
              throw error;
            counts.mistakes++;
          }
        }
      }),
      { numRuns: Math.ceil(total / 5) },
    );
    h.runtime.scheduler.stop();
    console.log(
      `transcripts: ${counts.steps} steps run, ${counts.lineErrors} lines refused with their line number, ` +
        `${counts.mistakes} members' mistakes answered in words`,
    );
    expect(counts.steps).toBeGreaterThan(0);
  }, 1_800_000);
});
