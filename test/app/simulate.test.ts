import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/app/simulate.js";
import { loadConfigFile } from "../../src/config/load.js";

const root = resolve(import.meta.dirname, "../..");
const config = () => loadConfigFile(resolve(root, "config/chatwarden.example.yaml"));

async function run(source: string) {
  const lines: string[] = [];
  const result = await simulate(
    source,
    config(),
    { secret: "simulate-test-secret-0123456789abcdef" },
    (line) => lines.push(line),
    { file: "t.transcript" },
  );
  return { exitCode: result.exitCode, lines };
}

describe("simulate with impossible lines", () => {
  it("refuses a chat the config does not name, listing the chats it knows, and goes on", async () => {
    const { exitCode, lines } = await run("bob in loby: hello\nbob joins loby\nbob in lobby: hello\n");
    expect(exitCode).toBe(2);
    expect(lines).toContain(
      't.transcript:1: unknown chat "loby": the bot acts only in the configured chats (lobby, news, review, modlog)',
    );
    expect(lines.filter((l) => l.startsWith("t.transcript:2: unknown chat"))).toHaveLength(1);
    // the next line still runs, and the refused post was never numbered
    expect(lines).toContain("  (lobby #1)");
    expect(lines.some((l) => l.includes("(loby #"))).toBe(false);
  });

  it("posts nothing when the message replied to is not there", async () => {
    const { exitCode, lines } = await run("alice in lobby [reply 9]: hi\nalice in lobby: again\n");
    expect(exitCode).toBe(2);
    expect(lines).toContain("t.transcript:1: no message #9 in lobby to reply to");
    expect(lines.filter((l) => l.startsWith("  (lobby #"))).toEqual(["  (lobby #1)"]);
  });

  it("accepts the review and mod-log chats of the config", async () => {
    const { exitCode } = await run("admin in review: /help\nadmin in modlog: hello\n");
    expect(exitCode).toBe(0);
  });
});
