import type {
  ForceReply,
  Message,
  MessageEntity,
  PhotoSize,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
} from "grammy/types";
import { E, badRequest } from "../errors.js";
import { checkReplyMarkup, formatText } from "../markup.js";
import { permissionFor } from "../members.js";
import { chatIdParam, int, optBool, optObj, optStr, type Params } from "../params.js";
import type { FakeChat, StoredMessage, TelegramState } from "../state.js";
import {
  assertCanSend,
  botRecordIn,
  canBotDelete,
  copyContent,
  replyAndThread,
  type Handler,
} from "./common.js";

/** from_chat_id: the bot must be able to read that chat. */
function sourceChat(state: TelegramState, p: Params): FakeChat {
  const chat = state.apiChat(chatIdParam(p, "from_chat_id"));
  if (chat.type !== "private") botRecordIn(state, chat);
  return chat;
}

let fileCounter = 1;
/** A PhotoSize set like Telegram returns for an uploaded or re-sent photo. */
export function photoSizes(fileId?: string): PhotoSize[] {
  const base = fileId ?? `AgACAgIAAxkBAAI${(fileCounter++).toString(36).padStart(6, "0")}`;
  return [
    { file_id: `${base}_s`, file_unique_id: `${base}_us`, width: 90, height: 90, file_size: 1200 },
    { file_id: base, file_unique_id: `${base}_u`, width: 800, height: 800, file_size: 64000 },
  ];
}

function textParams(p: Params, key: "text" | "caption", entitiesKey: "entities" | "caption_entities") {
  const raw = optStr(p, key);
  if (raw === undefined) return undefined;
  return formatText(raw, optStr(p, "parse_mode"), optObj<MessageEntity[]>(p, entitiesKey));
}

function markupOf(p: Params, chat: FakeChat) {
  const raw = optObj<Record<string, unknown>>(p, "reply_markup");
  const inline = checkReplyMarkup(raw, chat.type);
  const keyboard =
    raw && !inline && !("inline_keyboard" in raw)
      ? (raw as unknown as ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply)
      : undefined;
  return { inline, keyboard };
}

function post(state: TelegramState, chat: FakeChat, p: Params, content: Partial<Message>): StoredMessage {
  const where = replyAndThread(state, chat, p);
  const { inline, keyboard } = markupOf(p, chat);
  const fields = {
    ...(chat.type === "channel" ? { sender_chat: state.chatObj(chat) } : { from: state.bot }),
    ...(where.message_thread_id !== undefined ? { message_thread_id: where.message_thread_id } : {}),
    ...(where.is_topic_message ? { is_topic_message: true } : {}),
    ...(where.reply_to_message ? { reply_to_message: where.reply_to_message } : {}),
    ...content,
    ...(inline ? { reply_markup: inline } : {}),
  } as Omit<Message, "message_id" | "date" | "chat">;
  const stored = state.postMessage(chat, fields, true);
  if (keyboard) stored.replyKeyboard = keyboard;
  return stored;
}

function editable(state: TelegramState, p: Params): { chat: FakeChat; stored: StoredMessage } {
  if (optStr(p, "inline_message_id") !== undefined) throw badRequest("MESSAGE_ID_INVALID");
  const chat = state.apiChat(chatIdParam(p));
  const id = int(p, "message_id", "message identifier is not specified");
  const stored = state.liveMessage(chat.id, id);
  if (!stored) throw E.editNotFound();
  if (!stored.fromBot) throw E.cantEdit();
  return { chat, stored };
}

function applyEdit(
  state: TelegramState,
  stored: StoredMessage,
  change: Partial<Message>,
  removeMarkup: boolean,
): Message {
  const next = { ...stored.message, ...change } as Message & Record<string, unknown>;
  if (removeMarkup) delete next["reply_markup"];
  for (const k of Object.keys(change) as (keyof Message)[]) if (change[k] === undefined) delete next[k];
  const same = (k: string) =>
    JSON.stringify(next[k]) === JSON.stringify((stored.message as unknown as Record<string, unknown>)[k]);
  if (["text", "entities", "caption", "caption_entities", "reply_markup"].every(same)) throw E.notModified();
  stored.edits.push(stored.message);
  stored.message = { ...next, edit_date: state.now() };
  return stored.message;
}

