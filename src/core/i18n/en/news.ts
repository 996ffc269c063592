/** Texts of the news module; zh/news.ts mirrors these keys. */
export const news = {
} as const;
