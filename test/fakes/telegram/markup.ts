import type { InlineKeyboardMarkup, MessageEntity } from "grammy/types";
import { badRequest } from "./errors.js";

/**
 * Text formatting as the Bot API does it: parse_mode (HTML, MarkdownV2, Markdown)
 * turned into plain text plus entities, with Telegram's parse errors; and the
 * entities Telegram detects by itself in what users send.
 */
export interface Formatted {
  text: string;
  entities?: MessageEntity[];
}

const byteOffset = (src: string, i: number): number => Buffer.byteLength(src.slice(0, i));
const parseError = (what: string) => badRequest(`can't parse entities: ${what}`);

export function formatText(
  text: string,
  parseMode: string | undefined,
  entities: MessageEntity[] | undefined,
): Formatted {
  if (parseMode === undefined || parseMode === "") {
    return entities?.length ? { text, entities } : { text };
  }
  const mode = parseMode.toLowerCase();
  const out =
    mode === "html"
      ? parseHtml(text)
      : mode === "markdownv2"
        ? parseMarkdown(text, true)
        : mode === "markdown"
          ? parseMarkdown(text, false)
          : undefined;
  if (!out) throw badRequest("unsupported parse_mode");
  return out.entities?.length ? out : { text: out.text };
}

const HTML_TAGS: Record<string, MessageEntity["type"]> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "text_link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
};
const HTML_ESCAPES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

