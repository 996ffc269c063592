import { resolve } from "node:path";
import { ConsoleSession } from "../adapters/console/session.js";
import { SimulatedWorld, type WorldSnapshot } from "../adapters/console/world.js";
import { runPlayground } from "../adapters/console/playground.js";
import type { Environment } from "../config/environment.js";
import type { LoadedConfig } from "../config/load.js";
import { fileDestination } from "../adapters/logging/pino-logger.js";
import type { MonitoringServer } from "../adapters/metrics/server.js";
import { boot, OffsetClock } from "./boot.js";
import { registerInstance } from "./instances.js";
import { platformRuntime } from "./platform-runtime.js";
import { startPlatforms } from "./platforms.js";
import { knownChats } from "./simulate.js";

export interface StartIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  note(line: string): void;
}

export interface StartOptions {
  /** Playground only: keep state in `<data_dir>/playground.sqlite` across runs (numbers continue). */
  keep?: boolean;
}

/** Where a kept playground remembers its last message number per chat. */
/** Message numbers per chat, as runs before the world was kept stored them. */
const NUMBERING_KEY = "playground:numbering";
/**
 * The simulated chats of a kept playground (`SimulatedWorld.snapshot`), sealed like every personal
 * record: members' private chats with the bot hold what they typed to verify (names, ID numbers).
 */
const WORLD_KEY = "playground:world";

/**
 * `chatwarden start`: every adapter whose token is configured; with none, the console playground, so a
 * newcomer sees the bot work at once. The playground starts on a fresh in-memory store each run (the
 * README's lines then mean the same messages every time), or with `--keep` on its own SQLite file,
 * numbering messages on from the last run. Its log lines go to `<data_dir>/playground.log`, never
 * among its output.
 */
export async function start(
  config: LoadedConfig,
  env: Environment,
  io: StartIo,
  options: StartOptions = {},
): Promise<number> {
  const platforms = startPlatforms.filter((p) => p.configured(config, env));
  const clock = new OffsetClock();
  const playground = platforms.length === 0;
  const stateFile = resolve(config.raw.data_dir, "playground.sqlite");
  const logFile = resolve(config.raw.data_dir, "playground.log");
  const booted = await boot({
    config,
    env,
    clock,
    storage: playground ? { url: options.keep ? `sqlite://${stateFile}` : "memory://" } : undefined,
    logDestination: playground ? fileDestination(logFile) : undefined,
    onSecret: ({ source, file }) => {
      if (source === "created")
        io.note(
          `No CHATWARDEN_SECRET set: created a new local secret in ${file}. Keep it: it unlocks the stored identities.`,
        );
      else if (source === "file")
        io.note(`Using the local secret in ${file} (set CHATWARDEN_SECRET in production).`);
    },
  });
  let runtime = booted.runtime;
  if (!playground) {
    // SIGTERM / SIGINT at any stage (connecting, polling, handling) stops cleanly with exit code 0;
    // a second signal while stopping ends the process at once (Node's default).
    const stopping = new AbortController();
    const stop = () => stopping.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const stops: (() => Promise<void>)[] = [];
    let unregister = async () => {};
    let monitor: MonitoringServer | undefined;
    try {
      // Marked running before anything is handled: another process's recovery leaves this run's work alone.
      unregister = await registerInstance(booted.store, runtime.services.runId);
      // Metrics and health first: /healthz says 503 "telegram: connecting" while a platform connects.
      const metrics = config.raw.metrics;
      if (booted.monitoring && metrics) {
        monitor = await booted.monitoring.serve(metrics);
        booted.logger.info({ host: metrics.host, port: monitor.port }, "metrics and health listening");
      }
      for (const platform of platforms) {
        if (stopping.signal.aborted) break;
        stops.push(
          await platform.start({
            runtime,
            config,
            env,
            logger: booted.logger,
            signal: stopping.signal,
            health: booted.monitoring?.health,
          }),
        );
      }
      if (!stopping.signal.aborted) {
        // Timers that came due while the bot was down fire now, with the platforms' executors attached.
        runtime.scheduler.start();
        // Expired records (attempt windows, album bookkeeping, handled update ids) leave the file or table.
        const sweeper = setInterval(() => void booted.store.sweep().catch(() => undefined), 10 * 60_000);
        sweeper.unref();
        io.note(`chatwarden running on ${platforms.map((p) => p.name).join(", ")}. Stop with Ctrl+C.`);
        await new Promise<void>((done) => stopping.signal.addEventListener("abort", () => done()));
      }
    } catch (error) {
      if (!stopping.signal.aborted) throw error;
    } finally {
      for (const stopPlatform of stops.reverse()) await stopPlatform();
      await unregister();
      await monitor?.close();
      await runtime.close();
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
    return 0;
  }
  const world = new SimulatedWorld();
  const { sealer } = runtime.services;
  if (options.keep) {
    const kept = await booted.store.get<string>(WORLD_KEY);
    const snapshot = kept ? (JSON.parse(sealer.open(kept)) as WorldSnapshot) : undefined;
    if (snapshot?.v === 1) world.restore(snapshot);
    else world.continueNumbering((await booted.store.get(NUMBERING_KEY)) ?? {});
  }
  const session = new ConsoleSession(platformRuntime(runtime), world);
  runtime.scheduler.start();
  const consoleChats = config.core.communities.flatMap((c) =>
    c.chats.filter((chat) => chat.key.startsWith("console:")).map((chat) => chat.key.slice(8)),
  );
  const defaultChat = consoleChats[0] ?? "lobby";
  const interactive = Boolean(io.input.isTTY && io.output.isTTY);
  await runPlayground({
    input: io.input as never,
    output: io.output as never,
    interactive,
    session,
    world,
    now: () => clock.now(),
    banner: [
      "chatwarden playground: a simulated group chat on this machine (no platform token is configured).",
      `Chats: ${consoleChats.join(", ") || "(none: add console:<name> chats to the config)"}; review chat and mod-log as configured.`,
      `Admins: ${
        config.core.communities
          .flatMap((c) => c.admins)
          .filter((a) => a.startsWith("console:"))
          .map((a) => a.slice(8))
          .join(", ") || "none configured"
      }.`,
      options.keep
        ? `State: ${stateFile} (kept across runs; message numbers continue).`
        : "State: fresh for this run (start with --keep to keep it across runs).",
      `Log: ${logFile}`,
      "Try:  alice joins lobby   |   alice to bot: /verify   |   bob in lobby: see https://www.reuters.com/world   |   help",
    ],
    afterLine: options.keep
      ? () => booted.store.set(WORLD_KEY, sealer.seal(JSON.stringify(world.snapshot())))
      : undefined,
    hooks: {
      defaultChat,
      chats: knownChats(config),
      wait: async (ms) => {
        clock.advance(ms);
        await runtime.scheduler.runDue();
      },
      restart: async () => {
        runtime.scheduler.stop();
        runtime = await booted.rebuild();
        session.replaceRuntime(platformRuntime(runtime));
        runtime.scheduler.start();
      },
    },
  });
  await runtime.close();
  return 0;
}
