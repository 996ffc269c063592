import type { MatrixClient } from "matrix-bot-sdk";
import type { Button, PostCard, Repost, Send, SendPrivate } from "../../core/decisions.js";
import type { MediaItem, MessageRef, PostContent } from "../../core/model/content.js";
import type { Logger } from "../../core/ports/logger.js";
import { asReactions, reactionLegend, type ReactionButton, type ReactionButtons } from "./buttons.js";
import { hasErrcode, MatrixRefusal } from "./failures.js";
import { eventIdOf, matrixMessageRef, roomIdOf, userIdOf } from "./keys.js";

type Content = Record<string, unknown>;

/** No pings: everything the bot sends carries an empty intentional-mentions block unless it names someone. */
const NO_MENTIONS = { "m.mentions": {} };

const MEDIA_TYPE: Record<MediaItem["kind"], string> = {
  photo: "m.image",
  sticker: "m.image",
  video: "m.video",
  animation: "m.video",
  audio: "m.audio",
  voice: "m.audio",
  document: "m.file",
  other: "m.file",
};

/** What a copy of a message keeps: the visible content, without relations (replies, threads, edits) or pings. */
const COPIED = ["msgtype", "body", "format", "formatted_body", "url", "info", "filename", "geo_uri"];

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A thread and/or reply relation for a new event. */
function relation(thread?: string, replyTo?: string): Content {
  if (thread !== undefined)
    return {
      "m.relates_to": {
        rel_type: "m.thread",
        event_id: thread,
        is_falling_back: replyTo === undefined,
        "m.in_reply_to": { event_id: replyTo ?? thread },
      },
    };
  if (replyTo !== undefined) return { "m.relates_to": { "m.in_reply_to": { event_id: replyTo } } };
  return {};
}

/** A redacted event keeps no content (or only what redaction preserves); the message is gone for us. */
export function isRedacted(event: { content?: Content; unsigned?: Content }): boolean {
  return event.unsigned?.redacted_because !== undefined || Object.keys(event.content ?? {}).length === 0;
}

/**
 * Sends, edits, copies and redacts messages for the executor. Bot texts are `m.notice` (clients and other
 * bots treat them as automatic); re-posts and copies keep the original's message type. Buttons become
 * reactions (see buttons.ts): a legend line, the bot's own reactions, and the mapping in the store.
 */
export class MatrixMessaging {
  constructor(
    private readonly client: MatrixClient,
    private readonly buttons: ReactionButtons,
    private readonly logger: Logger,
    private readonly botUserId: () => Promise<string>,
    /** The legend's verb in the room's language ("React", "回应"). */
    private readonly reactWord: (room: string) => string = () => "React",
  ) {}

  async send(d: Send): Promise<MessageRef[]> {
    const room = roomIdOf(d.chat);
    const content: Content = { msgtype: "m.notice", body: d.text, ...NO_MENTIONS };
    if (d.invite) {
      // Matrix has no "open a private chat" link: mention the member; the bot opens the DM itself.
      const user = userIdOf(d.invite.account);
      const rest = d.text.startsWith(d.invite.name) ? d.text.slice(d.invite.name.length) : ` ${d.text}`;
      content.format = "org.matrix.custom.html";
      content.formatted_body = `<a href="https://matrix.to/#/${escapeHtml(user)}">${escapeHtml(d.invite.name)}</a>${escapeHtml(rest).replace(/\n/g, "<br>")}`;
      content["m.mentions"] = { user_ids: [user] };
    }
    const id = await this.sendWithButtons(
      room,
      { ...content, ...relation(d.thread, d.replyTo?.id) },
      d.buttons,
    );
    return [matrixMessageRef(room, id, d.thread)];
  }

  /**
   * A DM: the bot's direct room with the member (kept in its `m.direct` account data by the SDK), made
   * when there is none or the member left it. A member who blocks invites (M_INVITE_BLOCKED) or a server
   * that refuses is `forbidden`; the room made for the failed invite is left again.
   */
  async sendPrivate(d: SendPrivate): Promise<MessageRef[]> {
    const user = userIdOf(d.account);
    const room = await this.client.dms.getOrCreateDm(user, (u) => this.createDm(u));
    const id = await this.sendWithButtons(
      room,
      { msgtype: "m.notice", body: d.text, ...NO_MENTIONS },
      d.buttons,
    );
    return [matrixMessageRef(room, id)];
  }

