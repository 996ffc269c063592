import type { z } from "zod";

/** One problem in the configuration, located by its path: `communities[0].sanctions.ladder[2].duration`. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly problems: ConfigProblem[],
    readonly file?: string,
  ) {
    super(
      `${file ? `${file}: ` : ""}invalid configuration\n` +
        problems.map((p) => `  ${p.path ? `${p.path}: ` : ""}${p.message}`).join("\n"),
    );
  }
}

export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** zod's type names in the words of a YAML file. */
const typeNames: Record<string, string> = { array: "a list", object: "a mapping" };

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}

/** Turns zod issues into problems whose messages say what was expected and what was found. */
export function problemsFrom(
  issues: readonly z.core.$ZodIssue[],
  prefix = "",
  input?: unknown,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path, prefix);
    const got = describe(valueAt(input, issue.path));
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys)
          problems.push({
            path: formatPath([...issue.path, key], prefix),
            message: "unknown key (check the spelling; see config/chatwarden.example.yaml)",
          });
        break;
      case "invalid_type": {
        const expected = typeNames[issue.expected] ?? issue.expected;
        problems.push({
          path,
          message: got === "nothing" ? `required: expected ${expected}` : `expected ${expected}, got ${got}`,
        });
        break;
      }
      case "invalid_value":
        problems.push({
          path,
          message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${got}`,
        });
        break;
      case "invalid_union": {
        // A tagged form (storage: { kind: … }) with an unknown tag: name the valid tags.
        const options = (issue as { discriminator?: string; options?: unknown[] }).options;
        if (issue.errors.length === 0 && options?.length) {
          problems.push({
            path,
            message: `expected one of ${options.map((v) => JSON.stringify(v)).join(", ")}, got ${got}`,
          });
          break;
        }
        // Report the branch that came closest (fewest problems): usually the form the author meant.
        const branches = issue.errors.filter((b) => b.length > 0).sort((a, b) => a.length - b.length);
        const best = branches[0];
        if (best && best.some((n) => n.path.length > 0 || n.code === "unrecognized_keys")) {
          problems.push(...problemsFrom(best, path, valueAt(input, issue.path)));
        } else problems.push({ path, message: `expected one of the documented forms, got ${got}` });
        break;
      }
      case "too_small":
      case "too_big":
        problems.push({ path, message: `${issue.message.replace(/^Too (small|big): /, "")}` });
        break;
      default:
        problems.push({
          path,
          message: issue.message.includes("got") ? issue.message : `${issue.message}, got ${got}`,
        });
    }
  }
  return problems;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}
