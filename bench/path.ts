/**
 * The whole message path: seeded messages from verified members through `Engine.handle` with a
 * do-nothing executor, on each backend, warm; the rules matcher alone on the same messages in the
 * same process, so the ratio compares like with like.
 */
import type { MessagePosted } from "../src/core/events.js";
import type { AccountKey, ChatKey } from "../src/core/ids.js";
import type { Runtime } from "../src/app/runtime.js";
import { chosenLanguage } from "../src/core/engine/language.js";
import { classify } from "../src/core/news/classifier.js";
import { compiledPolicy, compiledRulesFor } from "../src/core/rules/compile.js";
import { silentLogger } from "../src/core/ports/logger.js";
import { isVerified } from "../src/core/verification/state.js";
import { makeMessages, mulberry32 } from "./corpus.js";
import {
  benchRuntime,
  exampleConfig,
  exampleTerms,
  load,
  openBenchStore,
  percentile,
  verifyMembers,
  type Backend,
} from "./setup.js";

export interface PathRow {
  backend: Backend["name"];
  /** How many of the measured messages this backend handled (Redis and PostgreSQL may do fewer). */
  messages: number;
  messagesPerSec: number;
  /** SQLite only: its rate on the first `sharedMessages`, to compare the network backends on the same messages. */
  perSecOnShared?: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  decisions: number;
  /** Load average (1, 5, 15 min) right after the measured pass. */
  load: number[];
  seedSeconds: number;
  /** Memory and SQLite: the rate of each pass (the row is the best one's). */
  passRates?: number[];
  /** Memory and SQLite: where a message's time goes (µs per message, see `PathBreakdown`). */
  breakdown?: PathBreakdown;
  /** The measured messages that had decisions carried out (deletes, holds, sanctions), and their share of the time. */
  acting?: { messages: number; share: number; usEach: number; othersUsEach: number };
}

/**
 * Where the time of one message goes, measured on the same messages and store right after the path
 * pass, part by part, each with fresh content (so nothing is reused from the path pass), as the
 * pipeline runs them: the rule scan (which folds the text and runs the automaton: `matcher.find`'s
 * work, then the patterns and the links for the domain rules), the news classifier on the same
 * analysis (news-enabled chats only), and the engine's six record reads (membership and profile,
 * language, access level, account bindings and identity). The rest is the engine itself: the event
 * context, the module pipeline, promises, decisions, garbage collection. Wall-clock µs per message.
 */
export interface PathBreakdown {
  pathUs: number;
  scanUs: number;
  classifyUs: number;
  readsUs: number;
  restUs: number;
}

export interface PathResults {
  seed: number;
  members: number;
  messages: number;
  warmup: number;
  messagesWithTerm: number;
  messagesWithLink: number;
  /** Messages the network backends (Redis, PostgreSQL) handle: the first ones of the measured set. */
  sharedMessages: number;
  matcher: { findPerSec: number; scanPerSec: number; terms: number };
  rows: PathRow[];
}

const SEED = 20261201;
/** The chats of the workload (the example config's lobby and news chat). */
const CHATS = ["console:lobby", "console:news"] as ChatKey[];
/**
 * Passes per in-process backend (memory, SQLite, taking turns); the best counts, as for the matcher (measured
 * before the backends and after each turn). This machine runs in two speeds that change every few seconds (the same pass rate
 * reads about 30,000 or 45,000 messages/s); five passes give the path about the chances the matcher has.
 */
export const PASSES = 5;

/** The seeded workload: who posts what where. Lobby posts sometimes carry a link (the news chat holds every link). */
export function pathEvents(accounts: readonly AccountKey[], count: number): MessagePosted[] {
  const terms = exampleTerms();
  const texts = makeMessages(count, terms, SEED, 0.02);
  const rand = mulberry32(SEED + 1);
  return texts.map((text, i) => {
    const n = Math.floor(rand() * accounts.length);
    const chat = CHATS[rand() < 0.5 ? 0 : 1] as ChatKey;
    const link = chat === "console:lobby" && rand() < 0.02;
    const body = link ? `${text} https://blog${n % 50}.example.org/post/${i}` : text;
    return {
      kind: "message_posted",
      message: { chat, id: String(i + 1) },
      actor: { account: accounts[n] as AccountKey, displayName: `Member ${n}`, isChatAdmin: false },
      content: { text: body, links: [], media: [] },
    };
  });
}

/**
 * A group that has been running: every member has written in both chats once before, so their
 * memberships exist. A member's first post in a chat writes the membership (on SQLite a commit at the
 * event's end); a short warm-up alone left about 700 of those in the measured messages, a cost a running
 * group pays once per member and chat, not on its ordinary messages.
 */
