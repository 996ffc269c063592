/**
 * Random input for the property tests: events in the engine's own vocabulary (members, chats, commands,
 * buttons, texts with lone surrogates and oversized bodies), and the state invariants checked after each
 * run. `FUZZ_SCALE` sets the counts: npm test runs a share, `npm run test:security` (in .ci/run) the
 * full 100,000. A failure prints fast-check's seed and path; `replay()` runs it again from FUZZ_SEED/FUZZ_PATH.
 */
import fc from "fast-check";
import { expect } from "vitest";
import type { CoreEvent } from "../../src/core/events.js";
import type { AccountKey, ChatKey } from "../../src/core/ids.js";
import type { Harness } from "../support/harness.js";

/** How many events (or configs, or transcript lines) a suite throws in all. */
export function budget(full: number): number {
  const scale = Number(process.env.FUZZ_SCALE ?? "0.02");
  return Math.max(100, Math.round(full * scale));
}

/**
 * fast-check's replay of a reported failure: `FUZZ_SEED=<seed> FUZZ_PATH=<path>` from its "seed: …, path: …"
 * line runs exactly that counterexample again.
 */
export function replay(smallRunSeed?: number, total = 0): { seed?: number; path?: string } {
  const seed = process.env.FUZZ_SEED;
  if (seed !== undefined) return { seed: Number(seed), path: process.env.FUZZ_PATH };
  // Below 20,000 inputs a suite's reach checks could miss by chance: those runs use a fixed seed.
  return smallRunSeed !== undefined && total < 20_000 ? { seed: smallRunSeed } : {};
}

export const USERS = ["admin", "u1", "u2", "u3", "u4"] as const;
export const CHATS = ["lobby", "second", "review", "modlog", "elsewhere"] as const;
const COMMANDS = [
  "help",
  "language",
  "verify",
  "start",
  "cancel",
  "link",
  "mydata",
  "forgetme",
  "whois",
  "unverify",
  "verifyuser",
  "reject",
  "stats",
  "warn",
  "mute",
  "limit",
  "ban",
  "kick",
  "unban",
  "pardon",
  "cases",
  "report",
  "appeal",
  "publisher",
  "queue",
  "approvepost",
  "rejectpost",
  "rules",
  "nosuchcommand",
];
const PREFIXES = [
  "hold:approve",
  "hold:reject",
  "hold:warn",
  "verify:start",
  "verify:accept",
  "verify:approve",
  "verify:reject",
  "sanct:rc",
  "sanct:aa",
  "sanct:ad",
  "rules:confirm",
  "rules:release",
  "zz",
  "",
];

/** Text with the awkward parts: lone surrogates, control characters, news links, huge bodies. */
export const text = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom("\ud800", "a\udc00b", "名\ud83d", "\u0000\u202e", "") },
  {
    weight: 2,
    arbitrary: fc.constantFrom("see https://www.reuters.com/world/x", "buy followers now", "spam spam"),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("10m", "1h spam", "2d", "#1", "1", "demo", "en", "zh", "add", "remove"),
  },
  { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 200_000 }).map((n) => "x".repeat(n)) },
);

const user = fc.constantFrom(...USERS);
const chat = fc.constantFrom(...CHATS);

/** One step: an event, or the clock moving on (timers fire). */
export type Step =
  { kind: "event"; event: CoreEvent } | { kind: "story"; events: CoreEvent[] } | { kind: "wait"; ms: number };

/** Valid resident ID numbers (check characters computed), so some dialogues reach the review chat. */
const IDS = ["11010519491231002X", "440305197911245677", "310115199507215435"];

