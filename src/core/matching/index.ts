export { buildMatcher } from "./matcher.js";
export type { Matcher, MatcherOptions, TermMatch, TermSpec } from "./matcher.js";
export { foldForDisplay } from "./fold.js";
