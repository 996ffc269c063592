import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Update } from "grammy/types";
import type { Logger } from "../../core/ports/logger.js";
import type { UpdateIntake } from "./intake.js";

export interface WebhookOptions {
  path: string;
  /** Telegram sends it in X-Telegram-Bot-Api-Secret-Token; without it every request is accepted. */
  secretToken?: string;
  intake: UpdateIntake;
  logger: Logger;
  /** True once the bot stops: new requests get 503 and Telegram delivers them again later. */
  stopping(): boolean;
}

/** Telegram's updates are small; a larger body is not from Telegram. */
const MAX_BODY = 1_000_000;

function sameSecret(given: string | string[] | undefined, wanted: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(wanted);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function asUpdate(body: string): Update | undefined {
  try {
    const value: unknown = JSON.parse(body);
    const id = (value as { update_id?: unknown } | null)?.update_id;
    return typeof id === "number" && Number.isSafeInteger(id) ? (value as Update) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The webhook endpoint. Telegram counts an update as delivered when the request is answered with 2xx, so
 * the answer waits until the update is handled and recorded (the same point at which polling advances
 * its offset); a crash before leaves the request unanswered and Telegram sends it again. A repeated
 * update id is dropped by the intake (or joins the running one), and its request is answered when that
 * one is done.
 */
export function createWebhookServer(options: WebhookOptions): Server {
  const { intake, logger } = options;
  return createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "POST" || path !== options.path) {
      res.writeHead(404).end();
      return;
    }
    const secret = options.secretToken;
    if (secret !== undefined && !sameSecret(req.headers["x-telegram-bot-api-secret-token"], secret)) {
      res.writeHead(401).end();
      return;
    }
    if (options.stopping()) {
      res.writeHead(503).end();
      return;
    }
    void (async () => {
      const body = await readBody(req);
      if (body === undefined) {
        res.writeHead(413).end();
        return;
      }
      const update = asUpdate(body);
      if (!update) {
        res.writeHead(400).end();
        return;
      }
      const finish = await intake.submit(update);
      if (res.destroyed) return;
      if (finish === "abandoned") res.writeHead(503).end();
      else res.writeHead(200, { "content-type": "application/json" }).end("{}");
    })().catch((error: unknown) => {
      logger.warn({ err: String(error) }, "a webhook request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
}
