/**
 * The real CLI (`chatwarden start --keep`, the console playground on SQLite, logs at trace level):
 * verifications typed as a member would leave no legal name, ID number or phone in clear in the database
 * files, the log file or the process's error output; nor does a start that fails (another secret).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findPeople, haystacks, people, sqliteFiles } from "./pii-scan.js";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "chatwarden-cli-pii-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = `
language: en
data_dir: ${join(dir, "data")}
communities:
  - id: demo
    name: Demo
    admins: ["console:admin"]
    review_chat: "console:review"
    modlog_chat: "console:modlog"
    chats:
      - id: "console:lobby"
    verification:
      required: true
      method: self_declared
      fields: { legal_name: true, id_number: { kind: cn-resident }, phone: true }
    rules:
      enabled: true
      categories:
        spam: { terms: ["buy followers"], action: delete }
`;

function start(input: string, secret: string) {
  const file = join(dir, "chatwarden.yaml");
  writeFileSync(file, config);
  return spawnSync(
    join(root, "node_modules/.bin/tsx"),
    [join(root, "src/cli.ts"), "start", "--keep", "--config", file],
    {
      cwd: root,
      input,
      encoding: "utf8",
      env: {
        ...process.env,
        CHATWARDEN_SECRET: secret,
        CHATWARDEN_CONFIG: "",
        TELEGRAM_BOT_TOKEN: "",
        LOG_LEVEL: "trace",
      },
      timeout: 120_000,
    },
  );
}

describe("personal data through the real CLI", () => {
  it("20 verifications, /mydata and /forgetme: nothing in clear in the SQLite files, the log file or stderr", () => {
    const crowd = people(20, "m");
    const lines = crowd.flatMap((p) => [
      `${p.user} joins lobby`,
      `${p.user} to bot: /verify`,
      `${p.user} to bot: ${p.name}`,
      `${p.user} to bot: ${p.id}`,
      `${p.user} to bot: ${p.phone}`,
    ]);
    // A verified member's rule hit is logged (so the log file has lines to scan).
    lines.push(`${crowd[5]?.user} in lobby: buy followers here`);
    const run = start(
      `${lines.join("\n")}\nm3 to bot: /mydata\nm4 to bot: /forgetme\n`,
      "cli-secret-number-one-0123456789abcdef",
    );
    expect(run.status, run.stderr).toBe(0);
    // The member's own private chat shows their data (the playground prints it): it went through.
    expect(run.stdout).toContain(crowd[3]?.name);
    expect(run.stdout.match(/verified/g)?.length ?? 0).toBeGreaterThanOrEqual(20);
    const data = join(dir, "data");
    const files = sqliteFiles(join(data, "playground.sqlite"));
    const log = readFileSync(join(data, "playground.log"), "utf8");
    expect(log.length).toBeGreaterThan(0);
    const hits = findPeople(haystacks(files, [log, run.stderr]), crowd);
    // A start with another secret fails on the kept data: its error output holds nothing either.
    const refused = start("", "another-secret-entirely-0000-abcdefgh");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/CHATWARDEN_SECRET/);
    const crashHits = findPeople(
      [refused.stderr, refused.stdout, readFileSync(join(data, "playground.log"), "utf8")],
      crowd,
    );
    // The planted positive: the same scan over the playground's own output (the members' private chats).
    const shown = findPeople([run.stdout], crowd);
    console.log(
      `CLI: ${crowd.length} verifications, ${files.length} database files, ${log.split("\n").length} log lines, ` +
        `stderr ${run.stderr.length} chars: ${hits.length} found in clear; failed start: ${crashHits.length}; ` +
        `planted (stdout, the members' own chats): ${shown.length} found`,
    );
    expect(hits).toEqual([]);
    expect(crashHits).toEqual([]);
    expect(shown.length).toBeGreaterThanOrEqual(20);
  }, 240_000);
});
