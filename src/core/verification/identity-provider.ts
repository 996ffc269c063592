/**
 * The port to a community's own identity provider (verification method `external`). The core hands it the
 * fields it collected; the adapter (src/adapters/identity) calls the community's HTTPS endpoint. The
 * request/response contract is documented in docs/verification.md.
 */
export interface IdentityProvider {
  check(request: IdentityCheckRequest): Promise<IdentityCheckResult>;
}

export interface IdentityCheckRequest {
  endpoint: {
    url: string;
    timeoutMs: number;
    /** Name of the environment variable with the bearer token; the adapter's owner resolves it. */
    tokenEnv?: string;
  };
  /** Opaque id for the provider's logs, never reused. */
  requestId: string;
  community: string;
  account: string;
  platform: string;
  fields: { legal_name?: string; id_number?: string; phone?: string };
}

/**
 * `verified` and `rejected` are the provider's answers; `error` means no answer (timeout, bad status,
 * malformed body): the member is asked to try later and the admins are told, it is never a rejection.
 */
export type IdentityCheckResult =
  { status: "verified" } | { status: "rejected"; reason: string } | { status: "error"; message: string };
