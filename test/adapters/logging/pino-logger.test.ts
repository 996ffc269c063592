import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createPinoLogger } from "../../../src/adapters/logging/pino-logger.js";

describe("pino logger", () => {
  it("drops fields that could carry personal data, at any depth used by callers", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createPinoLogger({ level: "info", destination: sink as never });
    logger.info(
      {
        account: "telegram:42",
        name: "张三",
        phone: "+8613800000000",
        text: "my id is 11010519491231002X",
        member: { legalName: "张三", idNumber: "11010519491231002X" },
      },
      "verified",
    );
    const out = lines.join("");
    expect(out).toContain("telegram:42");
    expect(out).not.toContain("张三");
    expect(out).not.toContain("13800000000");
    expect(out).not.toContain("11010519491231002X");
  });
});

describe("log file destination", () => {
  it("creates the data folder 0700 and the log file 0600", async () => {
    const { mkdtempSync, statSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { fileDestination } = await import("../../../src/adapters/logging/pino-logger.js");
    const dir = join(mkdtempSync(join(tmpdir(), "chatwarden-log-")), "data");
    const dest = fileDestination(join(dir, "playground.log"));
    dest.write("{}\n");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "playground.log")).mode & 0o777).toBe(0o600);
  });
});
