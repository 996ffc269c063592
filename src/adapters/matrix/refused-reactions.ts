import type { DecisionExecutor } from "../../core/decisions.js";
import type { Handled } from "../../core/engine/engine.js";
import type { AccountKey } from "../../core/ids.js";
import type { Logger } from "../../core/ports/logger.js";
import type { KeyValueStore } from "../../core/ports/store.js";
import { matrixChat, matrixMessageRef } from "./keys.js";
import type { MatrixTranslate } from "./texts.js";

/** The room was told that the bot may not redact others' reactions (cleared once a redaction works). */
const toldKey = (roomId: string) => `matrix:redact-told:${roomId}`;

/** Whether the engine refused the press (the presser may not do that): it answered with a refusal. */
export function wasRefused(handled: Handled | undefined, presser: AccountKey): boolean {
  return !!handled?.decisions.some(
    (d) => d.kind === "send_private" && d.refusal === true && d.account === presser,
  );
}

/**
 * A reaction is a button press that stays visible: a refused one (a non-admin's ✅ on a review card)
 * would read as a decision to every admin looking at the card. So it is redacted. That needs the bot's
 * power to redact others' events in the room (`redact`, 50 by default); without it the room is told once,
 * in plain words, until a redaction works again.
 */
export class RefusedReactions {
  constructor(
    private readonly deps: {
      executor: DecisionExecutor;
      store: KeyValueStore;
      textsFor: (roomId: string) => MatrixTranslate;
      logger: Logger;
    },
  ) {}

  async remove(roomId: string, reactionId: string, key: string, reactor: string): Promise<void> {
    const { executor, store, textsFor, logger } = this.deps;
    const outcome = await executor.execute({
      kind: "delete",
      messages: [matrixMessageRef(roomId, reactionId)],
    });
    if (outcome.status !== "failed") {
      await store.delete(toldKey(roomId));
      return;
    }
    logger.warn({ room: roomId, err: outcome.error.message }, "matrix: could not remove a refused reaction");
    if (outcome.error.code !== "forbidden") return;
    const first = await store.change<boolean, boolean>(toldKey(roomId), (told) => ({
      value: true,
      result: told === undefined,
    }));
    if (!first) return;
    const told = await executor.execute({
      kind: "send",
      chat: matrixChat(roomId),
      text: textsFor(roomId)("cannotRedactReaction", { key, name: reactor }),
    });
    if (told.status === "failed")
      logger.warn({ room: roomId, err: told.error.message }, "matrix: could not say that it cannot redact");
  }
}
