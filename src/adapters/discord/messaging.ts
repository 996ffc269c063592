import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  SnowflakeUtil,
  type Client,
  type MessageCreateOptions,
  type NewsChannel,
  type TextChannel,
  type TextBasedChannel,
} from "discord.js";
import type { Button, PostCard, Repost, RepostAuthor, Send } from "../../core/decisions.js";
import type { MessageRef } from "../../core/model/content.js";
import { DiscordCode, hasCode } from "./failures.js";
import { channelOfRef, discordMessageRef, placeOf, userIdOf } from "./keys.js";
import type { ChannelWebhooks } from "./webhooks.js";

/** Discord's limit on one message's content. */
export const CONTENT_MAX = 2000;
const BULK_MAX_AGE_MS = 14 * 86_400_000 - 60_000;

/** The core's button grid as Discord action rows (at most 5 rows of 5 buttons; custom_id ≤ 100). */
export function actionRows(buttons: Button[][] | undefined): ActionRowBuilder<ButtonBuilder>[] {
  return (buttons ?? [])
    .filter((row) => row.length > 0)
    .slice(0, 5)
    .map((row) =>
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        row
          .slice(0, 5)
          .map((b) =>
            new ButtonBuilder()
              .setCustomId(b.data)
              .setLabel(b.label.slice(0, 80))
              .setStyle(ButtonStyle.Secondary),
          ),
      ),
    );
}

/** A name Discord accepts for a webhook message: 1–80 characters, no "discord", not "clyde". */
export function webhookName(name: string): string {
  const cleaned = name
    .replace(/discord/gi, (w) => `${w.slice(0, 1)}1${w.slice(2)}`)
    .replace(/clyde/gi, (w) => `${w.slice(0, 4)}3`)
    .trim()
    .slice(0, 80);
  return cleaned || "member";
}

/** Splits a text into pieces Discord accepts, at line breaks where possible. */
export function splitContent(text: string, max = CONTENT_MAX): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf("\n", max);
    const at = cut > max / 2 ? cut : max;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, "");
  }
  if (rest.length > 0 || out.length === 0) out.push(rest);
  return out;
}

/** Messages into channels: send, cards, re-posts through webhooks, deletions. */
export class DiscordMessaging {
  constructor(
    private readonly client: Client,
    private readonly webhooks: ChannelWebhooks,
    private readonly now: () => number,
  ) {}

  async textChannel(id: string): Promise<TextBasedChannel & { send: TextChannel["send"] }> {
    const channel = this.client.channels.cache.get(id) ?? (await this.client.channels.fetch(id));
    if (!channel?.isTextBased() || !("send" in channel))
      throw new TypeError(`Discord channel ${id} is not a text channel`);
    return channel as TextBasedChannel & { send: TextChannel["send"] };
  }

  /** The channel a chat key names, or the guild's system channel for a guild-wide key. */
  async channelOfChat(chat: Send["chat"], thread?: string): Promise<{ guild: string; channel: string }> {
    const place = placeOf(chat);
    if (thread !== undefined) return { guild: place.guild, channel: thread };
    if (place.channel !== undefined) return { guild: place.guild, channel: place.channel };
    const guild = this.client.guilds.cache.get(place.guild) ?? (await this.client.guilds.fetch(place.guild));
    if (!guild.systemChannelId)
      throw new TypeError(
        `guild ${place.guild} has no system channel: name a channel (discord:<guild>/<channel>)`,
      );
    return { guild: place.guild, channel: guild.systemChannelId };
  }

  async send(d: Send): Promise<MessageRef[]> {
    const { guild, channel } = await this.channelOfChat(d.chat, d.thread);
    const target = await this.textChannel(channel);
    let content = d.text;
    let mention: string[] = [];
    let buttons = d.buttons;
    if (d.invite) {
      // The button the waiting private text offered (Verify) works right here: the press opens the form.
      if (d.invite.start) buttons = [...(buttons ?? []), [{ label: d.invite.label, data: d.invite.start }]];
      // Discord has no "open a private chat" link: mention the member, who then allows DMs from the bot.
      const user = userIdOf(d.invite.account);
      content = d.text.startsWith(d.invite.name)
        ? `<@${user}>${d.text.slice(d.invite.name.length)}`
        : `<@${user}> ${d.text}`;
      mention = [user];
    }
    const sent = await target.send({
      content: content.slice(0, CONTENT_MAX),
      components: actionRows(buttons),
      allowedMentions: { parse: [], users: mention },
      ...(d.replyTo ? { reply: { messageReference: d.replyTo.id, failIfNotExists: false } } : {}),
    } satisfies MessageCreateOptions);
    return [this.ref(guild, d.chat, channel, sent.id, d.thread)];
  }

