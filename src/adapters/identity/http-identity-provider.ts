import type {
  IdentityCheckRequest,
  IdentityCheckResult,
  IdentityProvider,
} from "../../core/verification/identity-provider.js";

export interface HttpIdentityProviderOptions {
  /** Resolves `token_env` to the bearer token (the composition root passes the environment it read). */
  token?: (envName: string) => string | undefined;
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /**
   * Tests only: also call `http://` URLs (a local test server). Never set in production; the config
   * schema accepts only `https://` endpoints anyway.
   */
  allowPlainHttpForTests?: boolean;
}

/**
 * Calls a community's own identity provider over HTTPS: one POST with the collected fields, answered with
 * `{"result":"verified"}` or `{"result":"rejected","reason":"..."}` (docs/verification.md). Anything else
 * — a timeout, a non-2xx status, a malformed body — is an `error`, never a rejection. Error messages never
 * include the request body.
 */
export function createHttpIdentityProvider(options: HttpIdentityProviderOptions = {}): IdentityProvider {
  const doFetch = options.fetch ?? fetch;
  return {
    async check(request: IdentityCheckRequest): Promise<IdentityCheckResult> {
      const { url, timeoutMs, tokenEnv } = request.endpoint;
      if (!url.startsWith("https://") && !(options.allowPlainHttpForTests && url.startsWith("http://")))
        return { status: "error", message: "the identity provider URL must use https://" };
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "application/json",
      };
      if (tokenEnv) {
        const token = options.token?.(tokenEnv);
        if (!token) return { status: "error", message: `the token variable ${tokenEnv} is not set` };
        headers.authorization = `Bearer ${token}`;
      }
      const body = JSON.stringify({
        version: 1,
        request_id: request.requestId,
        community: request.community,
        account: request.account,
        platform: request.platform,
        fields: request.fields,
      });
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const response = await doFetch(url, {
          method: "POST",
          headers,
          body,
          signal: controller.signal,
          redirect: "error",
        });
        if (!response.ok)
          return { status: "error", message: `the identity provider answered HTTP ${response.status}` };
        return parseAnswer(await response.text());
      } catch (error) {
        if (controller.signal.aborted)
          return { status: "error", message: `no answer within ${timeoutMs} ms` };
        return {
          status: "error",
          message: `request failed: ${error instanceof Error ? error.message : String(error)}`,
        };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The response contract, checked strictly: an unexpected answer must not read as a decision. */
export function parseAnswer(text: string): IdentityCheckResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { status: "error", message: "the identity provider's answer is not JSON" };
  }
  if (typeof value !== "object" || value === null)
    return { status: "error", message: "the identity provider's answer is not an object" };
  const answer = value as { result?: unknown; reason?: unknown };
  if (answer.result === "verified") return { status: "verified" };
  if (answer.result === "rejected") {
    const reason =
      typeof answer.reason === "string" && answer.reason.trim()
        ? answer.reason.trim().slice(0, 500)
        : "no reason given";
    return { status: "rejected", reason };
  }
  return {
    status: "error",
    message: 'the identity provider\'s answer has no "result" of "verified" or "rejected"',
  };
}
