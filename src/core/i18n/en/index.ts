import { core } from "./core.js";
import { news } from "./news.js";
import { rules } from "./rules.js";
import { sanctions } from "./sanctions.js";
import { verification } from "./verification.js";

/** The English catalogue is the source of the catalogue's shape. */
export const en = { core, verification, rules, news, sanctions };
