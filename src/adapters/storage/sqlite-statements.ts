import type Database from "better-sqlite3";
import { StoreError } from "../../core/ports/store.js";

/** The embedded store's tables: values, set members, and time-ordered entries (timers). */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires INTEGER) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires) WHERE expires IS NOT NULL;
CREATE TABLE IF NOT EXISTS sets (name TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (name, member)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS timed (name TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL, payload TEXT NOT NULL,
  PRIMARY KEY (name, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS timed_due ON timed (name, at);
`;

/** A value as the text the store keeps; what JSON cannot hold is refused. */
export function json(value: unknown, key: string): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new StoreError(`cannot store ${typeof value} at ${key}`, "serialization");
  return text;
}

/** The key-value, set and time-ordered-set statements of the embedded store, prepared once per connection. */
export function kvStatements(db: Database.Database) {
  return {
    get: db.prepare<[string, number], { value: string; expires: number | null }>(
      "SELECT value, expires FROM kv WHERE key = ? AND (expires IS NULL OR expires > ?)",
    ),
    put: db.prepare<[string, string, number | null]>(
      "INSERT INTO kv (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires",
    ),
    del: db.prepare<[string]>("DELETE FROM kv WHERE key = ?"),
    delLive: db.prepare<[string, number]>(
      "DELETE FROM kv WHERE key = ? AND (expires IS NULL OR expires > ?)",
    ),
    sweep: db.prepare<[number]>("DELETE FROM kv WHERE expires IS NOT NULL AND expires <= ?"),
    sadd: db.prepare<[string, string]>("INSERT OR IGNORE INTO sets (name, member) VALUES (?, ?)"),
    srem: db.prepare<[string, string]>("DELETE FROM sets WHERE name = ? AND member = ?"),
    smembers: db.prepare<[string, string, number], { member: string }>(
      "SELECT member FROM sets WHERE name = ? AND member > ? ORDER BY member LIMIT ?",
    ),
    sismember: db.prepare<[string, string], { one: number }>(
      "SELECT 1 AS one FROM sets WHERE name = ? AND member = ?",
    ),
    scard: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM sets WHERE name = ?"),
    zput: db.prepare<[string, string, number, string]>(
      "INSERT INTO timed (name, id, at, payload) VALUES (?, ?, ?, ?) ON CONFLICT (name, id) DO UPDATE SET at = excluded.at, payload = excluded.payload",
    ),
    zdel: db.prepare<[string, string]>("DELETE FROM timed WHERE name = ? AND id = ?"),
    zdelAt: db.prepare<[string, string, number]>("DELETE FROM timed WHERE name = ? AND id = ? AND at = ?"),
    zget: db.prepare<[string, string], { id: string; at: number; payload: string }>(
      "SELECT id, at, payload FROM timed WHERE name = ? AND id = ?",
    ),
    zdue: db.prepare<[string, number, number], { id: string; at: number; payload: string }>(
      "SELECT id, at, payload FROM timed WHERE name = ? AND at <= ? ORDER BY at, id LIMIT ?",
    ),
    zlease: db.prepare<[number, string, string]>("UPDATE timed SET at = ? WHERE name = ? AND id = ?"),
    zmin: db.prepare<[string], { at: number | null }>("SELECT min(at) AS at FROM timed WHERE name = ?"),
    zcard: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM timed WHERE name = ?"),
  };
}
