import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

/** Everything chatwarden takes from the environment. Only this module reads process.env. */
export interface Environment {
  configPath?: string;
  secret?: string;
  telegramToken?: string;
  telegramApiRoot?: string;
  telegramWebhookSecret?: string;
  logLevel?: string;
  /** CHATWARDEN_STORAGE_URL: replaces `storage.url` (keeps a database password out of the config file). */
  storageUrl?: string;
  /**
   * Any other variable the configuration names (e.g. verification.external.token_env): the config file
   * says which variable, the environment holds the secret.
   */
  variable?: (name: string) => string | undefined;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const variable = (name: string) => nonEmpty(env[name]);
  const nonEmpty = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
  return {
    configPath: nonEmpty(env.CHATWARDEN_CONFIG),
    secret: nonEmpty(env.CHATWARDEN_SECRET),
    telegramToken: nonEmpty(env.TELEGRAM_BOT_TOKEN),
    telegramApiRoot: nonEmpty(env.TELEGRAM_API_ROOT)?.replace(/\/+$/, ""),
    telegramWebhookSecret: nonEmpty(env.TELEGRAM_WEBHOOK_SECRET),
    logLevel: nonEmpty(env.LOG_LEVEL),
    storageUrl: nonEmpty(env.CHATWARDEN_STORAGE_URL),
    variable,
  };
}

export const SECRET_FILE = "secret.key";

/**
 * The key material: CHATWARDEN_SECRET when set; otherwise a secret file under the data directory,
 * created on first run (mode 0600). Production deployments should set CHATWARDEN_SECRET.
 */
export function resolveSecret(
  env: Environment,
  dataDir: string,
): { secret: string; source: "environment" | "file" | "created"; file?: string } {
  if (env.secret) {
    if (env.secret.length < 16)
      throw new Error("CHATWARDEN_SECRET: expected at least 16 characters of random key material");
    return { secret: env.secret, source: "environment" };
  }
  const file = join(dataDir, SECRET_FILE);
  if (existsSync(file)) return { secret: readFileSync(file, "utf8").trim(), source: "file", file };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return { secret, source: "created", file };
}
