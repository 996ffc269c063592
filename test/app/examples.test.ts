import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/app/simulate.js";
import { loadConfigFile } from "../../src/config/load.js";

const root = resolve(import.meta.dirname, "../..");
const examples = readdirSync(resolve(root, "examples")).filter((f) => f.endsWith(".transcript"));

describe("shipped example transcripts", () => {
  it("exist for every pillar", () => {
    expect(examples.sort()).toEqual(
      expect.arrayContaining([
        "news.transcript",
        "rules.transcript",
        "sanctions.transcript",
        "verification.transcript",
      ]),
    );
  });

  for (const file of examples) {
    it(`${file} replays against the example config without an error or a failed platform action`, async () => {
      const lines: string[] = [];
      const config = loadConfigFile(resolve(root, "config/chatwarden.example.yaml"));
      const source = readFileSync(resolve(root, "examples", file), "utf8");
      const result = await simulate(
        source,
        config,
        { secret: "examples-test-secret-0123456789abcdef" },
        (l) => lines.push(l),
        { file },
      );
      const out = lines.join("\n");
      expect(out).not.toMatch(/FAILED|^examples?\/|transcript:\d+:/m);
      expect(result.exitCode).toBe(0);
    });
  }

  it("prints one JSON object per line with --json", async () => {
    const lines: string[] = [];
    const config = loadConfigFile(resolve(root, "config/chatwarden.example.yaml"));
    await simulate(
      "alice to bot: /help\n",
      config,
      { secret: "examples-test-secret-0123456789abcdef" },
      (l) => lines.push(l),
      { json: true },
    );
    const records = lines.map((l) => JSON.parse(l) as { type: string });
    expect(records.map((r) => r.type)).toEqual(["step", "posted", "decision"]);
  });
});
