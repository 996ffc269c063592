import { checkHealth, PlatformHealth } from "../adapters/metrics/health.js";
import { PrometheusObserver } from "../adapters/metrics/prometheus-observer.js";
import { startMonitoringServer, type MonitoringServer } from "../adapters/metrics/server.js";
import { HoldStore } from "../core/news/holds.js";
import type { Clock } from "../core/ports/clock.js";
import type { KeyValueStore } from "../core/ports/store.js";
import type { CoreSettings } from "../core/settings/community.js";

/** Metrics and health, built when `metrics.port` is configured. */
export interface Monitoring {
  /** Hand to the runtime (`RuntimeParts.observer`). */
  observer: PrometheusObserver;
  /** Hand to the platform adapters: they report their connection state here. */
  health: PlatformHealth;
  /** Serves `/metrics` and `/healthz` until closed. */
  serve(options: { port: number; host: string; healthTimeoutMs?: number }): Promise<MonitoringServer>;
}

export function createMonitoring(parts: {
  settings: CoreSettings;
  store: KeyValueStore;
  clock: Clock;
}): Monitoring {
  const { settings, store, clock } = parts;
  const holds = new HoldStore(store);
  const observer = new PrometheusObserver({
    now: () => clock.now(),
    pendingHolds: () =>
      Promise.all(
        settings.communities.map(async (c) => ({ community: c.id, ...(await holds.pendingSummary(c.id)) })),
      ),
  });
  const health = new PlatformHealth((name, up) => observer.platformUp.set({ platform: name }, up ? 1 : 0));
  return {
    observer,
    health,
    serve: ({ port, host, healthTimeoutMs }) =>
      startMonitoringServer({
        port,
        host,
        metrics: async () => ({
          contentType: observer.registry.contentType,
          body: await observer.registry.metrics(),
        }),
        health: () => checkHealth(store, health, healthTimeoutMs),
      }),
  };
}
