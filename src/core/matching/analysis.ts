import type { PostContent } from "../model/content.js";
import { extractLinks, hostOf, type FoundLink } from "../news/links.js";
import { foldText, type FoldedText } from "./fold.js";
import type { Matcher, TermMatch } from "./matcher.js";

/** A link of a post: found in its text (with where), or reported by the platform apart from the text. */
export interface PostLink {
  url: string;
  host: string;
  /** UTF-16 offsets in the original text; absent for links the platform reported. */
  start?: number;
  end?: number;
}

/**
 * What every module asks of a message, worked out once: the text folded for matching, the links in
 * it, their hosts, and the matches of each matcher run over it. The access gate, the content rules
 * and the news classifier look at the same message; with this they fold it and extract its links
 * once instead of each on their own. Each part is computed on first use.
 */
export interface MessageAnalysis {
  readonly text: string;
  /** The text folded as the matchers fold it (a copy owned by this analysis). */
  folded(): FoldedText;
  /** The folded text as a string (what patterns also run on). */
  foldedString(): string;
  /** Links found in the text (folded: full-width letters and ideographic dots undone). */
  textLinks(): readonly FoundLink[];
  /** Links in the text, then the ones the platform reported, each with its host. */
  links(): readonly PostLink[];
  /** The distinct hosts of `links()`. */
  hosts(): readonly string[];
  /** Every match of `matcher` in the text (one run per matcher and message). */
  matches(matcher: Matcher): readonly TermMatch[];
}

const analyses = new WeakMap<PostContent, MessageAnalysis>();

/**
 * The analysis of a post's content, shared by every caller that passes the same content object (the
 * engine hands the same event to every module). Content is never changed after an adapter made it.
 */
export function analyze(content: PostContent): MessageAnalysis {
  let analysis = analyses.get(content);
  if (!analysis) {
    analysis = new Analysis(content);
    analyses.set(content, analysis);
  }
  return analysis;
}

class Analysis implements MessageAnalysis {
  readonly text: string;
  private foldedText?: FoldedText;
  private foldedStr?: string;
  private found?: readonly FoundLink[];
  private all?: readonly PostLink[];
  private distinctHosts?: readonly string[];
  private readonly byMatcher = new Map<Matcher, readonly TermMatch[]>();

  constructor(private readonly content: PostContent) {
    this.text = content.text;
  }

  folded(): FoldedText {
    if (!this.foldedText) {
      // foldText writes into a buffer it reuses: keep a copy of the used part.
      const f = foldText(this.text);
      this.foldedText = {
        units: f.units.slice(0, f.length),
        starts: f.starts.slice(0, f.length),
        ends: f.ends.slice(0, f.length),
        length: f.length,
      };
    }
    return this.foldedText;
  }

  foldedString(): string {
    if (this.foldedStr === undefined) {
      const { units, length } = this.folded();
      let s = "";
      for (let k = 0; k < length; k += 4096)
        s += String.fromCharCode(...units.subarray(k, Math.min(k + 4096, length)));
      this.foldedStr = s;
    }
    return this.foldedStr;
  }

  textLinks(): readonly FoundLink[] {
    this.found ??= this.text === "" ? [] : extractLinks(this.text);
    return this.found;
  }

  links(): readonly PostLink[] {
    if (!this.all) {
      const all: PostLink[] = [...this.textLinks()];
      for (const url of this.content.links) {
        const host = hostOf(url);
        if (host !== null) all.push({ url, host });
      }
      this.all = all;
    }
    return this.all;
  }

  hosts(): readonly string[] {
    this.distinctHosts ??= [...new Set(this.links().map((l) => l.host))];
    return this.distinctHosts;
  }

  matches(matcher: Matcher): readonly TermMatch[] {
    let found = this.byMatcher.get(matcher);
    if (!found) {
      found = this.text === "" || matcher.size === 0 ? [] : matcher.find(this.text, this);
      this.byMatcher.set(matcher, found);
    }
    return found;
  }
}
