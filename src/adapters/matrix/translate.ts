import type { CoreEvent, RepliedMessage } from "../../core/events.js";
import type { ChatKey } from "../../core/ids.js";
import type { Actor, MediaItem, PostContent } from "../../core/model/content.js";
import type { Instant } from "../../core/ports/clock.js";
import { matrixAccount, matrixChat, matrixMessageRef as matrixRef } from "./keys.js";
import { matrixMentions, matrixPills } from "./mentions.js";

/**
 * Matrix events (as the sync hands them over: plain JSON) as core events. Rooms are chats
 * (`matrix:!room:server`), users accounts (`matrix:@user:server`), events messages (id = event id,
 * `thread` = the thread root). The bot's own events translate to nothing; so do encrypted ones (the bot
 * cannot read them, see docs/matrix.md).
 */

/** An event of the sync, as much of it as translation reads. */
export interface MatrixEvent {
  type: string;
  sender: string;
  event_id: string;
  origin_server_ts?: number;
  state_key?: string;
  content: Record<string, unknown>;
  unsigned?: { prev_content?: Record<string, unknown>; [key: string]: unknown };
}

/** What translation asks the adapter besides the event. */
export interface TranslateEnv {
  botUserId: string;
  /** The room is the bot's direct chat with a member (not a community room). */
  isDirect(roomId: string): boolean;
  /**
   * Whether the user administers the room (power level, checked by the adapter). `fresh` asks for a
   * re-read of the room's power levels: presses and commands decide things.
   */
  isAdmin(roomId: string, userId: string, fresh: boolean): Promise<boolean>;
  /** The member's display name in the room, if the adapter knows it. */
  displayName(roomId: string, userId: string): Promise<string | undefined>;
  /** The button data a reaction key on one of the bot's messages stands for. */
  buttonData(eventId: string, key: string): Promise<string | undefined>;
  /** The author (and content) of a replied-to event, if it can be read. */
  repliedTo?(roomId: string, eventId: string): Promise<MatrixEvent | undefined>;
}

const MEDIA: Record<string, MediaItem["kind"]> = {
  "m.image": "photo",
  "m.video": "video",
  "m.audio": "audio",
  "m.file": "document",
};

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** `@alice:example.org` → `alice`: the name shown when the display name is unknown. */
export function localpart(userId: string): string {
  const colon = userId.indexOf(":");
  return userId.slice(1, colon > 0 ? colon : undefined) || userId;
}

/** A member as the core sees them: the display name given (else looked up), or the localpart. */
async function actorOf(
  roomId: string,
  userId: string,
  env: TranslateEnv,
  admin: boolean,
  knownName?: string,
): Promise<Actor> {
  const name = knownName ?? (await env.displayName(roomId, userId).catch(() => undefined));
  return {
    account: matrixAccount(userId),
    displayName: name || localpart(userId),
    username: userId.slice(1),
    isChatAdmin: admin,
  };
}

const at = (ev: MatrixEvent): { at?: Instant } =>
  typeof ev.origin_server_ts === "number" ? { at: ev.origin_server_ts as Instant } : {};

/** Removes the quoted fallback of a reply (`> <@a:b> …` lines, then a blank line) from a plain body. */
export function stripReplyFallback(body: string): string {
  if (!body.startsWith("> ")) return body;
  const lines = body.split("\n");
  let i = 0;
  while (i < lines.length && (lines[i] as string).startsWith(">")) i++;
  if (lines[i] === "") i++;
  return lines.slice(i).join("\n");
}

const stripHtmlReply = (html: string) => html.replace(/<mx-reply>[\s\S]*?<\/mx-reply>/gi, "");

const HREF = /<a\s[^>]*href\s*=\s*["'](https?:\/\/[^"']+)["']/gi;

