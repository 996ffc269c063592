import pg from "pg";
import { ReadCache, type Cached } from "./read-cache.js";

/** The channel the `cw_kv` trigger notifies with the changed key ("" when the key is too long to send). */
export const KV_CHANNEL = "cw_kv";

/**
 * Every write of `cw_kv`, by any process (migrate included), notifies the key on commit. NOTIFY payloads
 * stop at 8,000 bytes: a longer key sends "", which drops every cached value.
 */
export const KV_NOTIFY_SCHEMA = [
  `CREATE OR REPLACE FUNCTION cw_kv_notify() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE k text := CASE WHEN TG_OP = 'DELETE' THEN OLD.key ELSE NEW.key END;
   BEGIN
     PERFORM pg_notify('${KV_CHANNEL}', CASE WHEN octet_length(k) < 7900 THEN k ELSE '' END);
     RETURN NULL;
   END $$`,
  `CREATE OR REPLACE TRIGGER cw_kv_changed AFTER INSERT OR UPDATE OR DELETE ON cw_kv
     FOR EACH ROW EXECUTE FUNCTION cw_kv_notify()`,
];

/**
 * Plain reads of one PostgreSQL store served from a per-process cache kept right by LISTEN/NOTIFY: a
 * connection of its own listens on `cw_kv`, and the table's trigger notifies every key written, deleted
 * or swept, by whichever process. What this process writes it forgets at once, before and after the
 * write, so it reads its own writes. While the listening connection is down nothing is cached (and what
 * was is dropped: notifications may have been missed); it reconnects by itself.
 *
 * A notification and a query's answer travel on different connections; an `epoch` counts
 * notifications, and a value is cached only if none came while it was being read.
 */
export class PostgresReadCache {
  private readonly cache: ReadCache;
  private epoch = 0;
  private listening = false;
  private closed = false;
  private client: pg.Client | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: string,
    capacity: number,
    private readonly onError?: (error: Error) => void,
  ) {
    this.cache = new ReadCache(capacity);
  }

  /** Connects the listener; resolves once it listens (or throws when PostgreSQL is unreachable). */
  async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5_000 });
    this.client = client;
    const lost = (error?: Error) => {
      if (error) this.onError?.(error);
      if (this.client !== client) return;
      this.reset();
      this.client = undefined;
      client.end().catch(() => {});
      if (!this.closed) this.retry = setTimeout(() => this.relisten(), 1_000);
    };
    client.on("error", lost);
    client.on("end", () => lost());
    client.on("notification", (n) => {
      if (n.channel === KV_CHANNEL) this.invalidate(n.payload ?? "");
    });
    await client.connect();
    await client.query(`LISTEN ${KV_CHANNEL}`);
    this.reset();
    this.listening = true;
  }

  /**
   * The cached entry of `key`, or what `read` finds (cached when no notification came meanwhile).
   * `read` gives the live row: its JSON text and expiry, or undefined.
   */
  async get(
    key: string,
    now: number,
    read: () => Promise<{ value: string; expires: string | null } | undefined>,
  ): Promise<Cached> {
    const cached = this.cache.get(key, now);
    if (cached) return cached;
    const epoch = this.epoch;
    const row = await read();
    const entry: Cached = row
      ? { json: row.value, expires: row.expires === null ? null : Number(row.expires) }
      : { json: null, expires: null };
    if (this.listening && epoch === this.epoch) return this.cache.put(key, entry.json, entry.expires);
    return entry;
  }

  /** The cached entry of `key`, or undefined when only the backend can say (see `ReadCache.peek`). */
  peek(key: string, now: number | (() => number)): Cached | undefined {
    return this.cache.peek(key, now);
  }

  /** This process is changing `key`: no cached value, and no read in flight may cache the old one. */
  forget(key: string): void {
    this.epoch++;
    this.cache.drop(key);
  }

  get stats(): { hits: number; misses: number; size: number } {
    return { hits: this.cache.hits, misses: this.cache.misses, size: this.cache.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.reset();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private relisten(): void {
    if (this.closed) return;
    this.listen().catch((error: unknown) => {
      this.onError?.(error instanceof Error ? error : new Error(String(error)));
      this.client?.end().catch(() => {});
      this.client = undefined;
      if (!this.closed) this.retry = setTimeout(() => this.relisten(), 2_000);
    });
  }

  private invalidate(key: string): void {
    this.epoch++;
    if (key === "") this.cache.clear();
    else this.cache.drop(key);
  }

  private reset(): void {
    this.listening = false;
    this.epoch++;
    this.cache.clear();
  }
}
