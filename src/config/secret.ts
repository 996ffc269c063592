import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MIN_SECRET_LENGTH } from "../core/ports/crypto.js";
import type { Environment } from "./environment.js";

export const SECRET_FILE = "secret.key";

/** The key material cannot be used as it is; the message says which source and what to do. */
export class SecretError extends Error {
  override readonly name = "SecretError";
}

export interface Secret {
  secret: string;
  source: "environment" | "file" | "created";
  file?: string;
}

const restore =
  "Restore it from a backup, or set CHATWARDEN_SECRET to the original secret; if the store holds no data yet, " +
  "delete the file and chatwarden creates a new one.";

/**
 * CHATWARDEN_SECRET when set, else the secret file under the data directory when it exists, else
 * undefined: whether a new file may be created depends on the store (see `createSecretFile`).
 */
export function readSecret(env: Environment, dataDir: string): Secret | undefined {
  if (env.secret) {
    if (env.secret.length < MIN_SECRET_LENGTH)
      throw new SecretError(
        `CHATWARDEN_SECRET: expected at least ${MIN_SECRET_LENGTH} characters of random key material, got ${env.secret.length} ` +
          "(make one with: openssl rand -base64 32)",
      );
    return { secret: env.secret, source: "environment" };
  }
  const file = join(dataDir, SECRET_FILE);
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SecretError(`${file}: cannot read the secret file (${(error as NodeJS.ErrnoException).code})`);
  }
  if (process.platform !== "win32" && (mode & 0o077) !== 0)
    throw new SecretError(
      `${file} is readable by other users (mode ${(mode & 0o777).toString(8).padStart(4, "0")}): it unlocks the stored ` +
        `identities. Run: chmod 600 ${file}`,
    );
  let secret: string;
  try {
    secret = readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new SecretError(`${file}: cannot read the secret file (${(error as NodeJS.ErrnoException).code})`);
  }
  if (secret === "") throw new SecretError(`${file}: the secret file is empty. ${restore}`);
  if (secret.length < MIN_SECRET_LENGTH)
    throw new SecretError(
      `${file}: expected at least ${MIN_SECRET_LENGTH} characters of key material, got ${secret.length}. ${restore}`,
    );
  return { secret, source: "file", file };
}

/** A new random secret file (mode 0600, in a 0700 data directory). Only for a store that holds no data. */
export function createSecretFile(dataDir: string): Secret {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SECRET_FILE);
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  return { secret, source: "created", file };
}

/** Said when the secret file is gone but the store still holds data sealed with the old key. */
export function missingSecretMessage(dataDir: string, store: string): string {
  const file = join(dataDir, SECRET_FILE);
  return (
    `${file} is missing, but the store ${store} already holds data sealed with a key. Restore the old ` +
    `${SECRET_FILE} from a backup, or set CHATWARDEN_SECRET to the original secret: a new key could not read that ` +
    `data, so none was created. To start over without the data, move ${store} away first.`
  );
}

/**
 * SQLite stores with content in the data directory. A run on another store (the playground's fresh
 * in-memory one) must not create a key either while these hold data sealed with the missing one.
 */
export function storesWithData(dataDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith(".sqlite"))
    .map((name) => join(dataDir, name))
    .filter((file) => {
      try {
        return statSync(file).size > 0;
      } catch {
        return false;
      }
    });
}
