import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { HealthReport } from "./health.js";

export interface MonitoringServerOptions {
  port: number;
  host: string;
  /** The Prometheus text exposition. */
  metrics(): Promise<{ contentType: string; body: string }>;
  health(): Promise<HealthReport>;
}

export interface MonitoringServer {
  /** The port it listens on (the real one when 0 was asked). */
  port: number;
  close(): Promise<void>;
}

/**
 * `GET /metrics` (Prometheus) and `GET /healthz` (200 with a small JSON body when everything is up, 503
 * naming what is down). Anything else is 404. Meant for 127.0.0.1 or a private network: it has no
 * authentication, and says nothing personal.
 */
export async function startMonitoringServer(options: MonitoringServerOptions): Promise<MonitoringServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const answer = async () => {
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { allow: "GET, HEAD" }).end();
      } else if (path === "/metrics") {
        const { contentType, body } = await options.metrics();
        response.writeHead(200, { "content-type": contentType }).end(body);
      } else if (path === "/healthz") {
        const report = await options.health();
        response
          .writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" })
          .end(JSON.stringify(report));
      } else {
        response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      }
    };
    answer().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end(`${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
