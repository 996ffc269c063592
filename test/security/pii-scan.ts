/**
 * Scanning raw bytes for personal data: generated people (legal names in Latin and Chinese script,
 * resident ID numbers, phones) and a scanner that finds any of them in clear in database files (main,
 * WAL, shared memory, rollback journal), log lines or process output.
 */
import { existsSync, readFileSync } from "node:fs";
import { cnResidentCheckChar } from "../../src/core/verification/id-validators.js";

export interface Person {
  user: string;
  name: string;
  id: string;
  phone: string;
}

const GIVEN = [
  "Anselm",
  "Brigida",
  "Corvin",
  "Delphine",
  "Eskil",
  "Fenna",
  "Goran",
  "Hesper",
  "Ilvy",
  "Jorund",
];
const FAMILY = ["Quillfeather", "Marrowby", "Ostrander", "Pellucid", "Ravensworth", "Stellmacher", "Tindall"];
const XING = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙"];
const MING = ["晓", "雨", "思", "梓", "浩", "子", "欣", "宇", "嘉", "佳"];
const MING2 = ["涵", "轩", "怡", "辰", "萱", "琪", "睿", "彤", "然", "瑶", "泽", "妍"];

/** `count` distinct people: every other one with a Chinese name. */
export function people(count: number, prefix = "p"): Person[] {
  return Array.from({ length: count }, (_, i) => {
    const latin = `${GIVEN[i % 10]} ${FAMILY[Math.floor(i / 10) % 7]}${String.fromCharCode(97 + (Math.floor(i / 70) % 26))}`;
    const chinese = `${XING[i % 10]}${MING[Math.floor(i / 10) % 10]}${MING2[Math.floor(i / 100) % 12]}`;
    const first17 = `110105${1950 + (i % 50)}${String(1 + (i % 12)).padStart(2, "0")}${String(1 + (i % 28)).padStart(2, "0")}${String(i % 1000).padStart(3, "0")}`;
    return {
      user: `${prefix}${i}`,
      name: i % 2 ? chinese : latin,
      id: first17 + cnResidentCheckChar(first17),
      phone: `+8613${String(700_000_000 + i * 7919).slice(0, 9)}`,
    };
  });
}

/** The raw files of a SQLite database (whichever of them exist). */
export function sqliteFiles(file: string): string[] {
  return ["", "-wal", "-shm", "-journal"].map((s) => file + s).filter(existsSync);
}

/** Each file's bytes as text twice (UTF-8 and byte per character), plus extra texts (logs, output). */
export function haystacks(files: readonly string[], texts: readonly string[] = []): string[] {
  const raw = files.map((f) => readFileSync(f));
  return [...raw.map((b) => b.toString("utf8")), ...raw.map((b) => b.toString("latin1")), ...texts];
}

/**
 * The people whose name, ID number or phone occurs in clear in any haystack, with what was found. IDs
 * and phones are matched on any 11 digits in a row of theirs (an ID's birth date and sequence number, a
 * phone's national number), names whole; each haystack is indexed once, so 1,000 people scan in well under a second.
 */
export function findPeople(hay: readonly string[], who: readonly Person[]): string[] {
  const digits = new Set<string>();
  const words = new Set<string>();
  for (const text of hay) {
    for (const run of text.match(/\d{11,}/g) ?? [])
      for (let i = 0; i + 11 <= run.length; i++) digits.add(run.slice(i, i + 11));
    for (const m of text.match(/[A-Z][a-z]+ [A-Z][a-z]+/g) ?? []) words.add(m);
    for (const run of text.match(/[\u4e00-\u9fff]{4,}/g) ?? [])
      for (let i = 0; i + 4 <= run.length; i++) words.add(run.slice(i, i + 4));
  }
  const hits: string[] = [];
  for (const p of who) {
    if (words.has(p.name)) hits.push(`${p.user} name`);
    if (digits.has(p.id.slice(6, 17))) hits.push(`${p.user} id`);
    if (digits.has(p.phone.slice(3))) hits.push(`${p.user} phone`);
  }
  return hits;
}

/** Which of `needles` (account keys, hashes, names) occur in any haystack, as text or as raw UTF-8. */
export function findStrings(hay: readonly string[], needles: readonly string[]): string[] {
  return needles.filter((n) => {
    const bytes = Buffer.from(n, "utf8").toString("latin1");
    return hay.some((h) => h.includes(n) || h.includes(bytes));
  });
}