/** Text, links, media (by mxc URI) and formatting of a message's content. */
export function contentOf(content: Record<string, unknown>): PostContent {
  const msgtype = str(content.msgtype);
  const rawBody = str(content.body) ?? "";
  const html = str(content.format) === "org.matrix.custom.html" ? str(content.formatted_body) : undefined;
  const mediaKind = msgtype ? MEDIA[msgtype] : undefined;
  const url = str(content.url) ?? str(obj(content.file)?.url);
  const media: MediaItem[] = mediaKind && url ? [{ kind: mediaKind, ref: url }] : [];
  // A media body is its file name unless `filename` is set apart from it: then the body is a caption.
  const filename = str(content.filename);
  const text = mediaKind
    ? filename !== undefined && filename !== rawBody
      ? rawBody
      : ""
    : stripReplyFallback(rawBody);
  const cleanHtml = html ? stripHtmlReply(html) : undefined;
  const links = cleanHtml
    ? [...cleanHtml.matchAll(HREF)]
        .map((m) => m[1] as string)
        .filter((u) => !u.startsWith("https://matrix.to/"))
    : [];
  return {
    text,
    links: [...new Set(links)],
    media,
    ...(cleanHtml && (!mediaKind || text)
      ? { formatting: { format: "org.matrix.custom.html", formatted_body: cleanHtml } }
      : {}),
  };
}

interface Relation {
  relType?: string;
  eventId?: string;
  key?: string;
  replyTo?: string;
  isFallingBack?: boolean;
}

function relationOf(content: Record<string, unknown>): Relation {
  const rel = obj(content["m.relates_to"]);
  if (!rel) return {};
  return {
    relType: str(rel.rel_type),
    eventId: str(rel.event_id),
    key: str(rel.key),
    replyTo: str(obj(rel["m.in_reply_to"])?.event_id),
    isFallingBack: rel.is_falling_back === true,
  };
}

/** `!name args` or `/name args` at the start of a body; names are lower-cased. */
export function parseCommand(body: string): { name: string; args: string; argsAt: number } | undefined {
  const m = /^[!/]([A-Za-z][A-Za-z0-9_]{0,31})(?=\s|$)/.exec(body);
  if (!m) return undefined;
  const rest = body.slice(m[0].length);
  const lead = rest.length - rest.trimStart().length;
  return { name: (m[1] as string).toLowerCase(), args: rest.trim(), argsAt: m[0].length + lead };
}

/** The members a command names, with offsets in `args` (pills, matrix.to links, typed ids). */
function commandMentions(content: Record<string, unknown>, body: string, argsAt: number, argsLength: number) {
  const html = str(content.formatted_body);
  const pills = html ? matrixPills(stripHtmlReply(html)) : [];
  return matrixMentions(body, pills)
    .filter((m) => m.offset >= argsAt && m.offset + m.length <= argsAt + argsLength)
    .map((m) => ({ ...m, offset: m.offset - argsAt }));
}

async function repliedOf(roomId: string, eventId: string, env: TranslateEnv): Promise<RepliedMessage> {
  const replied = await env.repliedTo?.(roomId, eventId).catch(() => undefined);
  const message = matrixRef(roomId, eventId);
  if (!replied) return { message };
  const name = await env.displayName(roomId, replied.sender).catch(() => undefined);
  const content = obj(replied.content);
  return {
    message,
    author: matrixAccount(replied.sender),
    authorName: name || localpart(replied.sender),
    ...(content && replied.type === "m.room.message" ? { content: contentOf(content) } : {}),
  };
}

async function fromMessage(roomId: string, ev: MatrixEvent, env: TranslateEnv): Promise<CoreEvent[]> {
  const rel = relationOf(ev.content);
  const direct = env.isDirect(roomId);
  if (rel.relType === "m.replace") {
    const replaced = obj(ev.content["m.new_content"]);
    if (direct || !rel.eventId || !replaced) return [];
    const content = contentOf(replaced);
    if (!content.text && !content.media.length) return [];
    return [
      {
        kind: "message_edited",
        message: matrixRef(roomId, rel.eventId),
        actor: await actorOf(roomId, ev.sender, env, await env.isAdmin(roomId, ev.sender, false)),
        content,
        ...at(ev),
      },
    ];
  }
  const thread = rel.relType === "m.thread" ? rel.eventId : undefined;
  const ref = matrixRef(roomId, ev.event_id, thread);
  const replyId = rel.replyTo && !(thread && rel.isFallingBack) ? rel.replyTo : undefined;
  const body = stripReplyFallback(str(ev.content.body) ?? "");
  const isText = ["m.text", "m.notice", "m.emote"].includes(str(ev.content.msgtype) ?? "");
  const command = isText ? parseCommand(body) : undefined;
  /** The command in a DM (no chat) or a room (its chat, and the message it replies to). */
  const commandEvent = (actor: Actor, where: { chat?: ChatKey; replyTo?: RepliedMessage }): CoreEvent[] =>
    command
      ? [
          {
            kind: "command",
            name: command.name,
            args: command.args,
            mentions: commandMentions(ev.content, body, command.argsAt, command.args.length),
            actor,
            ...(where.chat ? { chat: where.chat } : {}),
            message: ref,
            ...(where.replyTo ? { replyTo: where.replyTo } : {}),
            ...at(ev),
          },
        ]
      : [];
  if (direct) {
    const actor = await actorOf(roomId, ev.sender, env, false);
    if (command) return commandEvent(actor, {});
    return isText ? [{ kind: "private_message", actor, text: body, message: ref, ...at(ev) }] : [];
  }
  const actor = await actorOf(roomId, ev.sender, env, await env.isAdmin(roomId, ev.sender, !!command));
  const replyTo = replyId ? await repliedOf(roomId, replyId, env) : undefined;
  if (command) return commandEvent(actor, { chat: matrixChat(roomId), ...(replyTo ? { replyTo } : {}) });
  const content = contentOf(ev.content);
  if (!content.text && !content.media.length) return [];
  return [
    { kind: "message_posted", message: ref, actor, content, ...(replyTo ? { replyTo } : {}), ...at(ev) },
  ];
}

