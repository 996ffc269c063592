import { describe, expect, it } from "vitest";
import { RoomLock } from "../../../src/adapters/matrix/room-lock.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";

describe("matrix room lock", () => {
  it("lets one writer per room in at a time across locks sharing a store", async () => {
    const store = new MemoryStore();
    const [a, b] = [new RoomLock(store), new RoomLock(store)];
    let inside = 0;
    let most = 0;
    const work = async () => {
      most = Math.max(most, ++inside);
      await new Promise((r) => setTimeout(r, 15));
      inside--;
    };
    await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).run("!room", work)));
    expect(most).toBe(1);
    expect(await store.get("matrix:power-lock:!room")).toBeUndefined();
  });

  it("takes over the lease of a process that died holding it once it runs out", async () => {
    const store = new MemoryStore();
    await store.set("matrix:power-lock:!room", "crashed process", 80);
    const started = Date.now();
    expect(await new RoomLock(store).run("!room", async () => "done")).toBe("done");
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
  });

  it("gives up as unavailable when another holder keeps the room too long", async () => {
    const store = new MemoryStore();
    await store.set("matrix:power-lock:!room", "busy process", 60_000);
    await expect(
      new RoomLock(store, { waitMs: 100 }).run("!room", async () => "never"),
    ).rejects.toMatchObject({
      name: "MatrixRefusal",
      code: "unavailable",
    });
    expect(await store.get("matrix:power-lock:!room")).toBe("busy process"); // not ours to release
  });
});
