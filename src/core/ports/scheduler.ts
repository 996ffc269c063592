import type { Instant } from "./clock.js";

/**
 * A timer that survives restarts. The engine stores it with the rest of the state; the runtime's
 * scheduler loop fires it (as a `timer_fired` event) when `at` has passed, also after downtime.
 * `id` is chosen by the caller so re-scheduling the same thing replaces the earlier timer.
 */
export interface Timer {
  id: string;
  at: Instant;
  /** Which module handles it, e.g. "sanctions.lift", "holds.expire", "verification.grace". */
  kind: string;
  payload: Record<string, string | number | boolean | null>;
  /** Set on a timer handed out for firing: the reservation a claim must still match. */
  lease?: Instant;
}
