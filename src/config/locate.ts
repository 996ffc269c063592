import { existsSync } from "node:fs";
import type { Environment } from "./environment.js";

export const DEFAULT_CONFIG = "config/chatwarden.yaml";
export const EXAMPLE_CONFIG = "config/chatwarden.example.yaml";

/**
 * `--config`, else CHATWARDEN_CONFIG, else config/chatwarden.yaml; on a fresh clone, where that file
 * does not exist yet, the commented example (so `npm start` works at once).
 */
export function findConfigFile(
  flag: string | undefined,
  env: Environment,
): { file: string; fallback: boolean; wanted: string } {
  const wanted = flag ?? env.configPath ?? DEFAULT_CONFIG;
  if (!flag && !env.configPath && !existsSync(wanted) && existsSync(EXAMPLE_CONFIG)) {
    return { file: EXAMPLE_CONFIG, fallback: true, wanted };
  }
  return { file: wanted, fallback: false, wanted };
}
