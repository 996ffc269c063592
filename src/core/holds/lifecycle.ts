/**
 * One lifecycle for every held post, whichever module holds it (news approval, content rules):
 *
 *   open (journal entry, then the record) → copies + card in the review chat → steps after the card
 *   (an expiry timer) → deletion of the originals → notice to the author (journal entry removed)
 *   → claim (one atomic status change per decision) → re-post with attribution.
 *
 * Each module describes its holds with a `HoldKind` (where the record lives, the card's text and
 * buttons, what a failed card means for it); the platform side of holding and re-posting is the same
 * `post_card` with `preserve`, `delete` and `repost` decisions for all of them, so an adapter adapts
 * re-posting in one place. Creation is recoverable: a hold whose creation a crash cut short is in the
 * kind's journal, and the next start carries out the steps still missing (or rolls it back when
 * nothing happened on the platform yet). A step that throws while the hold is made rolls it back.
 */
import type { Decision, Outcome, OutcomeTag, RepostAuthor } from "../decisions.js";
import type { Ctx } from "../engine/context.js";
import { translator } from "../i18n/translator.js";
import type { Timer } from "../ports/scheduler.js";
import type { KeyValueStore } from "../ports/store.js";
import { KEEP } from "../ports/store.js";
import { RUN_LEASE_MS } from "../engine/runs.js";
import { CreationJournal } from "./journal.js";
import { claimRecord, type HoldKind, type HoldState, type ReviewPlan } from "./kind.js";
import { RepostCheck } from "./repost-check.js";

type Recorder = (ctx: Ctx, tag: OutcomeTag, outcome: Outcome) => Promise<void>;

export class HoldLifecycle<H extends HoldState> {
  readonly tags: {
    card: string;
    deleted: string;
    reviewed: string;
    repost: string;
    check: string;
    recheck: string;
  };

  constructor(readonly kind: HoldKind<H>) {
    const { name } = kind;
    this.tags = {
      card: `${name}.card`,
      deleted: `${name}.deleted`,
      reviewed: `${name}.reviewed`,
      repost: `${name}.repost`,
      check: `${name}.repost-check`,
      recheck: `${name}.journal-recheck`,
    };
    this.check = new RepostCheck(kind, this.tags.check);
  }

  /** A crash between the decision and the re-post's recorded outcome is caught by a durable check. */
  private readonly check: RepostCheck<H>;

  /**
   * Call before the claim that decides a re-post: a crash after the claim, before the re-post's outcome
   * is recorded, then makes admins check (`reposted: "unknown"`) instead of losing the post.
   */
  expectRepost(ctx: Ctx, ref: { community: string; id: string }): Promise<void> {
    return this.check.expect(ctx, ref);
  }

  /** After a lost claim: drops the check unless the winner's re-post still waits for its outcome. */
  unexpectRepost(ctx: Ctx, hold: H | undefined, ref: { community: string; id: string }): Promise<void> {
    return this.check.unexpect(ctx, hold, ref);
  }

  private journal(ctx: Ctx): CreationJournal {
    return new CreationJournal(ctx.services.store, this.kind.journalKey);
  }

  get(store: KeyValueStore, community: string, id: string): Promise<H | undefined> {
    return store.get<H>(this.kind.key(community, id));
  }

  /** Changes a hold whatever its status; `change` returning the same object writes nothing. */
  patch(store: KeyValueStore, hold: { community: string; id: string }, change: (h: H) => H) {
    return store.update<H>(
      this.kind.key(hold.community, hold.id),
      (cur) => (cur ? change(cur) : cur),
      this.kind.ttlMs,
    );
  }

  /**
   * Moves a hold out of one of `from` with one atomic update. `claimed` is true for exactly one caller
   * (a second admin, a retried press, a timer racing a press get the hold as it is).
   */
  claim(
    store: KeyValueStore,
    hold: { community: string; id: string },
    from: readonly string[],
    change: (h: H) => H,
  ): Promise<{ claimed: boolean; hold: H | undefined }> {
    return claimRecord(store, this.kind.key(hold.community, hold.id), from, change, this.kind.ttlMs);
  }

