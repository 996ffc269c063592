import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/adapters/storage/open-store.js";
import { FakeTelegram } from "../fakes/telegram/index.js";
import { BotProcess } from "./bot-process.js";
import { checkInvariants, report } from "./invariants.js";
import { WebhookRelay } from "./webhook-relay.js";
import { CrashWorld } from "./world.js";

/**
 * Crash safety of two bot processes on one Redis store, as docs/operations.md runs them: webhook mode
 * behind a load balancer (WebhookRelay: Telegram's delivery, each update to the next process, sent
 * again to the other when one dies). One of the two, chosen in turn, is killed with SIGKILL at seeded
 * random API calls and started again; the invariants are those of the SQLite run.
 */
const CYCLES = Number(process.env.CHATWARDEN_CRASH_REDIS_CYCLES ?? 100);
const SECRET = "crash-redis-secret-01234567890abcdefghijkl";
const redisUrl = process.env.CHATWARDEN_TEST_REDIS_URL;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

const dir = mkdtempSync(join(tmpdir(), "chatwarden-crash-redis-"));
const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  rmSync(dir, { recursive: true, force: true });
});

describe("crash safety, two processes on Redis", () => {
  it.skipIf(!redisUrl)(
    `Redis: one of two processes killed at random points of ${CYCLES} hold → approve cycles and ${CYCLES} verifications`,
    async () => {
      const url = new URL(redisUrl ?? "redis://127.0.0.1/0");
      url.pathname = "/10";
      const { createClient } = await import("redis");
      const client = createClient({ url: url.toString() });
      await client.connect();
      await client.flushDb();
      await client.close();

      const tg = await FakeTelegram.start();
      cleanup.push(() => tg.close());
      const procs: BotProcess[] = [];
      let turn = 0;
      const world = new CrashWorld(tg, 14_2027, () => procs[turn++ % procs.length]);
      world.setup();
      const ports = [await freePort(), await freePort()];
      for (const [n, port] of ports.entries()) {
        const config = join(dir, `bot${n}.yaml`);
        writeFileSync(
          config,
          `data_dir: ${JSON.stringify(join(dir, `bot${n}`))}
storage: { url: ${JSON.stringify(url.toString())} }
${world.config(`, mode: webhook, webhook: { url: "https://bot.example/telegram", port: ${port} }`)}`,
        );
        const bot = new BotProcess(`bot${n}`, config, {
          TELEGRAM_BOT_TOKEN: tg.token,
          TELEGRAM_API_ROOT: tg.apiRoot,
          CHATWARDEN_SECRET: SECRET,
          TELEGRAM_WEBHOOK_SECRET: "",
        });
        procs.push(bot);
        cleanup.push(() => bot.dispose());
      }
      const begun = Date.now();
      await Promise.all(procs.map((p) => p.start()));
      const relay = new WebhookRelay(tg, ports);
      cleanup.push(() => relay.stop());

      for (let i = 1; i <= CYCLES; i++) {
        world.maybeArm(Number(process.env.CHATWARDEN_CRASH_P ?? 0.7), 12);
        await Promise.all(procs.map((p) => p.ready()));
        await Promise.all([
          world.holdCycle(i),
          world.verification(i),
          i % 10 === 0 ? world.mute(i) : undefined,
          i % 10 === 5 ? world.violation(i) : undefined,
        ]);
      }
      world.disarm();
      await Promise.all(procs.map((p) => p.ready()));
      const adminReposted = await world.resolveInterrupted();
      const settled = await world.settle(procs);
      await relay.stop();
      for (const p of procs) expect((await p.stop()).code, p.out).toBe(0);

      const store = await openStore(url.toString());
      const found = await checkInvariants(world, store).finally(() => store.close());
      report("Redis, two processes", world, procs, found, Date.now() - begun, adminReposted);
      console.info(
        `  webhook deliveries: ${relay.delivered}, sent again after a failure: ${relay.redelivered}`,
      );
      if (found.problems.length || world.stuck.length)
        console.info(JSON.stringify(world.stuck), procs.map((p) => p.all.slice(-3000)).join("\n"));
      expect(settled, "the bots settled").toBe(true);
      expect(found.problems, "invariants").toEqual([]);
      expect(world.stuck, "steps that never completed").toEqual([]);
      expect(procs[0]!.kills + procs[1]!.kills).toBeGreaterThan(CYCLES / 4);
    },
    3_600_000,
  );
});
