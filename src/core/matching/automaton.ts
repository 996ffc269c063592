/**
 * Aho–Corasick automaton over UTF-16 code units, stored as a double-array trie.
 *
 * Code units are first mapped to dense symbol ids (1 = the most frequent unit in the keys; 0 = a
 * unit that occurs in no key, which sends the scan back to the root). A child of state `s` on
 * symbol `c` lives in cell `base[s] + c` and is valid when `check[base[s] + c] === s`, so one
 * transition is two array reads. Failure links and dictionary-suffix links complete the automaton.
 *
 * Keys are inserted breadth-first from a sorted list, placing each node's children with a first-fit
 * search over free cells (as in darts/darts-clone), which keeps the build near-linear.
 */
export interface Automaton {
  /** folded code unit → symbol id (0 = absent from every key) */
  readonly symOf: Uint16Array;
  readonly base: Int32Array;
  readonly check: Int32Array;
  readonly fail: Int32Array;
  /** first key index that ends exactly at a state, or -1 */
  readonly outHead: Int32Array;
  /** nearest state on the failure chain that has outHead >= 0, or -1 */
  readonly dictLink: Int32Array;
  /** 1 when a state, or a state on its failure chain, ends a key */
  readonly hasOut: Uint8Array;
  /** next key index ending at the same state, or -1 */
  readonly keyNext: Int32Array;
  /** length of each key in code units */
  readonly keyLen: Int32Array;
  readonly states: number;
}

const FREE = -1;