  /**
   * Creates a hold: the journal entry first, then `write` (the record and its indexes). If `write`
   * throws, what it wrote is removed again and the error propagates: no half-made hold stays behind.
   */
  async open(ctx: Ctx, hold: H, write: () => Promise<void>): Promise<void> {
    await this.journal(ctx).add(hold.id, { community: hold.community, run: ctx.services.runId });
    await this.undoOnThrow(ctx, hold, write);
  }

  /**
   * Puts a stored hold under review: builds its card and steps (nothing is emitted if that throws),
   * runs `commit` (the writes that make it pending), then emits the steps still to do. Anything that
   * throws rolls the hold back. Run again after a crash, it emits only the missing steps.
   */
  async review(ctx: Ctx, hold: H, commit?: () => Promise<void>): Promise<void> {
    const steps = await this.undoOnThrow(ctx, hold, async () => {
      const steps = this.steps(ctx, hold, await this.kind.plan(ctx, hold));
      await commit?.();
      if (!hold.card && !hold.cardAttempted)
        await this.patch(ctx.services.store, hold, (h) => ({ ...h, cardAttempted: true }));
      return steps;
    });
    ctx.emit(...steps);
  }

  /**
   * The re-post of a decided hold, unless its originals could not be deleted (still up). Decisions use
   * `afterDecision`, which asks for it only once the originals are down.
   */
  repost(hold: H, attribution: string, replyTo?: string, author?: RepostAuthor): Decision[] {
    if (hold.originalsKept) return [];
    const parts = this.kind.parts(hold);
    const first = parts[0]?.ref;
    if (!first) return [];
    return [
      {
        kind: "repost",
        chat: first.chat,
        ...(first.thread !== undefined ? { thread: first.thread } : {}),
        attribution,
        content: parts.map((p) => p.content),
        copies: hold.copies ?? [],
        ...(replyTo !== undefined ? { replyTo } : {}),
        ...(author ? { author } : {}),
        record: this.tag(this.tags.repost, hold),
      },
    ];
  }

  /**
   * What the platform must do once a claim decided `hold` (to re-post it, or to keep it down). Its
   * originals may still be up: the process making the hold died before deleting them, or is deleting
   * them right now. Then the deletion comes first, and the re-post follows once a deletion is recorded
   * (`recordDeleted`): whichever of the claim and that record comes second re-posts, so exactly once.
   * A hold never put on a card (nothing was ever taken down) keeps its post up when approved.
   */
  async afterDecision(ctx: Ctx, hold: H): Promise<Decision[]> {
    const reposts = hold.status === this.kind.repostStatus;
    if (hold.originalsGone) return reposts ? this.kind.repostOf(ctx, hold) : [];
    const messages = this.kind.parts(hold).map((p) => p.ref);
    if (hold.originalsKept) return reposts ? [] : [{ kind: "delete", messages }];
    if (reposts && !hold.card && !hold.cardAttempted) return [];
    return [{ kind: "delete", messages, record: this.tag(this.tags.deleted, hold) }];
  }

  /** Removes a hold that never came under review, and its journal entry. */
  async rollback(ctx: Ctx, hold: H): Promise<void> {
    await this.kind.discard(ctx, hold);
    await this.journal(ctx).remove(hold.id);
  }

  /** Drops the journal entry of a hold whose creation ended some other way (joined another hold). */
  async forget(ctx: Ctx, id: string): Promise<void> {
    await this.journal(ctx).remove(id);
  }