function forwardOrigin(state: TelegramState, m: Message): NonNullable<Message["forward_origin"]> {
  if (m.forward_origin) return m.forward_origin;
  if (m.chat.type === "channel")
    return { type: "channel", chat: m.chat, message_id: m.message_id, date: m.date };
  if (m.sender_chat) return { type: "chat", sender_chat: m.sender_chat, date: m.date };
  return { type: "user", sender_user: m.from ?? state.bot, date: m.date };
}

export const messageMethods: Record<string, Handler> = {
  sendMessage({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const f = textParams(p, "text", "entities");
    if (!f || f.text.trim() === "") throw E.textEmpty();
    if (f.text.length > 4096) throw E.textTooLong();
    assertCanSend(state, chat);
    const lpo = optObj<Message["link_preview_options"]>(p, "link_preview_options");
    return post(state, chat, p, {
      text: f.text,
      ...(f.entities ? { entities: f.entities } : {}),
      ...(lpo ? { link_preview_options: lpo } : {}),
    }).message;
  },

  sendPhoto({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const photo = p["photo"];
    if (photo === undefined || photo === "") throw badRequest("there is no photo in the request");
    const cap = textParams(p, "caption", "caption_entities");
    if (cap && cap.text.length > 1024) throw badRequest("message caption is too long");
    assertCanSend(state, chat, "can_send_photos");
    return post(state, chat, p, {
      photo: photoSizes(typeof photo === "string" && !photo.startsWith("attach://") ? photo : undefined),
      ...(cap?.text ? { caption: cap.text } : {}),
      ...(cap?.entities ? { caption_entities: cap.entities } : {}),
    }).message;
  },

  sendMediaGroup({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const media = optObj<
      {
        type: string;
        media: unknown;
        caption?: string;
        parse_mode?: string;
        caption_entities?: MessageEntity[];
      }[]
    >(p, "media");
    if (!Array.isArray(media) || media.length < 2 || media.length > 10)
      throw badRequest("wrong number of messages specified");
    assertCanSend(state, chat, "can_send_photos");
    const groupId = String(13_000_000_000_000_000 + Math.floor(Math.random() * 1e12));
    return media.map((item, i) => {
      const cap =
        item.caption !== undefined
          ? formatText(item.caption, item.parse_mode, item.caption_entities)
          : undefined;
      const fileId =
        typeof item.media === "string" && !item.media.startsWith("attach://") ? item.media : undefined;
      const body: Partial<Message> =
        item.type === "photo"
          ? { photo: photoSizes(fileId) }
          : {
              document: {
                file_id: fileId ?? `BQACAgIAAxkB${i}${Date.now()}`,
                file_unique_id: `doc${i}${Date.now()}`,
              },
            };
      return post(
        state,
        chat,
        i === 0 ? p : { ...p, reply_parameters: undefined, reply_to_message_id: undefined },
        {
          ...body,
          media_group_id: groupId,
          ...(cap?.text ? { caption: cap.text } : {}),
          ...(cap?.entities ? { caption_entities: cap.entities } : {}),
        },
      ).message;
    });
  },

  editMessageText({ state }, p) {
    const { stored } = editable(state, p);
    const f = textParams(p, "text", "entities");
    if (!f || f.text.trim() === "") throw E.textEmpty();
    if (f.text.length > 4096) throw E.textTooLong();
    if (stored.message.text === undefined) throw badRequest("there is no text in the message to edit");
    const raw = optObj<Record<string, unknown>>(p, "reply_markup");
    const inline = checkReplyMarkup(raw, stored.message.chat.type);
    return applyEdit(
      state,
      stored,
      { text: f.text, entities: f.entities, reply_markup: inline },
      inline === undefined,
    );
  },

  editMessageCaption({ state }, p) {
    const { stored } = editable(state, p);
    const f = textParams(p, "caption", "caption_entities");
    if (stored.message.text !== undefined) throw badRequest("there is no caption in the message to edit");
    const inline = checkReplyMarkup(optObj(p, "reply_markup"), stored.message.chat.type);
    return applyEdit(
      state,
      stored,
      { caption: f?.text || undefined, caption_entities: f?.entities, reply_markup: inline },
      inline === undefined,
    );
  },

  editMessageReplyMarkup({ state }, p) {
    const { stored } = editable(state, p);
    const inline = checkReplyMarkup(optObj(p, "reply_markup"), stored.message.chat.type);
    return applyEdit(state, stored, { reply_markup: inline }, inline === undefined);
  },

  deleteMessage({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const id = int(p, "message_id", "message identifier is not specified");
    const stored = state.liveMessage(chat.id, id);
    if (!stored) throw E.deleteNotFound();
    const ok = canBotDelete(state, chat, stored.message, stored.fromBot);
    if (ok === "rights") throw E.cantDelete();
    if (ok === "age") throw E.cantDeleteForEveryone();
    stored.deleted = true;
    return true;
  },

  deleteMessages({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const ids = optObj<number[]>(p, "message_ids");
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100)
      throw badRequest("message identifiers are not specified");
    const found = ids.map((id) => state.liveMessage(chat.id, id)).filter((m): m is StoredMessage => !!m);
    if (!found.length) throw E.deleteNotFound();
    for (const m of found) if (canBotDelete(state, chat, m.message, m.fromBot) !== true) throw E.cantDelete();
    for (const m of found) m.deleted = true;
    return true;
  },

  copyMessage({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const from = sourceChat(state, p);
    const src = state.liveMessage(from.id, int(p, "message_id", "message identifier is not specified"));
    if (!src) throw E.copyNotFound();
    const content = copyContent(src.message);
    if (!content) throw E.cantCopy();
    const cap = textParams(p, "caption", "caption_entities");
    if (cap !== undefined && content.text === undefined) {
      delete content.caption_entities;
      if (cap.text) content.caption = cap.text;
      else delete content.caption;
      if (cap.entities) content.caption_entities = cap.entities;
    }
    if (optBool(p, "remove_caption")) {
      delete content.caption;
      delete content.caption_entities;
    }
    assertCanSend(state, chat, permissionFor(content));
    return { message_id: post(state, chat, p, content).message.message_id };
  },

  copyMessages({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const from = sourceChat(state, p);
    const ids = optObj<number[]>(p, "message_ids");
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100)
      throw badRequest("message identifiers are not specified");
    const srcs = [...ids]
      .sort((a, b) => a - b)
      .map((id) => state.liveMessage(from.id, id))
      .filter((m): m is StoredMessage => !!m && !!copyContent(m.message));
    if (!srcs.length) throw E.copyNotFound();
    assertCanSend(state, chat);
    const groups = new Map<string, string>();
    return srcs.map((s) => {
      const content = copyContent(s.message) as Partial<Message>;
      if (optBool(p, "remove_caption")) delete content.caption;
      const g = s.message.media_group_id;
      if (g) {
        if (!groups.has(g)) groups.set(g, `${g}c${groups.size}`);
        content.media_group_id = groups.get(g);
      }
      return { message_id: post(state, chat, { ...p, reply_markup: undefined }, content).message.message_id };
    });
  },

  forwardMessage({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const from = sourceChat(state, p);
    const src = state.liveMessage(from.id, int(p, "message_id", "message identifier is not specified"));
    if (!src) throw E.forwardNotFound();
    const content = copyContent(src.message);
    if (!content) throw E.cantForward();
    assertCanSend(state, chat, permissionFor(content));
    return post(
      state,
      chat,
      { ...p, reply_markup: undefined },
      { ...content, forward_origin: forwardOrigin(state, src.message) },
    ).message;
  },

  sendChatAction({ state }, p) {
    const chat = state.apiChat(chatIdParam(p));
    const action = optStr(p, "action");
    const valid = [
      "typing",
      "upload_photo",
      "record_video",
      "upload_video",
      "record_voice",
      "upload_voice",
      "upload_document",
      "choose_sticker",
      "find_location",
      "record_video_note",
      "upload_video_note",
    ];
    if (!action || !valid.includes(action)) throw badRequest("wrong parameter action in request");
    assertCanSend(state, chat);
    return true;
  },
};
