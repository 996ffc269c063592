/**
 * Personal data at rest and in logs: 1,000 verifications through the engine on SQLite leave no legal name,
 * ID number or phone in clear in the database files (main, WAL, shared memory) or the logs; /forgetme
 * leaves nothing of the member at all (not even in the reports they filed). Each scan is proven able to fail by a planted positive.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPinoLogger } from "../../src/adapters/logging/pino-logger.js";
import { NodeSealer } from "../../src/adapters/crypto/node-sealer.js";
import { SqliteStore } from "../../src/adapters/storage/sqlite-store.js";
import { HOUR } from "../../src/core/ports/clock.js";
import { consoleConfig, FakeClock, startHarness, TEST_SECRET, type Harness } from "../support/harness.js";
import { findPeople, findStrings, haystacks, people, sqliteFiles, type Person } from "./pii-scan.js";

const tmp = resolve(import.meta.dirname, "../.tmp", `security-pii-${process.pid}`);
mkdirSync(tmp, { recursive: true });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const config = consoleConfig(`verification:
  required: true
  method: self_declared
  fields: { legal_name: true, id_number: { kind: cn-resident }, phone: true }
news:
  enabled: true
  domains: ["reuters.com"]`);

async function verify(h: Harness, p: Person): Promise<void> {
  await h.session.tell(p.user, "/verify demo");
  await h.session.tell(p.user, p.name);
  await h.session.tell(p.user, p.id);
  await h.session.tell(p.user, p.phone);
}

function captureLogs(): { lines: string[]; logger: ReturnType<typeof createPinoLogger> } {
  const lines: string[] = [];
  const logger = createPinoLogger({
    level: "trace",
    destination: { write: (l: string) => void lines.push(l) },
  });
  return { lines, logger };
}

describe("personal data at rest", () => {
  it("1,000 verifications on SQLite: no name, ID number or phone in clear in the database files or the logs", async () => {
    const file = join(tmp, "thousand.sqlite");
    const store = new SqliteStore(file);
    const { lines, logger } = captureLogs();
    const h = await startHarness(config, { store, logger });
    const crowd = people(1000);
    for (const [i, p] of crowd.entries()) {
      // Every 50th: the platform refuses an answer, and a stray button arrives; both are logged.
      if (i % 50 === 0) {
        h.world.failNext("send_private", { code: "unavailable", message: "platform is down" });
        await h.session.dispatch({ kind: "button_pressed", data: "zz:1", actor: h.session.actor(p.user) });
      }
      await verify(h, p);
    }
    let verified = 0;
    for (const p of crowd)
      if ((await h.runtime.services.identities.lookup(h.session.account(p.user)))?.verified) verified++;
    expect(verified).toBe(1000);
    expect(lines.length).toBeGreaterThan(0);
    // While the bot runs: the WAL holds the newest pages.
    const files = sqliteFiles(file);
    expect(files.map((f) => f.slice(file.length))).toEqual(expect.arrayContaining(["", "-wal", "-shm"]));
    const open = findPeople(haystacks(files, lines), crowd);
    // The planted positive: one name, one ID number and one phone written in clear into the same database.
    const [a, b, c, d] = crowd.slice(500) as [Person, Person, Person, Person];
    await store.set("planted", { note: `${a.name} / ${b.name}`, id: c.id, phone: d.phone });
    const planted = findPeople(haystacks(sqliteFiles(file)), crowd);
    await h.runtime.close();
    const closed = findPeople(haystacks(sqliteFiles(file)), crowd);
    console.log(
      `1,000 verifications: ${verified} verified, ${files.length} database files and ${lines.length} log lines ` +
        `scanned, ${open.length} people found in clear; planted: ${planted.length} found (${planted.join(", ")})`,
    );
    expect(open).toEqual([]);
    expect(planted.sort()).toEqual(
      [`${a.user} name`, `${b.user} name`, `${c.user} id`, `${d.user} phone`].sort(),
    );
    expect(closed.sort()).toEqual(planted.sort());
  }, 180_000);

  it("/forgetme leaves nothing of the member: no account key, name, username, keyed hash or sealed value", async () => {
    const file = join(tmp, "forget.sqlite");
    const clock = new FakeClock();
    const store = new SqliteStore(file, () => clock.now());
    const { lines, logger } = captureLogs();
    const h = await startHarness(config, { store, logger, clock });
    const [dana, other] = people(2, "dana") as [Person, Person];
    await h.session.join(dana.user, "lobby");
    await h.session.say(dana.user, "lobby", "hello everyone");
    await h.session.tell(dana.user, "/language zh");
    await verify(h, dana);
    await verify(h, other);
    // Dana reports the other member's message, signing the reason with her name.
    const { message: reported } = await h.session.say(other.user, "lobby", "cheap watches here");
    await h.session.say(dana.user, "lobby", `/report spam, signed ${dana.name}`, {
      replyTo: reported.ref.id,
    });
    await h.session.say(dana.user, "lobby", "news https://www.reuters.com/world/x");
    await h.session.tell(dana.user, "/link");
    await h.session.tell(dana.user, "/mydata");
    const account = h.session.account(dana.user);
    const sealer = new NodeSealer(TEST_SECRET);
    const normalizedId = dana.id.toUpperCase();
    const needles = [
      account,
      dana.user,
      dana.name,
      sealer.keyedHash("id", normalizedId),
      sealer.keyedHash("phone", dana.phone),
    ];
    const identity = await h.runtime.services.identities.lookup(account);
    expect(identity?.verified).toBe(true);
    if (identity) needles.push(identity.identity);
    // Before: the scan finds every needle in the raw files (the planted positive of this test).
    await store.scrub();
    const before = findStrings(haystacks(sqliteFiles(file)), needles);
    await h.session.tell(dana.user, "/forgetme");
    expect(h.world.privateMessages(account).at(-1)?.text).toMatch(/删除|erased/);
    const left: string[] = [];
    for await (const r of store.dump()) {
      const text = JSON.stringify(r);
      if (needles.some((n) => text.includes(n))) left.push(text);
    }
    // What may stay, for at most two hours: the counters that protect others (attempts, gate notices).
    const ephemeral = left.filter((t) => /"key":"(vf:attempts|gate-notice|rate):/.test(t));
    expect(left.filter((t) => !ephemeral.includes(t))).toEqual([]);
    for (const t of ephemeral) expect(JSON.parse(t).ttlMs).toBeLessThanOrEqual(2 * HOUR);
    // Once they lapse and expired rows are swept, the raw files hold nothing of the member.
    h.clock.advance(2 * HOUR + 1);
    await store.sweep();
    await store.scrub();
    const after = findStrings(haystacks(sqliteFiles(file)), needles);
    const afterLogs = findStrings(lines, [dana.name, dana.id, dana.phone]);
    // The other member is untouched.
    expect((await h.runtime.services.identities.lookup(h.session.account(other.user)))?.verified).toBe(true);
    await h.runtime.close();
    console.log(
      `/forgetme: ${needles.length} needles (account, name, hashes, identity) in the raw files before: ` +
        `${before.length}, records left at once: ${left.length} (all short-lived counters), after 2 h: ${after.length}`,
    );
    // The name is sealed and the phone is no key here: neither is ever in clear, even before.
    expect(before).toEqual(expect.arrayContaining([account, sealer.keyedHash("id", normalizedId)]));
    expect(after).toEqual([]);
    expect(afterLogs).toEqual([]);
  }, 60_000);
});
