import { AsyncLocalStorage } from "node:async_hooks";
import type { AccountKey } from "../../core/ids.js";

/**
 * The button press being handled, if any. Decisions run inside `engine.handle`, so the executor can
 * tell that a short refusal sent privately to the presser answers their press: it becomes the
 * callback query's alert instead of a private message they may never see.
 */
export interface PressScope {
  queryId: string;
  presser: AccountKey;
  answered: boolean;
}

export const pressScope = new AsyncLocalStorage<PressScope>();
