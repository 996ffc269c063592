import { readFileSync } from "node:fs";

/** A file that is not plain UTF-8 text: the message names the byte offset (and line) of the first bad byte. */
export class TextFileError extends Error {
  override readonly name = "TextFileError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Reads a text file (config, term lists, transcripts) as UTF-8, refusing invalid UTF-8 and NUL bytes
 * instead of turning them silently into U+FFFD or passing them on. Other read errors propagate.
 */
export function readTextFile(file: string): string {
  const bytes = readFileSync(file);
  const bad = firstBadByte(bytes);
  if (bad) {
    const line = bytes.subarray(0, bad.offset).filter((b) => b === 0x0a).length + 1;
    const at = `at byte offset ${bad.offset} (line ${line})`;
    throw new TextFileError(
      bad.kind === "nul"
        ? `expected UTF-8 text, got a NUL byte ${at}`
        : `expected UTF-8 text, got the byte 0x${(bytes[bad.offset] ?? 0).toString(16).padStart(2, "0")} ${at}`,
      bad.offset,
    );
  }
  return bytes.toString("utf8");
}

/** The first NUL or byte that does not start or continue a valid UTF-8 sequence. */
export function firstBadByte(bytes: Uint8Array): { offset: number; kind: "nul" | "utf8" } | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b === 0) return { offset: i, kind: "nul" };
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (n === 0) return { offset: i, kind: "utf8" };
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return { offset: i, kind: "utf8" };
      cp = (cp << 6) | (c & 0x3f);
    }
    const min = n === 1 ? 0x80 : n === 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { offset: i, kind: "utf8" };
    i += n + 1;
  }
  return undefined;
}
