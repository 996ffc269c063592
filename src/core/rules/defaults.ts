import type { CategorySettings } from "./category.js";

/**
 * The categories a community gets when its config names none. The terms are the starter lists of
 * config/terms/<category>.txt, built in so that a fresh install demonstrates content rules without any
 * file; test/core/rules/defaults.test.ts keeps both in step. Communities are expected to curate their
 * own lists: these are short, illustrative and English/Chinese only.
 *
 * They are the schema default of `rules.categories`: once a community configures any category, these
 * no longer apply (list the ones you want to keep, e.g. with `term_files: [config/terms/spam.txt]`), and
 * `categories: {}` turns them all off.
 */
export const defaultCategories: Readonly<Record<string, CategorySettings>> = {
  terrorism: category({
    points: 10,
    action: "delete",
    jump_to: "ban",
    terms: [
      "join isis",
      "isis recruitment",
      "pledge allegiance to isis",
      "爆炸袭击",
      "加入伊斯兰国",
      "圣战招募",
    ],
  }),
  violence: category({
    points: 3,
    action: "delete",
    terms: ["i will kill you", "beat him to death", "我要杀了你", "砍死你", "打死他"],
  }),
  pornography: category({
    points: 3,
    action: "delete",
    terms: ["free porn videos", "xxx videos", "nude pics for sale", "色情视频", "裸聊", "约炮"],
  }),
  /** Slander and rumours: a human decides, so a hit holds the message for review. */
  slander: category({
    points: 2,
    action: "hold",
    terms: [
      "share before they delete this",
      "spread this before it gets deleted",
      "紧急扩散",
      "不转不是中国人",
    ],
  }),
  spam: category({
    points: 1,
    action: "delete",
    terms: [
      "free crypto",
      "crypto giveaway",
      "double your bitcoin",
      "加微信",
      "加我微信",
      "免费领取",
      "刷单兼职",
    ],
  }),
};

function category(c: Partial<CategorySettings> & Pick<CategorySettings, "terms">): CategorySettings {
  return { term_files: [], patterns: [], domains: [], points: 1, action: "delete", ...c };
}

/** A fresh copy of the defaults (the config loader extends each category's `terms` in place). */
export function defaultCategorySettings(): Record<string, CategorySettings> {
  return Object.fromEntries(
    Object.entries(defaultCategories).map(([name, c]) => [
      name,
      {
        ...c,
        terms: [...c.terms],
        term_files: [...c.term_files],
        patterns: [...c.patterns],
        domains: [...c.domains],
      },
    ]),
  );
}
