/** Config fragments the hold tests share (YAML, for `consoleConfig`). */

/** News holds for reuters.com links, expiring after two days. */
export const NEWS = `news:
  enabled: true
  domains: ["reuters.com"]
  expire_after: 2d
`;

/** One content-rule category whose hits are held for review ("紧急扩散"). */
export const RULES = `rules:
  enabled: true
  categories:
    rumours:
      terms: ["紧急扩散"]
      action: hold
      points: 2
`;
