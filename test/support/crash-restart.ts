import { crashingStore } from "./crashing-store.js";
import { consoleConfig, startHarness, type Harness } from "./harness.js";

/**
 * Kills the bot at its n-th store write while `work` runs, then builds it again on what the store kept
 * (no scheduler pass yet: the recovery has not run). `crashed` is false once n is past the last write.
 */
export async function crashAndRestart(
  n: number,
  config: string,
  work: (h: Harness) => Promise<unknown>,
): Promise<{ h: Harness; crashed: boolean }> {
  const crash = crashingStore();
  const h = await startHarness(consoleConfig(config), { store: crash.store });
  crash.crashAfter(n);
  await work(h).catch(() => undefined);
  const crashed = crash.crashed();
  crash.revive();
  await h.restart();
  return { h, crashed };
}
