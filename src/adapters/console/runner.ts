import type { ConsoleSession } from "./session.js";
import type { Step } from "./transcript.js";

export interface RunnerHooks {
  /** Moves the clock on and fires due timers. */
  wait(ms: number): Promise<void>;
  /** Rebuilds the bot on the same store. */
  restart(): Promise<void>;
  /** The chat of lines that name none ("alice: hi"). */
  defaultChat: string;
  /**
   * The chats the bot knows (configured chats, review and mod-log chats). When given, a line naming
   * another chat is refused: a misspelt chat name must not look like a bot that does nothing.
   */
  chats?: ReadonlySet<string>;
}

function checkChat(session: ConsoleSession, chat: string | undefined, hooks: RunnerHooks): void {
  if (chat === undefined || !hooks.chats) return;
  if (hooks.chats.has(session.chat(chat))) return;
  const names = [...hooks.chats].map((c) => c.replace(/^console:/, ""));
  throw new Error(`unknown chat "${chat}": the bot acts only in the configured chats (${names.join(", ")})`);
}

/** Carries out one transcript step against the console session. Errors are the member's, not ours. */
export async function runStep(session: ConsoleSession, step: Step, hooks: RunnerHooks): Promise<void> {
  if ("chat" in step) checkChat(session, step.chat, hooks);
  switch (step.kind) {
    case "wait":
      return hooks.wait(step.ms);
    case "restart":
      return hooks.restart();
    case "admin":
      session.setAdmin(step.user, step.chat);
      return;
    case "language":
      session.setLanguage(step.user, step.language);
      return;
    case "join":
      await session.join(step.user, step.chat);
      return;
    case "leave":
      await session.leave(step.user, step.chat);
      return;
    case "request":
      await session.requestJoin(step.user, step.chat);
      return;
    case "say":
      await session.say(step.user, step.chat ?? hooks.defaultChat, step.text, step.options);
      return;
    case "edit":
      await session.edit(step.user, step.chat, step.id, step.text, step.options);
      return;
    case "tell":
      await session.tell(step.user, step.text);
      return;
    case "press":
      await session.press(step.user, step.label, { chat: step.chat, id: step.id });
      return;
    case "contact":
      await session.shareContact(step.user, step.phone, step.owner);
      return;
  }
}
