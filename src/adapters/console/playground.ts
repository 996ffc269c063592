import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { formatEffect } from "./printer.js";
import { runStep, type RunnerHooks } from "./runner.js";
import type { ConsoleSession } from "./session.js";
import { parseStep, transcriptHelp } from "./transcript.js";
import type { SimulatedWorld } from "./world.js";

export interface PlaygroundOptions {
  input: Readable;
  output: Writable;
  interactive: boolean;
  session: ConsoleSession;
  world: SimulatedWorld;
  hooks: RunnerHooks;
  now: () => number;
  banner: string[];
  /** Runs after each line (the playground saves its message numbering). */
  afterLine?: () => Promise<void>;
}

/**
 * The console playground: a simulated group chat in the terminal. Type transcript lines ("alice in
 * lobby: hello", "admin presses Approve on 4 in review"); the bot's reactions print below. Interactive
 * with a prompt on a TTY, line by line when piped; ends cleanly at end of input.
 */
export async function runPlayground(options: PlaygroundOptions): Promise<void> {
  const { output, world, interactive } = options;
  const print = (text: string) => output.write(`${text}\n`);
  world.onEffect = (effect) => print(formatEffect(effect, options.now()));
  world.onPost = (m) => {
    if (m.author !== "bot")
      print(
        `  (${m.ref.chat.replace(/^console:(@console:)?/, (_, p) => (p ? "private " : ""))} #${m.ref.id})`,
      );
  };
  for (const line of options.banner) print(line);
  const rl = createInterface({
    input: options.input,
    output: interactive ? output : undefined,
    terminal: interactive,
  });
  if (interactive) {
    rl.setPrompt("> ");
    rl.prompt();
  }
  for await (const line of rl) {
    const text = line.trim();
    if (text === "help" || text === "?") print(transcriptHelp);
    else if (text === "quit" || text === "exit") break;
    else {
      try {
        const step = parseStep(text);
        if (step) {
          if (!interactive) print(`» ${text}`);
          await runStep(options.session, step, options.hooks);
        }
      } catch (error) {
        print(`  ! ${(error as Error).message}${interactive ? ' (type "help")' : ""}`);
      }
      await options.afterLine?.();
    }
    if (interactive) rl.prompt();
  }
  rl.close();
}
