import type { ChatKey, CommunityId, Platform } from "../ids.js";
import { platformOf } from "../ids.js";
import type { ChatEntry, CommunitySettings, CoreSettings } from "../settings/community.js";

/** Which community a chat belongs to, and the chats of a community. Pure lookups over the settings. */
export class CommunityDirectory {
  private readonly byChat = new Map<ChatKey, { community: CommunitySettings; chat: ChatEntry }>();
  private readonly byId = new Map<CommunityId, CommunitySettings>();
  private readonly byReviewChat = new Map<ChatKey, CommunitySettings>();

  constructor(readonly settings: CoreSettings) {
    for (const community of settings.communities) {
      this.byId.set(community.id, community);
      for (const chat of community.chats) this.byChat.set(chat.key, { community, chat });
      if (community.reviewChat) this.byReviewChat.set(community.reviewChat, community);
    }
  }

  get communities(): readonly CommunitySettings[] {
    return this.settings.communities;
  }

  lookupChat(chat: ChatKey): { community: CommunitySettings; chat: ChatEntry } | undefined {
    return this.byChat.get(chat);
  }

  community(id: CommunityId | string): CommunitySettings | undefined {
    return this.byId.get(id as CommunityId);
  }

  /** The community whose review chat this is. */
  reviewedBy(chat: ChatKey): CommunitySettings | undefined {
    return this.byReviewChat.get(chat);
  }

  chatsOn(community: CommunitySettings, platform?: Platform): ChatEntry[] {
    return platform ? community.chats.filter((c) => platformOf(c.key) === platform) : community.chats;
  }

  /**
   * How members and admins see a chat named: its configured title, else the community's name with the
   * chat's key (platform ids mean little to people, so configure `title` for each chat).
   */
  label(chat: ChatKey): string {
    const found = this.byChat.get(chat);
    if (found?.chat.title) return found.chat.title;
    return found ? `${found.community.name} (${chat})` : chat;
  }
}
