import { core } from "./core.js";
import { news } from "./news.js";
import { sanctions } from "./sanctions.js";
import { verification } from "./verification.js";

/** The English catalogue is the source of the catalogue's shape. */
export const en = { core, verification, news, sanctions };
