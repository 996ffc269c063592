import type { Client, TextChannel, NewsChannel, Webhook, WebhookType } from "discord.js";
import { DiscordCode, hasCode } from "./failures.js";

type HookChannel = TextChannel | NewsChannel;
type IncomingHook = Webhook<WebhookType.Incoming>;

export interface WebhookMessage {
  content: string;
  username: string;
  avatarURL?: string;
  threadId?: string;
}

/**
 * One webhook per channel for re-posts under the author's name: found among the channel's webhooks
 * (one the bot made earlier, also before a restart) or created, cached, and created again when someone
 * deleted it. Needs ManageWebhooks.
 */
export class ChannelWebhooks {
  private readonly cache = new Map<string, IncomingHook>();

  constructor(
    private readonly client: Client,
    private readonly name = "chatwarden",
  ) {}

  /** Sends through the channel's webhook, mentions disabled; returns the new message's id. */
  async send(channel: HookChannel, message: WebhookMessage): Promise<string> {
    const options = {
      content: message.content,
      username: message.username,
      ...(message.avatarURL ? { avatarURL: message.avatarURL } : {}),
      ...(message.threadId ? { threadId: message.threadId } : {}),
      allowedMentions: { parse: [] },
    };
    const hook = await this.of(channel);
    try {
      return (await hook.send(options)).id;
    } catch (error) {
      if (!hasCode(error, DiscordCode.unknownWebhook)) throw error;
      this.cache.delete(channel.id);
      return (await (await this.of(channel)).send(options)).id;
    }
  }

  private async of(channel: HookChannel): Promise<IncomingHook> {
    const cached = this.cache.get(channel.id);
    if (cached) return cached;
    const me = this.client.user?.id;
    const existing = (await channel.fetchWebhooks()).find(
      (w): w is IncomingHook => w.isIncoming() && w.owner?.id === me && w.token !== null,
    );
    const hook = existing ?? (await channel.createWebhook({ name: this.name }));
    this.cache.set(channel.id, hook);
    return hook;
  }

  clear(): void {
    this.cache.clear();
  }
}
