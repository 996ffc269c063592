#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { ConfigError } from "./config/errors.js";
import { readEnvironment } from "./config/environment.js";
import { findConfigFile } from "./config/locate.js";
import { loadConfigFile } from "./config/load.js";
import { SecretError } from "./config/secret.js";
import { packageVersion } from "./config/package-info.js";
import { readTextFile, TextFileError } from "./config/text-file.js";
import { SecretMismatchError } from "./adapters/crypto/node-sealer.js";
import { DataDirLockedError } from "./adapters/storage/dir-lock.js";
import { deployDiscordCommands } from "./app/discord-deploy.js";
import { migrate } from "./app/migrate.js";
import { simulate } from "./app/simulate.js";
import { start } from "./app/start.js";

/** Exit codes: 0 fine, 1 the bot failed while running, 2 bad input (config, transcript, command line). */
const program = new Command()
  .name("chatwarden")
  .description(
    "Moderation bot for Telegram, Discord and Matrix: real-name binding, news-approval holds, graduated sanctions.",
  )
  .option(
    "-c, --config <file>",
    "configuration file (default: $CHATWARDEN_CONFIG, then config/chatwarden.yaml)",
  )
  .version(packageVersion(), "-V, --version", "print the version")
  .showHelpAfterError()
  .configureHelp({ showGlobalOptions: true })
  .exitOverride();

const env = readEnvironment();
const note = (line: string) => process.stderr.write(`${line}\n`);

function config() {
  const located = findConfigFile(program.opts<{ config?: string }>().config, env);
  if (located.fallback)
    note(
      `No ${located.wanted} yet: using the example configuration ${located.file}. Copy it to ${located.wanted} to make it yours.`,
    );
  const loaded = loadConfigFile(located.file);
  for (const w of loaded.warnings) note(`${loaded.file}: warning: ${w.path}: ${w.message}`);
  return loaded;
}

program
  .command("start")
  .description("run every configured adapter; with no platform token, the local console playground")
  .option(
    "--keep",
    "playground: keep state in <data_dir>/playground.sqlite across runs (fresh each run without)",
  )
  .action(async (opts: { keep?: boolean }) => {
    process.exitCode = await start(
      config(),
      env,
      { input: process.stdin, output: process.stdout, note },
      { keep: opts.keep },
    );
  });

program
  .command("simulate")
  .description("replay a transcript of chat events against the config and print each decision (a dry run)")
  .argument("<transcript>", "transcript file (see docs/transcripts.md)")
  .option("--json", "one JSON object per line instead of text")
  .action(async (file: string, opts: { json?: boolean }) => {
    let source: string;
    try {
      source = readTextFile(file);
    } catch (error) {
      if (error instanceof TextFileError) {
        note(`${file}: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      note(`${file}: cannot read the transcript file`);
      process.exitCode = 2;
      return;
    }
    const result = await simulate(source, config(), env, (line) => process.stdout.write(`${line}\n`), {
      json: opts.json,
      file,
    });
    process.exitCode = result.exitCode;
  });

program
  .command("check-config")
  .description("validate the configuration and print a summary")
  .action(() => {
    const loaded = config();
    process.stdout.write(`${loaded.file}: valid\n`);
    for (const c of loaded.core.communities) {
      process.stdout.write(
        `  community ${c.id} (${c.name}): ${c.chats.length} chat(s), ${c.admins.length} admin(s), verification ${c.policy.verification.required ? `required (${c.policy.verification.method})` : "optional"}, news holds ${c.policy.news.enabled ? "on" : "off"}, ${Object.keys(c.policy.rules.categories).length} rule categories\n`,
      );
    }
  });

program
  .command("discord")
  .description("Discord tools")
  .command("deploy-commands")
  .description(
    "register the slash commands in every Discord server the config names (the bot also does it at start)",
  )
  .action(async () => {
    process.exitCode = await deployDiscordCommands(config(), env, (line) =>
      process.stdout.write(`${line}\n`),
    );
  });

program
  .command("migrate")
  .description("copy all state from one store to another (stop the bot first), then verify the copy")
  .requiredOption("--from <url>", "the store to copy from, e.g. sqlite://./data/chatwarden.sqlite")
  .requiredOption("--to <url>", "the store to copy into, e.g. postgres://bot@db/chatwarden")
  .action(async (opts: { from: string; to: string }) => {
    for (const [flag, url] of [
      ["--from", opts.from],
      ["--to", opts.to],
    ] as const)
      if (!/^(sqlite|memory|redis|rediss|postgres|postgresql):\/\//.test(url)) {
        note(`migrate: ${flag}: expected a storage URL (sqlite://…, redis://…, postgres://…), got "${url}"`);
        process.exitCode = 2;
        return;
      }
    const result = await migrate(opts.from, opts.to, (line) => process.stdout.write(`${line}\n`));
    process.exitCode = result.exitCode;
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof ConfigError) {
    note(error.message);
    process.exitCode = 2;
  } else if (
    error instanceof SecretMismatchError ||
    error instanceof SecretError ||
    error instanceof DataDirLockedError
  ) {
    note(`chatwarden: ${error.message}`);
    process.exitCode = 2;
  } else {
    note(`chatwarden: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
