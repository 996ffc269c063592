import type { ChatAdministratorRights, ChatMember, ChatPermissions, User } from "grammy/types";

/** Membership as the fake stores it; `toChatMember` renders the Bot API shape. */
export type MemberStatus = "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";

export interface MemberRecord {
  status: MemberStatus;
  /** Administrator rights (meaningful for "administrator"; "creator" has all). */
  rights: ChatAdministratorRights;
  /** Permissions of a "restricted" member. */
  permissions: Required<ChatPermissions>;
  /** Unix seconds; 0 = forever (restricted, kicked) or none. */
  until_date: number;
  /** For "restricted": whether the user is in the chat right now. */
  is_member: boolean;
  custom_title?: string;
  /** The bot may change this admin (it promoted them). */
  can_be_edited?: boolean;
}

export const PERMISSION_KEYS = [
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
  "can_edit_tag",
  "can_pin_messages",
  "can_manage_topics",
] as const satisfies readonly (keyof ChatPermissions)[];

const MEDIA_KEYS = [
  "can_send_audios",
  "can_send_documents",
  "can_send_photos",
  "can_send_videos",
  "can_send_video_notes",
  "can_send_voice_notes",
  "can_send_polls",
  "can_send_other_messages",
  "can_add_web_page_previews",
] as const;

export function allPermissions(value = true): Required<ChatPermissions> {
  const p = {} as Record<string, boolean>;
  for (const k of PERMISSION_KEYS) p[k] = value;
  return p as Required<ChatPermissions>;
}

/** What a fresh group allows members by default (Telegram: everything but admin-ish bits). */
export function defaultChatPermissions(): Required<ChatPermissions> {
  return {
    ...allPermissions(true),
    can_change_info: false,
    can_pin_messages: false,
    can_manage_topics: false,
    can_edit_tag: false,
  };
}

/**
 * Completes a permissions object the way restrictChatMember does: omitted fields are
 * false. Without `use_independent_chat_permissions`, the old dependencies apply: media
 * implies text, and no text implies no media.
 */
export function completePermissions(given: ChatPermissions, independent: boolean): Required<ChatPermissions> {
  const p = allPermissions(false);
  for (const k of PERMISSION_KEYS) p[k] = given[k] === true;
  if (!independent) {
    if (MEDIA_KEYS.some((k) => p[k])) p.can_send_messages = true;
    if (!p.can_send_messages) for (const k of MEDIA_KEYS) p[k] = false;
  }
  return p;
}

export function noRights(): ChatAdministratorRights {
  return {
    is_anonymous: false,
    can_manage_chat: false,
    can_delete_messages: false,
    can_manage_video_chats: false,
    can_restrict_members: false,
    can_promote_members: false,
    can_change_info: false,
    can_invite_users: false,
    can_post_stories: false,
    can_edit_stories: false,
    can_delete_stories: false,
    can_post_messages: false,
    can_edit_messages: false,
    can_pin_messages: false,
    can_manage_topics: false,
    can_send_welcome_messages: false,
  };
}

/** Admin defaults for tests: every right except promoting and anonymity. */
export function adminRights(over: Partial<ChatAdministratorRights> = {}): ChatAdministratorRights {
  const all = noRights();
  for (const k of Object.keys(all) as (keyof ChatAdministratorRights)[]) {
    (all as unknown as Record<string, boolean>)[k] = true;
  }
  return { ...all, is_anonymous: false, can_promote_members: false, ...over };
}

export function leftRecord(): MemberRecord {
  return {
    status: "left",
    rights: noRights(),
    permissions: allPermissions(true),
    until_date: 0,
    is_member: false,
  };
}

/** True if the user is in the chat (sees it, receives its updates). */
export function isInChat(r: MemberRecord): boolean {
  return (
    r.status === "creator" ||
    r.status === "administrator" ||
    r.status === "member" ||
    (r.status === "restricted" && r.is_member)
  );
}

export function isAdmin(r: MemberRecord): boolean {
  return r.status === "creator" || r.status === "administrator";
}

export function hasRight(r: MemberRecord, right: keyof ChatAdministratorRights): boolean {
  if (r.status === "creator") return true;
  return r.status === "administrator" && r.rights[right] === true;
}

/** Lifts expired restrictions and bans, as Telegram does when until_date passes. */
export function expire(r: MemberRecord, now: number): MemberRecord {
  if (r.until_date === 0 || r.until_date > now) return r;
  if (r.status === "restricted") {
    return r.is_member ? { ...leftRecord(), status: "member" } : leftRecord();
  }
  if (r.status === "kicked") return leftRecord();
  return r;
}

export function toChatMember(user: User, r: MemberRecord): ChatMember {
  switch (r.status) {
    case "creator":
      return {
        status: "creator",
        user,
        is_anonymous: r.rights.is_anonymous,
        ...(r.custom_title ? { custom_title: r.custom_title } : {}),
      };
    case "administrator":
      return {
        status: "administrator",
        user,
        can_be_edited: r.can_be_edited ?? false,
        ...r.rights,
        ...(r.custom_title ? { custom_title: r.custom_title } : {}),
      };
    case "member":
      return r.until_date ? { status: "member", user, until_date: r.until_date } : { status: "member", user };
    case "restricted":
      return {
        status: "restricted",
        user,
        is_member: r.is_member,
        ...r.permissions,
        until_date: r.until_date,
      };
    case "left":
      return { status: "left", user };
    case "kicked":
      return { status: "kicked", user, until_date: r.until_date };
  }
}

/** Which permission a piece of content needs. */
export function permissionFor(content: {
  photo?: unknown;
  video?: unknown;
  document?: unknown;
  sticker?: unknown;
  text?: unknown;
}): keyof ChatPermissions {
  if (content.photo) return "can_send_photos";
  if (content.video) return "can_send_videos";
  if (content.document) return "can_send_documents";
  if (content.sticker) return "can_send_other_messages";
  return "can_send_messages";
}
