import { describe, expect, it } from "vitest";
import { ok, outcomeOf } from "../../src/adapters/outcomes.js";
import type { PlatformDecision, PlatformFailure } from "../../src/core/decisions.js";
import { accountKey } from "../../src/core/ids.js";
import type { Logger } from "../../src/core/ports/logger.js";
import { silentLogger } from "../../src/core/ports/logger.js";

const decision: PlatformDecision = {
  kind: "send_private",
  account: accountKey("matrix", "@a:x"),
  text: "hi",
};
const toFailure = (error: unknown): PlatformFailure => ({
  code: "forbidden",
  message: `mapped: ${String(error)}`,
  retryable: false,
});

describe("outcomeOf, the executors' shared outcome mapping", () => {
  it("passes a decision's outcome through", async () => {
    const ref = { chat: "matrix:!r:x", id: "$e" } as never;
    expect(
      await outcomeOf(decision, async () => ok([ref]), { platform: "p", toFailure, logger: silentLogger }),
    ).toEqual({ status: "ok", refs: [ref] });
    expect(ok()).toEqual({ status: "ok" });
  });

  it("turns a throw into a failed outcome in the adapter's words, logged once with the platform's name", async () => {
    const lines: { fields: unknown; message: string }[] = [];
    const logger = {
      ...silentLogger,
      warn: (fields: unknown, message: string) => void lines.push({ fields, message }),
    } as unknown as Logger;
    const outcome = await outcomeOf(
      decision,
      async () => {
        throw new Error("403");
      },
      { platform: "matrix", toFailure, logger },
    );
    expect(outcome).toEqual({
      status: "failed",
      error: { code: "forbidden", message: "mapped: Error: 403", retryable: false },
    });
    expect(lines).toEqual([
      {
        fields: { decision: "send_private", err: "mapped: Error: 403" },
        message: "matrix refused a decision",
      },
    ]);
  });
});
