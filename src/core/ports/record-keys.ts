/**
 * Store keys the message path builds on every message (`member:<chat>:<account>`, `profile:<account>`…),
 * built once per account and chat and then handed out again: the same string object every time.
 *
 * Why: a key built afresh is a new string, and every map it is looked up in (the read cache, the memory
 * store) must flatten and hash it again. On the message path that cost about 0.6 µs per read, more than
 * the cached read itself (bench/path.ts measures it; docs/performance.md). A string handed out again has
 * its hash cached in it, and a map holding that same object compares it by identity.
 *
 * Bounded: each kind of key keeps at most `MAX_PER_KIND` strings and starts afresh when it has that many
 * (a wholesale reset costs one rebuild per key; nothing depends on the memo but speed).
 */
export const MAX_PER_KIND = 20_000;

/** Forces V8 to flatten a concatenated string (a number conversion reads it flat), so lookups hash it once. */
function flat(key: string): string {
  Number(key);
  return key;
}

/** `prefix + a`, memoized per `a`. */
export function keyOf1(prefix: string): (a: string) => string {
  let memo = new Map<string, string>();
  return (a) => {
    let key = memo.get(a);
    if (key === undefined) {
      if (memo.size >= MAX_PER_KIND) memo = new Map();
      key = flat(prefix + a);
      memo.set(a, key);
    }
    return key;
  };
}

/** `prefix + a + ":" + b`, memoized per `a` and `b`. */
export function keyOf2(prefix: string): (a: string, b: string) => string {
  let memo = new Map<string, Map<string, string>>();
  let size = 0;
  return (a, b) => {
    let inner = memo.get(a);
    if (inner === undefined) {
      if (size >= MAX_PER_KIND) {
        memo = new Map();
        size = 0;
      }
      inner = new Map();
      memo.set(a, inner);
    }
    let key = inner.get(b);
    if (key === undefined) {
      if (size >= MAX_PER_KIND) {
        memo = new Map([[a, (inner = new Map())]]);
        size = 0;
      }
      key = flat(`${prefix}${a}:${b}`);
      inner.set(b, key);
      size++;
    }
    return key;
  };
}
