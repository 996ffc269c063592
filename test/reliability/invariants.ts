import { tgAccount, tgMessageRef } from "../../src/adapters/telegram/keys.js";
import { CaseLog } from "../../src/core/engine/cases.js";
import type { CommunityId } from "../../src/core/ids.js";
import { heldMessageKey, holdKey, type Hold } from "../../src/core/news/holds.js";
import type { KeyValueStore } from "../../src/core/ports/store.js";
import { isVerified } from "../../src/core/verification/state.js";
import type { BotProcess } from "./bot-process.js";
import { textOf, type CrashWorld } from "./world.js";

export interface Found {
  problems: string[];
  lost: number;
  duplicated: number;
  halfVerified: number;
  mutesLeft: number;
  /** Mutes (by an admin or a content rule) recorded as more or fewer cases than one. */
  casesOff: number;
  /** Content-rule threats left in the group. */
  postsLeft: number;
  /** Attribution lines left alone in the group (the re-post's other message never came). */
  lone: number;
}

/**
 * The invariants of a crash run, from the fake (what members see) and the store (what the bot
 * recorded): every held post re-posted exactly once and its original gone; every verification
 * complete on both sides (verified and free to write); every mute over.
 */
export async function checkInvariants(world: CrashWorld, store: KeyValueStore): Promise<Found> {
  const { tg, group } = world;
  const found: Found = {
    problems: [],
    lost: 0,
    duplicated: 0,
    halfVerified: 0,
    mutesLeft: 0,
    casesOff: 0,
    postsLeft: 0,
    lone: 0,
  };
  for (const { i, post } of world.holdCycles) {
    const id = await store.get<string>(heldMessageKey(tgMessageRef(group.id, post.message_id)));
    const hold = id ? await store.get<Hold>(holdKey(id)) : undefined;
    const copies = world.reposted(textOf(post));
    const originalGone = tg.message(group.id, post.message_id)?.deleted === true;
    if (copies === 0) found.lost++;
    if (copies > 1) found.duplicated++;
    // "unknown": a kill cut the re-post short, the admin found it in the chat (one copy) and left it. A
    // kill right after Telegram carried the re-post out (one message) leaves no outcome, and the check
    // stored before the claim flags the card a minute later: still pending when a short run ends.
    const checking =
      hold?.reposted === undefined &&
      id !== undefined &&
      (await store.scheduled("timers", `hold.repost-check:${id}`)) !== undefined;
    const recorded = hold?.reposted === "ok" || ((hold?.reposted === "unknown" || checking) && copies === 1);
    if (copies !== 1 || !originalGone || hold?.status !== "approved" || !recorded)
      found.problems.push(
        `hold cycle ${i}: re-posted ${copies}×, original ${originalGone ? "deleted" : "still up"}, hold ${id ?? "none"} ${hold?.status ?? ""} reposted ${hold?.reposted ?? "-"}`,
      );
  }
  for (const line of world.loneAttributions()) {
    found.lone++;
    found.problems.push(`an attribution line alone in the group: "${line}"`);
  }
  for (const { i, member } of world.verifications) {
    const verified = await isVerified(store, "demo" as CommunityId, tgAccount(member));
    const free = world.unrestricted(member);
    if (verified !== free) found.halfVerified++;
    if (!verified || !free)
      found.problems.push(
        `verification ${i}: ${verified ? "verified" : "not verified"}, ${free ? "free" : "restricted"}`,
      );
  }
  const cases = new CaseLog(store);
  for (const { i, member } of world.mutes) {
    if (!world.unrestricted(member)) {
      found.mutesLeft++;
      found.problems.push(`mute ${i}: still muted after its end`);
    }
    // A mute delivered again after a kill finishes the first handling's sanction: it opens no second case.
    const opened = (await cases.of("demo" as CommunityId, tgAccount(member))).map((c) => c.action);
    if (opened.length !== 1 || opened[0] !== "mute") {
      found.casesOff++;
      found.problems.push(`mute ${i}: cases ${JSON.stringify(opened)}, not one mute`);
    }
  }
  for (const { i, post } of world.violations)
    if (tg.message(group.id, post)?.deleted !== true) {
      found.postsLeft++;
      found.problems.push(`violation ${i}: the threat is still in the group`);
    }
  return found;
}

/** Prints the figures the run proves. */
export function report(
  what: string,
  world: CrashWorld,
  procs: BotProcess[],
  found: Found,
  ms: number,
  adminReposted: number,
): void {
  const kills = procs.reduce((n, p) => n + p.kills, 0);
  const starts = procs.reduce((n, p) => n + p.starts, 0);
  const where = new Map<string, number>();
  for (const k of world.killedAt) where.set(k, (where.get(k) ?? 0) + 1);
  console.info(
    [
      `crash safety (${what}): ${world.holdCycles.length} hold → approve cycles, ${world.verifications.length} verifications, ${world.mutes.length} timed mutes (${world.violations.length} by a content rule)`,
      `  SIGKILLs: ${kills} (process starts: ${starts}), in ${Math.round(ms / 1000)} s`,
      `  killed during: ${[...where].map(([k, n]) => `${k} ${n}`).join(", ")}`,
      `  held posts lost: ${found.lost}, re-posted twice: ${found.duplicated}, attribution lines left alone: ${found.lone}`,
      `  re-posts cut short, flagged on the card for the admins: ${adminReposted + world.flaggedNow()} (missing, re-posted by an admin: ${adminReposted}; already in the chat: ${world.flaggedNow()})`,
      `  verifications half-applied: ${found.halfVerified}, mutes not lifted: ${found.mutesLeft}, mutes not one case: ${found.casesOff}, threats left up: ${found.postsLeft}`,
      `  steps that never completed: ${world.stuck.length}`,
    ].join("\n"),
  );
}
