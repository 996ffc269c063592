import type { Decision, Outcome, Send } from "../decisions.js";
import type { ChatKey } from "../ids.js";
import type { Instant } from "../ports/clock.js";
import type { Timer } from "../ports/scheduler.js";

/** The engine's own timer kind: a short-lived notice (`Send.ttlMs`) is due for deletion. */
export const NOTICE_TIMER = "core.notice";

/**
 * The timers that delete a short-lived notice once it was posted: one per message the platform
 * reports, stored like every other timer, so a restart does not leave the notice up forever.
 */
export function noticeTimers(decision: Send, outcome: Outcome, now: Instant): Timer[] {
  const ttl = decision.ttlMs;
  if (ttl === undefined || outcome.status !== "ok") return [];
  return (outcome.refs ?? []).map((ref) => ({
    id: `notice:${ref.chat}:${ref.id}`,
    at: now + ttl,
    kind: NOTICE_TIMER,
    payload: { chat: ref.chat, id: ref.id, ...(ref.thread !== undefined ? { thread: ref.thread } : {}) },
  }));
}

/** The deletion a notice timer asks for. A notice someone deleted already counts as deleted. */
export function noticeExpired(timer: Timer): Decision {
  const { chat, id, thread } = timer.payload;
  return {
    kind: "delete",
    messages: [
      {
        chat: String(chat) as ChatKey,
        id: String(id),
        ...(typeof thread === "string" ? { thread } : {}),
      },
    ],
  };
}
