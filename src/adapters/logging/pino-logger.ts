import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DestinationStream, Logger as Pino } from "pino";
import { pino } from "pino";
import type { Logger } from "../../core/ports/logger.js";

/**
 * Fields that could carry personal data are removed from every log line, whatever a caller passes:
 * a second line of defence behind the rule that the core never logs names, ID numbers, phones or texts.
 */
export const redactedPaths = [
  "name",
  "legalName",
  "realName",
  "idNumber",
  "phone",
  "text",
  "*.name",
  "*.legalName",
  "*.realName",
  "*.idNumber",
  "*.phone",
  "*.text",
];

export function createPinoLogger(options: { level: string; destination?: DestinationStream }): Logger {
  const base = pino(
    { level: options.level, redact: { paths: redactedPaths, remove: true }, base: { app: "chatwarden" } },
    options.destination ?? pino.destination(2),
  );
  return wrap(base);
}

/** Log lines appended to a file (created 0600, its folder 0700): the playground keeps them off the terminal. */
export function fileDestination(path: string): DestinationStream {
  // pino's own `mkdir` would create the folder 0755 (the data dir, which also holds secret.key).
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  return pino.destination({ dest: path, sync: true, mode: 0o600 });
}

function wrap(p: Pino): Logger {
  return {
    debug: (fields, msg) => p.debug(fields, msg),
    info: (fields, msg) => p.info(fields, msg),
    warn: (fields, msg) => p.warn(fields, msg),
    error: (fields, msg) => p.error(fields, msg),
    child: (fields) => wrap(p.child(fields)),
  };
}
