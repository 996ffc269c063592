import type { Client } from "discord.js";

/** How long a start may take to reach READY before it fails (default). */
export const DEFAULT_START_TIMEOUT_MS = 30_000;

/** A start that could not succeed, in words an operator can act on. */
export class DiscordStartError extends Error {
  override readonly name = "DiscordStartError";
  constructor(
    readonly code: "disallowed_intents" | "bad_token" | "unreachable" | "aborted",
    message: string,
  ) {
    super(message);
  }
}

const INTENTS_HELP =
  "Discord refused the bot's privileged gateway intents (close code 4014). Open https://discord.com/developers/applications → your application → Bot → Privileged Gateway Intents, turn on SERVER MEMBERS INTENT and MESSAGE CONTENT INTENT, save, and start chatwarden again.";
const TOKEN_HELP =
  "Discord refused the bot token (DISCORD_BOT_TOKEN). Copy it again from https://discord.com/developers/applications → your application → Bot → Reset Token (the token, not the client secret or public key).";

/** A login error as a DiscordStartError with plain words. */
export function startFailure(error: unknown, where: string): DiscordStartError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (/disallowed intents/i.test(message) || code === 4014)
    return new DiscordStartError("disallowed_intents", INTENTS_HELP);
  if (code === "TokenInvalid" || code === 4004 || /invalid token|401|authentication failed/i.test(message))
    return new DiscordStartError("bad_token", TOKEN_HELP);
  return new DiscordStartError(
    "unreachable",
    `Cannot connect to Discord at ${where}: ${message}. Check DISCORD_API_URL and the network.`,
  );
}

/**
 * Logs in and waits for READY (the guilds then arrive in the cache). Fails with plain words when the
 * token is wrong, the privileged intents are off, nothing answers within `timeoutMs`, or `signal`
 * aborts (SIGTERM during the start).
 */
export async function connect(
  client: Client,
  token: string,
  opts: { where: string; timeoutMs: number; signal: AbortSignal },
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const ready = new Promise<void>((resolve) => client.once("clientReady", () => resolve()));
  const limits = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DiscordStartError(
            "unreachable",
            `Discord at ${opts.where} did not get the bot ready within ${Math.round(opts.timeoutMs / 1000)} s. Check DISCORD_API_URL and the network.`,
          ),
        ),
      opts.timeoutMs,
    );
    onAbort = () => reject(new DiscordStartError("aborted", "the start was stopped"));
    if (opts.signal.aborted) onAbort();
    else opts.signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([
      (async () => {
        try {
          await client.login(token);
        } catch (error) {
          throw startFailure(error, opts.where);
        }
        await ready;
      })(),
      limits,
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) opts.signal.removeEventListener("abort", onAbort);
  }
}
