import { dirname, isAbsolute, resolve } from "node:path";
import { parseDocument, visit } from "yaml";
import type { z } from "zod";
import type { AccountKey, ChatKey, CommunityId } from "../core/ids.js";
import type { ChatEntry, CommunitySettings, CoreSettings, Policy } from "../core/settings/community.js";
import {
  needsReviewChat,
  verificationChatProblem,
  verificationProblems,
} from "../core/verification/methods/index.js";
import { readTextFile, TextFileError } from "./text-file.js";
import { ConfigError, problemsFrom, type ConfigProblem } from "./errors.js";
import { checkReportChats } from "./report-chats.js";
import { configSchema, policyKeys, policySchema, type RawCommunity, type RawConfig } from "./schema.js";

export interface LoadedConfig {
  file?: string;
  raw: RawConfig;
  core: CoreSettings;
  /** Valid but probably not what was meant; shown by check-config and at start. */
  warnings: ConfigProblem[];
}

/** Reads and validates a YAML config file. Throws ConfigError naming every problem by its path. */
export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (error) {
    if (error instanceof TextFileError) throw new ConfigError([{ path: "", message: error.message }], file);
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      [
        {
          path: "",
          message:
            code === "ENOENT"
              ? "file not found"
              : code === "EISDIR"
                ? "expected a YAML file, got a directory"
                : `cannot read the file (${code ?? String(error)})`,
        },
      ],
      file,
    );
  }
  return parseConfigText(text, { file, baseDir: dirname(resolve(file)) });
}

/** Parses YAML text; `baseDir` resolves term and domain files. */
export function parseConfigText(text: string, options: { file?: string; baseDir: string }): LoadedConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [first, ...more] = doc.errors;
  if (first) {
    // The first syntax error is the one to fix; the ones after it mostly follow from it.
    const message = `YAML: ${(first.message.split("\n")[0] ?? "").replace(/:\s*$/, "")}`;
    throw new ConfigError(
      [{ path: "", message: more.length ? `${message} (and ${more.length} more after it)` : message }],
      options.file,
    );
  }
  keepLongIntegersExact(doc);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias bomb ("billion laughs") would expand to gigabytes: the yaml library stops it here.
    throw new ConfigError(
      [{ path: "", message: `YAML: refused: ${(error as Error).message} (more than 100 alias expansions)` }],
      options.file,
    );
  }
  return parseConfigObject(value ?? {}, options);
}

/**
 * An unquoted integer past 2^53 (a Discord id: 17–20 digits) would become a rounded float, and a server
 * id used as a key would silently name another server. Such a number is kept as its exact digits; the
 * schema then takes it where an id is expected and names the field where a number was.
 */
function keepLongIntegersExact(doc: ReturnType<typeof parseDocument>): void {
  visit(doc, {
    Scalar(_key, node) {
      if (
        typeof node.value === "number" &&
        !Number.isSafeInteger(node.value) &&
        /^[0-9]+$/.test(node.source ?? "")
      )
        node.value = node.source;
    },
  });
}

export function parseConfigObject(input: unknown, options: { file?: string; baseDir: string }): LoadedConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(problemsFrom(result.error.issues, "", input), options.file);
  const raw = result.data;
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const communities = raw.communities.map((c, i) =>
    resolveCommunity(c, i, raw, options.baseDir, problems, warnings),
  );
  checkUnique(raw, problems);
  checkReportChats(raw, problems, warnings);
  if (problems.length > 0) throw new ConfigError(problems, options.file);
  return { file: options.file, raw, core: { communities: communities as CommunitySettings[] }, warnings };
}

