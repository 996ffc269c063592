export { rulesModule } from "./module.js";
export { compiledRulesFor, compileRules, mostSevere, severity } from "./compile.js";
export type { CompiledCategory, CompiledRules, RuleHit } from "./compile.js";
export { defaultCategories, defaultCategorySettings } from "./defaults.js";
export type { RuleHold } from "./holds.js";
