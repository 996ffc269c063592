/**
 * Runs work one at a time per key (a channel, a member), different keys side by side: a channel's
 * messages reach the engine in the order Discord sent them. `settle` waits for everything in flight.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private running = 0;
  private idle: (() => void)[] = [];

  get size(): number {
    return this.running;
  }

  run(key: string, work: () => Promise<void>): Promise<void> {
    this.running++;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work).catch(() => undefined);
    this.tails.set(key, next);
    return next.finally(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
      if (--this.running === 0) for (const done of this.idle.splice(0)) done();
    });
  }

  /** Waits until nothing runs (true), or `ms` passed (false). */
  async settle(ms: number): Promise<boolean> {
    if (this.running === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      new Promise<boolean>((resolve) => this.idle.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
    ]);
    clearTimeout(timer);
    return drained;
  }
}
