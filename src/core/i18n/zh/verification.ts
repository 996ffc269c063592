import type { Catalogue } from "../translator.js";

export const verification = {
} satisfies Catalogue["verification"];
