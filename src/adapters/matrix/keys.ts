import { accountKey, chatKey, parseKey, type AccountKey, type ChatKey } from "../../core/ids.js";
import type { MessageRef } from "../../core/model/content.js";

/**
 * Matrix ids in core keys. An account is `matrix:@alice:example.org`; a chat is a room,
 * `matrix:!abc:example.org` (room version 12 ids carry no server: `matrix:!abc`). DMs are rooms too. A
 * message is addressed by its room and event id; a message in a thread has `thread` set to the thread's
 * root event id.
 */

/** `@localpart:server` (the server may carry a port). */
const USER_ID = /^@[^\s:]+:[^\s]+$/;
/** `!opaque:server` up to room version 11, `!opaque` from version 12. */
const ROOM_ID = /^![^\s:]+(?::[^\s]+)?$/;
/** Event ids: `$opaque` (v3+), `$opaque:server` (v1–2). */
const EVENT_ID = /^\$[^\s]+$/;

export const isMatrixUserId = (id: string): boolean => USER_ID.test(id);
export const isMatrixRoomId = (id: string): boolean => ROOM_ID.test(id);

export function matrixAccount(userId: string): AccountKey {
  if (!USER_ID.test(userId)) throw new TypeError(`not a Matrix user id: ${JSON.stringify(userId)}`);
  return accountKey("matrix", userId);
}

export function matrixChat(roomId: string): ChatKey {
  if (!ROOM_ID.test(roomId)) throw new TypeError(`not a Matrix room id: ${JSON.stringify(roomId)}`);
  return chatKey("matrix", roomId);
}

function matrixId(key: string, what: string): string {
  const { platform, id } = parseKey(key);
  if (platform !== "matrix") throw new TypeError(`not a Matrix ${what}: ${key}`);
  return id;
}

/** The user id of a `matrix:@user:server` account key. */
export function userIdOf(account: AccountKey): string {
  const id = matrixId(account, "account");
  if (!USER_ID.test(id)) throw new TypeError(`not a Matrix account (matrix:@user:server): ${account}`);
  return id;
}

/** The room id of a `matrix:!room[:server]` chat key. */
export function roomIdOf(chat: ChatKey): string {
  const id = matrixId(chat, "chat");
  if (!ROOM_ID.test(id)) throw new TypeError(`not a Matrix chat (matrix:!room:server): ${chat}`);
  return id;
}

/** The event id of a message ref (checked, so a ref from another platform fails loudly). */
export function eventIdOf(ref: MessageRef): string {
  if (!EVENT_ID.test(ref.id)) throw new TypeError(`not a Matrix event id: ${JSON.stringify(ref.id)}`);
  return ref.id;
}

export function matrixMessageRef(roomId: string, eventId: string, threadRoot?: string): MessageRef {
  return {
    chat: matrixChat(roomId),
    id: eventId,
    ...(threadRoot !== undefined ? { thread: threadRoot } : {}),
  };
}
