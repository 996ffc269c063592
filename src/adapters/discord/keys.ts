import { accountKey, chatKey, parseKey, type AccountKey, type ChatKey } from "../../core/ids.js";
import type { MessageRef } from "../../core/model/content.js";

/**
 * Discord ids in core keys. An account is `discord:<user id>`. A chat is a channel of a guild,
 * `discord:<guild id>/<channel id>`, or the guild as a whole, `discord:<guild id>` (member joins and
 * leaves, guild-wide sanctions). A DM channel is `discord:@me/<channel id>`. A message in a thread is addressed by its parent channel's chat with
 * `thread` set to the thread's channel id, so settings of a channel cover its threads.
 */

export const discordAccount = (userId: string): AccountKey => accountKey("discord", userId);
export const discordChat = (guildId: string, channelId?: string): ChatKey =>
  chatKey("discord", channelId ? `${guildId}/${channelId}` : guildId);
/** A DM channel with the bot: `discord:@me/<channel id>` (Discord's own name for "no guild"). */
export const DM_GUILD = "@me";
export const discordDmChat = (channelId: string): ChatKey => discordChat(DM_GUILD, channelId);

const SNOWFLAKE = /^[0-9]{1,20}$/;

function discordId(key: string, what: string): string {
  const { platform, id } = parseKey(key);
  if (platform !== "discord") throw new TypeError(`not a Discord ${what}: ${key}`);
  return id;
}

export function userIdOf(account: AccountKey): string {
  const id = discordId(account, "account");
  if (!SNOWFLAKE.test(id)) throw new TypeError(`not a Discord user id: ${account}`);
  return id;
}

/** The guild and (if the key names one) the channel of a chat key. */
export function placeOf(chat: ChatKey): { guild: string; channel?: string } {
  const [guild = "", channel, extra] = discordId(chat, "chat").split("/");
  if (
    !(SNOWFLAKE.test(guild) || (guild === DM_GUILD && channel !== undefined)) ||
    (channel !== undefined && !SNOWFLAKE.test(channel)) ||
    extra !== undefined
  )
    throw new TypeError(`not a Discord chat (discord:<guild>[/<channel>]): ${chat}`);
  return channel === undefined ? { guild } : { guild, channel };
}

/** The channel a message lives in: its thread when it has one, else the chat's channel. */
export function channelOfRef(ref: MessageRef): string {
  if (ref.thread !== undefined) return ref.thread;
  const { channel } = placeOf(ref.chat);
  if (channel === undefined) throw new TypeError(`a message ref needs a channel: ${ref.chat}`);
  return channel;
}

export function discordMessageRef(
  guildId: string,
  channelId: string,
  messageId: string,
  threadId?: string,
): MessageRef {
  return {
    chat: discordChat(guildId, channelId),
    id: messageId,
    ...(threadId !== undefined ? { thread: threadId } : {}),
  };
}
