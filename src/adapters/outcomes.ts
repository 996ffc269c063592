import type { Outcome, PlatformDecision, PlatformFailure } from "../core/decisions.js";
import type { MessageRef } from "../core/model/content.js";
import type { Logger } from "../core/ports/logger.js";

/**
 * The part of every platform's `DecisionExecutor` that is not about the platform: a decision done is
 * `ok` (with the refs of what it sent), and whatever the platform throws becomes a typed failure in the
 * adapter's own words, logged once. Errors never escape (the executor contract).
 */

/** A decision carried out; `refs` are the messages it sent or touched. */
export const ok = (refs?: MessageRef[]): Outcome => (refs ? { status: "ok", refs } : { status: "ok" });

export interface FailureMapping {
  /** The platform's name in the log line ("matrix refused a decision"). */
  platform: string;
  /** The adapter's mapping of what its SDK throws to a typed failure in plain words. */
  toFailure(error: unknown): PlatformFailure;
  logger: Logger;
}

/** Runs one decision and reports it as an Outcome: a throw becomes `failed` with the mapped failure. */
export async function outcomeOf(
  decision: PlatformDecision,
  run: (decision: PlatformDecision) => Promise<Outcome>,
  mapping: FailureMapping,
): Promise<Outcome> {
  try {
    return await run(decision);
  } catch (error) {
    const failure = mapping.toFailure(error);
    mapping.logger.warn(
      { decision: decision.kind, err: failure.message },
      `${mapping.platform} refused a decision`,
    );
    return { status: "failed", error: failure };
  }
}
