import { describe, expect, it } from "vitest";
import { MAX_CACHED_CHARS, ReadCache } from "../../../src/adapters/storage/read-cache.js";

describe("ReadCache", () => {
  it("keeps at most its capacity, evicting in insertion order when nothing was read", () => {
    const cache = new ReadCache(3);
    for (const key of ["a", "b", "c", "d", "e"]) cache.put(key, `"${key}"`);
    expect(cache.size).toBe(3);
    expect(cache.get("a", 0)).toBeUndefined();
    expect(cache.get("b", 0)).toBeUndefined();
    expect(cache.get("e", 0)?.json).toBe('"e"');
  });

  it("keeps an entry read since the eviction hand last passed it (second chance)", () => {
    const cache = new ReadCache(3);
    cache.put("a", "1");
    cache.put("b", "2");
    cache.put("c", "3");
    cache.put("d", "4"); // the hand passes every entry once (each written): a goes, the rest lose their mark
    expect(cache.get("a", 0)).toBeUndefined();
    expect(cache.get("b", 0)?.json).toBe("2"); // read: b gets another turn
    cache.put("e", "5"); // c, unread since the hand passed it, goes rather than b
    expect(cache.get("c", 0)).toBeUndefined();
    expect(cache.get("b", 0)?.json).toBe("2");
    expect(cache.size).toBe(3);
  });

  it("serves an expired value as absent and a known absence as null", () => {
    const cache = new ReadCache(10);
    cache.put("gone", "1", 100);
    cache.put("none", null);
    expect(cache.get("gone", 100)).toEqual({ json: null, expires: null });
    expect(cache.get("none", 0)?.json).toBeNull();
  });

  it("reads a clock it is given only for an entry that expires", () => {
    const cache = new ReadCache(10);
    cache.put("lasting", "1");
    cache.put("timed", "2", 100);
    let reads = 0;
    const at = (t: number) => () => {
      reads++;
      return t;
    };
    expect(cache.get("lasting", at(500))?.json).toBe("1");
    expect(cache.peek("lasting", at(500))?.json).toBe("1");
    expect(reads).toBe(0);
    expect(cache.get("timed", at(99))?.json).toBe("2");
    expect(cache.get("timed", at(100))).toEqual({ json: null, expires: null });
    expect(cache.peek("timed", at(100))).toEqual({ json: null, expires: null });
    expect(reads).toBe(3);
  });

  it("reuses the place of a dropped entry and keeps its capacity through many writes and drops", () => {
    const cache = new ReadCache(100);
    for (let i = 0; i < 10_000; i++) {
      cache.put(`k${i}`, String(i));
      if (i % 3 === 0) cache.drop(`k${i - 1}`);
      if (i % 7 === 0) cache.get(`k${i - 5}`, 0);
      expect(cache.size).toBeLessThanOrEqual(100);
    }
    expect(cache.size).toBe(99); // the last round dropped k9998 and left its place empty
    cache.put("fill", "1");
    expect(cache.size).toBe(100);
    expect(cache.get("k9999", 0)?.json).toBe("9999"); // the newest writes are kept
    cache.put("k9999", "again");
    expect(cache.get("k9999", 0)?.json).toBe("again");
    expect(cache.size).toBe(100);
    cache.drop("k9999");
    expect(cache.get("k9999", 0)).toBeUndefined();
    expect(cache.size).toBe(99);
  });

  it("does not keep a value too long to cache, and forgets what the key held before", () => {
    const cache = new ReadCache(10);
    cache.put("big", '"small"');
    cache.put("big", JSON.stringify("x".repeat(MAX_CACHED_CHARS + 1)));
    expect(cache.get("big", 0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
