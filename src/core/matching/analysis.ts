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
  /** The text folded as the matchers fold it: read it at once (the buffer is shared by every analysis). */
  folded(): FoldedText;
  /** The folded text as a string (what patterns also run on). */
  foldedString(): string;
  /**
   * Whether the folded text differs from the text in more than the case of ASCII letters. When it does
   * not, a case-insensitive pattern finds on it exactly what it finds on the text, so it need not run
   * again (nor the folded string be built).
   */
  foldChanges(): boolean;
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

const buffer: FoldedText = {
  units: new Uint16Array(1024),
  starts: new Int32Array(1024),
  ends: new Int32Array(1024),
  length: 0,
};
/** The analysis whose text `buffer` holds folded (by its number). */
let holder = 0;
let analysesMade = 0;

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
  private readonly id = ++analysesMade;
  private foldedStr?: string;
  private changes?: boolean;
  private found?: readonly FoundLink[];
  private all?: readonly PostLink[];
  private distinctHosts?: readonly string[];
  private readonly byMatcher = new Map<Matcher, readonly TermMatch[]>();

  constructor(private readonly content: PostContent) {
    this.text = content.text;
  }

  folded(): FoldedText {
    // One buffer for every analysis: copying the fold out cost more than the fold. The analysis that
    // folded into it last may use it; another re-folds (only when messages interleave across awaits).
    // Callers read it synchronously (a matcher's walk, `foldedString`).
    if (holder !== this.id) {
      foldText(this.text, buffer);
      holder = this.id;
    }
    return buffer;
  }

  foldedString(): string {
    if (this.foldedStr === undefined) {
      const { units, length } = this.folded();
      let s = "";
      for (let k = 0; k < length; k += 4096)
        s += String.fromCharCode.apply(null, units.subarray(k, Math.min(k + 4096, length)) as never);
      this.foldedStr = s;
    }
    return this.foldedStr;
  }

  foldChanges(): boolean {
    if (this.changes === undefined) {
      const { units, length } = this.folded();
      const text = this.text;
      let changes = length !== text.length;
      for (let k = 0; !changes && k < length; k++) {
        const u = units[k] as number;
        const c = text.charCodeAt(k);
        if (u !== c) changes = (u | 0x20) !== (c | 0x20) || (u | 0x20) < 0x61 || (u | 0x20) > 0x7a;
      }
      this.changes = changes;
    }
    return this.changes;
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
