import type { Api } from "grammy";
import type { Logger } from "../../core/ports/logger.js";
import { toFailure } from "./failures.js";

/**
 * Deletes short-lived notices after their time, with an in-process timer: a restart forgets them (they
 * are meant for notices of a minute or two).
 */
export class NoticeTimers {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly api: Api,
    private readonly logger: Logger,
  ) {}

  schedule(chat: number, messageId: number, ms: number, after?: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      after?.();
      this.api
        .deleteMessage(chat, messageId)
        .catch((error: unknown) =>
          this.logger.debug({ chat, err: toFailure(error).message }, "could not delete a notice"),
        );
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
