/** Everything chatwarden takes from the environment. Only this module reads process.env. */
export interface Environment {
  configPath?: string;
  secret?: string;
  telegramToken?: string;
  telegramApiRoot?: string;
  telegramWebhookSecret?: string;
  /** MATRIX_HOMESERVER_URL: the bot's homeserver (client-server API base URL). */
  matrixHomeserverUrl?: string;
  /** MATRIX_ACCESS_TOKEN: the bot account's access token. */
  matrixAccessToken?: string;
  discordToken?: string;
  /** DISCORD_API_URL: the REST base without the version (`https://proxy.example/api`), for a proxy or tests. */
  discordApiUrl?: string;
  logLevel?: string;
  /** CHATWARDEN_STORAGE_URL: replaces `storage.url` (keeps a database password out of the config file). */
  storageUrl?: string;
  /**
   * Any other variable the configuration names (e.g. verification.external.token_env): the config file
   * says which variable, the environment holds the secret.
   */
  variable?: (name: string) => string | undefined;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const variable = (name: string) => nonEmpty(env[name]);
  const nonEmpty = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
  return {
    configPath: nonEmpty(env.CHATWARDEN_CONFIG),
    secret: nonEmpty(env.CHATWARDEN_SECRET),
    telegramToken: nonEmpty(env.TELEGRAM_BOT_TOKEN),
    telegramApiRoot: nonEmpty(env.TELEGRAM_API_ROOT)?.replace(/\/+$/, ""),
    telegramWebhookSecret: nonEmpty(env.TELEGRAM_WEBHOOK_SECRET),
    matrixHomeserverUrl: nonEmpty(env.MATRIX_HOMESERVER_URL)?.replace(/\/+$/, ""),
    matrixAccessToken: nonEmpty(env.MATRIX_ACCESS_TOKEN),
    discordToken: nonEmpty(env.DISCORD_BOT_TOKEN),
    discordApiUrl: nonEmpty(env.DISCORD_API_URL)
      ?.replace(/\/+$/, "")
      .replace(/\/v\d+$/, ""),
    logLevel: nonEmpty(env.LOG_LEVEL),
    storageUrl: nonEmpty(env.CHATWARDEN_STORAGE_URL),
    variable,
  };
}
