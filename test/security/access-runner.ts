/**
 * Runs the access-control table (access-table.ts) against one adapter's driver: a vitest `describe`
 * with one test per privileged action. Each attempt is checked by a store dump before and after and by
 * the decisions the engine took; the admin's own run must then change the state.
 */
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeSealer, nodeRandom } from "../../src/adapters/crypto/node-sealer.js";
import { MemoryStore } from "../../src/adapters/storage/memory-store.js";
import { createRuntime } from "../../src/app/runtime.js";
import { parseConfigText } from "../../src/config/load.js";
import type { Decision } from "../../src/core/decisions.js";
import { silentLogger } from "../../src/core/ports/logger.js";
import { FakeClock, TEST_SECRET } from "../support/harness.js";
import {
  accessConfig,
  accessRows,
  attacksOn,
  buildScene,
  type AccessDriver,
  type AccessRow,
  type Scene,
} from "./access-table.js";

/**
 * The bot's runtime for an adapter's access driver: the access table's config on the platform's chat and
 * account keys, a memory store, and the engine's decisions and progress counted as events arrive (a
 * driver waits until what it sent is handled and nothing is in flight).
 */
export async function accessRuntime(keys: Parameters<typeof accessConfig>[0]) {
  const loaded = parseConfigText(accessConfig(keys), { baseDir: resolve(import.meta.dirname, "../..") });
  const store = new MemoryStore();
  const runtime = await createRuntime({
    settings: loaded.core,
    store,
    clock: new FakeClock(Date.now()),
    sealer: new NodeSealer(TEST_SECRET),
    random: nodeRandom,
    logger: silentLogger,
    defaultLanguage: "en",
  });
  const decisions: Decision[] = [];
  const progress = { inFlight: 0, handled: 0 };
  const engine = runtime.engine;
  const handle = engine.handle.bind(engine);
  engine.handle = async (event) => {
    progress.inFlight++;
    try {
      const result = await handle(event);
      decisions.push(...result.decisions);
      return result;
    } finally {
      progress.inFlight--;
      progress.handled++;
    }
  };
  return { runtime, store, decisions, progress };
}

/**
 * Bookkeeping a refused attempt may still write: who was seen where (members, profiles, usernames),
 * the self-deleting notices that answer it, the private outbox, rate counters.
 */
const BOOKKEEPING =
  /^(member|members-of|profile|username|language|outbox|outbox-notice|gate-notice|rate|telegram|tg|intake|discord|matrix):/;

/**
 * The state of community A as comparable text: every value, set member and timer, bookkeeping left
 * out, and community B's own records too (its admin acting in B, on anyone, is B's business).
 */
export async function snapshot(d: AccessDriver): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ofB = (key: string) =>
    /:other(:|$)/.test(key) || key.includes(d.chat("groupB")) || key.includes(d.chat("reviewB"));
  const keep = (key: string) => !BOOKKEEPING.test(key) && !ofB(key);
  for await (const r of d.store.dump()) {
    if (r.kind === "value") {
      // An account's bindings (`[community, identity]` pairs) may gain B ("other"): B's business too.
      const value = JSON.stringify(r.value, (_k, v: unknown) =>
        Array.isArray(v)
          ? v.filter((x: unknown) => x !== "other" && !(Array.isArray(x) && x[0] === "other"))
          : v,
      );
      if (keep(r.key) && value !== "[]") out.set(`value ${r.key}`, value);
    } else if (r.kind === "set") {
      if (keep(r.set)) out.set(`set ${r.set} ${r.member}`, "");
    } else {
      const kind = (r.entry.payload as { kind?: string } | undefined)?.kind;
      if (kind !== "core.notice" && keep(r.entry.id))
        out.set(`timer ${r.set} ${r.entry.id}`, JSON.stringify(r.entry));
    }
  }
  return out;
}

export function diff(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) changed.push(before.has(k) ? `~ ${k}` : `+ ${k}`);
  for (const k of before.keys()) if (!after.has(k)) changed.push(`- ${k}`);
  return changed;
}

/** Decisions a refused attempt may take: answers (and nothing that acts on a member, a post or a card). */
const HARMLESS = new Set<Decision["kind"]>(["send", "send_private"]);

