import { AhoCorasick } from "@monyone/aho-corasick";
import { AhoCorasick as FastAhoCorasick } from "@monyone/aho-corasick/fast";
import { buildMatcher } from "../src/core/matching/index.js";
import { makeMessages, makeTerms } from "./corpus.js";

/** Benchmark of the content-rule matcher against the naive loop and @monyone/aho-corasick. */

export interface Row {
  name: string;
  folds: boolean;
  buildMs: number | null;
  messagesPerSec: number;
  mbPerSec: number;
  runs: number;
}

export interface MatcherResults {
  seed: number;
  terms: number;
  messages: number;
  corpusMB: number;
  messagesWithTerm: number;
  foldInitMs: number;
  rows: Row[];
  correctness: { messagesChecked: number; mismatches: number; examples: string[] };
  large: {
    terms: number;
    ours: { buildMs: number; memoryMB: number };
    monyone: { buildMs: number; memoryMB: number };
    fastSkipped: string;
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

function memoryMB(): number {
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1e6;
}

export function runMatcherBench(log: (line: string) => void, runs = 5): MatcherResults {
  const seed = 20240611;
  const terms = makeTerms(10_000, seed);
  const messages = makeMessages(20_000, terms, seed + 1);
  const corpusBytes = messages.reduce((n, m) => n + Buffer.byteLength(m, "utf8"), 0);
  const corpusMB = corpusBytes / 1e6;
  const specs = terms.map((term, id) => ({ term, id }));
  log(`corpus: ${terms.length} terms, ${messages.length} messages, ${corpusMB.toFixed(2)} MB (UTF-8)`);

  const foldInitMs = time(() => buildMatcher([{ term: "warm", id: 0 }]));
  const rows: Row[] = [];
  const row = (name: string, folds: boolean, build: number[], scan: number[]): Row => {
    const ms = median(scan);
    const r: Row = {
      name,
      folds,
      buildMs: build.length > 0 ? median(build) : null,
      messagesPerSec: messages.length / (ms / 1000),
      mbPerSec: corpusMB / (ms / 1000),
      runs: scan.length,
    };
    rows.push(r);
    log(
      `${name.padEnd(34)} build ${r.buildMs === null ? "    -" : r.buildMs.toFixed(0).padStart(5)} ms   ` +
        `${Math.round(r.messagesPerSec).toLocaleString("en-US").padStart(10)} msg/s   ${r.mbPerSec.toFixed(1).padStart(6)} MB/s`,
    );
    return r;
  };

  // chatwarden matcher, folding on
  let ours = buildMatcher(specs);
  const oursBuild: number[] = [];
  for (let r = 0; r < runs; r++) oursBuild.push(time(() => (ours = buildMatcher(specs))));
  const oursScan: number[] = [];
  let sink = 0;
  for (let r = 0; r < runs; r++)
    oursScan.push(time(() => messages.forEach((m) => (sink += ours.find(m).length))));
  row("chatwarden (folding on), find", true, oursBuild, oursScan);
  const oursTest: number[] = [];
  for (let r = 0; r < runs; r++)
    oursTest.push(time(() => messages.forEach((m) => (sink += ours.test(m) ? 1 : 0))));
  row("chatwarden (folding on), test", true, [], oursTest);

  const raw = buildMatcher(specs, { fold: false });
  const rawScan: number[] = [];
  for (let r = 0; r < runs; r++)
    rawScan.push(time(() => messages.forEach((m) => (sink += raw.find(m).length))));
  row("chatwarden (fold: false), find", false, [], rawScan);

  // @monyone/aho-corasick (no folding; raw text)
  let mony = new AhoCorasick(terms);
  const monyBuild: number[] = [];
  for (let r = 0; r < runs; r++) monyBuild.push(time(() => (mony = new AhoCorasick(terms))));
  const monyScan: number[] = [];
  for (let r = 0; r < runs; r++)
    monyScan.push(time(() => messages.forEach((m) => (sink += mony.matchInText(m).length))));
  row("@monyone/aho-corasick", false, monyBuild, monyScan);

  let fast = new FastAhoCorasick(terms);
  const fastBuild: number[] = [];
  for (let r = 0; r < Math.min(runs, 3); r++) fastBuild.push(time(() => (fast = new FastAhoCorasick(terms))));
  const fastScan: number[] = [];
  for (let r = 0; r < runs; r++)
    fastScan.push(time(() => messages.forEach((m) => (sink += fast.matchInText(m).length))));
  row("@monyone/aho-corasick/fast", false, fastBuild, fastScan);

  // naive loop: one full pass (it is the correctness reference too)
  const naiveIds: number[][] = [];
  const naiveMs = time(() => {
    for (const m of messages) {
      const lower = m.toLowerCase();
      const hit: number[] = [];
      for (let i = 0; i < terms.length; i++) if (lower.includes(terms[i] as string)) hit.push(i);
      naiveIds.push(hit);
    }
  });
  row("naive loop (lowercase + includes)", false, [], [naiveMs]);

  // correctness: set of term ids per message, ours (folding on) vs naive
  let mismatches = 0;
  let messagesWithTerm = 0;
  const examples: string[] = [];
  messages.forEach((m, i) => {
    const expected = naiveIds[i] as number[];
    if (expected.length > 0) messagesWithTerm++;
    const got = [...new Set(ours.find(m).map((x) => x.id))].sort((a, b) => a - b);
    if (got.join() !== expected.join()) {
      mismatches++;
      if (examples.length < 5) examples.push(`${JSON.stringify(m)}: naive [${expected}] chatwarden [${got}]`);
    }
  });
  log(
    `correctness vs naive loop: ${mismatches === 0 ? "IDENTICAL" : `${mismatches} MISMATCHES`} ` +
      `(${messages.length} messages, ${messagesWithTerm} with a term)`,
  );
  for (const e of examples) log(`  ${e}`);
  if (sink < 0) log("unreachable");

  // 100,000 terms: build time and memory
  const bigTerms = makeTerms(100_000, seed + 2);
  const bigSpecs = bigTerms.map((term, id) => ({ term, id }));
  const measure = (build: () => unknown): { buildMs: number; memoryMB: number } => {
    const times: number[] = [];
    let memory = 0;
    for (let r = 0; r < 3; r++) {
      gc();
      const before = memoryMB();
      let kept: unknown;
      times.push(time(() => (kept = build())));
      gc();
      memory = memoryMB() - before;
      if (kept === undefined) log("unreachable");
      kept = undefined;
    }
    return { buildMs: median(times), memoryMB: memory };
  };
  const bigOurs = measure(() => buildMatcher(bigSpecs));
  log(
    `100k terms: chatwarden build ${bigOurs.buildMs.toFixed(0)} ms, memory ${bigOurs.memoryMB.toFixed(1)} MB`,
  );
  const bigMony = measure(() => new AhoCorasick(bigTerms));
  log(
    `100k terms: @monyone/aho-corasick build ${bigMony.buildMs.toFixed(0)} ms, memory ${bigMony.memoryMB.toFixed(1)} MB`,
  );
  const fastSkipped = "not built: /fast took 179 s to build 100k terms in an earlier measurement";
  log(`100k terms: @monyone/aho-corasick/fast ${fastSkipped}`);

  return {
    seed,
    terms: terms.length,
    messages: messages.length,
    corpusMB,
    messagesWithTerm,
    foldInitMs,
    rows,
    correctness: { messagesChecked: messages.length, mismatches, examples },
    large: { terms: bigTerms.length, ours: bigOurs, monyone: bigMony, fastSkipped },
  };
}
