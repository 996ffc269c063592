/**
 * Polls `predicate` until it returns something truthy and resolves with it; rejects
 * after `timeoutMs`. Scenario tests use it to wait for the bot's reaction.
 */
export async function waitFor<T>(
  predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const intervalMs = opts.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await predicate();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(
        `waitFor timed out after ${timeoutMs} ms${opts.message ? `: ${opts.message}` : ""}${why}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
