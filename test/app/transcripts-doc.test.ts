import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/app/simulate.js";
import { loadConfigFile } from "../../src/config/load.js";

const root = resolve(import.meta.dirname, "../..");
const doc = readFileSync(resolve(root, "docs/transcripts.md"), "utf8");
const config = loadConfigFile(resolve(root, "config/chatwarden.example.yaml"));
const env = { secret: "transcripts-doc-test-secret-0001-abcdef" };

/** The fenced block that follows `marker` in the doc. */
function blockAfter(marker: string): string {
  const at = doc.indexOf(marker);
  if (at < 0) throw new Error(`docs/transcripts.md: no "${marker}"`);
  const block = /```\n([\s\S]*?)```/.exec(doc.slice(at))?.[1];
  if (block === undefined) throw new Error(`docs/transcripts.md: no code block after "${marker}"`);
  return block;
}

async function run(source: string, file?: string): Promise<{ out: string; exitCode: number }> {
  const lines: string[] = [];
  const { exitCode } = await simulate(source, config, env, (l) => lines.push(l), { file });
  return { out: `${lines.join("\n")}\n`, exitCode };
}

/** Hold ids are random: compare them as a placeholder. */
const holdless = (text: string) => text.replace(/\bh[0-9a-f]{10}\b/g, "<hold>");

describe("docs/transcripts.md", () => {
  it("shows exactly what simulate prints for its sample transcript", async () => {
    const { out, exitCode } = await run(blockAfter("<!-- sample: input"));
    expect(exitCode).toBe(0);
    expect(holdless(out)).toBe(holdless(blockAfter("<!-- sample: output -->")));
  });

  it("shows the error lines simulate prints, in its words", async () => {
    const malformed = blockAfter("Malformed lines are reported");
    const bad = await run(
      "alice in lobby: hi\nbob in lobby: hello\nalice says hi\nwait tomorrow\n",
      "examples/bad.transcript",
    );
    expect(bad.exitCode).toBe(2);
    expect(bad.out).toBe(malformed);

    const impossible = blockAfter("A line that is well formed but impossible");
    const loby = await run(`${"alice in lobby: hi\n".repeat(6)}alice in loby: hi\n`, "t.transcript");
    expect(loby.exitCode).toBe(2);
    expect(loby.out.split("\n")).toContain(impossible.trim());
  });
});
