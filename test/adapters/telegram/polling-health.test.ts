import { describe, expect, it } from "vitest";
import { DOWN_AFTER, PollingLoop } from "../../../src/adapters/telegram/polling.js";
import type { UpdateIntake } from "../../../src/adapters/telegram/intake.js";
import { silentLogger } from "../../../src/core/ports/logger.js";

describe("telegram polling health", () => {
  it("reports the connection down after repeated getUpdates failures and up again at the next success", async () => {
    const reports: [boolean, string | undefined][] = [];
    const stop = new AbortController();
    let calls = 0;
    const loop = new PollingLoop({
      getUpdates: async () => {
        calls++;
        if (calls <= DOWN_AFTER + 1) throw new Error("network down");
        stop.abort();
        return [];
      },
      intake: {} as UpdateIntake,
      allowedUpdates: ["message"],
      timeoutSeconds: 1,
      logger: silentLogger,
      apiRoot: "http://fake",
      backoffMs: { first: 1, max: 1 },
      onHealth: (up, detail) => reports.push([up, detail]),
    });
    await loop.run(stop.signal);
    expect(reports).toEqual([
      [false, `getUpdates failed ${DOWN_AFTER} times`],
      [true, undefined],
    ]);
  });
});
