/** Texts of the verification module; zh/verification.ts mirrors these keys. */
export const verification = {
} as const;
