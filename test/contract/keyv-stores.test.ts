import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import { createMemoryStore, createSqliteStore, KeyvStore } from "../../src/adapters/storage/keyv-store.js";
import { storeContract } from "./store.contract.js";

storeContract("memory (Keyv + Map)", async () => createMemoryStore());

let lastPath = "";
storeContract(
  "SQLite (Keyv + @keyv/sqlite)",
  async () => {
    lastPath = join(mkdtempSync(join(tmpdir(), "chatwarden-store-")), "state.sqlite");
    return createSqliteStore(lastPath);
  },
  {
    reopen: async (store) => {
      await store.close();
      return createSqliteStore(lastPath);
    },
  },
);

describe("SQLite store specifics", () => {
  it("runs the database in WAL mode", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "chatwarden-wal-")), "wal.sqlite");
    const store = await createSqliteStore(path);
    await store.set("k", 1);
    const probe = new KeyvSqlite({ uri: `sqlite://${path}` });
    const [row] = (await probe.query("PRAGMA journal_mode")) as { journal_mode: string }[];
    expect(row?.journal_mode).toBe("wal");
    await probe.disconnect();
    await store.close();
    expect(readFileSync(path).length).toBeGreaterThan(0);
  });

  it("surfaces a backend failure as a StoreError, never as absent", async () => {
    const failing = new Keyv({
      store: {
        get: async () => {
          throw new Error("disk on fire");
        },
        set: async () => true,
        delete: async () => true,
        clear: async () => {},
      } as never,
      throwOnErrors: true,
    });
    const store = new KeyvStore(failing);
    await expect(store.get("banned:alice")).rejects.toMatchObject({
      name: "StoreError",
      code: "backend_failed",
    });
  });
});
