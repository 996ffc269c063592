/**
 * A set of news domains that matches a host or any of its parents.
 *
 * Lookup walks parent domains (`a.b.example.com` → `b.example.com` →
 * `example.com` → `com`) in a Set, so it costs a handful of hash lookups per
 * link and never matches on a mere string suffix (`notexample.com` is not
 * `example.com`).
 *
 * @example
 * const news = buildDomainList(parseDomainListText("# news\nreuters.com\n*.bbc.co.uk\n"));
 * news.has("www.reuters.com") // "reuters.com"
 * news.has("notreuters.com")  // null
 */
import { foldHost, hostOf } from "./links.js";

export interface DomainList {
  /** The listed domain that `host` equals or is a subdomain of, or null. */
  has(host: string): string | null;
  /** Number of distinct folded entries. */
  readonly size: number;
}

/**
 * Folds one entry: NFKC, full stops → `.`, lower-case, leading `*.`/`.` and
 * trailing dots stripped. An entry written as a URL (`https://x.com/news`)
 * keeps only its host. Returns "" for an unusable entry.
 */
export function foldDomainEntry(entry: string): string {
  const trimmed = entry.trim();
  if (trimmed.includes("/")) return hostOf(trimmed) ?? "";
  return foldHost(trimmed);
}

export function buildDomainList(domains: Iterable<string>): DomainList {
  const set = new Set<string>();
  for (const d of domains) {
    const folded = foldDomainEntry(d);
    if (folded !== "" && !/\s/.test(folded)) set.add(folded);
  }
  return {
    size: set.size,
    has(host: string): string | null {
      let h = foldHost(host);
      for (;;) {
        if (set.has(h)) return h;
        const dot = h.indexOf(".");
        if (dot === -1) return null;
        h = h.slice(dot + 1);
      }
    },
  };
}

/** One domain per line; `#` starts a comment (whole line or after an entry); blank lines are ignored. */
export function parseDomainListText(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const hash = line.indexOf("#");
    const entry = (hash === -1 ? line : line.slice(0, hash)).trim();
    if (entry !== "") out.push(entry);
  }
  return out;
}
