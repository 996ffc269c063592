export { buildMatcher } from "./matcher.js";
export type { FoldedSource, Matcher, MatcherOptions, TermMatch, TermSpec } from "./matcher.js";
export { analyze, type MessageAnalysis, type PostLink } from "./analysis.js";
export { foldForDisplay } from "./fold.js";
