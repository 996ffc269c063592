/** Texts of the sanctions module; zh/sanctions.ts mirrors these keys. */
export const sanctions = {
} as const;
