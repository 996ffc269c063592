/**
 * Decides whether a post is "news" under a community's news settings: a link into the news-domain
 * list (subdomains included, full-width letters and ideographic dots folded), any link when
 * `any_link` is on, a forward from a channel or another chat when `forwards` is on, or a configured
 * keyword (matched with the evasion-folding content matcher). Media captions are text.
 *
 * Pure: no I/O, no clock. The domain list and keyword matcher are built once per settings object
 * (the config loader hands out one object per chat policy) and cached in a WeakMap, because this runs
 * on every message of every chat.
 *
 * @example
 * classify({ text: "see ｎｅｗｓ．example。com/a", links: [], media: [] }, settings)
 * // → { category: "news", reasons: [{ kind: "news_domain", host: "news.example.com", domain: "example.com" }] }
 */
import { analyze, buildMatcher, type Matcher, type TermMatch } from "../matching/index.js";
import type { ForwardOrigin, PostContent } from "../model/content.js";
import { buildDomainList, type DomainList } from "./domain-list.js";
import type { NewsSettings } from "./settings.js";

export type NewsReason =
  | { kind: "news_domain"; host: string; domain: string }
  | { kind: "link"; host: string }
  | { kind: "forward"; from: ForwardOrigin["kind"]; title?: string }
  | { kind: "keyword"; term: string };

export interface Classification {
  /** "news" posts are held for approval; "ordinary" ones pass. */
  category: "news" | "ordinary";
  /** Why it is news (empty for ordinary posts), each reason once. */
  reasons: NewsReason[];
}

interface Compiled {
  domains: DomainList;
  keywords: Matcher | undefined;
}

const compiled = new WeakMap<NewsSettings, Compiled>();

function compile(settings: NewsSettings): Compiled {
  let c = compiled.get(settings);
  if (!c) {
    const terms = settings.keywords.map((term, id) => ({ term, id }));
    c = {
      domains: buildDomainList(settings.domains),
      keywords: terms.length > 0 ? buildMatcher(terms) : undefined,
    };
    compiled.set(settings, c);
  }
  return c;
}

/** Hosts of every link in a post: found in the text (folded) and reported by the platform. */
export function linkHosts(content: PostContent): string[] {
  return [...analyze(content).hosts()];
}

/** Forwards that count as news: from a channel or from another chat (not a member's own words). */
export function isNewsForward(origin: ForwardOrigin | undefined): origin is ForwardOrigin {
  return origin !== undefined && (origin.kind === "channel" || origin.kind === "chat");
}

/**
 * The keyword matches among all of a shared automaton's (ids from `base` on, one id per keyword; the ids
 * after them are the content-rule patterns' anchors).
 */
function keywordMatches(all: readonly TermMatch[], base: number, count: number): readonly TermMatch[] {
  let found: TermMatch[] | undefined;
  for (const m of all) if (m.id >= base && m.id < base + count) (found ??= []).push(m);
  return found ?? NONE;
}

const NONE: readonly TermMatch[] = Object.freeze([]);

/** What `classify` answers for an ordinary post (most): one frozen object, nothing made per message. */
const ORDINARY: Classification = Object.freeze({
  category: "ordinary",
  reasons: Object.freeze([]) as unknown as NewsReason[],
});

/**
 * Keywords matched by another automaton that holds them (the content rules', `compiledPolicy`): match ids
 * from `base` on are `terms[id - base]` (up to the last keyword); the ids before are the rules' own
 * terms, the ids after the patterns' anchors.
 */
export interface KeywordsIn {
  readonly matcher: Matcher;
  readonly base: number;
  readonly terms: readonly string[];
}

/**
 * `shared`: the same keywords in an automaton the message is walked with anyway (the engine passes the
 * policy's rules automaton), so the text is not walked a second time for them.
 */
export function classify(content: PostContent, settings: NewsSettings, shared?: KeywordsIn): Classification {
  const { domains, keywords } = compile(settings);
  const analysis = analyze(content);
  const hosts = analysis.hosts();
  const forward = settings.forwards && isNewsForward(content.forwardedFrom);
  const inShared = shared !== undefined && shared.terms === settings.keywords;
  const matches =
    keywords === undefined || content.text === ""
      ? undefined
      : inShared
        ? keywordMatches(analysis.matches(shared.matcher), shared.base, shared.terms.length)
        : analysis.matches(keywords);
  if (hosts.length === 0 && !forward && (matches === undefined || matches.length === 0)) return ORDINARY;
  const reasons: NewsReason[] = [];
  for (const host of hosts) {
    const domain = domains.has(host);
    if (domain !== null) reasons.push({ kind: "news_domain", host, domain });
    else if (settings.any_link) reasons.push({ kind: "link", host });
  }
  if (forward && content.forwardedFrom) {
    const { kind, title } = content.forwardedFrom;
    reasons.push(
      title === undefined ? { kind: "forward", from: kind } : { kind: "forward", from: kind, title },
    );
  }
  if (matches !== undefined && matches.length > 0) {
    const seen = new Set<number>();
    for (const m of matches) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      reasons.push({ kind: "keyword", term: m.term });
    }
  }
  return { category: reasons.length > 0 ? "news" : "ordinary", reasons };
}
