import type { Decision, Outcome } from "../decisions.js";
import type { CoreEvent } from "../events.js";

/** The stages of the verification funnel: a dialogue started, and how it ended. */
export type VerificationStage = "started" | "completed" | "rejected" | "abandoned";

/**
 * What the engine tells the outside about its work, for metrics. Every method is a cheap, synchronous
 * notification that must never throw; the default does nothing. Implemented by the Prometheus adapter
 * (src/adapters/metrics/).
 */
export interface EngineObserver {
  /** One event went through the engine: from `handle` to its last decision carried out, in ms. */
  eventHandled(kind: CoreEvent["kind"], ms: number, failed: boolean): void;
  /** One decision was carried out (or failed, or was skipped). */
  decision(kind: Decision["kind"], outcome: Outcome): void;
  /** A step of the verification funnel. */
  verification(stage: VerificationStage): void;
  /** A durable timer fired this long after it was due (ms, ≥ 0). */
  timerLag(ms: number): void;
}

export const noopObserver: EngineObserver = {
  eventHandled() {},
  decision() {},
  verification() {},
  timerLag() {},
};
