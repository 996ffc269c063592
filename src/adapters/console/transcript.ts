import type { ForwardOrigin, MediaItem } from "../../core/model/content.js";
import { formatDuration, readDuration } from "../../core/settings/duration.js";
import type { PostOptions } from "./session.js";

/**
 * One line of a transcript: what members and admins do, in a line-oriented language shared by
 * `chatwarden simulate` and the console playground. docs/transcripts.md documents it.
 */
export type Step =
  | { kind: "wait"; ms: number }
  | { kind: "restart" }
  | { kind: "admin"; user: string; chat: string }
  | { kind: "language"; user: string; language: string }
  | { kind: "join"; user: string; chat: string }
  | { kind: "leave"; user: string; chat: string }
  | { kind: "request"; user: string; chat: string }
  | { kind: "say"; user: string; chat?: string; text: string; options: PostOptions }
  | { kind: "edit"; user: string; chat: string; id: string; text: string; options: PostOptions }
  | { kind: "tell"; user: string; text: string }
  | { kind: "press"; user: string; label: string; chat?: string; id?: string }
  | { kind: "contact"; user: string; phone: string; owner?: string };

export class TranscriptError extends Error {
  override readonly name = "TranscriptError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const NAME = String.raw`[\p{L}\p{N}_.@-]+`;
const CHAT = String.raw`[\p{L}\p{N}_.:@!#/-]+`;
const rx = (source: string) => new RegExp(`^${source}$`, "u");

const patterns: [RegExp, (m: RegExpExecArray) => Step][] = [
  [rx(String.raw`wait\s+(\S+)`), (m) => ({ kind: "wait", ms: duration(m[1] as string) })],
  [rx("restart"), () => ({ kind: "restart" })],
  [
    rx(`(${NAME})\\s+is\\s+admin\\s+(?:of|in)\\s+(${CHAT})`),
    (m) => ({ kind: "admin", user: g(m, 1), chat: g(m, 2) }),
  ],
  [
    rx(`(${NAME})\\s+speaks\\s+([a-zA-Z-]+)`),
    (m) => ({ kind: "language", user: g(m, 1), language: g(m, 2) }),
  ],
  [rx(`(${NAME})\\s+joins\\s+(${CHAT})`), (m) => ({ kind: "join", user: g(m, 1), chat: g(m, 2) })],
  [rx(`(${NAME})\\s+leaves\\s+(${CHAT})`), (m) => ({ kind: "leave", user: g(m, 1), chat: g(m, 2) })],
  [
    rx(`(${NAME})\\s+asks\\s+to\\s+join\\s+(${CHAT})`),
    (m) => ({ kind: "request", user: g(m, 1), chat: g(m, 2) }),
  ],
  [rx(`(${NAME})\\s+to\\s+bot:\\s?([\\s\\S]*)`), (m) => ({ kind: "tell", user: g(m, 1), text: g(m, 2) })],
  [
    rx(`(${NAME})\\s+edits\\s+#?(\\d+)\\s+in\\s+(${CHAT})((?:\\s+\\[[^\\]]*\\])*):\\s?([\\s\\S]*)`),
    (m) => ({
      kind: "edit",
      user: g(m, 1),
      id: g(m, 2),
      chat: g(m, 3),
      options: options(m[4] ?? ""),
      text: g(m, 5),
    }),
  ],
  [
    rx(`(${NAME})\\s+in\\s+(${CHAT})((?:\\s+\\[[^\\]]*\\])*):\\s?([\\s\\S]*)`),
    (m) => ({ kind: "say", user: g(m, 1), chat: g(m, 2), options: options(m[3] ?? ""), text: g(m, 4) }),
  ],
  [
    rx(`(${NAME})\\s+presses\\s+(?:"([^"]+)"|(\\S+))(?:\\s+on\\s+#?(\\d+)\\s+in\\s+(${CHAT}))?`),
    (m) => ({ kind: "press", user: g(m, 1), label: m[2] ?? g(m, 3), id: m[4], chat: m[5] }),
  ],
  [
    rx(`(${NAME})\\s+shares\\s+contact\\s+(\\+?[\\d\\s-]+?)(?:\\s+of\\s+(${NAME}))?`),
    (m) => ({ kind: "contact", user: g(m, 1), phone: g(m, 2).trim(), owner: m[3] }),
  ],
  [
    rx(`(${NAME})((?:\\s+\\[[^\\]]*\\])*):\\s?([\\s\\S]*)`),
    (m) => ({ kind: "say", user: g(m, 1), options: options(m[2] ?? ""), text: g(m, 3) }),
  ],
];

export const transcriptHelp = `Transcript lines (one per line; # starts a comment):
  alice in lobby: hello                  alice posts in lobby (a leading / makes it a command)
  alice: hello                           alice posts in the default chat
  alice in lobby [reply 3] [forward channel "Daily News"] [photo] [album a1] [thread 7] [link https://x.example]: text
  alice edits 3 in lobby: new text       alice edits her message #3
  alice to bot: /verify                  alice writes to the bot privately
  alice presses Accept                   alice presses a button in her private chat (newest message that has it)
  admin presses Approve on 5 in review   a button on message #5 in chat "review"
  alice shares contact +8613800000000    alice shares her own phone contact ("... of bob" shares bob's)
  alice joins lobby | alice leaves lobby | alice asks to join lobby
  alice is admin of lobby | alice speaks zh
  wait 2h                                the clock moves on; timers that come due fire
  restart                                the bot restarts on the same store`;

export function parseStep(line: string, lineNo = 1): Step | undefined {
  const text = line.trim();
  if (text === "" || text.startsWith("#")) return undefined;
  for (const [pattern, build] of patterns) {
    const m = pattern.exec(text);
    if (m) {
      try {
        return build(m);
      } catch (error) {
        throw new TranscriptError((error as Error).message, lineNo);
      }
    }
  }
  throw new TranscriptError(
    `cannot read ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)}: expected a line like "alice in lobby: hello" (see docs/transcripts.md)`,
    lineNo,
  );
}

/** Parses a whole transcript; collects every malformed line instead of stopping at the first. */
export function parseTranscript(source: string): {
  steps: { step: Step; line: number; text: string }[];
  errors: TranscriptError[];
} {
  const steps: { step: Step; line: number; text: string }[] = [];
  const errors: TranscriptError[] = [];
  source.split(/\r?\n/).forEach((text, i) => {
    try {
      const step = parseStep(text, i + 1);
      if (step) steps.push({ step, line: i + 1, text: text.trim() });
    } catch (error) {
      if (error instanceof TranscriptError) errors.push(error);
      else throw error;
    }
  });
  return { steps, errors };
}

function g(m: RegExpExecArray, i: number): string {
  return m[i] ?? "";
}

function duration(text: string): number {
  const read = readDuration(text);
  if (read.ok) return read.ms;
  throw new Error(
    read.reason === "too_long"
      ? `expected a duration up to ${formatDuration(read.max)}, got ${JSON.stringify(text)}`
      : `expected a duration like "2h" or "30m", got ${JSON.stringify(text)}`,
  );
}

const mediaKinds: MediaItem["kind"][] = [
  "photo",
  "video",
  "animation",
  "document",
  "audio",
  "voice",
  "sticker",
];

function options(text: string): PostOptions {
  const out: PostOptions = {};
  for (const [, raw] of text.matchAll(/\[([^\]]*)\]/g)) {
    const option = (raw ?? "").trim();
    const [word = "", ...rest] = option.split(/\s+/);
    const value = rest.join(" ");
    if (word === "reply") out.replyTo = value.replace(/^#/, "");
    else if (word === "forward") out.forwardedFrom = forward(value);
    else if (word === "album") out.albumId = value;
    else if (word === "thread") out.thread = value;
    else if (word === "link") out.links = [...(out.links ?? []), value];
    else if ((mediaKinds as string[]).includes(word))
      out.media = [...(out.media ?? []), word as MediaItem["kind"]];
    else
      throw new Error(
        `unknown option [${option}]: expected [reply N], [forward channel "Name"], [photo], [video], [document], [album ID], [thread ID] or [link URL]`,
      );
  }
  return out;
}

function forward(value: string): ForwardOrigin {
  const m = /^(channel|chat|user|hidden)(?:\s+"?([^"]*)"?)?$/.exec(value);
  if (!m)
    throw new Error(`expected [forward channel "Name"] (or chat, user, hidden), got [forward ${value}]`);
  return {
    kind: m[1] as ForwardOrigin["kind"],
    title: m[2] || undefined,
    id: m[2] ? m[2].toLowerCase().replace(/\s+/g, "_") : undefined,
  };
}