export function buildAutomaton(keys: readonly Uint16Array[]): Automaton {
  // 1. Dense symbol ids, most frequent unit first (keeps ASCII letters in a narrow band).
  const freq = new Int32Array(0x10000);
  for (const key of keys)
    for (let j = 0; j < key.length; j++) {
      const u = key[j] as number;
      freq[u] = (freq[u] as number) + 1;
    }
  const used: number[] = [];
  for (let u = 0; u < 0x10000; u++) if ((freq[u] as number) > 0) used.push(u);
  used.sort((a, b) => (freq[b] as number) - (freq[a] as number) || a - b);
  if (used.length > 0xfffe) throw new RangeError("too many distinct code units in the terms");
  const symOf = new Uint16Array(0x10000);
  used.forEach((u, rank) => (symOf[u] = rank + 1));
  const maxSym = used.length;

  // 2. Keys as symbol strings, sorted (code-unit order == symbol order).
  const symKeys: string[] = new Array<string>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as Uint16Array;
    const syms = new Uint16Array(key.length);
    for (let j = 0; j < key.length; j++) syms[j] = symOf[key[j] as number] as number;
    symKeys[i] = unitsToString(syms);
  }
  const order: number[] = [];
  for (let i = 0; i < keys.length; i++) if ((symKeys[i] as string).length > 0) order.push(i);
  order.sort((a, b) => {
    const x = symKeys[a] as string;
    const y = symKeys[b] as string;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  const sorted = order.map((i) => symKeys[i] as string);

  // 3. Breadth-first double-array construction.
  let totalLen = 0;
  for (const s of sorted) totalLen += s.length;
  let size = Math.max(1024, Math.ceil(totalLen * 1.25) + maxSym + 2);
  let base = new Int32Array(size);
  let check = new Int32Array(size).fill(FREE);
  check[0] = -2; // root occupies cell 0
  const outHeadList: number[] = []; // pairs (state, key index) in insertion order
  const keyNext = new Int32Array(keys.length).fill(-1);
  const keyLen = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) keyLen[i] = (symKeys[i] as string).length;

  // skip[i] points towards the next cell at or after i that may be free (union-find with path
  // compression), so the first-fit search jumps over occupied cells instead of visiting them.
  let skip = new Int32Array(size);
  for (let i = 0; i < size; i++) skip[i] = i;
  skip[0] = 1;
  const nextFree = (from: number): number => {
    let r = from;
    while (r < size && skip[r] !== r) r = skip[r] as number;
    let p = from;
    while (p < size && p !== r) {
      const nx = skip[p] as number;
      skip[p] = r;
      p = nx;
    }
    return r;
  };
  const grow = (needed: number): void => {
    if (needed < size) return;
    let next = size;
    while (next <= needed) next *= 2;
    const b = new Int32Array(next);
    b.set(base);
    const c = new Int32Array(next).fill(FREE);
    c.set(check);
    const k = new Int32Array(next);
    k.set(skip);
    for (let i = size; i < next; i++) k[i] = i;
    base = b;
    check = c;
    skip = k;
    size = next;
  };

  // queue of (state, lo, hi, depth) where sorted[lo..hi) share the state's prefix of length depth
  let qState = new Int32Array(1024);
  let qLo = new Int32Array(1024);
  let qHi = new Int32Array(1024);
  let qDepth = new Int32Array(1024);
  let qTail = 0;
  const push = (s: number, lo: number, hi: number, d: number): void => {
    if (qTail === qState.length) {
      const grown = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      qState = grown(qState);
      qLo = grown(qLo);
      qHi = grown(qHi);
      qDepth = grown(qDepth);
    }
    qState[qTail] = s;
    qLo[qTail] = lo;
    qHi[qTail] = hi;
    qDepth[qTail] = d;
    qTail++;
  };
  if (sorted.length > 0) push(0, 0, sorted.length, 0);

  let nextCheckPos = 1;
  const childSyms: number[] = [];
  const childLo: number[] = [];
  const childHi: number[] = [];
  for (let qHead = 0; qHead < qTail; qHead++) {
    const state = qState[qHead] as number;
    let lo = qLo[qHead] as number;
    const hi = qHi[qHead] as number;
    const depth = qDepth[qHead] as number;
    // keys that end exactly here come first in sorted order
    while (lo < hi && (sorted[lo] as string).length === depth) {
      outHeadList.push(state, order[lo] as number);
      lo++;
    }
    if (lo >= hi) continue;
    childSyms.length = 0;
    childLo.length = 0;
    childHi.length = 0;
    for (let p = lo; p < hi;) {
      const sym = (sorted[p] as string).charCodeAt(depth);
      let q = p + 1;
      while (q < hi && (sorted[q] as string).charCodeAt(depth) === sym) q++;
      childSyms.push(sym);
      childLo.push(p);
      childHi.push(q);
      p = q;
    }
    // first fit
    const first = childSyms[0] as number;
    const last = childSyms[childSyms.length - 1] as number;
    grow(Math.max(first + 1, nextCheckPos) + last + maxSym + 2);
    let pos = nextFree(Math.max(first + 1, nextCheckPos));
    let tried = 0;
    let b = 0;
    for (;;) {
      grow(pos + last + maxSym + 2);
      b = pos - first;
      let fits = true;
      for (let m = 1; m < childSyms.length; m++) {
        if (check[b + (childSyms[m] as number)] !== FREE) {
          fits = false;
          break;
        }
      }
      if (fits) break;
      tried++;
      pos = nextFree(pos + 1);
    }
    // a crowded front is not worth rescanning for every node
    if (tried > 256) nextCheckPos = pos;
    base[state] = b;
    for (let m = 0; m < childSyms.length; m++) {
      const child = b + (childSyms[m] as number);
      check[child] = state;
      skip[child] = child + 1;
      push(child, childLo[m] as number, childHi[m] as number, depth + 1);
    }
  }
  // leaves keep base 0: base + sym lands on a cell whose check is never a leaf
  grow(maxSym + 2);
  let top = 0;
  for (let s = size - 1; s >= 0; s--) {
    if (check[s] !== FREE) {
      top = s;
      break;
    }
  }
  let maxBase = 0;
  for (let s = 0; s <= top; s++) if ((base[s] as number) > maxBase) maxBase = base[s] as number;
  const finalSize = Math.max(top, maxBase) + maxSym + 2;
  grow(finalSize);
  base = base.slice(0, finalSize);
  check = check.slice(0, finalSize);

  // 4. Outputs, failure links and dictionary links, in breadth-first order.
  const outHead = new Int32Array(finalSize).fill(-1);
  for (let p = outHeadList.length - 2; p >= 0; p -= 2) {
    const s = outHeadList[p] as number;
    const key = outHeadList[p + 1] as number;
    keyNext[key] = outHead[s] as number;
    outHead[s] = key;
  }
  const fail = new Int32Array(finalSize);
  const dictLink = new Int32Array(finalSize).fill(-1);
  const hasOut = new Uint8Array(finalSize);
  for (let qHead = 1; qHead < qTail; qHead++) {
    const s = qState[qHead] as number;
    const parent = check[s] as number;
    const sym = s - (base[parent] as number);
    let f = 0;
    if (parent !== 0) {
      let g = fail[parent] as number;
      for (;;) {
        const t = (base[g] as number) + sym;
        if (check[t] === g) {
          f = t;
          break;
        }
        if (g === 0) break;
        g = fail[g] as number;
      }
    }
    fail[s] = f;
    dictLink[s] = (outHead[f] as number) >= 0 ? f : (dictLink[f] as number);
    hasOut[s] = (outHead[s] as number) >= 0 || (dictLink[s] as number) >= 0 ? 1 : 0;
  }
  return { symOf, base, check, fail, outHead, dictLink, hasOut, keyNext, keyLen, states: qTail };
}

function unitsToString(units: Uint16Array): string {
  if (units.length <= 64) return String.fromCharCode.apply(null, units as unknown as number[]);
  let s = "";
  for (let k = 0; k < units.length; k += 4096) {
    s += String.fromCharCode(...units.subarray(k, Math.min(k + 4096, units.length)));
  }
  return s;
}
