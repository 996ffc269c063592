import type { Decision, OutcomeTag, Outcome } from "../decisions.js";
import type {
  ButtonPressed,
  CommandIssued,
  ContactShared,
  JoinRequested,
  MemberJoined,
  MemberLeft,
  MessageEdited,
  MessagePosted,
  PrivateMessage,
} from "../events.js";
import type { AccountKey } from "../ids.js";
import type { MessageKey } from "../i18n/translator.js";
import type { Timer } from "../ports/scheduler.js";
import type { MaybePromise } from "../ports/store.js";
import type { Ctx } from "./context.js";

/**
 * What a message handler tells the pipeline: let later modules see the message, stop here, or
 * "removed": this module deleted it (the access gate), so later modules must not act on the message
 * again but may still record what it says (`onRemovedMessage`).
 */
export type Verdict = "continue" | "stop" | "removed";

/**
 * A module is one pillar (verification, news holds, sanctions) or a piece of the engine. It reacts to
 * events through the hooks it implements and answers with decisions through `ctx.emit`. Modules run in
 * the order given to the engine; for messages the first "stop" ends the pipeline (a message deleted
 * for a rule hit is not also held as news).
 */
export interface Module {
  readonly name: string;
  readonly commands?: readonly CommandSpec[];
  /** At once (no promise) when nothing has to be waited for: most messages pass every module that way. */
  onMessage?(ctx: Ctx, event: MessagePosted | MessageEdited): MaybePromise<Verdict>;
  /**
   * A message an earlier module already removed (a muted member's post): record what it says (a rule hit
   * still counts), but emit no delete, hold or re-post for it.
   */
  onRemovedMessage?(ctx: Ctx, event: MessagePosted | MessageEdited): MaybePromise<void>;
  onJoin?(ctx: Ctx, event: MemberJoined): Promise<void>;
  onLeave?(ctx: Ctx, event: MemberLeft): Promise<void>;
  onJoinRequest?(ctx: Ctx, event: JoinRequested): Promise<void>;
  /** Text in the private chat; return true when this module consumed it. */
  onPrivateText?(ctx: Ctx, event: PrivateMessage): Promise<boolean>;
  onContact?(ctx: Ctx, event: ContactShared): Promise<boolean>;
  /** Buttons whose data starts with `<prefix>:`; the handler gets the rest after the prefix. */
  readonly buttons?: Readonly<
    Record<string, (ctx: Ctx, event: ButtonPressed, rest: string) => Promise<void>>
  >;
  /** Timers by kind. */
  readonly timers?: Readonly<Record<string, (ctx: Ctx, timer: Timer) => Promise<void>>>;
  /** What this module stores about an account, for /mydata (personal data shown only privately). */
  exportData?(ctx: Ctx, account: AccountKey): Promise<Record<string, unknown> | undefined>;
  /**
   * Erases what this module stores about an account (/forgetme). Keeps only what an active sanction
   * needs, and returns a sentence per kept item so the member is told what stays and why.
   */
  eraseData?(ctx: Ctx, account: AccountKey): Promise<string[]>;
  /**
   * Completes or rolls back what an earlier run of the bot left half-done (holds whose creation a crash
   * cut short). Called once when the scheduler starts, with the platforms' executors attached.
   */
  recover?(ctx: Ctx): Promise<void>;
  /** Outcome recorders by tag kind: remember what the platform did (card refs, applied state). */
  readonly recorders?: Readonly<
    Record<string, (ctx: Ctx, tag: OutcomeTag, outcome: Outcome, decision: Decision) => Promise<void>>
  >;
}

export type CommandScope = "group" | "private" | "any";

export interface CommandSpec {
  name: string;
  aliases?: readonly string[];
  scope: CommandScope;
  /** Only community admins (checked on every use). */
  admin: boolean;
  /** Usage line, e.g. "core.usageMute"; shown on malformed input and in /help. */
  usage: MessageKey;
  /** Short description for /help and the platforms' command menus. */
  description: MessageKey;
  /**
   * How many words of the arguments come before the member the command is about (1 for `/publisher add
   * <member>`; default 0). Adapters that take the member from a picker (Discord) put it there.
   */
  memberAfter?: number;
  run(ctx: Ctx, event: CommandIssued): Promise<void>;
}

/** Thrown by a command handler when its arguments are malformed: the engine answers with the usage line. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(readonly detail?: string) {
    super(detail ?? "usage");
  }
}

/**
 * A module's handler for a key that came from outside (a button's data, a stored timer's kind): only the
 * table's own entries, so `__proto__`, `constructor` or `toString` never reach `Object.prototype`.
 */
export function ownHandler<H>(table: Readonly<Record<string, H>> | undefined, key: string): H | undefined {
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}
