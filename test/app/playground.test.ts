import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");

/** The playground lines of the README, as a newcomer pastes them. */
function readmeLines(): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const block = /Type lines like:\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README: the playground block is missing");
  return block;
}

/** A copy of the example configuration (with its term and domain files) on its own data dir. */
function exampleSetup(): { config: string; dataDir: string } {
  const dir = mkdtempSync(join(tmpdir(), "chatwarden-playground-"));
  cpSync(join(root, "config"), join(dir, "config"), { recursive: true });
  const dataDir = join(dir, "data");
  const config = join(dir, "config", "chatwarden.yaml");
  const example = readFileSync(join(dir, "config", "chatwarden.example.yaml"), "utf8");
  writeFileSync(config, example.replace(/^data_dir: .*$/m, `data_dir: ${dataDir}`));
  return { config, dataDir };
}

function start(config: string, input: string, extra: string[] = []) {
  const r = spawnSync(tsx, [join(root, "src/cli.ts"), "start", "--config", config, ...extra], {
    cwd: root,
    input,
    encoding: "utf8",
    env: {
      ...process.env,
      CHATWARDEN_SECRET: "",
      CHATWARDEN_CONFIG: "",
      TELEGRAM_BOT_TOKEN: "",
      LOG_LEVEL: "info",
    },
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return r;
}

/** The output without the times cards print and the random hold ids, so two runs compare. */
const timeless = (out: string) =>
  out.replace(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/g, "<time>").replace(/\bh[0-9a-f]{6,}\b/g, "<hold>");

describe("the playground", () => {
  it("the README's lines work on a second run on the same data dir too (each run starts fresh)", () => {
    const { config } = exampleSetup();
    const first = start(config, readmeLines());
    expect(first.stdout).toContain("bot ↻ lobby #2: Posted by bob");
    expect(first.stdout).toMatch(/bot → modlog #\d+: #\d+ bob warned — by admin/);
    expect(first.stdout.split("\n").filter((l) => l.startsWith("  ! "))).toEqual([]);
    const second = start(config, readmeLines());
    expect(second.stdout.split("\n").filter((l) => l.startsWith("  ! "))).toEqual([]);
    expect(timeless(second.stdout)).toBe(timeless(first.stdout));
  });

  it("with --keep, state persists and message numbers continue from the last run", () => {
    const { config, dataDir } = exampleSetup();
    const lines = "bob in lobby: breaking https://www.reuters.com/world/some-story\n";
    const first = start(config, lines, ["--keep"]);
    expect(first.stdout).toContain("(lobby #1)");
    expect(first.stdout).toMatch(/bot → review #2 \(card\)/);
    expect(existsSync(join(dataDir, "playground.sqlite"))).toBe(true);
    const second = start(config, `${lines}admin in review: /queue\n`, ["--keep"]);
    expect(second.stdout).toContain("(lobby #2)");
    expect(second.stdout).toMatch(/bot → review #4 \(card\)/);
    // Both posts are waiting: the first run's hold survived.
    expect(second.stdout).toMatch(/Waiting for approval in Demo community \(2\)/);
    // The first run's card, its button and the chats are still there: approving from it works.
    const third = start(config, "admin presses Approve on 2 in review\nbob in lobby: still here\n", [
      "--keep",
    ]);
    expect(third.stdout).toContain("bot ↻ lobby #3: Posted by bob");
    expect(third.stdout).toContain("(lobby #4)");
    expect(third.stdout.split("\n").filter((l) => l.startsWith("  ! "))).toEqual([]);
  });

  it("writes its log lines to a file in the data dir, never among the playground's output", () => {
    const { config, dataDir } = exampleSetup();
    const r = start(config, "mallory in lobby: join isis now\n");
    expect(r.stdout).toContain("mallory banned");
    expect(r.stdout).not.toContain('"level"');
    expect(r.stderr).not.toContain('"level"');
    expect(r.stdout).toContain(`Log: ${join(dataDir, "playground.log")}`);
    expect(readFileSync(join(dataDir, "playground.log"), "utf8")).toContain('"msg":"content rule hit"');
  });
});