  /**
   * Completes the holds a run that is gone left in creation: the kind repairs its bookkeeping, a pending
   * hold gets the steps it is missing, a hold already decided or gone leaves the journal. A hold that
   * cannot be completed before anything happened on the platform is rolled back (its post stays up).
   * Runs at start, and again (a timer) while another run that may still be alive has entries.
   */
  async recover(ctx: Ctx): Promise<number> {
    const journal = this.journal(ctx);
    const { runs, runId, timers } = ctx.services;
    const { left, busy } = await journal.leftBy(runId, (run) => runs.alive(run));
    // Entries of a run that is still alive (another process on the shared store making them now, or one
    // that just died, whose lease has not lapsed yet): looked at again once such a lease would have.
    if (busy > 0)
      await timers.schedule({
        id: this.tags.recheck,
        at: ctx.now + RUN_LEASE_MS,
        kind: this.tags.recheck,
        payload: {},
      });
    for (const [id, entry] of left) {
      const hold = await this.get(ctx.services.store, entry.community, id);
      if (hold && this.decidedWithOriginalsUp(hold)) {
        // Decided before its creation completed: the deletion (then the re-post) is still owed. The
        // entry stays until the deletion is recorded.
        ctx.emit(...(await this.afterDecision(ctx, hold)));
        continue;
      }
      if (!hold || (hold.status !== "pending" && hold.status !== "collecting")) {
        await journal.remove(id);
        continue;
      }
      try {
        await this.kind.resume?.(ctx, hold);
        if (hold.status === "pending") await this.review(ctx, hold);
      } catch (error) {
        ctx.services.logger.error(
          { hold: id, err: error instanceof Error ? error.message : String(error) },
          "could not complete a hold left half-made",
        );
      }
    }
    return left.length;
  }

  /** The outcome recorders to register in the module. */
  get recorders(): Record<string, Recorder> {
    return {
      [this.tags.card]: (ctx, tag, outcome) => this.recordCard(ctx, tag, outcome),
      [this.tags.deleted]: (ctx, tag, outcome) => this.recordDeleted(ctx, tag, outcome),
      [this.tags.reviewed]: async (ctx, tag) => this.journal(ctx).remove(String(tag.holdId)),
      [this.tags.repost]: (ctx, tag, outcome) => this.recordRepost(ctx, tag, outcome),
    };
  }

  /** The timer handlers to register in the module. */
  get timers(): Record<string, (ctx: Ctx, timer: Timer) => Promise<void>> {
    return {
      [this.tags.check]: (ctx, timer) => this.check.fire(ctx, timer),
      [this.tags.recheck]: async (ctx) => {
        await this.recover(ctx);
      },
    };
  }

