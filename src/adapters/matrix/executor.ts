import type { MatrixClient } from "matrix-bot-sdk";
import type { DecisionExecutor, Outcome, PlatformDecision, Restrict } from "../../core/decisions.js";
import type { AccountKey, ChatKey } from "../../core/ids.js";
import type { AccessLevel } from "../../core/model/access.js";
import type { Logger } from "../../core/ports/logger.js";
import { ok, outcomeOf } from "../outcomes.js";
import type { KeyValueStore } from "../../core/ports/store.js";
import { ReactionButtons } from "./buttons.js";
import { hasErrcode, MatrixRefusal, toFailure } from "./failures.js";
import { roomIdOf, userIdOf } from "./keys.js";
import { MatrixMessaging } from "./messaging.js";
import { RoomLock } from "./room-lock.js";
import type { CreateContent, PowerLevelsContent, RoomPower } from "./power.js";
import { planLevel, planMute, planUnmute, type Plan } from "./power-levels.js";

/** How many recent events a ban with `deleteRecent` looks through for the member's messages. */
const RECENT_EVENTS = 200;

export interface MatrixExecutorDeps {
  client: MatrixClient;
  /** For the reaction ↔ button mapping and the levels members had before a mute. */
  store: KeyValueStore;
  logger: Logger;
  /** Milliseconds since the epoch (inject a fake clock in tests). */
  now?: () => number;
  /** Power levels for `grant_role` / `revoke_role` by role name (a numeric role is a level itself). */
  roleLevels?: Record<string, number>;
  /**
   * The verb of the buttons' legend in a room's language (`matrixTexts(language)("react")`: "React",
   * "回应"); English by default.
   */
  reactWord?: (roomId: string) => string;
}

/** What the executor remembers about a member it restricted in a room. */
export interface RestrictionRecord {
  level: Exclude<AccessLevel, "full">;
  /** The member's listed power level before the mute (absent: not listed), restored on lift. */
  previous?: number;
}

export const restrictionKey = (room: string, user: string): string => `matrix:restricted:${room}|${user}`;

/**
 * Carries out decisions on a Matrix homeserver through matrix-bot-sdk and reports each as an Outcome;
 * errors never escape. Restrictions are power-level changes computed in power-levels.ts (they never
 * expire: the engine's durable timers lift timed ones); changes to one room's power levels run one at a
 * time, also across bot processes sharing the store (room-lock.ts), so two mutes at once do not overwrite
 * each other. `M_LIMIT_EXCEEDED` is waited out by the client
 * (client.ts); what still fails becomes a typed failure in plain words (failures.ts).
 */
export class MatrixDecisionExecutor implements DecisionExecutor {
  private readonly messaging: MatrixMessaging;
  private readonly now: () => number;
  private readonly lock: RoomLock;
  private botId?: Promise<string>;
  private dmsLoaded?: Promise<void>;

  constructor(private readonly deps: MatrixExecutorDeps) {
    this.now = deps.now ?? Date.now;
    this.lock = new RoomLock(deps.store);
    this.messaging = new MatrixMessaging(
      deps.client,
      new ReactionButtons(deps.store),
      deps.logger,
      () => this.botUserId(),
      deps.reactWord,
    );
  }

  execute(decision: PlatformDecision): Promise<Outcome> {
    return outcomeOf(decision, (d) => this.run(d), {
      platform: "matrix",
      toFailure,
      logger: this.deps.logger,
    });
  }