  private async createDm(user: string): Promise<string> {
    const room = await this.client.createRoom({ preset: "private_chat", is_direct: true });
    try {
      // The invite as a state event carries is_direct, so the member's client files it as a DM.
      await this.client.sendStateEvent(room, "m.room.member", user, {
        membership: "invite",
        is_direct: true,
      });
    } catch (error) {
      await this.client.leaveRoom(room).catch(() => undefined);
      await this.client.forgetRoom(room).catch(() => undefined);
      throw error;
    }
    return room;
  }

  /**
   * Copies of the preserved messages first (the originals are about to be redacted; media stay by their
   * mxc:// URI), then the card replying to the first copy. Refs: the card, then the copies. An original
   * that is gone already is skipped.
   */
  async postCard(d: PostCard): Promise<MessageRef[]> {
    const room = roomIdOf(d.chat);
    const copies: MessageRef[] = [];
    for (const ref of d.preserve ?? []) {
      const original = await this.event(roomIdOf(ref.chat), eventIdOf(ref));
      if (!original || isRedacted(original)) continue;
      const content: Content = { ...NO_MENTIONS };
      for (const key of COPIED) if (original.content[key] !== undefined) content[key] = original.content[key];
      if (typeof content.body !== "string") continue;
      const id = await this.client.sendMessage(room, content);
      copies.push(matrixMessageRef(room, id));
    }
    const card = await this.sendWithButtons(
      room,
      { msgtype: "m.notice", body: d.text, ...NO_MENTIONS, ...relation(undefined, copies[0]?.id) },
      d.buttons,
    );
    return [matrixMessageRef(room, card), ...copies];
  }

  /**
   * An `m.replace` edit of the card with the new text and buttons; the bot's reactions follow the
   * buttons (removed when there are none). A card that is gone is `not_found`.
   */
  async updateCard(card: MessageRef, text: string, buttons: Button[][]): Promise<void> {
    const room = roomIdOf(card.chat);
    const id = eventIdOf(card);
    const original = await this.event(room, id);
    if (!original || isRedacted(original))
      throw new MatrixRefusal("not_found", "the review card is gone (redacted or never there)");
    const reactions = asReactions(buttons);
    const body = this.withLegend(room, text, reactions);
    const msgtype = typeof original.content.msgtype === "string" ? original.content.msgtype : "m.notice";
    await this.client.sendMessage(room, {
      msgtype,
      body: `* ${body}`,
      "m.new_content": { msgtype, body, ...NO_MENTIONS },
      "m.relates_to": { rel_type: "m.replace", event_id: id },
      ...NO_MENTIONS,
    });
    await this.buttons.remember(room, id, reactions);
    await this.syncReactions(room, id, reactions);
  }

  /**
   * Re-posts held content as the bot: the attribution line, then each part's text (its HTML formatting
   * kept) and media by their mxc:// URI, in the original thread. Refs of every event sent.
   */
  async repost(d: Repost): Promise<MessageRef[]> {
    const room = roomIdOf(d.chat);
    const refs: MessageRef[] = [];
    let attribution: string | undefined = d.attribution;
    const send = async (content: Content) => {
      const id = await this.client.sendMessage(room, {
        ...content,
        ...NO_MENTIONS,
        ...relation(d.thread, refs.length === 0 ? d.replyTo : undefined),
      });
      refs.push(matrixMessageRef(room, id, d.thread));
    };
    for (const part of d.content) {
      const text = textOf(part);
      if (text || attribution !== undefined) await send(textContent(attribution, text, part));
      attribution = undefined;
      for (const media of part.media) {
        if (!media.ref.startsWith("mxc://")) continue;
        await send({ msgtype: MEDIA_TYPE[media.kind], body: media.kind, url: media.ref });
      }
    }
    if (attribution !== undefined) await send({ msgtype: "m.text", body: attribution });
    return refs;
  }