export async function greetChats(runtime: Runtime, accounts: readonly AccountKey[]): Promise<void> {
  let id = 0;
  for (const [n, account] of accounts.entries())
    for (const chat of CHATS)
      await runtime.engine.handle({
        kind: "message_posted",
        message: { chat, id: `hello-${++id}` },
        // as in `pathEvents`, so their profiles stay as they are
        actor: { account, displayName: `Member ${n}`, isChatAdmin: false },
        content: { text: "hello", links: [], media: [] },
      });
}

/** The parts of the path, timed one after another per message (see `PathBreakdown`). */
async function breakdownOf(
  runtime: Runtime,
  events: readonly MessagePosted[],
  latencies: Float64Array,
): Promise<PathBreakdown> {
  const { services } = runtime.engine;
  const { directory } = services;
  let scan = 0;
  let news = 0;
  let reads = 0;
  for (const event of events) {
    const found = directory.lookupChat(event.message.chat);
    if (!found) throw new Error(`no chat ${event.message.chat}`);
    const { community, chat } = found;
    const content = { ...event.content };
    // as the engine does: the chat's policy, its rules and news keywords in one automaton
    const shared = compiledPolicy(chat.policy, silentLogger, community.id);
    const t0 = performance.now();
    shared.scan(content);
    const t1 = performance.now();
    const settings = chat.policy.news;
    if (settings.enabled) classify(content, settings, shared.keywords);
    const t2 = performance.now();
    const account = event.actor.account;
    const now = Date.now();
    // as the engine reads them: a promise is awaited only where the store could not answer at once
    const seen = services.members.noteSeen(community.id, chat.key, event.actor, now, "seen");
    const chosen = chosenLanguage(services, account);
    if (seen instanceof Promise || chosen instanceof Promise) await Promise.all([seen, chosen]);
    const level = services.access.level(chat.key, account, now);
    if (level instanceof Promise) await level;
    const verified = isVerified(services.store, community.id, account);
    if (verified instanceof Promise) await verified;
    const t3 = performance.now();
    scan += t1 - t0;
    news += t2 - t1;
    reads += t3 - t2;
  }
  const us = (total: number) => (1000 * total) / events.length;
  const pathUs = us(latencies.reduce((a, b) => a + b, 0));
  return {
    pathUs,
    scanUs: us(scan),
    classifyUs: us(news),
    readsUs: us(reads),
    restUs: pathUs - us(scan + news + reads),
  };
}