  /** Runs `work`; if it throws, the hold in creation is rolled back and the error propagates. */
  async undoOnThrow<T>(ctx: Ctx, hold: H, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.rollback(ctx, hold).catch((undo: unknown) =>
        ctx.services.logger.error(
          { hold: hold.id, err: undo instanceof Error ? undo.message : String(undo) },
          "could not roll back a hold",
        ),
      );
      throw error;
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  private tag(kind: string, hold: H): OutcomeTag {
    return { kind, holdId: hold.id, community: hold.community };
  }

  /** The steps a hold still needs, in order; each needs the one before it to have worked. */
  private steps(ctx: Ctx, hold: H, plan: ReviewPlan): Decision[] {
    const steps: Decision[] = [];
    if (!hold.card && hold.cardAttempted) {
      // A crash came while the platform posted the copies and the card: they may be up already.
      const t = translator(ctx.services.directory.community(hold.community)?.language ?? "en");
      steps.push({
        kind: "post_card",
        ...plan.card,
        text: `${plan.card.text}\n${t("core.holdCardRecovered")}`,
        record: this.tag(this.tags.card, hold),
      });
    } else if (!hold.card) {
      steps.push({
        kind: "post_card",
        ...plan.card,
        preserve: this.kind.parts(hold).map((p) => p.ref),
        record: this.tag(this.tags.card, hold),
      });
    }
    for (const step of plan.afterCard) steps.push({ ...step, requires: "previous" });
    if (!hold.originalsGone && !hold.originalsKept) {
      steps.push({
        kind: "delete",
        messages: this.kind.parts(hold).map((p) => p.ref),
        requires: "previous",
        record: this.tag(this.tags.deleted, hold),
      });
    }
    steps.push({ ...plan.notice, requires: "previous", record: this.tag(this.tags.reviewed, hold) });
    // The first step never depends on whatever came before it in the event.
    const { requires: _none, ...first } = steps[0] as Decision;
    steps[0] = first;
    return steps;
  }

  private async recordCard(ctx: Ctx, tag: OutcomeTag, outcome: Outcome): Promise<void> {
    const ref = { community: String(tag.community), id: String(tag.holdId) };
    if (outcome.status === "ok") {
      const [card, ...copies] = outcome.refs ?? [];
      await this.patch(ctx.services.store, ref, (h) => ({ ...h, ...(card ? { card } : {}), copies }));
      return;
    }
    const hold = await this.get(ctx.services.store, ref.community, ref.id);
    if (hold) await this.kind.cardFailed(ctx, hold, outcome);
  }

  private async recordDeleted(ctx: Ctx, tag: OutcomeTag, outcome: Outcome): Promise<void> {
    if (outcome.status === "skipped") return; // the card failed: the originals were never touched
    const ref = { community: String(tag.community), id: String(tag.holdId) };
    const { store } = ctx.services;
    // A message that is not there any more is down as well.
    const gone =
      outcome.status === "ok" || (outcome.status === "failed" && outcome.error.code === "not_found");
    // Already decided for a re-post: this record may be the one that owes it, so its check comes first.
    const before = await this.get(store, ref.community, ref.id);
    const owes = (h: H | undefined) =>
      h !== undefined && h.status === this.kind.repostStatus && h.reposted === undefined;
    if (gone && owes(before) && !before?.originalsGone) await this.check.expect(ctx, ref);
    const { hold, changed } = await store.change<H, { hold?: H; changed?: boolean }>(
      this.kind.key(ref.community, ref.id),
      (cur) => {
        // Down already (another deletion was recorded first): nothing changes, nothing is owed here.
        if (!cur || cur.originalsGone || (!gone && cur.originalsKept))
          return { value: KEEP, result: { hold: cur } };
        const next = (gone ? { ...cur, originalsGone: true } : { ...cur, originalsKept: true }) as H;
        return { value: next, result: { hold: next, changed: true } };
      },
      this.kind.ttlMs,
    );
    if (!hold) return;
    if (hold.status !== "pending" && hold.status !== "collecting") await this.journal(ctx).remove(ref.id);
    if (!changed) return;
    if (!gone) {
      await this.kind.originalsKept?.(ctx, hold);
      return;
    }
    // The claim came first and saw the originals up: the re-post is this record's to emit.
    if (owes(hold)) ctx.emit(...(await this.kind.repostOf(ctx, hold)));
  }

  /** Decided, but its originals were neither deleted nor found undeletable yet (creation cut short). */
  private decidedWithOriginalsUp(hold: H): boolean {
    return (
      this.kind.decidedStatuses.includes(hold.status) &&
      !hold.originalsGone &&
      !hold.originalsKept &&
      (hold.card !== undefined || hold.cardAttempted === true)
    );
  }

  private async recordRepost(ctx: Ctx, tag: OutcomeTag, outcome: Outcome): Promise<void> {
    const ref = { community: String(tag.community), id: String(tag.holdId) };
    const { hold, before } = await ctx.services.store.change<H, { hold?: H; before?: H["reposted"] }>(
      this.kind.key(ref.community, ref.id),
      (cur) => {
        if (!cur) return { value: KEEP, result: {} };
        const next = { ...cur, reposted: outcome.status === "ok" ? "ok" : "failed" } as H;
        return { value: next, result: { hold: next, before: cur.reposted } };
      },
      this.kind.ttlMs,
    );
    // Only once the outcome is stored: a crash in between leaves the check to find it recorded.
    await this.check.cancel(ctx, ref);
    if (hold && (hold.reposted === "failed" || before === "unknown"))
      await this.kind.repostFailed?.(ctx, hold);
  }
}