  private async run(d: PlatformDecision): Promise<Outcome> {
    switch (d.kind) {
      case "restrict":
        return this.restrict(d);
      case "lift":
        return this.lift(d.chat, d.account);
      case "ban":
        return this.ban(d.chat, d.account, d.deleteRecent === true);
      case "unban": {
        const [room, user] = [roomIdOf(d.chat), userIdOf(d.account)];
        if ((await this.membership(room, user)) === "ban") await this.deps.client.unbanUser(user, room);
        return ok();
      }
      case "kick": {
        const [room, user] = [roomIdOf(d.chat), userIdOf(d.account)];
        const membership = await this.membership(room, user);
        if (membership === "join" || membership === "invite" || membership === "knock")
          await this.deps.client.kickUser(user, room);
        return ok(); // gone already
      }
      case "approve_join":
      case "decline_join":
        return this.answerKnock(d.chat, d.account, d.kind === "approve_join");
      case "grant_role":
      case "revoke_role":
        return this.role(d.chat, d.account, d.role, d.kind === "grant_role");
      case "delete":
        await this.messaging.delete(d.messages);
        return ok();
      case "send":
        return ok(await this.messaging.send(d));
      case "send_private":
        await this.loadDms();
        return ok(await this.messaging.sendPrivate(d));
      case "post_card":
        return ok(await this.messaging.postCard(d));
      case "update_card":
        await this.messaging.updateCard(d.card, d.text, d.buttons);
        return ok([d.card]);
      case "repost":
        return ok(await this.messaging.repost(d));
    }
  }

  /**
   * `read_only`: below the level to post. `text_only`: Matrix cannot take media away from a member who may
   * post (one event type carries both), so the member keeps (or gets back) posting rights and the core's
   * access gate removes media and links; the level is recorded. `until` is ignored: power levels never
   * expire, the engine lifts on time (a past `until` lifts now).
   */
  private async restrict(d: Restrict): Promise<Outcome> {
    if (d.until !== undefined && d.until <= this.now()) return this.lift(d.chat, d.account);
    const [room, user] = [roomIdOf(d.chat), userIdOf(d.account)];
    const key = restrictionKey(room, user);
    return this.lock.run(room, async () => {
      const power = await this.power(room);
      const bot = await this.botUserId();
      const record = await this.deps.store.get<RestrictionRecord>(key);
      const plan =
        d.level === "read_only" ? planMute(power, bot, user) : planUnmute(power, bot, user, record?.previous);
      if (plan.kind === "refused") throw new MatrixRefusal(plan.code, plan.reason);
      // The level before our first mute, kept across re-restrictions, so a lift gives it back.
      const listed = power.levels?.users?.[user];
      const previous = record !== undefined ? record.previous : d.level === "read_only" ? listed : undefined;
      await this.deps.store.set<RestrictionRecord>(key, {
        level: d.level,
        ...(previous !== undefined ? { previous } : {}),
      });
      await this.apply(room, plan);
      return ok();
    });
  }

  /** Restores posting (the level the member had before, or the room's scheme's level); twice is fine. */
  private async lift(chat: ChatKey, account: AccountKey): Promise<Outcome> {
    const [room, user] = [roomIdOf(chat), userIdOf(account)];
    const key = restrictionKey(room, user);
    return this.lock.run(room, async () => {
      const record = await this.deps.store.get<RestrictionRecord>(key);
      const plan = planUnmute(await this.power(room), await this.botUserId(), user, record?.previous);
      if (plan.kind === "refused") throw new MatrixRefusal(plan.code, plan.reason);
      await this.apply(room, plan);
      await this.deps.store.delete(key);
      return ok();
    });
  }

  private async ban(chat: ChatKey, account: AccountKey, deleteRecent: boolean): Promise<Outcome> {
    const [room, user] = [roomIdOf(chat), userIdOf(account)];
    if ((await this.membership(room, user)) !== "ban") await this.deps.client.banUser(user, room);
    if (deleteRecent) {
      const { chunk } = (await this.deps.client.doRequest(
        "GET",
        `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/messages`,
        {
          dir: "b",
          limit: RECENT_EVENTS,
          filter: JSON.stringify({ senders: [user], types: ["m.room.message"] }),
        },
      )) as { chunk: { event_id: string; content: Record<string, unknown> }[] };
      for (const ev of chunk)
        if (Object.keys(ev.content).length > 0) await this.deps.client.redactEvent(room, ev.event_id, null);
    }
    return ok();
  }

  /** Knock rooms: approving invites the knocker, declining rejects the knock. No knock: `not_found`. */
  private async answerKnock(chat: ChatKey, account: AccountKey, approve: boolean): Promise<Outcome> {
    const [room, user] = [roomIdOf(chat), userIdOf(account)];
    const membership = await this.membership(room, user);
    if (membership !== "knock") {
      if (approve && (membership === "join" || membership === "invite")) return ok(); // answered already
      throw new MatrixRefusal(
        "not_found",
        `no request to join from ${user} in this room (membership: ${membership ?? "none"})`,
      );
    }
    if (approve) await this.deps.client.inviteUser(user, room);
    else await this.deps.client.kickUser(user, room);
    return ok();
  }

