import type { en } from "./en/index.js";

/** The catalogue shape: every language has exactly the keys of the English one. */
export type Catalogue = { [K in keyof typeof en]: { [M in keyof (typeof en)[K]]: string } };
