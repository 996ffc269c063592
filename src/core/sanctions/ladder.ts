import type { CategorySettings, LadderStep, SanctionSettings } from "./settings.js";

/** The sanction actions, from mildest to harshest as the ladder usually orders them. */
export type SanctionAction = LadderStep["action"];

/**
 * Points left after `elapsedMs` of good behaviour. `per_day` removes a fixed amount per day (continuously,
 * so half a day removes half of it); `half_life` halves the total every period. Never below zero.
 *
 * @example decay(6, 2 * DAY, { per_day: 1 }) // 4
 * @example decay(8, 2 * DAY, { half_life: DAY }) // 2
 */
export function decay(total: number, elapsedMs: number, settings: SanctionSettings["decay"]): number {
  if (total <= 0) return 0;
  if (elapsedMs <= 0) return total;
  // "N per day" takes N points off for each full day: three hits within a day add up to 3, as admins
  // expect, instead of 2.9 after a few hours of continuous decay.
  if ("per_day" in settings) return Math.max(0, total - settings.per_day * wholeDays(elapsedMs));
  return total * 0.5 ** (elapsedMs / settings.half_life);
}

const DAY_MS = 86_400_000;
const wholeDays = (ms: number) => Math.floor(ms / DAY_MS);

/**
 * Where decay counts from after a change: for "per day", the start of the day still running (so a
 * change does not restart the day and points keep falling once a day); for a half-life, now.
 */
export function decayAnchor(previous: number, now: number, settings: SanctionSettings["decay"]): number {
  if (!("per_day" in settings)) return now;
  return previous + wholeDays(now - previous) * DAY_MS;
}

/** The index of the highest step whose `at` the total reaches, or -1 when below the first step. */
export function stepFor(total: number, ladder: readonly LadderStep[]): number {
  let index = -1;
  // A tiny tolerance so that decay's floating point (2.9999999) does not miss a threshold of 3.
  ladder.forEach((step, i) => {
    if (total + 1e-9 >= step.at) index = i;
  });
  return index;
}

/** The step a severe category jumps to (`jump_to` by action name or index), or undefined. */
export function jumpFor(
  category: Pick<CategorySettings, "jump_to"> | undefined,
  ladder: readonly LadderStep[],
): number | undefined {
  const target = category?.jump_to;
  if (target === undefined) return undefined;
  if (typeof target === "number") return Math.min(target, ladder.length - 1);
  const index = ladder.findIndex((s) => s.action === target);
  return index >= 0 ? index : undefined;
}

export interface Escalation {
  /** The running total after the violation (raised to the jump step's `at` for severe categories). */
  total: number;
  /** Points this violation added, including the raise: what a pardon takes back. */
  added: number;
  /** The ladder step the total reaches, or -1. */
  step: number;
  /** The total was raised to a severe category's jump step (so `added` is not the category's points). */
  jumped: boolean;
}

/**
 * Adds a violation to a (decayed) total and finds the step. A severe category lands on its jump step
 * whatever the total, and the total is raised to that step's threshold so the record reflects it.
 */
export function escalate(
  current: number,
  points: number,
  ladder: readonly LadderStep[],
  jump?: number,
): Escalation {
  let total = current + points;
  const jumpStep = jump === undefined ? undefined : ladder[jump];
  const jumped = jumpStep !== undefined && total < jumpStep.at;
  if (jumped) total = jumpStep.at;
  return { total, added: total - current, step: stepFor(total, ladder), jumped };
}

/**
 * Where an action sits on the ladder, to compare a sanction an admin imposed by hand with the one the
 * ladder computes: the first step with that action, or past the end for actions the ladder lacks.
 */
export function rankOf(action: SanctionAction, ladder: readonly LadderStep[]): number {
  const index = ladder.findIndex((s) => s.action === action);
  return index >= 0 ? index : ladder.length;
}
