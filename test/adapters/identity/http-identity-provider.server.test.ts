import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpIdentityProvider } from "../../../src/adapters/identity/http-identity-provider.js";
import type {
  IdentityCheckRequest,
  IdentityProvider,
} from "../../../src/core/verification/identity-provider.js";
import { cnId, consoleConfig, lastPrivate, startVerification } from "../../core/verification/support.js";

/**
 * The provider contract against a real HTTP server on localhost (plain HTTP through the explicit test
 * option: a local HTTPS server would need a certificate the global fetch trusts). Each path answers one way.
 */
interface Seen {
  path: string;
  method: string;
  headers: IncomingMessage["headers"];
  body: string;
}

const seen: Seen[] = [];
let server: Server;
let base = "";

const routes: Record<string, (res: ServerResponse, body: string) => void> = {
  "/verified": (res) => json(res, 200, { result: "verified" }),
  "/rejected": (res) =>
    json(res, 200, { result: "rejected", reason: "The name does not match the ID number." }),
  "/status500": (res) => json(res, 500, { result: "verified" }),
  "/redirect": (res) => {
    res.writeHead(302, { location: "/verified" });
    res.end();
  },
  "/not-json": (res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html>verified</html>");
  },
  "/slow": (res) => void setTimeout(() => json(res, 200, { result: "verified" }), 2_000),
  "/echo-name": (res, body) => {
    const name = (JSON.parse(body) as { fields: { legal_name?: string } }).fields.legal_name;
    json(res, 200, name === "王小明" ? { result: "verified" } : { result: "rejected", reason: "unknown" });
  },
};

function json(res: ServerResponse, status: number, value: unknown) {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      seen.push({ path: req.url ?? "", method: req.method ?? "", headers: req.headers, body });
      (routes[req.url ?? ""] ?? ((r) => json(r, 404, {})))(res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const provider = createHttpIdentityProvider({
  token: (name) => (name === "IDP_TOKEN" ? "t0ken" : undefined),
  allowPlainHttpForTests: true,
});

function request(path: string, timeoutMs = 1_000): IdentityCheckRequest {
  return {
    endpoint: { url: base + path, timeoutMs, tokenEnv: "IDP_TOKEN" },
    requestId: "x123",
    community: "demo",
    account: "telegram:42",
    platform: "telegram",
    fields: { legal_name: "王小明", id_number: "11010519491231002X", phone: "+8613800000000" },
  };
}

describe("HTTP identity provider against a local server", () => {
  it("POSTs the documented JSON with the bearer token and reads verified", async () => {
    expect(await provider.check(request("/verified"))).toEqual({ status: "verified" });
    const got = seen.find((s) => s.path === "/verified");
    expect(got?.method).toBe("POST");
    expect(got?.headers.authorization).toBe("Bearer t0ken");
    expect(got?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(got?.body ?? "")).toEqual({
      version: 1,
      request_id: "x123",
      community: "demo",
      account: "telegram:42",
      platform: "telegram",
      fields: { legal_name: "王小明", id_number: "11010519491231002X", phone: "+8613800000000" },
    });
  });

  it("reads a rejection with its reason", async () => {
    expect(await provider.check(request("/rejected"))).toEqual({
      status: "rejected",
      reason: "The name does not match the ID number.",
    });
  });

  it("treats a 500, a redirect and a non-JSON page as no decision, never as verified", async () => {
    for (const path of ["/status500", "/redirect", "/not-json"])
      expect((await provider.check(request(path))).status, path).toBe("error");
    // The redirect was not followed.
    expect(seen.filter((s) => s.path === "/verified")).toHaveLength(1);
  });

  it("gives up on a server slower than the timeout", async () => {
    expect(await provider.check(request("/slow", 100))).toEqual({
      status: "error",
      message: "no answer within 100 ms",
    });
  });

  it("still refuses plain http without the explicit test option", async () => {
    const before = seen.length;
    const strict = createHttpIdentityProvider({ token: () => "t" });
    expect((await strict.check(request("/verified"))).status).toBe("error");
    expect(seen).toHaveLength(before);
  });

  it("verifies a member end to end: the dialogue's answers reach the server, its answer reaches the member", async () => {
    // The config must name an https:// URL; this wrapper points the same request at the local server.
    const local: IdentityProvider = {
      check: (r) => provider.check({ ...r, endpoint: { ...r.endpoint, url: `${base}/echo-name` } }),
    };
    const h = await startVerification(
      consoleConfig(`verification:
  required: true
  method: external
  external: { url: "https://id.example.org/check", token_env: IDP_TOKEN }
  fields: { legal_name: true, id_number: { kind: cn-resident }, phone: true }`),
      { identityProvider: local },
    );
    const id = cnId("11010519491231002");
    await h.session.join("li", "lobby");
    await h.session.tell("li", "/verify");
    await h.session.tell("li", "王小明");
    await h.session.tell("li", `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14).toLowerCase()}`);
    await h.session.tell("li", "+86 138-0000-0000");
    expect(lastPrivate(h, "li")).toContain("You are verified for Demo");
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("li"))).toBe("full");
    const body = JSON.parse(seen.find((s) => s.path === "/echo-name")?.body ?? "") as Record<string, unknown>;
    expect(body).toMatchObject({
      version: 1,
      community: "demo",
      account: "console:li",
      platform: "console",
      fields: { legal_name: "王小明", id_number: id.toUpperCase(), phone: "+8613800000000" },
    });
  });
});
