import { describe, expect, it } from "vitest";
import {
  createHttpIdentityProvider,
  parseAnswer,
} from "../../../src/adapters/identity/http-identity-provider.js";
import type { IdentityCheckRequest } from "../../../src/core/verification/identity-provider.js";

const request: IdentityCheckRequest = {
  endpoint: { url: "https://id.example.org/check", timeoutMs: 1000, tokenEnv: "ID_TOKEN" },
  requestId: "x1",
  community: "demo",
  account: "telegram:42",
  platform: "telegram",
  fields: { legal_name: "Li Lei", id_number: "11010519491231002X" },
};

function fakeFetch(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const seen: { url: string; init: RequestInit }[] = [];
  const f = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return respond(url, init);
  }) as unknown as typeof fetch;
  return { seen, f };
}

describe("HTTP identity provider", () => {
  it("POSTs the documented JSON body with the bearer token and reads a verified answer", async () => {
    const { seen, f } = fakeFetch(() => new Response(JSON.stringify({ result: "verified" })));
    const provider = createHttpIdentityProvider({
      fetch: f,
      token: (name) => (name === "ID_TOKEN" ? "s3cret" : undefined),
    });
    expect(await provider.check(request)).toEqual({ status: "verified" });
    expect(seen[0]?.init.method).toBe("POST");
    expect((seen[0]?.init.headers as Record<string, string>).authorization).toBe("Bearer s3cret");
    expect(JSON.parse(String(seen[0]?.init.body))).toEqual({
      version: 1,
      request_id: "x1",
      community: "demo",
      account: "telegram:42",
      platform: "telegram",
      fields: { legal_name: "Li Lei", id_number: "11010519491231002X" },
    });
  });

  it("reads a rejection with its reason", async () => {
    const { f } = fakeFetch(
      () => new Response(JSON.stringify({ result: "rejected", reason: "no such person" })),
    );
    expect(await createHttpIdentityProvider({ fetch: f, token: () => "t" }).check(request)).toEqual({
      status: "rejected",
      reason: "no such person",
    });
  });

  it("reports an error, never a rejection, for a bad status or a malformed answer", async () => {
    const bad = fakeFetch(() => new Response("oops", { status: 500 }));
    expect((await createHttpIdentityProvider({ fetch: bad.f, token: () => "t" }).check(request)).status).toBe(
      "error",
    );
    expect(parseAnswer("not json").status).toBe("error");
    expect(parseAnswer(JSON.stringify({ result: "maybe" })).status).toBe("error");
  });

  it("gives up after the timeout", async () => {
    const { f } = fakeFetch(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) =>
          init.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
        ),
    );
    const result = await createHttpIdentityProvider({ fetch: f, token: () => "t" }).check({
      ...request,
      endpoint: { ...request.endpoint, timeoutMs: 10 },
    });
    expect(result).toEqual({ status: "error", message: "no answer within 10 ms" });
  });

  it("refuses to send without the configured token, and over plain http", async () => {
    const { seen, f } = fakeFetch(() => new Response("{}"));
    const provider = createHttpIdentityProvider({ fetch: f });
    expect((await provider.check(request)).status).toBe("error");
    expect(
      (await provider.check({ ...request, endpoint: { url: "http://id.example.org", timeoutMs: 10 } }))
        .status,
    ).toBe("error");
    expect(seen).toHaveLength(0);
  });
});
