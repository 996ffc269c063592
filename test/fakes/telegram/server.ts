import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, E } from "./errors.js";
import type { Handler } from "./methods/common.js";
import type { Params } from "./params.js";
import type { TelegramState } from "./state.js";

export interface CallRecord {
  method: string;
  params: Params;
  ok: boolean;
  result?: unknown;
  error?: { error_code: number; description: string; parameters?: Record<string, unknown> };
}

export type FailureSpec =
  | { error_code: 429; retry_after: number; description?: string }
  | { error_code: number; description?: string; retry_after?: number };

/** A file part of a multipart body, as handlers see it. */
export interface UploadedFile {
  filename: string;
  size: number;
}

function parseMultipart(body: Buffer, boundary: string): Params {
  const out: Params = {};
  const sep = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(sep);
  while (pos >= 0) {
    const start = pos + sep.length;
    const next = body.indexOf(sep, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2); // skip CRLF after boundary and before next
    const headEnd = part.indexOf("\r\n\r\n");
    if (headEnd >= 0) {
      const head = part.subarray(0, headEnd).toString("utf8");
      const data = part.subarray(headEnd + 4);
      const name = /name="([^"]*)"/i.exec(head)?.[1];
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      if (name !== undefined)
        out[name] =
          filename !== undefined
            ? ({ filename, size: data.length } satisfies UploadedFile)
            : data.toString("utf8");
    }
    pos = next;
  }
  return out;
}

async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  const params: Params = Object.fromEntries(url.searchParams);
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (!body.length) return params;
  if (type.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw new ApiError(400, "Bad Request: can't parse JSON object");
    }
    if (typeof parsed === "object" && parsed !== null) Object.assign(params, parsed);
  } else if (type.includes("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers["content-type"] ?? "");
    Object.assign(params, parseMultipart(body, boundary?.[1] ?? boundary?.[2] ?? ""));
  } else {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString("utf8"))));
  }
  return params;
}

/** HTTP front of the fake: routing, token check, body parsing, failure injection, call log. */
export class BotApiServer {
  readonly calls: CallRecord[] = [];
  private readonly failures = new Map<string, { spec: FailureSpec; remaining: number }[]>();
  private readonly hangs = new Map<string, number>();
  /**
   * Called for every recognised call before it is carried out (a test may kill the bot here). An
   * observer that returns "drop" makes the fake destroy the connection without carrying the call out
   * (the request never reached Telegram, as far as the bot can tell: a dropped connection).
   */
  observers: ((call: CallRecord) => void | "drop")[] = [];
  private readonly drops = new Map<string, number>();
  private readonly handlers = new Map<string, [string, Handler]>();
  private readonly server: Server;
  apiRoot = "";

  constructor(
    private readonly state: TelegramState,
    private readonly token: string,
    handlers: Record<string, Handler>,
  ) {
    for (const [name, h] of Object.entries(handlers)) this.handlers.set(name.toLowerCase(), [name, h]);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${port}`;
    return this.apiRoot;
  }

  failNext(method: string, spec: FailureSpec, times = 1): void {
    const key = method.toLowerCase();
    const list = this.failures.get(key) ?? [];
    list.push({ spec, remaining: times });
    this.failures.set(key, list);
  }

  /** The next `times` calls of `method` are never answered (a server that accepts and goes silent). */
  hang(method: string, times = Infinity): void {
    this.hangs.set(method.toLowerCase(), times);
  }

  /** Ends every injected failure, hang and drop still waiting. */
  clearFaults(): void {
    this.failures.clear();
    this.hangs.clear();
    this.drops.clear();
  }

  /** The next `times` calls of `method` are not carried out: their connection is destroyed at once. */
  drop(method: string, times = 1): void {
    this.drops.set(method.toLowerCase(), times);
  }

  private dropped(method: string): boolean {
    const key = method.toLowerCase();
    const left = this.drops.get(key) ?? 0;
    if (left <= 0) return false;
    this.drops.set(key, left - 1);
    return true;
  }

  private hung(method: string): boolean {
    const key = method.toLowerCase();
    const left = this.hangs.get(key) ?? 0;
    if (left <= 0) return false;
    this.hangs.set(key, left - 1);
    return true;
  }

  private injected(method: string): ApiError | undefined {
    const list = this.failures.get(method.toLowerCase());
    const f = list?.[0];
    if (!list || !f) return undefined;
    if (--f.remaining <= 0) list.shift();
    const { error_code: code, retry_after } = f.spec;
    const description =
      f.spec.description ??
      (code === 429
        ? `Too Many Requests: retry after ${retry_after ?? 1}`
        : code >= 500
          ? "Internal Server Error"
          : "Bad Request");
    return new ApiError(code, description, code === 429 ? { retry_after: retry_after ?? 1 } : undefined);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const match = /^\/bot([^/]+)\/([^/]*)$/.exec(url.pathname);
    const send = (status: number, body: unknown): void => {
      if (res.writableEnded || res.destroyed) return;
      const text = JSON.stringify(body);
      res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
    };
    let record: CallRecord | undefined;
    try {
      if (!match) throw E.notFound();
      if (decodeURIComponent(match[1] ?? "") !== this.token) throw E.unauthorized();
      const entry = this.handlers.get((match[2] ?? "").toLowerCase());
      if (!entry) throw E.notFound();
      const [method, handler] = entry;
      const params = await readParams(req, url);
      record = { method, params, ok: false };
      this.calls.push(record);
      let drop = this.dropped(method);
      for (const observe of this.observers) if (observe(record) === "drop") drop = true;
      if (drop) {
        record.error = { error_code: 0, description: "connection dropped" };
        req.socket.destroy();
        return;
      }
      if (this.hung(method)) return;
      const failure = this.injected(method);
      if (failure) throw failure;
      const aborts: (() => void)[] = [];
      res.on("close", () => {
        if (!res.writableEnded) for (const cb of aborts) cb();
      });
      const result = await handler({ state: this.state, onAbort: (cb) => aborts.push(cb) }, params);
      record.ok = true;
      record.result = result;
      send(200, { ok: true, result });
    } catch (err) {
      const e =
        err instanceof ApiError ? err : new ApiError(500, `Internal Server Error: ${(err as Error).message}`);
      if (!(err instanceof ApiError)) console.error("fake telegram handler crashed", err);
      if (record)
        record.error = {
          error_code: e.error_code,
          description: e.description,
          ...(e.parameters ? { parameters: e.parameters } : {}),
        };
      send(e.error_code, e.toJSON());
    }
  }

  async close(): Promise<void> {
    this.state.queue.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      setImmediate(() => this.server.closeAllConnections());
    });
  }
}