function parseHtml(src: string): Formatted {
  const re = /<(\/?)([a-zA-Z-]*)([^>]*)>|&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/g;
  let text = "";
  let last = 0;
  const stack: { tag: string; start: number; attrs: string }[] = [];
  const entities: MessageEntity[] = [];
  for (let m = re.exec(src); m; m = re.exec(src)) {
    text += src.slice(last, m.index);
    last = re.lastIndex;
    if (m[4] !== undefined) {
      const e = m[4];
      text += e.startsWith("#x")
        ? String.fromCodePoint(parseInt(e.slice(2), 16))
        : e.startsWith("#")
          ? String.fromCodePoint(Number(e.slice(1)))
          : (HTML_ESCAPES[e] ?? "");
      continue;
    }
    const closing = m[1] === "/";
    const tag = (m[2] ?? "").toLowerCase();
    const attrs = m[3] ?? "";
    if (!closing) {
      if (!(tag in HTML_TAGS))
        throw parseError(`Unsupported start tag "${tag}" at byte offset ${byteOffset(src, m.index)}`);
      stack.push({ tag, start: text.length, attrs });
      continue;
    }
    const open = stack.pop();
    if (!open || open.tag !== tag) {
      throw parseError(
        `Unmatched end tag at byte offset ${byteOffset(src, m.index)}, expected "</${open?.tag ?? ""}>", found "</${tag}>"`,
      );
    }
    const length = text.length - open.start;
    if (length === 0) continue;
    const type = HTML_TAGS[tag] as MessageEntity["type"];
    const base = { offset: open.start, length };
    if (type === "text_link") {
      const href = /href\s*=\s*["']([^"']*)["']/i.exec(open.attrs)?.[1] ?? "";
      const uid = /^tg:\/\/user\?id=(\d+)$/.exec(href)?.[1];
      if (uid)
        entities.push({
          ...base,
          type: "text_mention",
          user: { id: Number(uid), is_bot: false, first_name: "" },
        });
      else entities.push({ ...base, type: "text_link", url: href });
    } else if (type === "blockquote" && /expandable/i.test(open.attrs)) {
      entities.push({ ...base, type: "expandable_blockquote" });
    } else if (type === "custom_emoji") {
      entities.push({
        ...base,
        type: "custom_emoji",
        custom_emoji_id: /emoji-id\s*=\s*["']?(\d+)/.exec(open.attrs)?.[1] ?? "",
      });
    } else if (type === "pre") {
      entities.push({ ...base, type: "pre" });
    } else {
      entities.push({ ...base, type } as MessageEntity);
    }
  }
  const unclosed = stack.pop();
  if (unclosed) throw parseError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  text += src.slice(last);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

const MDV2_RESERVED = "_*[]()~`>#+-=|{}.!";
const MD_NAMES: Record<string, [MessageEntity["type"], string]> = {
  "*": ["bold", "Bold"],
  _: ["italic", "Italic"],
  __: ["underline", "Underline"],
  "~": ["strikethrough", "Strikethrough"],
  "||": ["spoiler", "Spoiler"],
  "`": ["code", "Code"],
  "```": ["pre", "Pre"],
};

/** MarkdownV2 (strict: reserved characters must be escaped) and legacy Markdown. */
function parseMarkdown(src: string, v2: boolean): Formatted {
  let text = "";
  const entities: MessageEntity[] = [];
  const open = new Map<string, { start: number; at: number }>();
  let link: { start: number; at: number } | undefined;
  let i = 0;
  const markers = v2 ? ["```", "||", "__", "*", "_", "~", "`"] : ["```", "*", "_", "`"];
  while (i < src.length) {
    const ch = src[i] as string;
    const inCode = open.has("`") || open.has("```");
    if (ch === "\\" && (v2 || inCode) && i + 1 < src.length) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    const marker = markers.find((m) => src.startsWith(m, i) && (!inCode || open.has(m)));
    if (marker) {
      const o = open.get(marker);
      if (o) {
        open.delete(marker);
        const [type] = MD_NAMES[marker] as [MessageEntity["type"], string];
        if (text.length > o.start)
          entities.push({ type, offset: o.start, length: text.length - o.start } as MessageEntity);
      } else {
        open.set(marker, { start: text.length, at: i });
      }
      i += marker.length;
      continue;
    }
    if (!inCode && ch === "[") {
      link = { start: text.length, at: i };
      i++;
      continue;
    }
    if (!inCode && ch === "]" && link && src[i + 1] === "(") {
      const end = src.indexOf(")", i + 2);
      if (end < 0) throw parseError(`Can't find end of a url at byte offset ${byteOffset(src, i)}`);
      const url = src.slice(i + 2, end).replace(/\\(.)/g, "$1");
      if (text.length > link.start)
        entities.push({ type: "text_link", offset: link.start, length: text.length - link.start, url });
      link = undefined;
      i = end + 1;
      continue;
    }
    if (v2 && !inCode && MDV2_RESERVED.includes(ch) && !(ch === ">" && (i === 0 || src[i - 1] === "\n"))) {
      throw parseError(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    }
    if (!(v2 && ch === ">" && !inCode)) text += ch;
    i++;
  }
  for (const [m, o] of open) {
    const name = (MD_NAMES[m] as [string, string])[1];
    throw v2
      ? parseError(`Can't find end of ${name} entity at byte offset ${byteOffset(src, o.at)}`)
      : parseError(`Can't find end of the entity starting at byte offset ${byteOffset(src, o.at)}`);
  }
  if (link)
    throw parseError(`Can't find end of the entity starting at byte offset ${byteOffset(src, link.at)}`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

const TLDS =
  "com|org|net|io|me|ru|cn|xyz|info|top|co|app|dev|ly|gg|cc|tv|uk|de|jp|kr|hk|tw|us|link|site|online|club|vip|shop|live|biz|su|ua|in|fr|it";
const URL_RE = new RegExp(
  `(?:https?:\\/\\/[^\\s]+|\\b(?:[a-z0-9-]+\\.)+(?:${TLDS})\\b(?:\\/[^\\s]*)?)`,
  "gi",
);

/** Entities Telegram adds to user text by itself: commands, mentions, links. */
export function detectEntities(text: string): MessageEntity[] {
  const found: MessageEntity[] = [];
  for (const m of text.matchAll(/(^|\s)(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)/g)) {
    found.push({
      type: "bot_command",
      offset: (m.index ?? 0) + (m[1] ?? "").length,
      length: (m[2] ?? "").length,
    });
  }
  for (const m of text.matchAll(/(^|[^\w@])(@[A-Za-z][A-Za-z0-9_]{3,31})\b/g)) {
    found.push({
      type: "mention",
      offset: (m.index ?? 0) + (m[1] ?? "").length,
      length: (m[2] ?? "").length,
    });
  }
  for (const m of text.matchAll(URL_RE)) {
    const url = m[0].replace(/[.,!?;:)\]]+$/, "");
    const at = m.index ?? 0;
    if (text[at - 1] === "@" || found.some((e) => at >= e.offset && at < e.offset + e.length)) continue;
    found.push({ type: "url", offset: at, length: url.length });
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/** Validates reply_markup like Telegram; returns the inline part to keep on the message. */
export function checkReplyMarkup(markup: unknown, chatType: string): InlineKeyboardMarkup | undefined {
  if (markup === undefined) return undefined;
  if (typeof markup !== "object" || markup === null)
    throw badRequest("can't parse reply keyboard markup JSON object");
  const m = markup as Record<string, unknown>;
  if ("inline_keyboard" in m) {
    const rows = m["inline_keyboard"];
    if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r)))
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array');
    for (const row of rows as Record<string, unknown>[][]) {
      for (const b of row) {
        if (typeof b["text"] !== "string" || b["text"] === "")
          throw badRequest("text buttons are unallowed in the inline keyboard");
        const data = b["callback_data"];
        if (
          data !== undefined &&
          (typeof data !== "string" || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > 64)
        )
          throw badRequest("BUTTON_DATA_INVALID");
        const url = b["url"];
        if (url !== undefined && (typeof url !== "string" || !/^(https?|tg):\/\/\S+$/i.test(url)))
          throw badRequest(`inline keyboard button URL '${String(url)}' is invalid: Wrong HTTP URL`);
        const actions = [
          "callback_data",
          "url",
          "web_app",
          "login_url",
          "switch_inline_query",
          "switch_inline_query_current_chat",
          "switch_inline_query_chosen_chat",
          "copy_text",
          "callback_game",
          "pay",
        ];
        if (!actions.some((a) => a in b))
          throw badRequest("text buttons are unallowed in the inline keyboard");
      }
    }
    return (rows as unknown[][]).length ? (m as unknown as InlineKeyboardMarkup) : undefined;
  }
  if ("keyboard" in m) {
    const rows = m["keyboard"];
    if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r)))
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array');
    for (const row of rows as unknown[][]) {
      for (const b of row) {
        if (
          typeof b === "object" &&
          b !== null &&
          (b as Record<string, unknown>)["request_contact"] &&
          chatType !== "private"
        ) {
          throw badRequest("phone number can be requested in private chats only");
        }
      }
    }
    return undefined;
  }
  if ("remove_keyboard" in m || "force_reply" in m) return undefined;
  throw badRequest('can\'t find field "inline_keyboard"');
}
