import type { AccountKey, ChatKey } from "../ids.js";

/** A message as the core sees it: enough to classify it and, for a held post, to re-post it later. */
export interface PostContent {
  /** The text, or the media caption (captions count as text). */
  text: string;
  /** Links the platform reported apart from the text (Telegram text_link entities, Discord embeds). */
  links: string[];
  media: MediaItem[];
  forwardedFrom?: ForwardOrigin;
  /** Messages sent as one album / media group share this id. */
  albumId?: string;
  /** Platform formatting (Telegram entities, Matrix formatted_body): opaque to the core, kept for re-posts. */
  formatting?: unknown;
}

export interface MediaItem {
  kind: "photo" | "video" | "animation" | "document" | "audio" | "voice" | "sticker" | "other";
  /** A platform file reference (Telegram file_id, Discord attachment URL, Matrix mxc:// URI). */
  ref: string;
}

export interface ForwardOrigin {
  kind: "channel" | "chat" | "user" | "hidden";
  id?: string;
  title?: string;
}

/** Where a message lives. `thread` is a Telegram forum topic, Discord thread or Matrix thread root. */
export interface MessageRef {
  chat: ChatKey;
  id: string;
  thread?: string;
}

/** Who acted, as the platform reports it at the time of the event. */
export interface Actor {
  account: AccountKey;
  displayName: string;
  username?: string;
  /** IETF language tag the platform reports for this member, if any. */
  language?: string;
  /** The platform says this account administers the chat the event happened in (checked per event). */
  isChatAdmin: boolean;
  isBot?: boolean;
  /** The member's picture as the platform serves it (Discord: an avatar URL), for re-posts under their name. */
  avatarUrl?: string;
}