function fromSticker(roomId: string, ev: MatrixEvent, env: TranslateEnv): Promise<CoreEvent[]> | CoreEvent[] {
  const url = str(ev.content.url);
  if (!url || env.isDirect(roomId)) return [];
  return (async () => [
    {
      kind: "message_posted" as const,
      message: matrixRef(roomId, ev.event_id),
      actor: await actorOf(roomId, ev.sender, env, await env.isAdmin(roomId, ev.sender, false)),
      content: { text: "", links: [], media: [{ kind: "sticker" as const, ref: url }] },
      ...at(ev),
    },
  ])();
}

const IN = new Set(["join"]);

async function fromMembership(roomId: string, ev: MatrixEvent, env: TranslateEnv): Promise<CoreEvent[]> {
  const userId = ev.state_key;
  if (!userId || userId === env.botUserId || env.isDirect(roomId)) return [];
  const now = str(ev.content.membership);
  const before = str(ev.unsigned?.prev_content?.membership);
  const wasIn = before !== undefined && IN.has(before);
  const isIn = now !== undefined && IN.has(now);
  if (!wasIn && isIn) {
    const admin = await env.isAdmin(roomId, userId, false);
    return [
      {
        kind: "member_joined",
        chat: matrixChat(roomId),
        actor: await actorOf(roomId, userId, env, admin, str(ev.content.displayname) ?? ""),
        ...at(ev),
      },
    ];
  }
  if (wasIn && !isIn) {
    return [
      {
        kind: "member_left",
        chat: matrixChat(roomId),
        account: matrixAccount(userId),
        removed: ev.sender !== userId || now === "ban",
        ...at(ev),
      },
    ];
  }
  return [];
}

async function fromReaction(roomId: string, ev: MatrixEvent, env: TranslateEnv): Promise<CoreEvent[]> {
  const rel = relationOf(ev.content);
  if (rel.relType !== "m.annotation" || !rel.eventId || !rel.key) return [];
  const data = await env.buttonData(rel.eventId, rel.key);
  if (data === undefined) return [];
  const direct = env.isDirect(roomId);
  const admin = direct ? false : await env.isAdmin(roomId, ev.sender, true);
  return [
    {
      kind: "button_pressed",
      data,
      actor: await actorOf(roomId, ev.sender, env, admin),
      ...(direct ? {} : { chat: matrixChat(roomId) }),
      message: matrixRef(roomId, rel.eventId),
      ...at(ev),
    },
  ];
}

/** One room event → the core events it means (none for what the core does not care about). */
export async function translateEvent(
  roomId: string,
  ev: MatrixEvent,
  env: TranslateEnv,
): Promise<CoreEvent[]> {
  if (!ev || typeof ev.sender !== "string" || !obj(ev.content)) return [];
  if (ev.type === "m.room.member") return fromMembership(roomId, ev, env);
  if (ev.sender === env.botUserId) return [];
  switch (ev.type) {
    case "m.room.message":
      return fromMessage(roomId, ev, env);
    case "m.sticker":
      return fromSticker(roomId, ev, env);
    case "m.reaction":
      return fromReaction(roomId, ev, env);
    default:
      return [];
  }
}
