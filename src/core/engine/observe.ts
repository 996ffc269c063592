import type { Decision, Outcome } from "../decisions.js";
import type { CoreEvent } from "../events.js";
import type { EngineObserver } from "../ports/observer.js";

/** Tells the observer (metrics) how long the event took and how each of its decisions went. */
export async function observeHandled<
  H extends { decisions: readonly Decision[]; outcomes: readonly Outcome[] },
>(observer: EngineObserver, event: CoreEvent, work: Promise<H>): Promise<H> {
  const started = performance.now();
  try {
    const handled = await work;
    observeOutcomes(observer, handled.decisions, handled.outcomes);
    observer.eventHandled(event.kind, performance.now() - started, false);
    return handled;
  } catch (error) {
    observer.eventHandled(event.kind, performance.now() - started, true);
    throw error;
  }
}

/** One observation per carried-out decision, with its outcome. */
export function observeOutcomes(
  observer: EngineObserver,
  decisions: readonly Decision[],
  outcomes: readonly Outcome[],
): void {
  outcomes.forEach((outcome, i) => {
    const decision = decisions[i];
    if (decision) observer.decision(decision.kind, outcome);
  });
}
