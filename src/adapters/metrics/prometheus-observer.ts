import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Decision, Outcome } from "../../core/decisions.js";
import type { CoreEvent } from "../../core/events.js";
import type { EngineObserver, VerificationStage } from "../../core/ports/observer.js";

/** Held posts waiting for an admin in one community, read on each scrape. */
export interface PendingHolds {
  community: string;
  count: number;
  /** When the oldest pending hold was made (ms since the epoch); absent when none is pending. */
  oldestAt?: number;
}

export interface PrometheusObserverOptions {
  /** Counts the pending holds of every community (a cheap store read, run on scrape). */
  pendingHolds?: () => Promise<PendingHolds[]>;
  /** The state's clock, for the age of the oldest hold. */
  now?: () => number;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG_BUCKETS = [0.05, 0.25, 1, 5, 15, 30, 60, 300, 900, 3600];

/**
 * The engine's observer as Prometheus metrics, in a registry of its own (no process-wide default
 * registry): `registry.metrics()` is what `/metrics` serves. Metric names are listed in
 * docs/operations.md.
 */
export class PrometheusObserver implements EngineObserver {
  readonly registry = new Registry();
  private readonly messages: Counter;
  private readonly events: Counter<"kind" | "result">;
  private readonly decisions: Counter<"kind" | "outcome">;
  private readonly platformErrors: Counter<"code" | "decision">;
  private readonly latency: Histogram<"event">;
  private readonly verifications: Counter<"stage">;
  private readonly lag: Histogram;
  readonly platformUp: Gauge<"platform">;

  constructor(options: PrometheusObserverOptions = {}) {
    const registers = [this.registry];
    this.messages = new Counter({
      name: "chatwarden_messages_seen_total",
      help: "Chat messages (new posts) the engine handled",
      registers,
    });
    this.events = new Counter({
      name: "chatwarden_events_total",
      help: "Events the engine handled, by kind and whether handling failed",
      labelNames: ["kind", "result"],
      registers,
    });
    this.decisions = new Counter({
      name: "chatwarden_decisions_total",
      help: "Decisions carried out, by kind and outcome (ok, failed, skipped)",
      labelNames: ["kind", "outcome"],
      registers,
    });
    this.platformErrors = new Counter({
      name: "chatwarden_platform_errors_total",
      help: "Decisions a platform refused or failed, by failure code and decision kind",
      labelNames: ["code", "decision"],
      registers,
    });
    this.latency = new Histogram({
      name: "chatwarden_decision_latency_seconds",
      help: "From an event handed to the engine to its last decision carried out",
      labelNames: ["event"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.verifications = new Counter({
      name: "chatwarden_verifications_total",
      help: "Verification funnel: dialogues started, completed, rejected, abandoned",
      labelNames: ["stage"],
      registers,
    });
    this.lag = new Histogram({
      name: "chatwarden_timer_lag_seconds",
      help: "How late durable timers fire (fire time minus due time)",
      buckets: LAG_BUCKETS,
      registers,
    });
    this.platformUp = new Gauge({
      name: "chatwarden_platform_up",
      help: "1 while a platform connection works, 0 while it is down",
      labelNames: ["platform"],
      registers,
    });
    const { pendingHolds } = options;
    const now = options.now ?? Date.now;
    new Gauge({
      name: "chatwarden_holds_pending",
      help: "Held posts waiting for an admin, by community",
      labelNames: ["community"],
      registers,
      async collect() {
        this.reset();
        for (const p of (await pendingHolds?.()) ?? []) this.set({ community: p.community }, p.count);
      },
    });
    new Gauge({
      name: "chatwarden_holds_oldest_pending_age_seconds",
      help: "Age of the oldest held post waiting for an admin, by community (0 when none)",
      labelNames: ["community"],
      registers,
      async collect() {
        this.reset();
        const at = now();
        for (const p of (await pendingHolds?.()) ?? [])
          this.set(
            { community: p.community },
            p.oldestAt === undefined ? 0 : Math.max(0, (at - p.oldestAt) / 1000),
          );
      },
    });
  }

  eventHandled(kind: CoreEvent["kind"], ms: number, failed: boolean): void {
    if (kind === "message_posted") this.messages.inc();
    this.events.inc({ kind, result: failed ? "failed" : "ok" });
    if (!failed) this.latency.observe({ event: kind }, ms / 1000);
  }

  decision(kind: Decision["kind"], outcome: Outcome): void {
    this.decisions.inc({ kind, outcome: outcome.status });
    if (outcome.status === "failed") this.platformErrors.inc({ code: outcome.error.code, decision: kind });
  }

  verification(stage: VerificationStage): void {
    this.verifications.inc({ stage });
  }

  timerLag(ms: number): void {
    this.lag.observe(ms / 1000);
  }
}