  /**
   * Discord cannot copy a message: with `preserve`, each original's text and attachment links are posted
   * (mentions off)
   * into the review channel first (the card replies to the first copy); refs = card, then copies.
   */
  async postCard(d: PostCard): Promise<MessageRef[]> {
    const { guild, channel } = await this.channelOfChat(d.chat);
    const target = await this.textChannel(channel);
    const copies: MessageRef[] = [];
    for (const ref of d.preserve ?? []) {
      const source = await this.textChannel(channelOfRef(ref));
      const original = await source.messages.fetch(ref.id).catch((error: unknown) => {
        if (hasCode(error, DiscordCode.unknownMessage)) return undefined;
        throw error;
      });
      if (!original) continue;
      const links = [...original.attachments.values()].map((a) => a.url);
      const text = [original.content, ...links].filter(Boolean).join("\n");
      if (!text) continue;
      for (const piece of splitContent(text)) {
        const copy = await target.send({ content: piece, allowedMentions: { parse: [] } });
        copies.push(this.ref(guild, d.chat, channel, copy.id));
      }
    }
    const first = copies[0];
    const card = await target.send({
      content: d.text.slice(0, CONTENT_MAX),
      components: actionRows(d.buttons),
      allowedMentions: { parse: [] },
      ...(first ? { reply: { messageReference: first.id, failIfNotExists: false } } : {}),
    });
    return [this.ref(guild, d.chat, channel, card.id), ...copies];
  }

  async updateCard(card: MessageRef, text: string, buttons: Button[][]): Promise<void> {
    const channel = await this.textChannel(channelOfRef(card));
    await channel.messages.edit(card.id, {
      content: text.slice(0, CONTENT_MAX),
      components: actionRows(buttons),
    });
  }

  /**
   * Re-post through the channel's webhook (in the thread when there is one): the attribution line, then
   * the text and media links; mentions disabled so a re-post pings nobody.
   */
  async repost(d: Repost, author: RepostAuthor): Promise<MessageRef[]> {
    const place = placeOf(d.chat);
    if (place.channel === undefined) throw new TypeError(`a re-post needs a channel: ${d.chat}`);
    const parent = await this.textChannel(place.channel);
    if (parent.type !== ChannelType.GuildText && parent.type !== ChannelType.GuildAnnouncement)
      throw new TypeError(`Discord channel ${place.channel} has no webhooks`);
    const body = d.content
      .map((c) => [c.text, ...c.media.map((m) => m.ref), ...c.links.filter((l) => !c.text.includes(l))])
      .flat()
      .filter((s) => s.length > 0)
      .join("\n");
    const refs: MessageRef[] = [];
    for (const piece of splitContent(body ? `${d.attribution}\n${body}` : d.attribution)) {
      const id = await this.webhooks.send(parent as TextChannel | NewsChannel, {
        content: piece,
        // Webhook names are 1–80 characters and may not contain "discord" (Discord refuses them).
        username: webhookName(author.name),
        ...(author.avatarUrl ? { avatarURL: author.avatarUrl } : {}),
        ...(d.thread !== undefined ? { threadId: d.thread } : {}),
      });
      refs.push(discordMessageRef(place.guild, place.channel, id, d.thread));
    }
    return refs;
  }

  /**
   * Deletes per channel: messages younger than 14 days in bulk (2–100 per call), older ones one by one;
   * a message that is gone already counts as deleted.
   */
  async delete(refs: MessageRef[]): Promise<void> {
    const byChannel = new Map<string, string[]>();
    for (const ref of refs) {
      const channel = channelOfRef(ref);
      byChannel.set(channel, [...new Set([...(byChannel.get(channel) ?? []), ref.id])]);
    }
    for (const [id, ids] of byChannel) {
      const channel = await this.textChannel(id);
      const young = ids.filter((m) => this.now() - SnowflakeUtil.timestampFrom(m) < BULK_MAX_AGE_MS);
      const single = ids.filter((m) => !young.includes(m));
      if (young.length >= 2 && "bulkDelete" in channel) {
        for (let i = 0; i < young.length; i += 100) {
          const chunk = young.slice(i, i + 100);
          if (chunk.length >= 2) await channel.bulkDelete(chunk, false);
          else single.push(...chunk);
        }
      } else single.push(...young);
      for (const m of single)
        await channel.messages.delete(m).catch((error: unknown) => {
          if (!hasCode(error, DiscordCode.unknownMessage)) throw error;
        });
    }
  }

  private ref(guild: string, chat: Send["chat"], channel: string, id: string, thread?: string): MessageRef {
    const place = placeOf(chat);
    return discordMessageRef(guild, place.channel ?? channel, id, thread);
  }
}
