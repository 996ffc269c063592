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
