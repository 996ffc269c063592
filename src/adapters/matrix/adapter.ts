import type { MatrixClient } from "matrix-bot-sdk";
import type { DecisionExecutor } from "../../core/decisions.js";
import type { Handled } from "../../core/engine/engine.js";
import type { CoreEvent } from "../../core/events.js";
import { parseKey } from "../../core/ids.js";
import type { Language } from "../../core/i18n/translator.js";
import type { HealthReporter } from "../../core/ports/health.js";
import type { Logger } from "../../core/ports/logger.js";
import type { PlatformRuntime } from "../../core/ports/platform.js";
import type { CommunitySettings } from "../../core/settings/community.js";
import type { ReactionButtons } from "./buttons.js";
import { isNotFound } from "./failures.js";
import { RoomGuard } from "./invites.js";
import { matrixChat } from "./keys.js";
import { PowerLevels } from "./power.js";
import { RefusedReactions, wasRefused } from "./refused-reactions.js";
import { reviewCommand } from "./review.js";
import { matrixTexts } from "./texts.js";
import { translateEvent, type MatrixEvent, type TranslateEnv } from "./translate.js";

export interface MatrixAdapterConfig {
  /** The client of the bot's account (createMatrixClient: sync state in our store, rate limits retried). */
  client: MatrixClient;
  /** Carries out the core's decisions on Matrix; it fills `buttons` for the messages it sends. */
  executor: DecisionExecutor;
  buttons: ReactionButtons;
  runtime: PlatformRuntime;
  logger: Logger;
  /** User ids whose invites the bot accepts into any room (besides the configured rooms). */
  inviters?: readonly string[];
  /** The power level that counts as a room admin (default 50, a moderator). */
  adminPowerLevel?: number;
  defaultLanguage?: Language;
  health?: HealthReporter;
}

