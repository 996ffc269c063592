import { createHmac, randomUUID } from "node:crypto";

/**
 * A real Synapse for the Matrix suites, started by scripts/synapse.sh (`.ci/run` always starts it):
 *   eval "$(scripts/synapse.sh start)"
 * sets CHATWARDEN_TEST_MATRIX_URL and CHATWARDEN_TEST_MATRIX_SECRET. Without them the suites are skipped
 * (`describe.skipIf(!synapseEnv)`); CI fails when a Matrix test is skipped.
 */
export interface SynapseEnv {
  url: string;
  secret: string;
}

export const synapseEnv: SynapseEnv | undefined =
  process.env.CHATWARDEN_TEST_MATRIX_URL && process.env.CHATWARDEN_TEST_MATRIX_SECRET
    ? {
        url: process.env.CHATWARDEN_TEST_MATRIX_URL.replace(/\/+$/, ""),
        secret: process.env.CHATWARDEN_TEST_MATRIX_SECRET,
      }
    : undefined;

/** The server synapse.sh starts calls itself `localhost`. */
export const SERVER_NAME = "localhost";

export class MatrixApiError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string | undefined,
    message: string,
  ) {
    super(`${status} ${errcode ?? ""}: ${message}`);
  }
}

/** One call to the client-server (or admin) API with an access token; throws MatrixApiError on non-2xx. */
export async function matrixApi<T = Record<string, unknown>>(
  url: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok)
    throw new MatrixApiError(
      res.status,
      json.errcode as string | undefined,
      String(json.error ?? res.statusText),
    );
  return json as T;
}

/** A registered user with an access token, and the raw calls tests arrange state with. */
export class TestUser {
  constructor(
    readonly env: SynapseEnv,
    readonly userId: string,
    readonly accessToken: string,
  ) {}

  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    return matrixApi<T>(this.env.url, this.accessToken, method, path, body);
  }

  /** A new room; `version` "11" (power only from power_levels) or "12" (the creator is above them). */
  async createRoom(
    options: {
      version?: "11" | "12";
      invite?: string[];
      preset?: "private_chat" | "public_chat" | "trusted_private_chat";
      powerLevels?: Record<string, unknown>;
      name?: string;
      isDirect?: boolean;
    } = {},
  ): Promise<string> {
    const { room_id } = await this.api<{ room_id: string }>("POST", "/_matrix/client/v3/createRoom", {
      room_version: options.version ?? "12",
      preset: options.preset ?? "public_chat",
      ...(options.invite ? { invite: options.invite } : {}),
      ...(options.powerLevels ? { power_level_content_override: options.powerLevels } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.isDirect ? { is_direct: true } : {}),
    });
    return room_id;
  }

  async join(roomId: string): Promise<void> {
    await this.api("POST", `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {});
  }

  async invite(roomId: string, userId: string): Promise<void> {
    await this.api("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/invite`, {
      user_id: userId,
    });
  }

  /** Sends a text message; returns its event id. */
  async send(roomId: string, body: string, content: Record<string, unknown> = {}): Promise<string> {
    return this.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body, ...content });
  }

  async sendEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<string> {
    const txn = randomUUID();
    const { event_id } = await this.api<{ event_id: string }>(
      "PUT",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${txn}`,
      content,
    );
    return event_id;
  }

  /** A state event's content, or undefined when the room has none. */
  async state<T = Record<string, unknown>>(
    roomId: string,
    type: string,
    stateKey = "",
  ): Promise<T | undefined> {
    try {
      return await this.api<T>(
        "GET",
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`,
      );
    } catch (error) {
      if (error instanceof MatrixApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async setState(roomId: string, type: string, content: unknown, stateKey = ""): Promise<void> {
    await this.api(
      "PUT",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`,
      content,
    );
  }

  /** One event as the server holds it (a redacted event comes back with empty content). */
  event(roomId: string, eventId: string): Promise<MatrixEvent> {
    return this.api<MatrixEvent>(
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(eventId)}`,
    );
  }

  /** The newest events of a room, newest first. */
  async messages(roomId: string, limit = 50): Promise<MatrixEvent[]> {
    const { chunk } = await this.api<{ chunk: MatrixEvent[] }>(
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=${limit}`,
    );
    return chunk;
  }

  /** The member's membership in a room ("join", "invite", "leave", "ban", ...), or undefined. */
  async membership(roomId: string, userId: string): Promise<string | undefined> {
    const member = await this.state<{ membership?: string }>(roomId, "m.room.member", userId);
    return member?.membership;
  }
}

export interface MatrixEvent {
  event_id: string;
  type: string;
  sender: string;
  room_id: string;
  state_key?: string;
  content: Record<string, unknown>;
  unsigned?: Record<string, unknown>;
}

/**
 * Registers a user through the shared-secret admin API (`POST /_synapse/admin/v1/register`, HMAC-SHA1
 * over `nonce\0user\0password\0admin|notadmin`) and returns it with an access token. Names get a random
 * suffix, so suites can share one server and run again without clashing.
 */
export async function registerUser(
  env: SynapseEnv,
  name = "user",
  options: { admin?: boolean; displayName?: string } = {},
): Promise<TestUser> {
  const username = `${name.toLowerCase().replace(/[^a-z0-9._=-]/g, "")}-${randomUUID().slice(0, 8)}`;
  const password = randomUUID();
  const admin = options.admin ?? false;
  const { nonce } = await matrixApi<{ nonce: string }>(
    env.url,
    undefined,
    "GET",
    "/_synapse/admin/v1/register",
  );
  const mac = createHmac("sha1", env.secret)
    .update(`${nonce}\0${username}\0${password}\0${admin ? "admin" : "notadmin"}`)
    .digest("hex");
  const { user_id, access_token } = await matrixApi<{ user_id: string; access_token: string }>(
    env.url,
    undefined,
    "POST",
    "/_synapse/admin/v1/register",
    {
      nonce,
      username,
      password,
      admin,
      mac,
      ...(options.displayName ? { displayname: options.displayName } : {}),
    },
  );
  return new TestUser(env, user_id, access_token);
}
