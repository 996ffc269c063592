import { randomUUID } from "node:crypto";
import pg from "pg";

/**
 * A new, empty database on the test server (`CHATWARDEN_TEST_POSTGRES_URL`, from scripts/services.sh), named
 * `<prefix>_<uuid>` so parallel suites never share one; returns its URL.
 */
export async function freshPostgresDatabase(serverUrl: string, prefix = "cwtest"): Promise<string> {
  const name = `${prefix}_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
