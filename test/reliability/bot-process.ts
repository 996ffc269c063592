import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { waitFor } from "../fakes/telegram/index.js";

export const ROOT = resolve(import.meta.dirname, "../..");

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const exited = (proc: ChildProcess) =>
  new Promise<Exit>((done) => {
    if (proc.exitCode !== null || proc.signalCode !== null)
      done({ code: proc.exitCode, signal: proc.signalCode });
    else proc.once("exit", (code, signal) => done({ code, signal }));
  });

/**
 * One `chatwarden start` process, supervised the way systemd or a container runtime would: killed, it is
 * started again at once on the same config and data. Runs as `node --import tsx src/cli.ts` (not the
 * tsx wrapper), so SIGKILL reaches the bot itself and no orphan keeps working.
 */
export class BotProcess {
  proc: ChildProcess | undefined;
  /** Output of the current run (stdout and stderr). */
  out = "";
  /** Output of every run, for a failure message. */
  all = "";
  starts = 0;
  kills = 0;
  private supervising = true;
  private starting: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly config: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Starts the process and waits until it says it runs; a kill during the start starts it again. */
  start(): Promise<void> {
    this.starting ??= this.startLoop().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Resolves once the process runs (after any restart in progress). */
  async ready(): Promise<void> {
    await waitFor(() => !this.starting && this.running, {
      timeoutMs: 120_000,
      message: `${this.name} is not running:\n${this.all.slice(-3000)}`,
    });
  }

  private async startLoop(): Promise<void> {
    for (;;) {
      const proc = this.spawn();
      const end = exited(proc);
      const up = waitFor(() => /chatwarden running on/.test(this.out), {
        timeoutMs: 90_000,
        message: `${this.name} did not start:\n${this.out}`,
      });
      const first = await Promise.race([up.then(() => undefined), end]);
      if (first === undefined) return;
      if (first.signal !== "SIGKILL" || !this.supervising)
        throw new Error(`${this.name} ended during its start (${JSON.stringify(first)}):\n${this.out}`);
    }
  }

  private spawn(): ChildProcess {
    this.out = "";
    this.starts++;
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", "start", "--config", this.config],
      {
        cwd: ROOT,
        env: { ...process.env, ...this.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const collect = (b: Buffer) => {
      this.out += b.toString();
      this.all += b.toString();
    };
    proc.stdout?.on("data", collect);
    proc.stderr?.on("data", collect);
    proc.once("exit", (code, signal) => {
      this.all += `\n[${this.name} exited: ${code ?? signal}]\n`;
      if (signal === "SIGKILL" && this.supervising && this.proc === proc && !this.starting)
        void this.start().catch((error: unknown) => (this.all += String(error)));
    });
    this.proc = proc;
    return proc;
  }

  /** SIGKILL now (the supervisor starts it again). */
  kill(): void {
    if (!this.running) return;
    this.kills++;
    this.proc?.kill("SIGKILL");
  }

  /** SIGTERM, no restart: resolves with how it ended and how long that took. */
  async stop(): Promise<Exit & { ms: number }> {
    this.supervising = false;
    const proc = this.proc;
    if (!proc) return { code: 0, signal: null, ms: 0 };
    const begun = Date.now();
    proc.kill("SIGTERM");
    const end = await exited(proc);
    return { ...end, ms: Date.now() - begun };
  }

  /** Ends it for good (test cleanup). */
  dispose(): void {
    this.supervising = false;
    if (this.running) this.proc?.kill("SIGKILL");
  }
}
