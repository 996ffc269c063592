import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { simulate } from "../../../src/app/simulate.js";
import { loadConfigFile } from "../../../src/config/load.js";

const root = resolve(import.meta.dirname, "../../..");

describe("examples/rules.transcript", () => {
  it("runs end to end, and the mod-log chat gets exactly one line per case, in case order", async () => {
    const lines: string[] = [];
    const source = readFileSync(resolve(root, "examples/rules.transcript"), "utf8");
    const config = loadConfigFile(resolve(root, "config/chatwarden.example.yaml"));
    const result = await simulate(source, config, { secret: "transcript-test-secret-0001-abcdef" }, (l) =>
      lines.push(l),
    );
    expect(result.exitCode).toBe(0);
    const modlog = lines.flatMap((l) => /bot → modlog #\d+: (.*)$/.exec(l)?.[1] ?? []);
    const numbers = modlog.map((l) => Number(/^#(\d+) /.exec(l)?.[1]));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(numbers.length).toBeGreaterThanOrEqual(8);
    const out = lines.join("\n");
    expect(out).toContain(
      '#1 mallory warned — by the bot (rule) [spam] +1 pts: matched spam term "free crypto"',
    );
    expect(out).toContain("held post approved — by admin (hold) [slander]");
    expect(out).toContain("eve banned — by the bot (rule) [terrorism]");
    expect(out).toContain("term “share before they delete this” (written “Share before they delete this”)");
  });
});
