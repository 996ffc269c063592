import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/adapters/storage/sqlite-store.js";
import { FakeTelegram } from "../fakes/telegram/index.js";
import { BotProcess } from "./bot-process.js";
import { checkInvariants, report } from "./invariants.js";
import { CrashWorld } from "./world.js";

/**
 * Crash safety of one bot process on SQLite: the real CLI, driven through the Telegram fake, is killed
 * with SIGKILL at seeded random API calls during hold → approve cycles, verifications and short mutes,
 * and started again at once each time. Afterwards: no held post lost or re-posted twice, no
 * verification half-applied, no mute left in force past its end.
 */
const CYCLES = Number(process.env.CHATWARDEN_CRASH_CYCLES ?? 100);
const SECRET = "crash-sqlite-secret-0123456789abcdefghijkl";

let tg: FakeTelegram;
let dir: string;
let bot: BotProcess;
let world: CrashWorld;

beforeAll(async () => {
  tg = await FakeTelegram.start();
  world = new CrashWorld(tg, 14_2026, () => bot);
  world.setup();
  dir = mkdtempSync(join(tmpdir(), "chatwarden-crash-sqlite-"));
  const config = join(dir, "chatwarden.yaml");
  writeFileSync(
    config,
    `data_dir: ${JSON.stringify(dir)}
storage: { url: ${JSON.stringify(`sqlite://${join(dir, "state.sqlite")}`)} }
${world.config()}`,
  );
  bot = new BotProcess("bot", config, {
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    CHATWARDEN_SECRET: SECRET,
  });
});

afterAll(async () => {
  bot?.dispose();
  await tg?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("crash safety on SQLite", () => {
  it(`survives SIGKILL at random points of ${CYCLES} hold → approve cycles and ${CYCLES} verifications`, async () => {
    const begun = Date.now();
    await bot.start();
    for (let i = 1; i <= CYCLES; i++) {
      world.maybeArm(Number(process.env.CHATWARDEN_CRASH_P ?? 0.7), 12);
      await bot.ready();
      await Promise.all([
        world.holdCycle(i),
        world.verification(i),
        i % 10 === 0 ? world.mute(i) : undefined,
        i % 10 === 5 ? world.violation(i) : undefined,
      ]);
    }
    world.disarm();
    await bot.ready();
    const adminReposted = await world.resolveInterrupted();
    const settled = await world.settle([bot]);
    const end = await bot.stop();
    expect(end.code, bot.out).toBe(0);

    const store = new SqliteStore(join(dir, "state.sqlite"));
    const found = await checkInvariants(world, store).finally(() => store.close());
    report("SQLite, one process", world, [bot], found, Date.now() - begun, adminReposted);
    if (found.problems.length || world.stuck.length)
      console.info(JSON.stringify(world.stuck), bot.all.slice(-4000));
    expect(settled, "the bot settled").toBe(true);
    expect(found.problems, "invariants").toEqual([]);
    expect(world.stuck, "steps that never completed").toEqual([]);
    expect(bot.kills).toBeGreaterThan(CYCLES / 4);
  }, 3_600_000);
});
