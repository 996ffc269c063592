import { badRequest } from "./errors.js";

/**
 * Parameter access that accepts both JSON bodies (typed values) and form/query bodies
 * (everything a string, objects JSON-encoded), the way the Bot API does.
 */
export type Params = Record<string, unknown>;

export function optInt(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  throw badRequest(`invalid ${name} specified`);
}

export function int(p: Params, name: string, missing?: string): number {
  const v = optInt(p, name);
  if (v === undefined) throw badRequest(missing ?? `${name} is empty`);
  return v;
}

export function optStr(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw badRequest(`invalid ${name} specified`);
}

export function optBool(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "1" || v === 1) return true;
  if (v === "false" || v === "0" || v === 0) return false;
  throw badRequest(`invalid ${name} specified`);
}

/** An object or array parameter; form bodies carry them JSON-encoded. */
export function optObj<T>(p: Params, name: string): T | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "string") {
    try {
      return JSON.parse(v) as T;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }
  if (typeof v === "object") return v as T;
  throw badRequest(`invalid ${name} specified`);
}

/** chat_id: an integer, or "@username" of a public chat. */
export function chatIdParam(p: Params, name = "chat_id"): number | string {
  const v = p[name];
  if (v === undefined || v === null || v === "") throw badRequest(`${name} is empty`);
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const s = v.trim();
    if (/^-?\d+$/.test(s)) return Number(s);
    if (s.startsWith("@")) return s;
  }
  throw badRequest("chat not found");
}
