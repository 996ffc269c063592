/**
 * One signal that aborts when any of `signals` does, or after `ms`; call `dispose` when done.
 *
 * Not `AbortSignal.any([..., AbortSignal.timeout(ms)])`: on Node 20 that pair can be garbage-collected
 * before the timeout fires (nothing holds the timeout signal strongly), and a request to a server that
 * never answers then waits forever. Here the timer and the listeners hold the controller until `dispose`.
 */
export function linkedSignal(
  signals: readonly AbortSignal[],
  ms?: number,
): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
  const controller = new AbortController();
  let timedOut = false;
  const abort = () => controller.abort();
  const timer =
    ms === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, ms);
  for (const s of signals) {
    if (s.aborted) controller.abort();
    else s.addEventListener("abort", abort, { once: true });
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener("abort", abort);
    },
  };
}

/** Runs `work` with a linked signal and disposes of it afterwards. */
export async function withSignal<T>(
  signals: readonly AbortSignal[],
  ms: number | undefined,
  work: (signal: AbortSignal, timedOut: () => boolean) => Promise<T>,
): Promise<T> {
  const linked = linkedSignal(signals, ms);
  try {
    return await work(linked.signal, linked.timedOut);
  } finally {
    linked.dispose();
  }
}
