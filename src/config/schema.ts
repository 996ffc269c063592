import { z } from "zod";
import { isPlatform } from "../core/ids.js";
import { duration } from "../core/settings/duration.js";
import { newsSettingsSchema } from "../core/news/settings.js";
import { rulesSettingsSchema, sanctionSettingsSchema } from "../core/sanctions/settings.js";
import { verificationSettingsSchema } from "../core/verification/settings.js";

/**
 * The configuration file's schema, folded from each policy's own schema. Every object is strict: an
 * unknown key (a typo) is an error, never silently ignored.
 */
const platformKey = (what: string) =>
  z.string().refine(
    (key) => {
      const colon = key.indexOf(":");
      return colon > 0 && isPlatform(key.slice(0, colon)) && colon < key.length - 1;
    },
    { message: `expected a ${what} like "telegram:-1001234567890", "console:lobby" (platform:id)` },
  );

export const chatKeySchema = platformKey("chat");
export const accountKeySchema = platformKey("account");

/** Policy sections, as written in the file (before defaults). Chats override parts of them. */
export const policySchema = z.strictObject({
  verification: verificationSettingsSchema.prefault({}),
  news: newsSettingsSchema.prefault({}),
  rules: rulesSettingsSchema.prefault({}),
  sanctions: sanctionSettingsSchema.prefault({}),
});
export const policyKeys = ["verification", "news", "rules", "sanctions"] as const;

const chatSchema = z.strictObject({
  id: chatKeySchema,
  title: z.string().optional(),
  verification: z.record(z.string(), z.unknown()).optional(),
  news: z.record(z.string(), z.unknown()).optional(),
  rules: z.record(z.string(), z.unknown()).optional(),
  sanctions: z.record(z.string(), z.unknown()).optional(),
});

const languageSchema = z.enum(["en", "zh"], { message: 'expected a language: "en" or "zh"' });

export const communitySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected a lower-case id like "my-community"'),
  name: z.string().min(1),
  language: languageSchema.optional(),
  admins: z.array(accountKeySchema).default([]),
  review_chat: chatKeySchema.optional(),
  modlog_chat: chatKeySchema.optional(),
  chats: z.array(chatSchema).min(1, "expected at least one chat"),
  verification: z.record(z.string(), z.unknown()).optional(),
  news: z.record(z.string(), z.unknown()).optional(),
  rules: z.record(z.string(), z.unknown()).optional(),
  sanctions: z.record(z.string(), z.unknown()).optional(),
});

const STORAGE_URL = /^(sqlite:\/\/.+|memory:\/\/|(redis|rediss|postgres|postgresql):\/\/.+)$/;

/**
 * Where the state lives, as one URL: `sqlite://<data_dir>/chatwarden.sqlite` (the default, embedded),
 * `memory://` (lost at exit), `redis://host:6379/0`, `postgres://user@host/db`. The older tagged form
 * (`kind: sqlite, path: …` / `kind: memory`) is still read. CHATWARDEN_STORAGE_URL overrides it, so a
 * password never has to sit in the config file.
 */
export const storageSchema = z.preprocess(
  (input) => {
    if (!input || typeof input !== "object" || !("kind" in input)) return input;
    const { kind, path, ...rest } = input as { kind: unknown; path?: unknown };
    if (kind === "memory" && path === undefined) return { url: "memory://", ...rest };
    if (kind === "sqlite") return typeof path === "string" ? { url: `sqlite://${path}`, ...rest } : rest;
    return input;
  },
  z.strictObject({
    url: z
      .string()
      .regex(STORAGE_URL, {
        message:
          'expected a storage URL like "sqlite://./data/chatwarden.sqlite", "memory://", "redis://127.0.0.1:6379/0" or "postgres://user@host/db"',
      })
      .optional(),
    /**
     * How many stored values each bot process keeps in memory (least recently used out first; 0: none).
     * SQLite writes through it (one process per file); Redis and PostgreSQL drop an entry when another
     * process changes it. Values over 8 KB are never kept, so the cap bounds the memory too.
     */
    cache_entries: z.number().int().min(0).max(1_000_000).default(10_000),
  }),
);

