import {
  MessageReferenceType,
  MessageType,
  PermissionFlagsBits,
  type ButtonInteraction,
  type GuildMember,
  type Message,
  type PartialGuildMember,
  type PartialMessage,
  type User,
} from "discord.js";
import type { ButtonPressed, CoreEvent, MemberJoined, MemberLeft } from "../../core/events.js";
import type { Instant } from "../../core/ports/clock.js";
import type { Actor, MediaItem, MessageRef, PostContent } from "../../core/model/content.js";
import { discordAccount, discordChat, discordMessageRef } from "./keys.js";
import { discordMentions } from "./mentions.js";

/**
 * discord.js events as core events. Pure functions of what discord.js hands over: the bot's own
 * messages, webhook messages (the bot's re-posts among them) and system messages translate to nothing.
 */

/**
 * Who counts as an admin of the guild on Discord's side (the core also checks its configured admins):
 * moderators (ModerateMembers, ManageMessages) and those who run the guild.
 */
const ADMIN_PERMISSIONS = [
  PermissionFlagsBits.Administrator,
  PermissionFlagsBits.ManageGuild,
  PermissionFlagsBits.ModerateMembers,
  PermissionFlagsBits.ManageMessages,
];

export function actorOf(user: User, member?: GuildMember | PartialGuildMember | null): Actor {
  return {
    account: discordAccount(user.id),
    displayName: member?.nickname ?? user.globalName ?? user.username,
    username: user.username,
    isChatAdmin: member?.permissions?.any(ADMIN_PERMISSIONS) ?? false,
    ...(user.bot ? { isBot: true } : {}),
    // The guild avatar when the member set one, else their own (or Discord's default picture).
    avatarUrl: member && !member.partial ? member.displayAvatarURL() : user.displayAvatarURL(),
  };
}

/** Where a message lives; a thread's messages belong to the parent channel's chat. */
export function messageRefOf(message: Message | PartialMessage): MessageRef | undefined {
  if (!message.guildId) return undefined;
  const channel = message.channel;
  if (channel.isThread() && channel.parentId)
    return discordMessageRef(message.guildId, channel.parentId, message.id, channel.id);
  return discordMessageRef(message.guildId, message.channelId, message.id);
}

function mediaKind(contentType: string | null): MediaItem["kind"] {
  if (!contentType) return "document";
  if (contentType.startsWith("image/gif")) return "animation";
  if (contentType.startsWith("image/")) return "photo";
  if (contentType.startsWith("video/")) return "video";
  if (contentType.startsWith("audio/")) return "audio";
  return "document";
}

export function contentOf(message: Message): PostContent {
  const forward =
    message.reference?.type === MessageReferenceType.Forward ? message.messageSnapshots.first() : undefined;
  const source = forward ?? message;
  const media: MediaItem[] = [
    ...[...source.attachments.values()].map((a) => ({ kind: mediaKind(a.contentType), ref: a.url })),
    ...[...source.stickers.values()].map((s) => ({ kind: "sticker" as const, ref: s.url })),
  ];
  const links = source.embeds.map((e) => e.url).filter((u): u is string => typeof u === "string");
  return {
    text: source.content ?? "",
    links,
    media,
    ...(forward && message.reference
      ? { forwardedFrom: { kind: "chat" as const, id: message.reference.channelId } }
      : {}),
  };
}

const ordinary = (m: Message | PartialMessage, botId: string | undefined): boolean =>
  !m.webhookId &&
  m.author !== null &&
  m.author.id !== botId &&
  (m.type === MessageType.Default || m.type === MessageType.Reply);

/** messageCreate: a post in a guild channel, or a DM to the bot (`private_message`). */
export function fromMessageCreate(message: Message, botId: string | undefined): CoreEvent | undefined {
  if (!ordinary(message, botId)) return undefined;
  const at = message.createdTimestamp as Instant;
  const actor = actorOf(message.author, message.member);
  const ref = messageRefOf(message);
  if (!ref) {
    // In DMs a typed "/name args" is a command (guild channels have Discord's slash commands instead).
    const command = /^\/([a-z0-9_]{1,32})(?:\s+([\s\S]*))?$/i.exec(message.content.trim());
    if (!command) return { kind: "private_message", actor, text: message.content, at };
    const args = (command[2] ?? "").trim();
    return {
      kind: "command",
      name: (command[1] ?? "").toLowerCase(),
      args,
      mentions: discordMentions(args),
      actor,
      at,
    };
  }
  const replied = message.reference;
  return {
    kind: "message_posted",
    message: ref,
    actor,
    content: contentOf(message),
    at,
    ...(replied?.type === MessageReferenceType.Default && replied.messageId && message.guildId
      ? {
          replyTo: {
            message: { ...ref, id: replied.messageId },
            ...(message.mentions.repliedUser
              ? { author: discordAccount(message.mentions.repliedUser.id) }
              : {}),
          },
        }
      : {}),
  };
}

/** messageUpdate: an edit of a guild post (partial updates without content are dropped). */
export function fromMessageUpdate(
  message: Message | PartialMessage,
  botId: string | undefined,
): CoreEvent | undefined {
  if (message.partial || !ordinary(message, botId)) return undefined;
  const ref = messageRefOf(message);
  if (!ref) return undefined;
  return {
    kind: "message_edited",
    message: ref,
    actor: actorOf(message.author, message.member),
    content: contentOf(message),
    at: (message.editedTimestamp ?? message.createdTimestamp) as Instant,
  };
}

/** guildMemberAdd: a join of the guild (a guild-wide chat key, `discord:<guild>`). */
export function fromMemberAdd(member: GuildMember): MemberJoined {
  return {
    kind: "member_joined",
    chat: discordChat(member.guild.id),
    actor: actorOf(member.user, member),
    ...(member.joinedTimestamp !== null ? { at: member.joinedTimestamp as Instant } : {}),
  };
}

/** guildMemberRemove: Discord does not say whether the member left or was removed. */
export function fromMemberRemove(member: GuildMember | PartialGuildMember): MemberLeft {
  return {
    kind: "member_left",
    chat: discordChat(member.guild.id),
    account: discordAccount(member.id),
    removed: false,
  };
}

/** A button press on a message in a guild channel (the interaction still needs its answer). */
export function fromButton(interaction: ButtonInteraction): ButtonPressed | undefined {
  const member = interaction.inCachedGuild() ? interaction.member : null;
  const ref = messageRefOf(interaction.message);
  return {
    kind: "button_pressed",
    data: interaction.customId,
    actor: actorOf(interaction.user, member),
    ...(ref ? { chat: ref.chat, message: ref } : {}),
    at: interaction.createdTimestamp as Instant,
  };
}