  /** Redactions; an event that is gone already counts as done. */
  async delete(refs: MessageRef[], reason?: string): Promise<void> {
    for (const ref of refs) {
      await this.client
        .redactEvent(roomIdOf(ref.chat), eventIdOf(ref), reason ?? null)
        .catch((error: unknown) => {
          if (!hasErrcode(error, "M_NOT_FOUND")) throw error;
        });
    }
  }

  /** The event, or undefined when the homeserver does not know it. */
  async event(
    room: string,
    id: string,
  ): Promise<{ content: Content; unsigned?: Content; sender: string } | undefined> {
    return this.client.getEvent(room, id).catch((error: unknown) => {
      if (hasErrcode(error, "M_NOT_FOUND")) return undefined;
      throw error;
    });
  }

  private withLegend(room: string, text: string, reactions: readonly ReactionButton[]): string {
    const legend = reactionLegend(reactions, this.reactWord(room));
    return legend ? `${text}\n\n${legend}` : text;
  }

  /**
   * Sends a message; with buttons, its legend, the mapping (before the reactions, so an early click
   * counts) and the bot's own reactions. A reaction that fails is logged: the message is out already.
   */
  private async sendWithButtons(room: string, content: Content, buttons?: Button[][]): Promise<string> {
    const reactions = asReactions(buttons ?? []);
    const body = this.withLegend(room, String(content.body), reactions);
    const html =
      typeof content.formatted_body === "string" && reactions.length
        ? {
            formatted_body: `${content.formatted_body}<br><br>${escapeHtml(reactionLegend(reactions, this.reactWord(room)))}`,
          }
        : {};
    const id = await this.client.sendMessage(room, { ...content, body, ...html });
    if (reactions.length) {
      await this.buttons.remember(room, id, reactions);
      await this.syncReactions(room, id, reactions, true);
    }
    return id;
  }

  /** Makes the bot's reactions on a message match the keys: adds missing ones, redacts stale ones. */
  private async syncReactions(
    room: string,
    id: string,
    reactions: readonly ReactionButton[],
    fresh = false,
  ): Promise<void> {
    try {
      const existing = new Map<string, string>();
      if (!fresh) {
        const bot = await this.botUserId();
        const { chunk } = (await this.client.getRelationsForEvent(
          room,
          id,
          "m.annotation",
          "m.reaction",
        )) as {
          chunk: { event_id: string; sender: string; content: Content }[];
        };
        for (const ev of chunk) {
          const key = (ev.content["m.relates_to"] as { key?: string } | undefined)?.key;
          if (ev.sender === bot && key) existing.set(key, ev.event_id);
        }
      }
      const wanted = new Set(reactions.map((r) => r.key));
      for (const [key, reaction] of existing)
        if (!wanted.has(key)) await this.client.redactEvent(room, reaction, null);
      for (const r of reactions)
        if (!existing.has(r.key))
          await this.client.sendEvent(room, "m.reaction", {
            "m.relates_to": { rel_type: "m.annotation", event_id: id, key: r.key },
          });
    } catch (error) {
      this.logger.warn(
        { room, err: error instanceof Error ? error.message : String(error) },
        "matrix: could not add the button reactions (the legend still names them)",
      );
    }
  }
}

/** A part's text with the links reported apart from it. */
function textOf(part: PostContent): string {
  const extra = part.links.filter((l) => !part.text.includes(l));
  return [part.text, ...extra].filter((s) => s.length > 0).join("\n");
}

function textContent(attribution: string | undefined, text: string, part: PostContent): Content {
  const body = [attribution, text].filter((s): s is string => !!s).join("\n");
  const formatting = part.formatting as { format?: unknown; formatted_body?: unknown } | undefined;
  if (formatting?.format === "org.matrix.custom.html" && typeof formatting.formatted_body === "string") {
    const head = attribution !== undefined ? `<p>${escapeHtml(attribution)}</p>` : "";
    return {
      msgtype: "m.text",
      body,
      format: "org.matrix.custom.html",
      formatted_body: `${head}${formatting.formatted_body}`,
    };
  }
  return { msgtype: "m.text", body };
}