export interface MatrixAdapter {
  /** The bot's user id, once started. */
  readonly userId: () => string;
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/** Room ids of the configured Matrix rooms, each with its community. */
export function matrixRooms(communities: readonly CommunitySettings[]): Map<string, CommunitySettings> {
  const out = new Map<string, CommunitySettings>();
  for (const c of communities) {
    for (const key of [...c.chats.map((chat) => chat.key), c.reviewChat, c.modlogChat]) {
      if (!key) continue;
      const { platform, id } = parseKey(key);
      if (platform === "matrix") out.set(id, c);
    }
  }
  return out;
}

/** The language the bot speaks in a room: its community's, else the default (English). */
export function roomLanguage(
  communities: readonly CommunitySettings[],
  defaultLanguage: Language = "en",
): (roomId: string) => Language {
  const rooms = matrixRooms(communities);
  return (roomId) => rooms.get(roomId)?.language ?? defaultLanguage;
}

/** Account data the bot writes to itself to end its own long poll when it stops. */
const WAKE_TYPE = "org.chatwarden.wake";

class Stopping extends Error {
  constructor() {
    super("the Matrix adapter is stopping");
  }
}

/** The parts of MatrixClient the SDK keeps protected that the adapter sets before the sync starts. */
interface SyncInternals {
  persistTokenAfterSync: boolean;
  startSyncInternal(): Promise<unknown>;
  startSync(emit: (name: string, ...args: unknown[]) => Promise<void>): Promise<unknown>;
  processSync(raw: unknown, emit?: unknown): Promise<unknown>;
}

/** The part of a sync response the encryption check reads. */
interface SyncResponse {
  rooms?: { join?: Record<string, { state?: { events?: MatrixEvent[] } }> };
}

/** The key of a reaction event (`✅`). */
const reactionKey = (ev: MatrixEvent) =>
  String((ev.content["m.relates_to"] as { key?: unknown } | undefined)?.key ?? "");

/** The room turned end-to-end encryption on (the bot never does). */
const isEncryption = (ev: MatrixEvent) => ev.type === "m.room.encryption" && ev.state_key === "";

/**
 * The Matrix adapter: matrix-bot-sdk's sync, with every event handed to us in order and awaited (the
 * sync token is stored only after the whole batch is handled, so a crash re-delivers it). Room events
 * become CoreEvents for the engine (translate.ts); invites go through the room guard (configured rooms
 * and inviters only, encrypted rooms left with a notice); `!approve` / `!reject` find their card
 * (review.ts). The executor carries the decisions out.
 */
export function createMatrixAdapter(config: MatrixAdapterConfig): MatrixAdapter {
  const { client, runtime, logger, buttons } = config;
  const rooms = matrixRooms(runtime.communities);
  const language = roomLanguage(runtime.communities, config.defaultLanguage);
  /** Encrypted rooms found and left: nothing more is done there, even if leaving failed. */
  const encrypted = new Set<string>();
  const guard = new RoomGuard(
    client,
    { rooms: new Set(rooms.keys()), inviters: new Set(config.inviters ?? []) },
    (roomId) => matrixTexts(language(roomId)),
    logger,
    { store: runtime.store, report: reportEncrypted },
  );

  /** Tells a community's admins that one of its rooms is encrypted (mod-log room, else review room). */
  async function reportEncrypted(roomId: string): Promise<void> {
    const community = rooms.get(roomId);
    if (!community) return; // a DM or an inviter's room: the log line is all
    const room = matrixChat(roomId);
    const title = community.chats.find((c) => c.key === room)?.title;
    const to = [community.modlogChat, community.reviewChat].find(
      (chat) => chat?.startsWith("matrix:") && chat !== room && !encrypted.has(parseKey(chat).id),
    );
    if (!to) {
      logger.warn(
        { room: roomId },
        "matrix: no Matrix mod-log or review room to report the encrypted room to",
      );
      return;
    }
    const text = matrixTexts(community.language ?? config.defaultLanguage ?? "en")("encryptedReport", {
      room: title ? `"${title}" (${roomId})` : roomId,
    });
    const outcome = await config.executor.execute({ kind: "send", chat: to, text });
    if (outcome.status === "failed")
      logger.warn(
        { room: roomId, err: outcome.error.message },
        "matrix: could not report the encrypted room",
      );
  }

  const refusedReactions = new RefusedReactions({
    executor: config.executor,
    store: runtime.store,
    textsFor: (roomId) => matrixTexts(language(roomId)),
    logger,
  });

  async function leaveEncrypted(roomId: string): Promise<void> {
    encrypted.add(roomId);
    await guard.leaveEncrypted(roomId);
  }
  const power = new PowerLevels(
    {
      state: async (roomId, type, stateKey = "") => {
        try {
          return (await client.getRoomStateEvent(roomId, type, stateKey)) as Record<string, unknown>;
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      },
      creator: async (roomId) => {
        // Room version 12: the room id is the create event's id with `!` for `$`; its sender is the creator.
        if (roomId.includes(":")) return undefined;
        const create = (await client.getEvent(roomId, `$${roomId.slice(1)}`).catch(() => undefined)) as
          { sender?: string } | undefined;
        return create?.sender;
      },
    },
    config.adminPowerLevel ?? 50,
  );
  const names = new Map<string, string>();
  const nameKey = (roomId: string, userId: string) => `${roomId}|${userId}`;
  let botUserId = "";
  let stopping = false;
  let startedAt = 0;
  let initialSync = false;
  let inFlight: Promise<void> = Promise.resolve();

  const env: TranslateEnv = {
    get botUserId() {
      return botUserId;
    },
    isDirect: (roomId) => !rooms.has(roomId) && client.dms.isDm(roomId),
    isAdmin: (roomId, userId, fresh) => power.isAdmin(roomId, userId, { fresh }),
    async displayName(roomId, userId) {
      const known = names.get(nameKey(roomId, userId));
      if (known !== undefined) return known || undefined;
      const member = (await client
        .getRoomStateEvent(roomId, "m.room.member", userId)
        .catch(() => undefined)) as { displayname?: unknown } | undefined;
      const name = typeof member?.displayname === "string" ? member.displayname : "";
      rememberName(roomId, userId, name);
      return name || undefined;
    },
    buttonData: (eventId, key) => buttons.dataOf(eventId, key),
    repliedTo: async (roomId, eventId) => (await client.getEvent(roomId, eventId)) as MatrixEvent,
  };

  function rememberName(roomId: string, userId: string, name: string): void {
    names.delete(nameKey(roomId, userId));
    names.set(nameKey(roomId, userId), name);
    if (names.size > 20_000) names.delete(names.keys().next().value as string);
  }

  async function handle(event: CoreEvent): Promise<Handled | undefined> {
    try {
      return await runtime.handle(event);
    } catch (error) {
      logger.error({ event: event.kind, err: String(error) }, "the engine failed on a Matrix event");
      return undefined;
    }
  }

  async function onRoomEvent(roomId: string, ev: MatrixEvent): Promise<void> {
    if (initialSync && (ev.origin_server_ts ?? 0) < startedAt) return;
    if (ev.type === "m.room.power_levels" || ev.type === "m.room.create") power.forget(roomId);
    if (ev.type === "m.room.member" && ev.state_key) {
      const name = ev.content.displayname;
      rememberName(roomId, ev.state_key, typeof name === "string" ? name : "");
    }
    if (encrypted.has(roomId)) return;
    if (isEncryption(ev)) {
      await leaveEncrypted(roomId);
      return;
    }
    for (const event of await translateEvent(roomId, ev, env)) {
      const handled = await handle(event.kind === "command" ? await reviewCommand(event, buttons) : event);
      if (
        ev.type === "m.reaction" &&
        event.kind === "button_pressed" &&
        wasRefused(handled, event.actor.account)
      )
        await refusedReactions.remove(roomId, ev.event_id, reactionKey(ev), event.actor.displayName);
    }
  }

  /**
   * A sync with a gap (many events while the bot was down) brings older state changes in each room's
   * `state` section, which the SDK does not emit: an `m.room.encryption` there counts as in the timeline.
   */
  async function encryptionInState(raw: unknown): Promise<void> {
    const joined = (raw as SyncResponse | undefined)?.rooms?.join ?? {};
    for (const [roomId, room] of Object.entries(joined)) {
      if (!encrypted.has(roomId) && (room.state?.events ?? []).some(isEncryption))
        await leaveEncrypted(roomId);
    }
  }

  async function dispatch(name: string, args: unknown[]): Promise<void> {
    if (name === "room.invite") {
      const [roomId, invite] = args as [string, MatrixEvent];
      await guard.onInvite(roomId, invite);
      return;
    }
    if (name === "room.event") {
      const [roomId, ev] = args as [string, MatrixEvent];
      await onRoomEvent(roomId, ev);
    }
  }

  /** What the SDK's sync calls for each event, awaited: our handling first, then its own listeners. */
  async function emit(name: string, ...args: unknown[]): Promise<void> {
    if (stopping) throw new Stopping();
    client.emit(name, ...args);
    const done = dispatch(name, args).catch((error: unknown) =>
      logger.error({ event: name, err: String(error) }, "matrix: could not handle an event"),
    );
    inFlight = done;
    await done;
  }

  return {
    userId: () => botUserId,
    async start(signal) {
      config.health?.set("matrix", false, "connecting");
      botUserId = await client.getUserId();
      if (signal?.aborted) throw new Error("start aborted");
      await client.dms.update();
      initialSync = !(await client.storageProvider.getSyncToken());
      startedAt = Date.now();
      runtime.setExecutor("matrix", config.executor);
      const sync = client as unknown as SyncInternals;
      sync.persistTokenAfterSync = true;
      sync.startSyncInternal = () => sync.startSync(emit);
      const processSync = sync.processSync.bind(client);
      sync.processSync = async (raw, emitFn) => {
        if (stopping) throw new Stopping();
        await encryptionInState(raw).catch((error: unknown) =>
          logger.error({ err: String(error) }, "matrix: could not handle a sync's state"),
        );
        return processSync(raw, emitFn);
      };
      // Rooms encrypted before the bot joined them, or while it was down, are found before any event.
      for (const roomId of await guard.leaveEncryptedRooms()) encrypted.add(roomId);
      // Without a sync token the first sync replays each room's recent past: only events from now on
      // count then. With one, what happened while the bot was down is handled as usual.
      await client.start();
      config.health?.set("matrix", true);
      logger.info({ user: botUserId, rooms: rooms.size }, "matrix sync started");
    },
    async stop() {
      stopping = true;
      client.stop();
      // The sync's long poll would hold the process up to its timeout: a change of the bot's own account
      // data ends it at once (the batch that brings it is refused, so nothing is skipped next time).
      if (botUserId)
        await client
          .setAccountData(WAKE_TYPE, { at: Date.now() })
          .catch((error: unknown) => logger.debug({ err: String(error) }, "could not wake the sync"));
      await inFlight;
    },
  };
}