  /** Roles are power levels: a configured level by name, or the role itself when it is a number. */
  private async role(chat: ChatKey, account: AccountKey, role: string, grant: boolean): Promise<Outcome> {
    const level = this.deps.roleLevels?.[role] ?? (/^-?\d+$/.test(role) ? Number(role) : undefined);
    if (level === undefined)
      return { status: "skipped", reason: `Matrix has no roles: no power level is configured for "${role}"` };
    const [room, user] = [roomIdOf(chat), userIdOf(account)];
    return this.lock.run(room, async () => {
      const power = await this.power(room);
      const listed = power.levels?.users?.[user];
      if (!grant && listed !== level) return ok(); // not holding that role
      const plan = planLevel(power, await this.botUserId(), user, grant ? level : undefined);
      if (plan.kind === "refused") throw new MatrixRefusal(plan.code, plan.reason);
      await this.apply(room, plan);
      return ok();
    });
  }

  private async apply(room: string, plan: Exclude<Plan, { kind: "refused" }>): Promise<void> {
    if (plan.kind === "write")
      await this.deps.client.sendStateEvent(room, "m.room.power_levels", "", plan.levels);
  }

  /** The room's power levels and creators, read fresh (a stale copy would overwrite others' changes). */
  private async power(room: string): Promise<RoomPower> {
    const levels = (await this.state(room, "m.room.power_levels")) as PowerLevelsContent | undefined;
    const create = await this.createEvent(room);
    const creator = create.sender ?? create.content.creator;
    return {
      ...(levels ? { levels } : {}),
      create: create.content,
      ...(creator ? { creator } : {}),
    };
  }

  /**
   * The create event with its sender (the creator: from room version 11 on, its content no longer names
   * them). Synapse returns the whole event for `format=event`; a homeserver that ignores the parameter
   * answers with the content, and the event is then read by id (version 12: `$` + the room id's opaque
   * part) or found in the room's state.
   */
  private async createEvent(
    room: string,
  ): Promise<{ sender?: string; content: CreateContent & { creator?: string } }> {
    type Create = { type?: string; sender?: string; content?: CreateContent & { creator?: string } };
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/state/m.room.create/`;
    const answer = (await this.deps.client.doRequest("GET", path, { format: "event" })) as Create &
      CreateContent;
    if (answer.type === "m.room.create" && answer.content)
      return { sender: answer.sender, content: answer.content };
    const content = answer as CreateContent & { creator?: string };
    if (content.creator !== undefined) return { content };
    const byId = (await this.deps.client.getEvent(room, `$${room.slice(1)}`).catch(() => undefined)) as
      Create | undefined;
    if (byId?.type === "m.room.create") return { sender: byId.sender, content };
    const state = (await this.deps.client.getRoomState(room)) as Create[];
    return { sender: state.find((e) => e.type === "m.room.create")?.sender, content };
  }

  private async state(room: string, type: string, key = ""): Promise<Record<string, unknown> | undefined> {
    return this.deps.client.getRoomStateEvent(room, type, key).catch((error: unknown) => {
      if (hasErrcode(error, "M_NOT_FOUND")) return undefined;
      throw error;
    });
  }

  private async membership(room: string, user: string): Promise<string | undefined> {
    const member = await this.state(room, "m.room.member", user);
    return typeof member?.membership === "string" ? member.membership : undefined;
  }

  private botUserId(): Promise<string> {
    this.botId ??= this.deps.client.getUserId().catch((error: unknown) => {
      this.botId = undefined;
      throw error;
    });
    return this.botId;
  }

  /** The SDK reads the bot's DM rooms (`m.direct`) when it starts syncing; an executor used alone reads them once. */
  private loadDms(): Promise<void> {
    this.dmsLoaded ??= this.deps.client.dms.update().catch((error: unknown) => {
      this.dmsLoaded = undefined;
      throw error;
    });
    return this.dmsLoaded;
  }
}
