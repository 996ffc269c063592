import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const LOCK_FILE = "chatwarden.lock";

/** Another live chatwarden process holds the data directory. */
export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
  constructor(
    readonly dir: string,
    readonly pid: number,
    readonly file: string,
  ) {
    super(
      `the data directory ${dir} is in use by another chatwarden (pid ${pid}): two bots on one SQLite store lose ` +
        `timers and act twice. Stop that process first, or give this one its own data_dir. If pid ${pid} is not ` +
        `chatwarden, delete ${file}.`,
    );
  }
}

export interface DirLock {
  readonly file: string;
  release(): void;
}

interface Holder {
  pid: number;
  since: string;
}

/**
 * Takes the data directory for this process: `chatwarden.lock` holds our pid and appears atomically with
 * its content (written aside, then hard-linked into place, which fails if the name exists). A lock left
 * by a process that no longer runs (killed, crashed) is taken over. The lock goes when the process exits
 * or `release` is called. A lock this very process already holds is shared (tests boot several times).
 */
export function lockDataDir(dir: string): DirLock {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, LOCK_FILE);
  const mine: Holder = { pid: process.pid, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (place(file, mine)) return held(file);
    const holder = readHolder(file);
    if (holder?.pid === process.pid) return { file, release() {} };
    if (holder && isAlive(holder.pid)) throw new DataDirLockedError(dir, holder.pid, file);
    // Stale (its process is gone) or unreadable: remove it and try again.
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  const holder = readHolder(file);
  throw new DataDirLockedError(dir, holder?.pid ?? 0, file);
}

function place(file: string, holder: Holder): boolean {
  const aside = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(aside, `${JSON.stringify(holder)}\n`, { mode: 0o600, flag: "wx" });
  try {
    linkSync(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(aside);
  }
}

function held(file: string): DirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    // Only our own lock: never one a later process took over.
    if (readHolder(file)?.pid !== process.pid) return;
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  process.on("exit", release);
  return { file, release };
}

function readHolder(file: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<Holder>;
    return typeof parsed.pid === "number" && Number.isInteger(parsed.pid) && parsed.pid > 0
      ? { pid: parsed.pid, since: String(parsed.since ?? "") }
      : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
