import { request } from "node:http";
import type { Update } from "grammy/types";
import type { FakeTelegram } from "../fakes/telegram/index.js";

/** Posts one update to a webhook; the status code, or 0 when the connection failed. */
function post(port: number, update: Update): Promise<number> {
  return new Promise((resolve) => {
    const body = JSON.stringify(update);
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/telegram",
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.setTimeout(60_000, () => req.destroy());
    req.end(body);
  });
}

/**
 * Telegram's webhook delivery behind a load balancer: the fake's pending updates go out one at a time
 * in order, each to the next of `ports`; an update is confirmed once a process answers 2xx, and sent
 * again (to the next process) when the connection fails (the process was killed) or it answers an error.
 */
export class WebhookRelay {
  private running = true;
  private next = 0;
  delivered = 0;
  redelivered = 0;
  private readonly loop: Promise<void>;

  constructor(
    private readonly tg: FakeTelegram,
    private readonly ports: number[],
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const update = this.tg.pendingUpdates[0];
      if (!update) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const port = this.ports[this.next++ % this.ports.length] ?? 0;
      const status = await post(port, update);
      if (status >= 200 && status < 300) {
        this.tg.confirmUpdate(update.update_id);
        this.delivered++;
      } else {
        this.redelivered++;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
