import type { Catalogue } from "../translator.js";

export const news = {
} satisfies Catalogue["news"];
