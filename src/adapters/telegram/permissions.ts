import type { Api } from "grammy";
import type { ChatPermissions } from "grammy/types";
import type { AccessLevel } from "../../core/model/access.js";

/** Every permission a member can have; restrictChatMember with all of them false mutes completely. */
const ALL_KEYS = [
  "can_send_messages",
  "can_send_audios",
  "can_send_documents",
  "can_send_photos",
  "can_send_videos",
  "can_send_video_notes",
  "can_send_voice_notes",
  "can_send_polls",
  "can_send_other_messages",
  "can_add_web_page_previews",
  "can_react_to_messages",
  "can_change_info",
  "can_invite_users",
  "can_pin_messages",
  "can_manage_topics",
] as const satisfies readonly (keyof ChatPermissions)[];

function none(): ChatPermissions {
  return Object.fromEntries(ALL_KEYS.map((k) => [k, false])) as ChatPermissions;
}

/**
 * What a limited member may do. `read_only`: nothing. `text_only`: plain text only (no media, links
 * previews, polls or stickers). Sent with `use_independent_chat_permissions: true`, so Telegram takes
 * each flag as given instead of deriving them from each other.
 */
export function permissionsFor(level: Exclude<AccessLevel, "full">): ChatPermissions {
  const p = none();
  if (level === "text_only") p.can_send_messages = true;
  return p;
}

/** Reads the level back from permissions (used by tests and diagnostics). */
export function levelOf(p: ChatPermissions): AccessLevel {
  if (!p.can_send_messages) return "read_only";
  const media = [
    "can_send_photos",
    "can_send_videos",
    "can_send_documents",
    "can_send_other_messages",
  ] as const;
  return media.some((k) => p[k]) ? "full" : "text_only";
}

/** Everything a normal member may do when the chat sets no defaults. */
const FALLBACK_DEFAULTS: ChatPermissions = {
  ...Object.fromEntries(ALL_KEYS.map((k) => [k, true])),
  can_change_info: false,
  can_pin_messages: false,
  can_manage_topics: false,
} as ChatPermissions;

/**
 * The chat's default permissions (`getChat().permissions`), cached: lifting a restriction restores
 * these, so a lifted member gets exactly what every other member has.
 */
export class DefaultPermissions {
  private readonly cache = new Map<number, { permissions: ChatPermissions; at: number }>();

  constructor(
    private readonly api: Api,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  async of(chatId: number): Promise<ChatPermissions> {
    const hit = this.cache.get(chatId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.permissions;
    const chat = await this.api.getChat(chatId);
    const permissions = ("permissions" in chat && chat.permissions) || FALLBACK_DEFAULTS;
    this.cache.set(chatId, { permissions, at: this.now() });
    return permissions;
  }
}
