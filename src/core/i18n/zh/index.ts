import type { Catalogue } from "../catalogue.js";
import { core } from "./core.js";
import { news } from "./news.js";
import { rules } from "./rules.js";
import { sanctions } from "./sanctions.js";
import { verification } from "./verification.js";

/** 简体中文. The type checker holds it to exactly the English keys. */
export const zh: Catalogue = { core, verification, rules, news, sanctions };
