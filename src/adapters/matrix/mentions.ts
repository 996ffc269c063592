import type { Mention } from "../../core/events.js";
import { accountKey } from "../../core/ids.js";

/**
 * Matrix names users by their full id, `@localpart:server` (the server may carry a port). Clients write a
 * mention as a "pill": in `formatted_body` a link `<a href="https://matrix.to/#/@alice:example.org">Alice</a>`,
 * and in the plain `body` usually just the link text (the display name). People also type the id itself, or
 * paste a matrix.to link. All three carry the account, so none needs a lookup: an id is an account even
 * when the bot never saw it (the ban then applies on the homeserver as usual).
 */
// Localparts are [a-z0-9._=-/+] today; older ids may hold capitals. The server ends in a letter or digit.
const USER_ID =
  /@[A-Za-z0-9._=\-/+]+:(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::\d{1,5})?/;
const MATRIX_TO = /https:\/\/matrix\.to\/#\/((?:@|%40)[^\s?"'<>]+)(?:\?[^\s"'<>]*)?/g;
const BARE_ID = new RegExp(`(?<![\\w/#@])${USER_ID.source}(?![\\w])`, "g");
const PILL = /<a\s[^>]*href\s*=\s*["'](https:\/\/matrix\.to\/#\/[^"']+)["'][^>]*>([\s\S]*?)<\/a>/gi;

/** `@alice:example.org` when `text` is exactly a user id (a percent-encoded one is decoded first). */
export function matrixUserId(text: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return undefined;
  }
  return new RegExp(`^${USER_ID.source}$`).test(decoded) ? decoded : undefined;
}

/** A pill from `formatted_body`: whom it names and the text shown for it. */
export interface MatrixPill {
  userId: string;
  label: string;
}

/** The user pills of an HTML `formatted_body`, in order (links to rooms and events are skipped). */
export function matrixPills(formattedBody: string): MatrixPill[] {
  const out: MatrixPill[] = [];
  for (const m of formattedBody.matchAll(PILL)) {
    const target = /^https:\/\/matrix\.to\/#\/([^?]+)/.exec(m[1] as string)?.[1] ?? "";
    const userId = matrixUserId(target);
    const label = unescapeHtml((m[2] as string).replace(/<[^>]*>/g, ""));
    if (userId) out.push({ userId, label });
  }
  return out;
}

/**
 * The members named in a plain `body`: matrix.to links, typed user ids, and the labels of the pills found
 * in the `formatted_body` (matched in order, each after the one before). Offsets are UTF-16, in `body`.
 */
export function matrixMentions(body: string, pills: readonly MatrixPill[] = []): Mention[] {
  const out: Mention[] = [];
  const taken = (at: number, length: number) =>
    out.some((x) => at < x.offset + x.length && x.offset < at + length);
  for (const m of body.matchAll(MATRIX_TO)) {
    const userId = matrixUserId(m[1] as string);
    if (userId) out.push({ account: accountKey("matrix", userId), offset: m.index, length: m[0].length });
  }
  let from = 0;
  for (const pill of pills) {
    if (!pill.label) continue;
    let at = body.indexOf(pill.label, from);
    while (at >= 0 && taken(at, pill.label.length)) at = body.indexOf(pill.label, at + 1);
    if (at < 0) continue;
    out.push({ account: accountKey("matrix", pill.userId), offset: at, length: pill.label.length });
    from = at + pill.label.length;
  }
  for (const m of body.matchAll(BARE_ID)) {
    if (taken(m.index, m[0].length)) continue;
    out.push({ account: accountKey("matrix", m[0]), offset: m.index, length: m[0].length });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}
