import type { Catalogue } from "../translator.js";

export const sanctions = {
} satisfies Catalogue["sanctions"];