export const telegramSchema = z.strictObject({
  mode: z.enum(["polling", "webhook"]).default("polling"),
  webhook: z
    .strictObject({
      url: z.url({ protocol: /^https$/, message: "expected an https:// URL" }),
      port: z.number().int().min(1).max(65535).default(8443),
      path: z.string().default("/telegram"),
    })
    .optional(),
  /** Username of the bot without "@", for deep links; asked from Telegram (getMe) when absent. */
  username: z.string().optional(),
  /** How long the start may try to reach the Bot API before it fails (default 30s). */
  start_timeout: duration
    .refine((ms) => ms >= 1_000 && ms <= 600_000, { message: "expected between 1s and 10m" })
    .optional(),
  /** Pace sends to Telegram's flood limits (default true); false only against a local test server. */
  pacing: z.boolean().default(true),
});

/** A Matrix user id, `@localpart:server`. */
const matrixUserId = z
  .string()
  .regex(/^@[^\s:]+:\S+$/, { message: 'expected a Matrix user id like "@admin:example.org"' });

/**
 * The Matrix adapter (it runs when MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN are set). The bot joins
 * configured rooms when invited, and any room only when one of `inviters` invites it.
 */
export const matrixSchema = z.strictObject({
  inviters: z.array(matrixUserId).default([]),
  /** The power level that counts as a room admin for commands and review reactions (default 50). */
  admin_power_level: z.number().int().min(1).max(9007199254740991).default(50),
});

/** A Discord id. YAML reads an unquoted 18-digit number as a float and rounds it: ids must be quoted. */
const discordId = z
  .string()
  .regex(/^[0-9]{15,21}$/, 'expected a Discord id in quotes, like "123456789012345678"');

export const discordGuildSchema = z.strictObject({
  /** Given when a member's verification limits lift (they verified). */
  verified_role: discordId.optional(),
  /** Given instead of a timeout while a member is limited only for not having verified. */
  unverified_role: discordId.optional(),
  /** Where the bot keeps a message with the Verify button (readable by the unverified role). */
  verification_channel: discordId.optional(),
  /** Roles for the limited access levels of sanctions (default: read_only is a timeout). */
  read_only_role: discordId.optional(),
  text_only_role: discordId.optional(),
});

export const discordSchema = z.strictObject({
  /** Register the slash commands in every configured server at start (default true). */
  commands: z.boolean().default(true),
  /** How long the start may try to reach Discord before it fails (default 30s). */
  start_timeout: duration
    .refine((ms) => ms >= 1_000 && ms <= 600_000, { message: "expected between 1s and 10m" })
    .optional(),
  /** Per server (by id, quoted): roles and the verification channel. */
  guilds: z
    .record(z.string().regex(/^[0-9]{15,21}$/, "expected a Discord server id"), discordGuildSchema)
    .default({}),
});

/** Prometheus `/metrics` and `/healthz` on one small HTTP server; off unless a port is set. */
export const metricsSchema = z.strictObject({
  /** 0 picks a free port (its number is logged); meant for tests. */
  port: z.number().int().min(0).max(65535),
  host: z.string().min(1).default("127.0.0.1"),
});

const configObject = z.strictObject({
  language: languageSchema.default("en"),
  data_dir: z.string().default("./data"),
  storage: storageSchema.prefault({}),
  log: z
    .strictObject({
      level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    })
    .prefault({}),
  telegram: telegramSchema.optional(),
  matrix: matrixSchema.optional(),
  discord: discordSchema.optional(),
  metrics: metricsSchema.optional(),
  communities: z.array(communitySchema).min(1, "expected at least one community"),
});

/** The whole file. Without a storage URL the SQLite file lives in data_dir, next to the secret file. */
export const configSchema = configObject.transform((c) => ({
  ...c,
  storage: {
    url: c.storage.url ?? `sqlite://${c.data_dir.replace(/\/+$/, "")}/chatwarden.sqlite`,
    cache_entries: c.storage.cache_entries,
  },
}));

export type RawConfig = z.output<typeof configSchema>;
export type RawCommunity = z.output<typeof communitySchema>;
export type TelegramConfig = z.output<typeof telegramSchema>;
export type MatrixConfig = z.output<typeof matrixSchema>;
export type DiscordConfig = z.output<typeof discordSchema>;
