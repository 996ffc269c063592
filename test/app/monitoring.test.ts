import { afterEach, describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/adapters/storage/memory-store.js";
import type { MonitoringServer } from "../../src/adapters/metrics/server.js";
import { createMonitoring } from "../../src/app/monitoring.js";
import { parseConfigText } from "../../src/config/load.js";
import { MINUTE } from "../../src/core/ports/clock.js";
import { cnId } from "../core/verification/support.js";
import { consoleConfig, FakeClock, startHarness, type Harness } from "../support/harness.js";

const CONFIG = consoleConfig(`news:
  enabled: true
  domains: ["reuters.com"]
verification:
  required: true
  method: self_declared
  fields:
    legal_name: true
    id_number: { kind: cn-resident }
  step_timeout: 15m
`);

let server: MonitoringServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function started(): Promise<{ h: Harness; base: string; store: MemoryStore }> {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const settings = parseConfigText(CONFIG, { baseDir: process.cwd() }).core;
  const monitoring = createMonitoring({ settings, store, clock });
  const h = await startHarness(CONFIG, { store, clock, observer: monitoring.observer });
  server = await monitoring.serve({ port: 0, host: "127.0.0.1", healthTimeoutMs: 500 });
  monitoring.health.set("console", true);
  return { h, base: `http://127.0.0.1:${server.port}`, store };
}

/** The value of one sample line of a scrape (`name{labels} value`), 0 when absent. */
function sample(scrape: string, series: string): number {
  const line = scrape.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe("metrics and health", () => {
  it("counts messages, decisions by kind and outcome, platform errors, holds pending, the verification funnel and timer lag", async () => {
    const { h, base } = await started();
    await h.session.say("alice", "lobby", "hello");
    h.clock.advance(2 * MINUTE);
    await h.session.say("bob", "lobby", "see https://www.reuters.com/world/x");
    h.world.failNext("send_private", { code: "rate_limited", message: "slow down" });
    await h.session.say("carol", "lobby", "again https://www.reuters.com/world/y");
    // The verification funnel: one completes, one walks away (the step timer fires 1 min late).
    await h.session.tell("dave", "/verify");
    await h.session.tell("dave", "Dave Example");
    await h.session.tell("dave", cnId("11010519900307123"));
    await h.session.tell("erin", "/verify");
    await h.advance(16 * MINUTE);

    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const scrape = await response.text();

    expect(sample(scrape, "chatwarden_messages_seen_total")).toBe(3);
    expect(sample(scrape, 'chatwarden_events_total{kind="message_posted",result="ok"}')).toBe(3);
    expect(sample(scrape, 'chatwarden_decisions_total{kind="post_card",outcome="ok"}')).toBe(2);
    expect(sample(scrape, 'chatwarden_decisions_total{kind="delete",outcome="ok"}')).toBeGreaterThanOrEqual(
      2,
    );
    expect(sample(scrape, 'chatwarden_decisions_total{kind="send_private",outcome="failed"}')).toBe(1);
    expect(
      sample(scrape, 'chatwarden_platform_errors_total{code="rate_limited",decision="send_private"}'),
    ).toBe(1);
    expect(sample(scrape, 'chatwarden_decision_latency_seconds_count{event="message_posted"}')).toBe(3);
    expect(sample(scrape, 'chatwarden_decision_latency_seconds_count{event="command"}')).toBe(2);
    expect(
      sample(scrape, 'chatwarden_decision_latency_seconds_bucket{le="+Inf",event="message_posted"}'),
    ).toBe(3);

    expect(sample(scrape, 'chatwarden_holds_pending{community="demo"}')).toBe(2);
    // The first hold was made 16 minutes ago (the clock moved on since).
    expect(sample(scrape, 'chatwarden_holds_oldest_pending_age_seconds{community="demo"}')).toBe(16 * 60);

    expect(sample(scrape, 'chatwarden_verifications_total{stage="started"}')).toBe(2);
    expect(sample(scrape, 'chatwarden_verifications_total{stage="completed"}')).toBe(1);
    expect(sample(scrape, 'chatwarden_verifications_total{stage="abandoned"}')).toBe(1);
    expect(sample(scrape, 'chatwarden_verifications_total{stage="rejected"}')).toBe(0);

    // Timers came due during the 16 minutes and fired at its end: each one late, none early.
    const fired = sample(scrape, "chatwarden_timer_lag_seconds_count");
    expect(fired).toBeGreaterThanOrEqual(1);
    expect(sample(scrape, 'chatwarden_timer_lag_seconds_bucket{le="0.05"}')).toBeLessThan(fired);
    expect(sample(scrape, "chatwarden_timer_lag_seconds_sum")).toBeGreaterThanOrEqual(60);
  });

  it("empties the holds gauges once the admins decided", async () => {
    const { h, base } = await started();
    await h.session.say("bob", "lobby", "see https://www.reuters.com/world/x");
    await h.session.press("admin", "Approve", { chat: "review" });
    const scrape = await (await fetch(`${base}/metrics`)).text();
    expect(sample(scrape, 'chatwarden_holds_pending{community="demo"}')).toBe(0);
    expect(sample(scrape, 'chatwarden_holds_oldest_pending_age_seconds{community="demo"}')).toBe(0);
    expect(sample(scrape, 'chatwarden_decisions_total{kind="repost",outcome="ok"}')).toBe(1);
  });

  it("answers /healthz 200 while the store and platforms are up, 503 naming the store once it is closed", async () => {
    const { base, store } = await started();
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok", down: [], store: "up", platforms: { console: "up" } });
    await store.close();
    const down = await fetch(`${base}/healthz`);
    expect(down.status).toBe(503);
    const report = (await down.json()) as { status: string; down: string[]; store: string };
    expect(report.status).toBe("down");
    expect(report.down).toEqual(["store"]);
    expect(report.store).toMatch(/^down: .*closed/);
  });

  it("answers 503 naming a platform whose connection is down, and shows it as chatwarden_platform_up 0", async () => {
    const store = new MemoryStore();
    const settings = parseConfigText(CONFIG, { baseDir: process.cwd() }).core;
    const monitoring = createMonitoring({ settings, store, clock: new FakeClock() });
    server = await monitoring.serve({ port: 0, host: "127.0.0.1" });
    monitoring.health.set("telegram", false, "getUpdates failed 3 times");
    const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      down: ["telegram"],
      platforms: { telegram: "down: getUpdates failed 3 times" },
    });
    const scrape = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(sample(scrape, 'chatwarden_platform_up{platform="telegram"}')).toBe(0);
    expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
  });
});
