import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { LogService, MatrixError } from "matrix-bot-sdk";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/core/ports/logger.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import { createMatrixClient, quietMatrixLogging } from "../../../src/adapters/matrix/client.js";
import { MatrixRefusal, toFailure } from "../../../src/adapters/matrix/failures.js";
import {
  matrixAccount,
  matrixChat,
  matrixMessageRef,
  roomIdOf,
  userIdOf,
} from "../../../src/adapters/matrix/keys.js";
import type { AccountKey, ChatKey } from "../../../src/core/ids.js";
import { registerUser, synapseEnv } from "../../support/synapse.js";

describe("matrix keys", () => {
  it("round-trips accounts and rooms of every room version", () => {
    expect(userIdOf(matrixAccount("@alice:example.org:8448"))).toBe("@alice:example.org:8448");
    expect(roomIdOf(matrixChat("!abc:example.org"))).toBe("!abc:example.org");
    // Room version 12 ids carry no server name.
    expect(roomIdOf(matrixChat("!kiOD1xE_qH97Xk4ttG0VjRUZGUeappJwkIXo6ayrcdA"))).toBe(
      "!kiOD1xE_qH97Xk4ttG0VjRUZGUeappJwkIXo6ayrcdA",
    );
    expect(matrixMessageRef("!r:x", "$e", "$root")).toEqual({
      chat: "matrix:!r:x",
      id: "$e",
      thread: "$root",
    });
  });

  it("refuses keys of other platforms and ids of the wrong kind", () => {
    expect(() => userIdOf("discord:123" as AccountKey)).toThrow(TypeError);
    expect(() => roomIdOf("matrix:#alias:example.org" as ChatKey)).toThrow(TypeError);
    expect(() => matrixAccount("!room:example.org")).toThrow(TypeError);
    expect(() => matrixChat("@alice:example.org")).toThrow(TypeError);
  });
});

describe("matrix failures", () => {
  const err = (errcode: string, status: number, extra: Record<string, unknown> = {}) =>
    new MatrixError({ errcode, error: "words", ...extra }, status);

  it("says in plain words what each Matrix error means and whether to retry", () => {
    expect(toFailure(err("M_FORBIDDEN", 403))).toMatchObject({ code: "forbidden", retryable: false });
    expect(toFailure(err("M_FORBIDDEN", 403)).message).toMatch(/power level/);
    expect(toFailure(err("M_NOT_FOUND", 404))).toMatchObject({ code: "not_found", retryable: false });
    expect(toFailure(err("M_LIMIT_EXCEEDED", 429, { retry_after_ms: 1500 }))).toMatchObject({
      code: "rate_limited",
      retryable: true,
      message: expect.stringMatching(/retry after 1500 ms/),
    });
    expect(toFailure(err("M_UNKNOWN_TOKEN", 401)).message).toMatch(/MATRIX_ACCESS_TOKEN/);
    expect(toFailure(err("M_UNKNOWN", 502))).toMatchObject({ code: "unavailable", retryable: true });
    expect(toFailure(err("M_BAD_JSON", 400))).toMatchObject({ code: "bad_request", retryable: false });
    expect(toFailure({ statusCode: 503, body: "<html>" })).toMatchObject({ code: "unavailable" });
    expect(toFailure(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(/cannot be reached/),
    });
    expect(toFailure(new MatrixRefusal("not_found", "no join request"))).toMatchObject({
      code: "not_found",
      message: "no join request",
    });
  });
});

describe("matrix client: logging", () => {
  it("keeps refused requests at debug and a failing sync a warning", () => {
    const lines: string[] = [];
    const logger = {
      debug: (f: Record<string, unknown>) => void lines.push(`debug ${String(f.module)}`),
      info() {},
      warn: (f: Record<string, unknown>) => void lines.push(`warn ${String(f.module)}`),
      error() {},
      child() {
        return logger;
      },
    };
    quietMatrixLogging(logger);
    LogService.error("MatrixHttpClient", "(REQ-1)", { errcode: "M_FORBIDDEN" });
    LogService.error("MatrixClientLite", "Error handling sync connect ECONNREFUSED");
    LogService.info("MatrixClientLite", "Backing off");
    expect(lines).toEqual(["debug MatrixHttpClient", "warn MatrixClientLite"]);
    quietMatrixLogging(silentLogger);
  });
});

describe("matrix client: rate limits", () => {
  beforeAll(() => quietMatrixLogging(silentLogger));
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A homeserver that answers the first `limited` requests with M_LIMIT_EXCEEDED. */
  async function limitingServer(
    limited: number,
    retryAfterMs: number,
  ): Promise<{ url: string; hits: () => number }> {
    let hits = 0;
    server = createServer((_req, res) => {
      hits++;
      res.setHeader("content-type", "application/json");
      if (hits <= limited) {
        res.statusCode = 429;
        res.end(
          JSON.stringify({ errcode: "M_LIMIT_EXCEEDED", error: "slow down", retry_after_ms: retryAfterMs }),
        );
      } else res.end(JSON.stringify({ user_id: "@bot:localhost" }));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, hits: () => hits };
  }

  it("waits out M_LIMIT_EXCEEDED for retry_after_ms and tries again", async () => {
    const hs = await limitingServer(2, 120);
    const waits: number[] = [];
    const client = createMatrixClient(hs.url, "token", new MemoryStore(), {
      retry: { sleep: async (ms) => void waits.push(ms) },
    });
    expect(await client.getUserId()).toBe("@bot:localhost");
    expect(waits).toEqual([120, 120]);
    expect(hs.hits()).toBe(3);
  });

  it("gives up at once when the homeserver asks for a wait beyond the limit", async () => {
    const hs = await limitingServer(1, 3_600_000);
    const client = createMatrixClient(hs.url, "token", new MemoryStore(), {
      retry: { maxWaitMs: 30_000, sleep: async () => expect.fail("must not wait an hour") },
    });
    const failure = await client.getUserId().then(
      () => expect.fail("resolved"),
      (e: unknown) => toFailure(e),
    );
    expect(failure).toMatchObject({ code: "rate_limited", retryable: true });
    expect(hs.hits()).toBe(1);
  });
});

describe.skipIf(!synapseEnv)("Matrix client on Synapse", () => {
  it("keeps the sync token and filter in our store, not in files", async () => {
    const bot = await registerUser(synapseEnv!, "bot");
    const store = new MemoryStore();
    const logs: string[] = [];
    quietMatrixLogging({
      debug: (f) => void logs.push(String(f.detail)),
      info() {},
      warn() {},
      error() {},
      child() {
        return this;
      },
    });
    const client = createMatrixClient(synapseEnv!.url, bot.accessToken, store, {
      storagePrefix: "matrix:sdk:t:",
    });
    await client.start({ room: { timeline: { limit: 20 } } });
    try {
      for (let i = 0; i < 50 && (await store.get("matrix:sdk:t:sync")) === undefined; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(await store.get("matrix:sdk:t:sync")).toEqual(expect.any(String));
      expect(await store.get("matrix:sdk:t:filter")).toMatchObject({
        id: expect.anything(),
        filter: { room: { timeline: { limit: 20 } } },
      });
      // An expected refusal goes to our debug log, not to the console as an SDK error.
      await expect(client.getEvent("!nowhere:localhost", "$none")).rejects.toBeInstanceOf(MatrixError);
      expect(logs.join("\n")).toMatch(/M_FORBIDDEN|M_NOT_FOUND/);
    } finally {
      client.stop();
    }
  });
});