function resolveCommunity(
  c: RawCommunity,
  index: number,
  raw: RawConfig,
  baseDir: string,
  problems: ConfigProblem[],
  warnings: ConfigProblem[],
) {
  const prefix = `communities[${index}]`;
  const sections = Object.fromEntries(policyKeys.map((k) => [k, c[k] ?? {}]));
  const policy = parsePolicy(sections, prefix, baseDir, problems);
  const chats: ChatEntry[] = c.chats.map((chat, j) => {
    const merged = Object.fromEntries(policyKeys.map((k) => [k, deepMerge(sections[k], chat[k] ?? {})]));
    let chatPolicy = policy;
    if (policyKeys.some((k) => chat[k])) {
      // The merged policy repeats the community's own mistakes: report only what the override adds.
      const own: ConfigProblem[] = [];
      chatPolicy = parsePolicy(merged, `${prefix}.chats[${j}]`, baseDir, own);
      const reported = new Set(problems.map((p) => `${p.path}\n${p.message}`));
      const chatPrefix = `${prefix}.chats[${j}]`;
      problems.push(
        ...own.filter((p) => !reported.has(`${prefix}${p.path.slice(chatPrefix.length)}\n${p.message}`)),
      );
    }
    const entry = { key: chat.id as ChatKey, title: chat.title, policy: chatPolicy ?? (policy as Policy) };
    const unsupported = entry.policy && verificationChatProblem(entry.policy.verification, entry.key);
    if (unsupported) {
      const own = chat.verification?.method !== undefined;
      problems.push({
        path: `${own ? `${prefix}.chats[${j}]` : prefix}.verification.method`,
        message: unsupported,
      });
    }
    return entry;
  });
  if (!c.review_chat) {
    const policies = [policy, ...chats.map((chat) => chat.policy)].filter(
      (p): p is Policy => p !== undefined,
    );
    const needs = [
      policies.some((p) => p.news.enabled) ? "news holds (news.enabled)" : "",
      policies.some((p) => Object.values(p.rules.categories).some((cat) => cat.action === "hold"))
        ? 'rule categories with action "hold"'
        : "",
      policies
        .map((p) => p.verification)
        .filter(needsReviewChat)
        .map((v) => `verification method "${v.method}"`)[0] ?? "",
    ].filter(Boolean);
    if (needs.length > 0) {
      warnings.push({
        path: `${prefix}.review_chat`,
        message: `not set, but ${needs.join(", ")} need a chat where admins decide: held posts are deleted instead, identity reviews cannot happen`,
      });
    }
  }
  return {
    id: c.id as CommunityId,
    name: c.name,
    language: c.language ?? raw.language,
    admins: c.admins as AccountKey[],
    reviewChat: c.review_chat as ChatKey | undefined,
    modlogChat: c.modlog_chat as ChatKey | undefined,
    chats,
    policy: policy as Policy,
  };
}

function parsePolicy(
  sections: Record<string, unknown>,
  prefix: string,
  baseDir: string,
  problems: ConfigProblem[],
): Policy | undefined {
  const result = policySchema.safeParse(sections);
  if (!result.success) {
    problems.push(...problemsFrom(result.error.issues as z.core.$ZodIssue[], prefix, sections));
    return undefined;
  }
  const policy = result.data;
  policy.news.domains = [
    ...policy.news.domains,
    ...readLists(policy.news.domain_files, `${prefix}.news.domain_files`, baseDir, problems),
  ];
  for (const [name, category] of Object.entries(policy.rules.categories)) {
    category.terms = [
      ...category.terms,
      ...readLists(category.term_files, `${prefix}.rules.categories.${name}.term_files`, baseDir, problems),
    ];
    category.patterns.forEach((pattern, k) => {
      try {
        new RegExp(pattern, "u");
      } catch (error) {
        problems.push({
          path: `${prefix}.rules.categories.${name}.patterns[${k}]`,
          message: `expected a valid regular expression (${(error as Error).message})`,
        });
      }
    });
  }
  for (const problem of verificationProblems(policy.verification))
    problems.push({ path: `${prefix}.verification.${problem.path}`, message: problem.message });
  return policy;
}

/** One entry per line; "#" starts a comment; blank lines are skipped. */
function readLists(
  files: readonly string[],
  path: string,
  baseDir: string,
  problems: ConfigProblem[],
): string[] {
  const out: string[] = [];
  files.forEach((file, i) => {
    const full = isAbsolute(file) ? file : resolve(baseDir, file);
    try {
      for (const line of readTextFile(full).split(/\r?\n/)) {
        const entry = line.replace(/#.*$/, "").trim();
        if (entry) out.push(entry);
      }
    } catch (error) {
      if (error instanceof TextFileError) {
        problems.push({ path: `${path}[${i}]`, message: `${full}: ${error.message}` });
        return;
      }
      problems.push({
        path: `${path}[${i}]`,
        message: `expected a readable file, got ${JSON.stringify(file)} (looked in ${full})`,
      });
    }
  });
  return out;
}

function checkUnique(raw: RawConfig, problems: ConfigProblem[]) {
  const seenChats = new Map<string, string>();
  const seenIds = new Set<string>();
  raw.communities.forEach((c, i) => {
    if (seenIds.has(c.id))
      problems.push({
        path: `communities[${i}].id`,
        message: `expected a unique id, got ${JSON.stringify(c.id)} twice`,
      });
    seenIds.add(c.id);
    c.chats.forEach((chat, j) => {
      const path = `communities[${i}].chats[${j}].id`;
      const earlier = seenChats.get(chat.id);
      if (earlier)
        problems.push({
          path,
          message: `expected each chat in one community only, got ${JSON.stringify(chat.id)} again (first at ${earlier})`,
        });
      seenChats.set(chat.id, path);
    });
  });
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
