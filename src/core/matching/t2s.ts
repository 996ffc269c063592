import { from, to } from "opencc-js/preset/t2cn";
import type { DictGroup, DictLike } from "opencc-js/core";

/**
 * Character-level Traditional → Simplified Chinese map built from the OpenCC dictionaries shipped
 * in `opencc-js` (`TSCharacters`, plus the Hong Kong and Taiwan variant tables that OpenCC's
 * `hk2s`/`tw2s` apply first).
 *
 * Only single character → single character entries are used, and for an entry with several
 * candidates only the first. Phrase entries are ignored: the matcher folds one character at a
 * time, so `乾隆` becomes `干隆` here where OpenCC's phrase table would keep it. That is acceptable
 * for matching because terms are folded the same way as the text.
 *
 * The result is idempotent: `t2s(t2s(c)) === t2s(c)`. Characters that are themselves simplified
 * (they appear as a target of `TSCharacters`) are never remapped by the regional variant tables,
 * which would otherwise send `么` to `幺`.
 */
export function buildT2sMap(): Map<number, number> {
  const ts = new Map<number, number>();
  for (const dict of flatten(to["cn"])) addSingleChars(dict, ts);

  const simplifiedTargets = new Set<number>(ts.values());
  const variants = new Map<number, number>();
  for (const dict of [...flatten(from["hk"]), ...flatten(from["tw"])]) addSingleChars(dict, variants);

  const map = new Map<number, number>();
  for (const [src, dst] of ts) if (src !== dst) map.set(src, dst);
  for (const [src, variant] of variants) {
    if (ts.has(src) || simplifiedTargets.has(src)) continue;
    const dst = ts.get(variant) ?? variant;
    if (dst !== src) map.set(src, dst);
  }

  // Close the map under itself so that applying it twice changes nothing.
  for (const [src, dst] of map) {
    let cur = dst;
    for (let hops = 0; hops < 8; hops++) {
      const next = map.get(cur);
      if (next === undefined || next === cur || next === src) break;
      cur = next;
    }
    if (cur === src) map.delete(src);
    else map.set(src, cur);
  }
  return map;
}

function flatten(groups: readonly DictGroup[] | undefined): DictLike[] {
  const out: DictLike[] = [];
  for (const group of groups ?? []) for (const dict of group) out.push(dict);
  return out;
}

function addSingleChars(dict: DictLike, into: Map<number, number>): void {
  const add = (src: string, dst: string): void => {
    const s = src.codePointAt(0);
    const d = dst.codePointAt(0);
    if (s === undefined || d === undefined) return;
    // exactly one code point on each side
    if (src.length !== (s > 0xffff ? 2 : 1) || dst.length !== (d > 0xffff ? 2 : 1)) return;
    if (!into.has(s)) into.set(s, d);
  };
  if (typeof dict === "string") {
    for (const entry of dict.split("|")) {
      const parts = entry.split(" ");
      const src = parts[0];
      const dst = parts[1];
      if (src !== undefined && dst !== undefined) add(src, dst);
    }
  } else {
    for (const [src, dst] of dict) add(src, dst.split(" ")[0] ?? dst);
  }
}
