import type { KeyValueStore } from "../ports/store.js";

/** Which hold, and which run of the bot began creating it. */
export interface JournalEntry {
  community: string;
  run: string;
}

type Entries = Record<string, JournalEntry>;

/**
 * Holds whose creation has begun and not finished (card, expiry, deletion of the originals, notice),
 * one small document per kind of hold. An entry is written before the hold's record and removed once
 * the last step was carried out, so after a crash the next start finds exactly the holds to complete
 * or roll back, without scanning every hold. Entries carry the run that wrote them: work of the
 * current run, or of another run still alive (a second process on a shared store), is in progress,
 * not left over.
 */
export class CreationJournal {
  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
  ) {}

  async add(id: string, entry: JournalEntry): Promise<void> {
    await this.store.update<Entries>(this.key, (cur = {}) =>
      cur[id]?.run === entry.run ? cur : { ...cur, [id]: entry },
    );
  }

  async remove(id: string): Promise<void> {
    await this.store.update<Entries>(this.key, (cur) => {
      if (!cur || !(id in cur)) return cur;
      const { [id]: _done, ...rest } = cur;
      return Object.keys(rest).length === 0 ? undefined : rest;
    });
  }

  /**
   * Entries of other runs: `left` by runs that are gone (`alive` says no), to complete; `busy`, how
   * many belong to runs still alive (another process sharing the store, in the middle of making them).
   */
  async leftBy(
    otherThan: string,
    alive: (run: string) => Promise<boolean>,
  ): Promise<{ left: [string, JournalEntry][]; busy: number }> {
    const entries = (await this.store.get<Entries>(this.key)) ?? {};
    const left: [string, JournalEntry][] = [];
    let busy = 0;
    for (const [id, entry] of Object.entries(entries)) {
      if (entry.run === otherThan) continue;
      if (await alive(entry.run)) busy++;
      else left.push([id, entry]);
    }
    return { left, busy };
  }
}
