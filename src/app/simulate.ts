import { randomBytes } from "node:crypto";
import { ConsoleSession } from "../adapters/console/session.js";
import { SimulatedWorld } from "../adapters/console/world.js";
import { formatEffect } from "../adapters/console/printer.js";
import { parseTranscript } from "../adapters/console/transcript.js";
import { runStep } from "../adapters/console/runner.js";
import type { Environment } from "../config/environment.js";
import type { LoadedConfig } from "../config/load.js";
import { parseKey } from "../core/ids.js";
import { boot } from "./boot.js";
import { platformRuntime } from "./platform-runtime.js";

export interface SimulateResult {
  exitCode: number;
}

/** Every chat the bot acts in or reports to: configured chats, review and mod-log chats. */
export function knownChats(config: LoadedConfig): Set<string> {
  return new Set(
    config.core.communities.flatMap((c) => [
      ...c.chats.map((chat) => chat.key as string),
      ...(c.reviewChat ? [c.reviewChat] : []),
      ...(c.modlogChat ? [c.modlogChat] : []),
    ]),
  );
}

/** A clock that only `wait` moves: a dry run is reproducible. */
class ManualClock {
  constructor(public time: number) {}
  now() {
    return this.time;
  }
}

/**
 * Replays a transcript against a config on a fresh in-memory store and prints every decision: the
 * dry run admins use to try a policy before going live. Nothing reaches a real platform.
 */
export async function simulate(
  source: string,
  config: LoadedConfig,
  env: Environment,
  out: (line: string) => void,
  options: { json?: boolean; file?: string } = {},
): Promise<SimulateResult> {
  const { steps, errors } = parseTranscript(source);
  if (errors.length > 0) {
    for (const e of errors) out(`${options.file ?? "transcript"}:${e.line}: ${e.message}`);
    return { exitCode: 2 };
  }
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const booted = await boot({
    config,
    env: {
      ...env,
      secret: env.secret ?? randomBytes(24).toString("base64url"),
      logLevel: env.logLevel ?? "silent",
    },
    clock,
    storage: { url: "memory://" },
  });
  const world = new SimulatedWorld();
  const session = new ConsoleSession(platformRuntime(booted.runtime), world);
  let runtime = booted.runtime;
  const emit = (record: Record<string, unknown>, text: string) =>
    out(options.json ? JSON.stringify(record) : text);
  world.onEffect = (effect) =>
    emit(
      { type: "decision", decision: effect.decision, outcome: effect.outcome, message: effect.message?.ref },
      formatEffect(effect, clock.now()),
    );
  world.onPost = (m) => {
    if (m.author !== "bot")
      emit(
        { type: "posted", message: m.ref, author: m.author },
        `  (${parseKey(m.ref.chat).id.replace(/^@console:/, "private ")} #${m.ref.id})`,
      );
  };
  const defaultChat =
    config.core.communities.flatMap((c) => c.chats).find((c) => c.key.startsWith("console:"))?.key ??
    "console:lobby";
  const chats = knownChats(config);
  let failed = 0;
  for (const { step, line, text } of steps) {
    emit({ type: "step", line, text }, `» ${text}`);
    try {
      await runStep(session, step, {
        defaultChat,
        chats,
        wait: async (ms) => {
          clock.time += ms;
          await runtime.scheduler.runDue();
        },
        restart: async () => {
          runtime.scheduler.stop();
          runtime = await booted.rebuild();
          session.replaceRuntime(platformRuntime(runtime));
        },
      });
    } catch (error) {
      failed++;
      emit(
        { type: "error", line, message: (error as Error).message },
        `${options.file ?? "transcript"}:${line}: ${(error as Error).message}`,
      );
    }
  }
  await runtime.close();
  return { exitCode: failed > 0 ? 2 : 0 };
}