export function steps(h: Harness): fc.Arbitrary<Step> {
  const s = h.session;
  const acct = (u: string): AccountKey => s.account(u);
  const key = (c: string): ChatKey => s.chat(c);
  const actor = (u: string, c?: string) => ({ ...s.actor(u, c), isChatAdmin: u === "admin" });
  const ref = (c: string, id: number) => ({ chat: key(c), id: String(id) });
  const content = (t: string) => ({ text: t, links: [], media: [] });
  const event: fc.Arbitrary<CoreEvent> = fc.oneof(
    fc.record({ u: user, c: chat, t: text, id: fc.nat(50) }).map(({ u, c, t, id }) => ({
      kind: "message_posted" as const,
      message: ref(c, id),
      actor: actor(u, c),
      content: content(t),
    })),
    fc.record({ u: user, c: chat, t: text, id: fc.nat(50) }).map(({ u, c, t, id }) => ({
      kind: "message_edited" as const,
      message: ref(c, id),
      actor: actor(u, c),
      content: content(t),
    })),
    fc
      .record({ u: user, c: chat })
      .map(({ u, c }) => ({ kind: "member_joined" as const, chat: key(c), actor: actor(u, c) })),
    fc.record({ u: user, c: chat, r: fc.boolean() }).map(({ u, c, r }) => ({
      kind: "member_left" as const,
      chat: key(c),
      account: acct(u),
      removed: r,
    })),
    fc
      .record({ u: user, c: chat })
      .map(({ u, c }) => ({ kind: "join_requested" as const, chat: key(c), actor: actor(u, c) })),
    fc
      .record({
        u: user,
        c: fc.option(chat, { nil: undefined }),
        name: fc.constantFrom(...COMMANDS),
        args: text,
        target: fc.option(user, { nil: undefined }),
        reply: fc.option(fc.record({ u: user, id: fc.nat(50) }), { nil: undefined }),
      })
      .map(({ u, c, name, args, target, reply }) => ({
        kind: "command" as const,
        name,
        args: target ? `${target} ${args}` : args,
        mentions: target ? [{ account: acct(target), offset: 0, length: target.length }] : [],
        actor: actor(u, c),
        ...(c ? { chat: key(c), message: ref(c, 99) } : {}),
        ...(c && reply
          ? {
              replyTo: {
                message: ref(c, reply.id),
                author: acct(reply.u),
                authorName: reply.u,
                content: content("hi"),
              },
            }
          : {}),
      })),
    fc
      .record({
        u: user,
        c: fc.option(chat, { nil: undefined }),
        p: fc.constantFrom(...PREFIXES),
        rest: text,
      })
      .map(({ u, c, p, rest }) => ({
        kind: "button_pressed" as const,
        data: p ? `${p}:${rest}` : rest,
        actor: actor(u, c),
        ...(c ? { chat: key(c), message: ref(c, 1) } : {}),
      })),
    fc
      .record({ u: user, t: text })
      .map(({ u, t }) => ({ kind: "private_message" as const, actor: actor(u), text: t })),
    fc.record({ u: user, o: user, t: text }).map(({ u, o, t }) => ({
      kind: "contact_shared" as const,
      actor: actor(u),
      phone: t,
      contactAccount: acct(o),
    })),
  );
  // Whole stories random events rarely tell: a verification dialogue, an admin posting news.
  const story: fc.Arbitrary<CoreEvent[]> = fc.oneof(
    fc.record({ u: user, id: fc.constantFrom(...IDS) }).map(({ u, id }) => [
      { kind: "command" as const, name: "verify", args: "demo", mentions: [], actor: actor(u) },
      { kind: "private_message" as const, actor: actor(u), text: "Ann Example" },
      { kind: "private_message" as const, actor: actor(u), text: id },
      { kind: "private_message" as const, actor: actor(u), text: "+8613912345678" },
    ]),
    fc.record({ u: user, name: fc.constantFrom("warn", "mute", "ban", "pardon") }).map(({ u, name }) => [
      {
        kind: "command" as const,
        name,
        args: name === "pardon" ? "1" : `${u} 1h rude`,
        mentions: name === "pardon" ? [] : [{ account: acct(u), offset: 0, length: u.length }],
        actor: actor("admin", "lobby"),
        chat: key("lobby"),
        message: ref("lobby", 98),
      },
    ]),
    fc.nat(50).map((id) => [
      {
        kind: "message_posted" as const,
        message: ref("lobby", id),
        actor: actor("admin", "lobby"),
        content: { text: "news https://www.reuters.com/world/y", links: [], media: [] },
      },
    ]),
  );
  return fc.oneof(
    { weight: 12, arbitrary: event.map((e) => ({ kind: "event" as const, event: e })) },
    { weight: 2, arbitrary: story.map((events) => ({ kind: "story" as const, events })) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1_000, max: 3 * 86_400_000 }).map((ms) => ({ kind: "wait" as const, ms })),
    },
  );
}

/**
 * The state invariants: one pending record per hold and per review request, points never negative,
 * every restriction the platform shows has its record in the store.
 */
export interface Seen {
  holds: number;
  requests: number;
  points: number;
  restrictions: number;
}

export async function checkInvariants(h: Harness, seen: Seen): Promise<void> {
  const values = new Map<string, unknown>();
  const sets = new Map<string, Set<string>>();
  for await (const r of h.store.dump()) {
    if (r.kind === "value") values.set(r.key, r.value);
    else if (r.kind === "set") (sets.get(r.set) ?? sets.set(r.set, new Set()).get(r.set))?.add(r.member);
  }
  const pendingHolds = sets.get("news:pending:demo") ?? new Set<string>();
  for (const [k, v] of values) {
    if (k.startsWith("news:hold:")) {
      seen.holds++;
      const hold = v as { id: string; status: string };
      expect(pendingHolds.has(hold.id), `hold ${hold.id} (${hold.status}) and the pending set`).toBe(
        hold.status === "pending",
      );
    }
    if (k.startsWith("sanctions:points:")) seen.points++;
    if (k.startsWith("sanctions:points:"))
      expect((v as { total: number }).total, k).toBeGreaterThanOrEqual(0);
    if (k.startsWith("vf:request:")) {
      seen.requests++;
      const r = v as { id: string; account: string; status: string };
      const pointer = values.get(`vf:pending:demo:${r.account}`);
      if (r.status === "pending") expect(pointer, `pending request ${r.id}`).toBe(r.id);
      else expect(pointer, `decided request ${r.id}`).not.toBe(r.id);
    }
    if (k.startsWith("vf:pending:"))
      expect((values.get(`vf:request:demo:${String(v)}`) as { status?: string })?.status, k).toBe("pending");
  }
  for (const id of pendingHolds)
    expect(values.has(`news:hold:${id}`), `pending ${id} has its hold`).toBe(true);
  for (const [where, access] of h.world.access) {
    // A timed restriction the platform lifts itself once its time is up.
    if (access.level === "full" || (access.until !== undefined && access.until <= h.clock.now())) continue;
    seen.restrictions++;
    const [c, a] = where.split("|");
    const e = values.get(`enforcement:${c}:${a}`) as { constraints: unknown[] } | undefined;
    expect(e?.constraints.length ?? 0, `restriction of ${where} has its record`).toBeGreaterThan(0);
  }
  for (const where of h.world.banned) {
    const [c, a] = where.split("|");
    expect(
      (values.get(`enforcement:${c}:${a}`) as { banned?: boolean } | undefined)?.banned,
      `ban ${where}`,
    ).toBe(true);
  }
}
