import type { HealthReporter } from "../../core/ports/health.js";
import type { KeyValueStore } from "../../core/ports/store.js";

/** The key `/healthz` reads: any answer (absent included) means the store works. */
export const HEALTH_KEY = "meta:health";

/** What `/healthz` answers: `ok` only when the store and every platform are up. */
export interface HealthReport {
  status: "ok" | "down";
  /** The names of what is down ("store", "telegram"); empty when ok. */
  down: string[];
  store: string;
  platforms: Record<string, string>;
}

/** Platform connection states as the adapters report them (also shown as `chatwarden_platform_up`). */
export class PlatformHealth implements HealthReporter {
  private readonly states = new Map<string, { up: boolean; detail?: string }>();

  constructor(private readonly onChange?: (name: string, up: boolean) => void) {}

  set(name: string, up: boolean, detail?: string): void {
    this.states.set(name, { up, detail });
    this.onChange?.(name, up);
  }

  /** Each platform as "up", or "down" with what failed. */
  snapshot(): Record<string, { up: boolean; detail?: string }> {
    return Object.fromEntries(this.states);
  }
}

/** Reads the health key within `timeoutMs`; a failure or a silent store both count as down. */
export async function checkHealth(
  store: KeyValueStore,
  platforms: PlatformHealth,
  timeoutMs = 2_000,
): Promise<HealthReport> {
  const down: string[] = [];
  let storeState = "up";
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.get(HEALTH_KEY),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    storeState = `down: ${error instanceof Error ? error.message : String(error)}`;
    down.push("store");
  } finally {
    clearTimeout(timer);
  }
  const states: Record<string, string> = {};
  for (const [name, state] of Object.entries(platforms.snapshot())) {
    states[name] = state.up ? "up" : `down${state.detail ? `: ${state.detail}` : ""}`;
    if (!state.up) down.push(name);
  }
  return { status: down.length === 0 ? "ok" : "down", down, store: storeState, platforms: states };
}
