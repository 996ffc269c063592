import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { simulate } from "../../../src/app/simulate.js";
import { loadConfigFile } from "../../../src/config/load.js";

const root = resolve(import.meta.dirname, "../../..");

describe("examples/sanctions.transcript", () => {
  it("runs end to end against the example config and shows each part of the pillar", async () => {
    const lines: string[] = [];
    const source = readFileSync(resolve(root, "examples/sanctions.transcript"), "utf8");
    const config = loadConfigFile(resolve(root, "config/chatwarden.example.yaml"));
    const result = await simulate(source, config, { secret: "transcript-test-secret-0001-abcdef" }, (l) =>
      lines.push(l),
    );
    const out = lines.join("\n");
    expect(result.exitCode).toBe(0);
    expect(out).toContain("#3 bob muted for 1h");
    expect(out).toContain("bob in news has full rights again");
    expect(out).toContain("✅ Confirmed by console:admin: case #4.");
    expect(out).toContain("your appeal of case #4 was accepted");
    expect(out).toContain(
      "#6 eve banned — by the bot (rule) [terrorism] jumped to ban: matched terrorism term",
    );
    expect(out).not.toContain("+12 pts");
    expect(out).toContain("#7 eve pardoned (case #6 taken back)");
    expect(out).toContain("/ban is for admins of this community.");
    // An unknown name opens no case: the next case, the ban once mallory joined, is #8.
    expect(out).toContain("I don't know that member (@mallory)");
    expect(out).toContain("#8 mallory banned for 2d");
    expect(out).toMatch(
      /restart[\s\S]*mallory unbanned in lobby[\s\S]*#9 mallory unbanned — by the bot \(system\)/,
    );
  });
});
