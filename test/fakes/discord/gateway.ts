import type { Server } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { guildPayload, userPayload } from "./payloads.js";
import { snowflake, type DiscordState } from "./state.js";

const MESSAGE_CONTENT_INTENT = 1 << 15;
/** GuildMembers, GuildPresences, MessageContent: refused (close 4014) unless enabled for the application. */
const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | MESSAGE_CONTENT_INTENT;

interface Session {
  socket: WebSocket;
  seq: number;
  intents: number;
  ready: boolean;
}

/** A received gateway frame (op 2 IDENTIFY, op 1 heartbeat, ...), kept for assertions. */
export interface GatewayFrame {
  op: number;
  d: unknown;
}

/**
 * The gateway WebSocket: op 10 HELLO, IDENTIFY → READY → one GUILD_CREATE per guild, op 11 for every
 * heartbeat, and dispatches the driver asks for. Without the MessageContent intent, message content is
 * blanked as Discord does.
 */
export class Gateway {
  readonly received: GatewayFrame[] = [];
  private readonly sessions = new Set<Session>();
  private readonly wss: WebSocketServer;
  private readyWaiters: (() => void)[] = [];
  /** Whether the application may use the privileged intents (the developer portal's switches). */
  privilegedIntents = true;

  constructor(
    private readonly state: DiscordState,
    server: Server,
    private readonly token: string,
  ) {
    this.wss = new WebSocketServer({ server });
    this.wss.on("connection", (socket) => this.open(socket));
  }

  /** Identified connections. */
  get connected(): number {
    return [...this.sessions].filter((s) => s.ready).length;
  }

  /** Resolves once a client has identified and received READY and its guilds. */
  whenReady(): Promise<void> {
    if (this.connected > 0) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Sends a dispatch (op 0) to every identified client. */
  dispatch(t: string, d: Record<string, unknown>): void {
    for (const s of this.sessions) {
      if (!s.ready) continue;
      const payload =
        (t === "MESSAGE_CREATE" || t === "MESSAGE_UPDATE") && (s.intents & MESSAGE_CONTENT_INTENT) === 0
          ? { ...d, content: "", embeds: [], attachments: [] }
          : d;
      this.send(s, { op: 0, t, s: ++s.seq, d: payload });
    }
  }

  private open(socket: WebSocket): void {
    const session: Session = { socket, seq: 0, intents: 0, ready: false };
    this.sessions.add(session);
    socket.on("close", () => this.sessions.delete(session));
    socket.on("message", (raw: Buffer) => this.receive(session, raw.toString("utf8")));
    this.send(session, { op: 10, d: { heartbeat_interval: 41_250 } });
  }

  private receive(s: Session, raw: string): void {
    let frame: GatewayFrame;
    try {
      frame = JSON.parse(raw) as GatewayFrame;
    } catch {
      s.socket.close(4002, "Decode error");
      return;
    }
    this.received.push(frame);
    if (frame.op === 1) this.send(s, { op: 11 });
    else if (frame.op === 2) this.identify(s, frame.d as { token?: string; intents?: number });
    else if (frame.op === 6) this.send(s, { op: 9, d: false });
  }

  private identify(s: Session, d: { token?: string; intents?: number }): void {
    if (d.token !== this.token && d.token !== `Bot ${this.token}`) {
      s.socket.close(4004, "Authentication failed.");
      return;
    }
    s.intents = d.intents ?? 0;
    if (!this.privilegedIntents && (s.intents & PRIVILEGED_INTENTS) !== 0) {
      s.socket.close(4014, "Disallowed intent(s).");
      return;
    }
    const guilds = [...this.state.guilds.values()];
    this.send(s, {
      op: 0,
      t: "READY",
      s: ++s.seq,
      d: {
        v: 10,
        user: userPayload(this.state.bot),
        guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
        session_id: `session-${snowflake()}`,
        resume_gateway_url: "ws://127.0.0.1:1",
        application: { id: this.state.applicationId, flags: 0 },
        shard: [0, 1],
      },
    });
    s.ready = true;
    for (const g of guilds)
      this.send(s, { op: 0, t: "GUILD_CREATE", s: ++s.seq, d: guildPayload(this.state, g) });
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w();
  }

  private send(s: Session, frame: Record<string, unknown>): void {
    if (s.socket.readyState === s.socket.OPEN) s.socket.send(JSON.stringify(frame));
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.socket.terminate();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