export async function runPathBench(
  log: (line: string) => void,
  list: Backend[],
  options: { members?: number; messages?: number; warmup?: number; sharedMessages?: number } = {},
): Promise<PathResults> {
  const members = options.members ?? 1_000;
  const count = options.messages ?? 20_000;
  const warmup = options.warmup ?? 2_000;
  const sharedMessages = Math.min(count, options.sharedMessages ?? count);
  const config = exampleConfig();
  const accounts = Array.from({ length: members }, (_, i) => `console:m${i}` as AccountKey);
  const events = pathEvents(accounts, warmup + count);
  const measured = events.slice(warmup);
  const policy = config.core.communities[0]?.chats[0]?.policy;
  if (!policy) throw new Error("the example config has no chat");
  const compiled = compiledRulesFor(policy.rules);
  const terms = exampleTerms();
  const messagesWithTerm = measured.filter((e) => compiled.matcher.find(e.content.text).length > 0).length;
  const messagesWithLink = measured.filter((e) => e.content.text.includes("https://")).length;
  log(
    `message path: example config, ${members} verified members, ${count} messages after a first post of each ` +
      `member in both chats and ${warmup} warm-up messages ` +
      `(${messagesWithTerm} hit a term, ${messagesWithLink} carry a link), seed ${SEED}`,
  );

  const matcher = { findPerSec: 0, scanPerSec: 0, terms: terms.length };
  const measureMatcher = () => {
    let sink = 0;
    for (const e of events.slice(0, warmup)) sink += compiled.matcher.find(e.content.text).length;
    let t = performance.now();
    for (const e of measured) sink += compiled.matcher.find(e.content.text).length;
    const find = measured.length / ((performance.now() - t) / 1000);
    t = performance.now();
    for (const e of measured) sink += compiled.scan(e.content).length;
    const scan = measured.length / ((performance.now() - t) / 1000);
    matcher.findPerSec = Math.max(matcher.findPerSec, find);
    matcher.scanPerSec = Math.max(matcher.scanPerSec, scan);
    return sink;
  };
  measureMatcher();

  /** One pass on a fresh store: members verified, warm-up, then the measured messages. */
  const onePass = async (backend: Backend, pass: number): Promise<PathRow> => {
    // A fresh store each pass: SQLite on a file of its own (memory starts empty anyway).
    const fresh =
      backend.name === "sqlite"
        ? { ...backend, url: backend.url.replace(/\.sqlite$/, `-${pass}.sqlite`) }
        : backend;
    // As the bot opens it (boot.ts): the example config's storage.cache_entries.
    const { store, drop } = await openBenchStore(fresh, { cacheEntries: config.raw.storage.cache_entries });
    const runtime = await benchRuntime(config, store);
    try {
      const s0 = performance.now();
      await verifyMembers(runtime, members);
      await greetChats(runtime, accounts);
      for (const e of events.slice(0, warmup)) await runtime.engine.handle(e);
      const seedSeconds = (performance.now() - s0) / 1000;
      const n = backend.name === "redis" || backend.name === "postgres" ? sharedMessages : measured.length;
      const latencies = new Float64Array(n);
      let decisions = 0;
      let sharedSeconds = 0;
      let actingCount = 0;
      let actingMs = 0;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        const handled = await runtime.engine.handle(measured[i] as MessagePosted);
        latencies[i] = performance.now() - start;
        decisions += handled.decisions.length;
        if (handled.decisions.length > 0) {
          actingCount++;
          actingMs += latencies[i] as number;
        }
        if (i === sharedMessages - 1) sharedSeconds = (performance.now() - t0) / 1000;
      }
      const seconds = (performance.now() - t0) / 1000;
      const breakdown =
        backend.name === "memory" || backend.name === "sqlite"
          ? await breakdownOf(runtime, measured.slice(0, n), latencies)
          : undefined;
      const totalMs = latencies.reduce((a, b) => a + b, 0);
      const acting = {
        messages: actingCount,
        share: actingMs / totalMs,
        usEach: (1000 * actingMs) / Math.max(1, actingCount),
        othersUsEach: (1000 * (totalMs - actingMs)) / Math.max(1, n - actingCount),
      };
      latencies.sort();
      return {
        backend: backend.name,
        messages: n,
        messagesPerSec: n / seconds,
        ...(backend.name === "sqlite" ? { perSecOnShared: sharedMessages / sharedSeconds } : {}),
        p50Ms: percentile(latencies, 0.5),
        p99Ms: percentile(latencies, 0.99),
        maxMs: latencies[latencies.length - 1] ?? 0,
        decisions,
        load: load(),
        seedSeconds,
        ...(breakdown ? { breakdown, acting } : {}),
      };
    } finally {
      await runtime.close();
      await drop();
    }
  };

  // Memory and SQLite: the best of PASSES passes, each on a fresh store, as the matcher's reference is
  // its best pass (one pass against the matcher's best would make every busy moment count against the
  // path only). The two take turns, pass by pass, with the matcher measured after each turn: the machine
  // changes speed every few seconds, and five passes in a row could all fall in a slow spell of one
  // backend's. Redis and PostgreSQL: one pass (a round trip per call makes them slow to measure).
  const repeated = list.filter((b) => b.name === "memory" || b.name === "sqlite");
  const runsOf = new Map<Backend, PathRow[]>(list.map((b) => [b, []]));
  for (let k = 0; k < PASSES; k++) {
    for (const backend of repeated) runsOf.get(backend)?.push(await onePass(backend, k));
    measureMatcher();
  }
  for (const backend of list) {
    if (repeated.includes(backend)) continue;
    runsOf.get(backend)?.push(await onePass(backend, 0));
    // the matcher again between backends: its best pass is the reference (a loaded machine slows both)
    measureMatcher();
  }
  const rows: PathRow[] = [];
  for (const backend of list) {
    const runs = runsOf.get(backend) ?? [];
    const passes = runs.length;
    // Every pass does the same work from the same state: a pass that decided otherwise did not start fresh.
    if (new Set(runs.map((r) => r.decisions)).size > 1)
      throw new Error(`${backend.name}: passes made ${runs.map((r) => r.decisions).join(", ")} decisions`);
    const row = runs.reduce((best, r) => (r.messagesPerSec > best.messagesPerSec ? r : best));
    row.passRates = runs.map((r) => Math.round(r.messagesPerSec));
    rows.push(row);
    log(
      `  ${backend.name.padEnd(8)} ${String(row.messages).padStart(6)} messages ${Math.round(row.messagesPerSec).toLocaleString("en-US").padStart(8)} msg/s  ` +
        `p50 ${row.p50Ms.toFixed(3)} ms  p99 ${row.p99Ms.toFixed(3)} ms (load ${row.load.join(" ")})  ` +
        `${row.decisions} decisions` +
        (passes > 1
          ? `; passes ${row.passRates.map((x) => x.toLocaleString("en-US")).join(", ")} msg/s`
          : ""),
    );
  }
  log(
    `  matcher alone (${terms.length} terms of the example config): find ` +
      `${Math.round(matcher.findPerSec).toLocaleString("en-US")} msg/s, full rule scan ` +
      `${Math.round(matcher.scanPerSec).toLocaleString("en-US")} msg/s`,
  );
  for (const row of rows)
    log(`  ${row.backend}/matcher ${((100 * row.messagesPerSec) / matcher.findPerSec).toFixed(2)}%`);
  return {
    seed: SEED,
    members,
    messages: count,
    warmup,
    messagesWithTerm,
    messagesWithLink,
    sharedMessages,
    matcher,
    rows,
  };
}
