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

/**
 * The analyses of the last few messages, by their content object. Not a WeakMap: an entry there is an
 * ephemeron the garbage collector must trace specially, and one was made for every message. A message's
 * modules run one after another (at most a few messages interleave while one waits for the store), so the
 * last `RECENT` cover them; a content object that fell out is analysed again, which gives the same answers.
 */
const RECENT = 8;
const recentContents: (PostContent | undefined)[] = new Array<PostContent | undefined>(RECENT).fill(
  undefined,
);
const recentAnalyses: (Analysis | undefined)[] = new Array<Analysis | undefined>(RECENT).fill(undefined);
let nextSlot = 0;
const NO_LINKS: readonly never[] = Object.freeze([]);

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
  for (let i = 0; i < RECENT; i++) if (recentContents[i] === content) return recentAnalyses[i] as Analysis;
  const analysis = new Analysis(content);
  recentContents[nextSlot] = content;
  recentAnalyses[nextSlot] = analysis;
  nextSlot = nextSlot + 1 === RECENT ? 0 : nextSlot + 1;
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
  // The matches of the first two matchers run (the rules' and the news keywords'), then a map for more.
  private matcher1?: Matcher;
  private matches1?: readonly TermMatch[];
  private matcher2?: Matcher;
  private matches2?: readonly TermMatch[];
  private byMatcher?: Map<Matcher, readonly TermMatch[]>;

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
    if (this.found === undefined) {
      const found = this.text === "" ? NO_LINKS : extractLinks(this.text);
      this.found = found.length === 0 ? NO_LINKS : found;
    }
    return this.found;
  }

  links(): readonly PostLink[] {
    if (this.all === undefined) {
      const inText = this.textLinks();
      if (inText.length === 0 && this.content.links.length === 0) this.all = NO_LINKS;
      else {
        const all: PostLink[] = [...inText];
        for (const url of this.content.links) {
          const host = hostOf(url);
          if (host !== null) all.push({ url, host });
        }
        this.all = all;
      }
    }
    return this.all;
  }

  hosts(): readonly string[] {
    if (this.distinctHosts === undefined) {
      const links = this.links();
      this.distinctHosts = links.length === 0 ? NO_LINKS : [...new Set(links.map((l) => l.host))];
    }
    return this.distinctHosts;
  }

  matches(matcher: Matcher): readonly TermMatch[] {
    if (this.matcher1 === matcher) return this.matches1 as readonly TermMatch[];
    if (this.matcher2 === matcher) return this.matches2 as readonly TermMatch[];
    let found = this.byMatcher?.get(matcher);
    if (found === undefined) {
      found = this.text === "" || matcher.size === 0 ? NO_LINKS : matcher.find(this.text, this);
      if (this.matcher1 === undefined) {
        this.matcher1 = matcher;
        this.matches1 = found;
      } else if (this.matcher2 === undefined) {
        this.matcher2 = matcher;
        this.matches2 = found;
      } else (this.byMatcher ??= new Map()).set(matcher, found);
    }
    return found;
  }
}