function privileged(driver: AccessDriver, decisions: readonly Decision[]): Decision[] {
  const chatsOfB = [driver.chat("groupB"), driver.chat("reviewB")];
  const chatsOfA = [driver.chat("groupA"), driver.chat("reviewA"), driver.chat("modlogA")];
  return decisions.filter((d) => {
    if (HARMLESS.has(d.kind)) return false;
    // Community B's admin acting in B's own chats.
    const text = JSON.stringify(d);
    const aboutB = /:other(:|")/.test(text) || chatsOfB.some((c) => text.includes(c));
    if (aboutB && !/:demo(:|")/.test(text) && !chatsOfA.some((c) => text.includes(c))) return false;
    // The self-deleting notice of an answer.
    if (d.kind === "schedule" && d.timer.kind === "core.notice") return false;
    return true;
  });
}

const textsOf = (decisions: readonly Decision[]) =>
  decisions.flatMap((d) => ("text" in d && typeof d.text === "string" ? [d.text] : []));

/** Totals a platform's run proved, printed at the end. */
export interface AccessTotals {
  actions: number;
  refused: number;
  controls: number;
  replays: number;
}

/** One row: every attack refused and changing nothing, then the admin's control, then replays. */
export async function checkRow(d: AccessDriver, scene: Scene, row: AccessRow, totals: AccessTotals) {
  for (const attack of attacksOn(row)) {
    const before = await snapshot(d);
    const from = d.decisions.length;
    await attack.run(d, scene);
    const taken = d.decisions.slice(from);
    const where = `${row.action}: ${attack.label}`;
    expect(diff(before, await snapshot(d)), where).toEqual([]);
    expect(privileged(d, taken), where).toEqual([]);
    const secret = row.secret?.(scene);
    if (secret) for (const text of textsOf(taken)) expect(text, where).not.toContain(secret);
    totals.refused++;
  }
  // The control: the admin's own attempt does what the row says.
  const before = await snapshot(d);
  const from = d.decisions.length;
  await run(d, scene, row);
  const taken = d.decisions.slice(from);
  const secret = row.secret?.(scene);
  if (secret) expect(textsOf(taken).join("\n"), `${row.action}: the admin is shown it`).toContain(secret);
  else expect(diff(before, await snapshot(d)), `${row.action}: the admin's attempt`).not.toEqual([]);
  totals.controls++;
  if (!row.once) return;
  // Replayed (the same press or command again, by the admin and by a member): stale, changes nothing.
  for (const who of ["admin", "member"] as const) {
    const again = await snapshot(d);
    const start = d.decisions.length;
    await run(d, scene, row, who, true);
    expect(diff(again, await snapshot(d)), `${row.action}: replayed by ${who}`).toEqual([]);
    expect(privileged(d, d.decisions.slice(start)), `${row.action}: replayed by ${who}`).toEqual([]);
    totals.replays++;
  }
}

/** The row's own attempt; a replay presses the data again after the card lost its buttons (stale). */
function run(d: AccessDriver, s: Scene, row: AccessRow, who: "admin" | "member" = "admin", replay = false) {
  const { legit } = row;
  return legit.kind === "command"
    ? d.command(who, legit.place, legit.text(s, d))
    : d.press(who, legit.place, legit.data(s), replay);
}

/** The whole table for one adapter: `start` builds a fresh bot with the scene's people and chats. */
export function describeAccessTable(platform: string, start: () => Promise<AccessDriver>, timeout = 30_000) {
  describe(`access control on ${platform}: every privileged action refused to non-admins`, () => {
    let d: AccessDriver;
    let scene: Scene;
    const totals: AccessTotals = { actions: 0, refused: 0, controls: 0, replays: 0 };
    beforeAll(async () => {
      d = await start();
      scene = await buildScene(d);
    }, timeout * 2);
    afterAll(async () => {
      await d?.close();
      console.log(
        `access control on ${platform}: ${totals.actions} actions, ${totals.refused} refused attempts ` +
          `changed nothing, ${totals.controls} admin controls changed state, ${totals.replays} replays changed nothing`,
      );
    });
    for (const row of accessRows)
      it(
        `${row.action}`,
        async () => {
          await checkRow(d, scene, row, totals);
          totals.actions++;
        },
        timeout,
      );
  });
}
