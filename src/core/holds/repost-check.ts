/**
 * The re-post of a decided hold must not be lost to a crash: the decision is recorded by the claim, the
 * re-post is a platform call after it, and its outcome is recorded after that. A durable check timer,
 * stored before the claim, covers the gap: when it comes due with no outcome recorded, the re-post was
 * cut short (or is still under way, when it was this very run that began it).
 */
import type { Ctx } from "../engine/context.js";
import { translator } from "../i18n/translator.js";
import type { Timer } from "../ports/scheduler.js";
import { KEEP } from "../ports/store.js";

/**
 * How long after a re-post was decided its outcome must be recorded. Past that, a re-post decided by
 * another run (a process that died mid-way) counts as cut short; one of the current run is looked at
 * again, up to `REPOST_CHECKS` times (a slow platform), then counts as cut short as well.
 */
export const REPOST_CHECK_MS = 60_000;
const REPOST_CHECKS = 3;

/** What the check reads of a hold. */
interface CheckedHold {
  id: string;
  community: string;
  status: string;
  originalsGone?: boolean;
  originalsKept?: boolean;
  reposted?: "ok" | "failed" | "unknown";
}

/** What the check needs of a kind of hold (a `HoldKind` has it). */
interface CheckedKind<H> {
  key(community: string, id: string): string;
  readonly ttlMs?: number;
  readonly repostStatus: string;
  repostFailed?(ctx: Ctx, hold: H): Promise<void>;
}

type Ref = { community: string; id: string };

export class RepostCheck<H extends CheckedHold> {
  constructor(
    private readonly kind: CheckedKind<H>,
    /** The timer kind (`<hold kind>.repost-check`). */
    readonly timerKind: string,
  ) {}

  private timerId(ref: Ref): string {
    return `${this.timerKind}:${ref.id}`;
  }

  /**
   * Stores the check before the claim that decides a re-post (a claim lost to another admin leaves it to
   * find nothing to do). When it finds no outcome, the hold is marked `reposted: "unknown"` and admins
   * are asked to look: Telegram cannot tell whether a message went out before the crash, and re-posting
   * blindly could post it twice.
   */
  async expect(ctx: Ctx, ref: Ref): Promise<void> {
    // A check stored already stays as it is: it names the run that decided (a press delivered again
    // after a restart must not make the dead run's re-post look like one still under way here).
    if (await ctx.services.timers.get(this.timerId(ref))) return;
    await ctx.services.timers.schedule({
      id: this.timerId(ref),
      at: ctx.now + REPOST_CHECK_MS,
      kind: this.timerKind,
      payload: { holdId: ref.id, community: ref.community, run: ctx.services.runId, checks: 1 },
    });
  }

  /** After a lost claim: drops the check, unless the winner's re-post still waits for its outcome. */
  async unexpect(ctx: Ctx, hold: H | undefined, ref: Ref): Promise<void> {
    if (!hold || !this.awaits(hold)) await this.cancel(ctx, ref);
  }

  /** The outcome is recorded: nothing left to check. */
  async cancel(ctx: Ctx, ref: Ref): Promise<void> {
    await ctx.services.timers.cancel(this.timerId(ref));
  }

  /**
   * Decided for a re-post that was emitted (its originals are down: the re-post follows the claim or
   * the deletion, whichever came second), no outcome yet.
   */
  private awaits(hold: H): boolean {
    return (
      hold.status === this.kind.repostStatus &&
      hold.reposted === undefined &&
      hold.originalsGone === true &&
      !hold.originalsKept
    );
  }

  /** The check came due with no outcome recorded: still under way here, or cut short by a crash. */
  async fire(ctx: Ctx, timer: Timer): Promise<void> {
    const ref = { community: String(timer.payload.community), id: String(timer.payload.holdId) };
    const key = this.kind.key(ref.community, ref.id);
    const hold = await ctx.services.store.get<H>(key);
    if (!hold || !this.awaits(hold)) return;
    const checks = Number(timer.payload.checks ?? REPOST_CHECKS);
    if (timer.payload.run === ctx.services.runId && checks < REPOST_CHECKS) {
      // This process may still be carrying it out (a slow platform): look again later.
      const { lease: _lease, ...again } = timer;
      const payload = { ...timer.payload, checks: checks + 1 };
      ctx.emit({ kind: "schedule", timer: { ...again, payload, at: ctx.now + REPOST_CHECK_MS } });
      return;
    }
    const { marked } = await ctx.services.store.change<H, { marked?: H }>(
      key,
      (cur) => {
        if (!cur || !this.awaits(cur)) return { value: KEEP, result: {} };
        const next = { ...cur, reposted: "unknown" } as H;
        return { value: next, result: { marked: next } };
      },
      this.kind.ttlMs,
    );
    if (!marked) return;
    ctx.services.logger.warn(
      { hold: marked.id },
      "a re-post was cut short by a restart: admins are asked to check",
    );
    if (this.kind.repostFailed) {
      await this.kind.repostFailed(ctx, marked);
      return;
    }
    const community = ctx.services.directory.community(marked.community);
    if (!community?.reviewChat) return;
    const t = translator(community.language);
    ctx.emit({
      kind: "send",
      chat: community.reviewChat,
      text: t("core.repostInterrupted", { id: marked.id }),
    });
  }
}
