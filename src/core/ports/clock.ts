/** Milliseconds since the Unix epoch. Everything in the core reads time through a Clock. */
export type Instant = number;

export interface Clock {
  now(): Instant;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
