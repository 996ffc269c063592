import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.js";
import { loadConfigFile } from "../../src/config/load.js";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const community = `communities:\n  - id: demo\n    name: Demo\n    chats: [{ id: "console:lobby" }]\n`;

function write(name: string, content: string | Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), "chatwarden-text-")), name);
  writeFileSync(file, content);
  return file;
}

function problems(file: string): string[] {
  try {
    loadConfigFile(file);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

const cli = (args: string[]) =>
  spawnSync(tsx, [join(root, "src/cli.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CHATWARDEN_CONFIG: "", TELEGRAM_BOT_TOKEN: "", LOG_LEVEL: "silent" },
    timeout: 60_000,
  });

describe("config and transcript files must be UTF-8 text", () => {
  it("refuses a config with invalid UTF-8, naming the byte offset", () => {
    const file = write(
      "c.yaml",
      Buffer.concat([Buffer.from(`${community}# caf`), Buffer.from([0xe9, 0x0a])]),
    );
    const offset = Buffer.byteLength(`${community}# caf`);
    expect(problems(file)).toEqual([
      `: expected UTF-8 text, got the byte 0xe9 at byte offset ${offset} (line 5)`,
    ]);
  });

  it("refuses a NUL byte in a config and in a term file", () => {
    expect(problems(write("c.yaml", `language: en\0\n${community}`))).toEqual([
      ": expected UTF-8 text, got a NUL byte at byte offset 12 (line 1)",
    ]);
    const terms = write("terms.txt", "spam\nsp\0m\n");
    const withTerms = write(
      "c.yaml",
      `${community}    rules:\n      categories:\n        spam: { term_files: [${JSON.stringify(terms)}] }\n`,
    );
    expect(problems(withTerms)).toEqual([
      `communities[0].rules.categories.spam.term_files[0]: ${terms}: expected UTF-8 text, got a NUL byte at byte offset 7 (line 2)`,
    ]);
  });

  it("accepts multi-byte UTF-8 (Chinese, emoji)", () => {
    expect(problems(write("c.yaml", `${community}# 中文 🙂\n`))).toEqual([]);
  });

  it("simulate refuses a transcript with a bad byte, with the offset, and exits 2", () => {
    const transcript = write(
      "t.txt",
      Buffer.concat([Buffer.from("alice to bot: /help\nbob in lobby: hi"), Buffer.from([0xff, 0x0a])]),
    );
    const r = cli(["simulate", transcript, "--config", "config/chatwarden.example.yaml"]);
    expect(r.stderr).toContain(
      `${transcript}: expected UTF-8 text, got the byte 0xff at byte offset 36 (line 2)`,
    );
    expect(r.status).toBe(2);
  });
});

describe("YAML alias bombs and the version", () => {
  it("refuses a billion-laughs config with exit 2, naming the file", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (const [prev, name] of [
      ["a", "b"],
      ["b", "c"],
      ["c", "d"],
      ["d", "e"],
      ["e", "f"],
    ] as const)
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    const bomb = write("bomb.yaml", `${levels.join("\n")}\n${community}`);
    expect(problems(bomb)[0]).toMatch(/^: YAML: refused: .*alias/);
    const r = cli(["check-config", "--config", bomb]);
    expect(r.stderr).toContain(`${bomb}: invalid configuration`);
    expect(r.status).toBe(2);
  });

  it("chatwarden --version prints the package version", () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    const r = cli(["--version"]);
    expect(r.stdout).toBe(`${version}\n`);
    expect(r.status).toBe(0);
  });
});
