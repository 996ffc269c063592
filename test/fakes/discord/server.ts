import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { D, DiscordError } from "./errors.js";
import { Gateway } from "./gateway.js";
import { discordRoutes, type Body } from "./routes.js";
import type { DiscordState } from "./state.js";

const TOKEN_ROUTES = new Set([
  "executeWebhook",
  "interactionCallback",
  "editOriginalResponse",
  "deleteOriginalResponse",
]);

export interface CallRecord {
  /** The route's name (`editMember`, `createMessage`, ...). */
  route: string;
  method: string;
  path: string;
  body: Body;
  reason: string | null;
  status: number;
}

/** A failure to answer instead of carrying out the call. */
export type FailureSpec =
  { status: 429; retryAfter: number; global?: boolean } | { status: number; code: number; message?: string };

/**
 * HTTP front of the fake (REST under /api/v10) and the gateway WebSocket on the same port: routing, the
 * bot token check, failure injection and the call log.
 */
export class DiscordServer {
  readonly calls: CallRecord[] = [];
  readonly gateway: Gateway;
  private readonly failures = new Map<string, { spec: FailureSpec; remaining: number }[]>();
  private readonly server: Server;
  apiUrl = "";
  gatewayUrl = "";

  constructor(
    private readonly state: DiscordState,
    private readonly token: string,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.gateway = new Gateway(state, this.server, token);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.apiUrl = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}`;
  }

  /** The next `times` calls of route `name` fail with `spec`. */
  failNext(name: string, spec: FailureSpec, times = 1): void {
    const list = this.failures.get(name) ?? [];
    list.push({ spec, remaining: times });
    this.failures.set(name, list);
  }

  private injected(name: string, res: ServerResponse): boolean {
    const list = this.failures.get(name);
    const f = list?.[0];
    if (!list || !f) return false;
    if (--f.remaining <= 0) list.shift();
    if (f.spec.status === 429 && "retryAfter" in f.spec) {
      const global = f.spec.global ?? false;
      this.send(
        res,
        429,
        { message: "You are being rate limited.", retry_after: f.spec.retryAfter, global },
        {
          "retry-after": String(f.spec.retryAfter),
          "x-ratelimit-scope": global ? "global" : "user",
          ...(global ? { "x-ratelimit-global": "true" } : {}),
        },
      );
      return true;
    }
    const spec = f.spec as { status: number; code: number; message?: string };
    this.send(res, spec.status, { message: spec.message ?? "Injected failure", code: spec.code });
    return true;
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.writableEnded || res.destroyed) return;
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    // Discord reads the path decoded: discord.js's client sends `@original` as `%40original`.
    const pathname = decodeURIComponent(url.pathname);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const reasonHeader = req.headers["x-audit-log-reason"];
    const reason = typeof reasonHeader === "string" ? decodeURIComponent(reasonHeader) : null;
    const record: CallRecord = {
      route: "",
      method: req.method ?? "GET",
      path: pathname,
      body: {},
      reason,
      status: 0,
    };
    try {
      const route = discordRoutes.find((r) => r.method === record.method && r.pattern.test(pathname));
      if (!route) throw D.notFound();
      // Webhook and interaction tokens authorize themselves; everything else needs the bot token.
      if (!TOKEN_ROUTES.has(route.name) && req.headers.authorization !== `Bot ${this.token}`)
        throw D.unauthorized();
      record.route = route.name;
      record.body = raw ? (JSON.parse(raw) as Body) : {};
      this.calls.push(record);
      if (this.injected(route.name, res)) {
        record.status = res.statusCode;
        return;
      }
      const params = (route.pattern.exec(pathname) ?? []).slice(1);
      const result = route.handler({
        state: this.state,
        params,
        body: record.body,
        query: url.searchParams,
        reason,
        gatewayUrl: this.gatewayUrl,
      });
      record.status = result === undefined ? 204 : 200;
      this.send(res, record.status, result);
    } catch (err) {
      const e =
        err instanceof DiscordError
          ? err
          : new DiscordError(500, 0, `fake crashed: ${(err as Error).message}`);
      if (!(err instanceof DiscordError)) console.error("fake discord route crashed", err);
      record.status = e.status;
      this.send(res, e.status, e.toJSON());
    }
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      setImmediate(() => this.server.closeAllConnections());
    });
  }
}
