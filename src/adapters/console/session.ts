import type { CoreEvent, Mention, RepliedMessage } from "../../core/events.js";
import type { Handled } from "../../core/engine/engine.js";
import type { AccountKey, ChatKey } from "../../core/ids.js";
import { accountKey, chatKey } from "../../core/ids.js";
import type { Actor, ForwardOrigin, MediaItem, PostContent } from "../../core/model/content.js";
import type { PlatformRuntime } from "../../core/ports/platform.js";
import { consoleMentions } from "./mentions.js";
import { SimulatedWorld, type SimMessage } from "./world.js";

export interface PostOptions {
  replyTo?: string;
  forwardedFrom?: ForwardOrigin;
  media?: MediaItem["kind"][];
  albumId?: string;
  thread?: string;
  /** Links reported apart from the text (like Telegram text_link entities). */
  links?: string[];
}

/**
 * The console platform: members are names (`alice`), chats are names (`lobby`); both become console
 * keys. Translates what a member does into core events, runs them through the engine and the
 * simulated world, and returns what happened. The playground, `simulate` and the tests all drive it.
 */
export class ConsoleSession {
  private readonly languages = new Map<string, string>();

  constructor(
    private runtime: PlatformRuntime,
    readonly world: SimulatedWorld,
  ) {
    runtime.setExecutor("console", world);
  }

  /** Swap in a runtime built again on the same store (a restart); the world keeps its chats. */
  replaceRuntime(runtime: PlatformRuntime): void {
    this.runtime = runtime;
    runtime.setExecutor("console", this.world);
  }

  account(user: string): AccountKey {
    return accountKey("console", user);
  }

  chat(name: string): ChatKey {
    return name.includes(":") ? (name as ChatKey) : chatKey("console", name);
  }

  setAdmin(user: string, chat: string, admin = true): void {
    const key = `${this.chat(chat)}|${this.account(user)}`;
    if (admin) this.world.admins.add(key);
    else this.world.admins.delete(key);
  }

  setLanguage(user: string, language: string): void {
    this.languages.set(user, language);
  }

  actor(user: string, chat?: string): Actor {
    const account = this.account(user);
    return {
      account,
      displayName: user,
      username: user,
      language: this.languages.get(user),
      isChatAdmin: chat ? this.world.admins.has(`${this.chat(chat)}|${account}`) : false,
    };
  }

  join(user: string, chat: string): Promise<Handled> {
    return this.dispatch({ kind: "member_joined", chat: this.chat(chat), actor: this.actor(user, chat) });
  }

  leave(user: string, chat: string): Promise<Handled> {
    return this.dispatch({
      kind: "member_left",
      chat: this.chat(chat),
      account: this.account(user),
      removed: false,
    });
  }

  requestJoin(user: string, chat: string): Promise<Handled> {
    this.world.pendingJoins.add(`${this.chat(chat)}|${this.account(user)}`);
    return this.dispatch({ kind: "join_requested", chat: this.chat(chat), actor: this.actor(user, chat) });
  }

  /** A member posts in a group chat; a leading "/" makes it a command. */
  async say(
    user: string,
    chat: string,
    text: string,
    options: PostOptions = {},
  ): Promise<Handled & { message: SimMessage }> {
    const key = this.chat(chat);
    const content = this.content(text, options);
    // Resolve the reply first: a line naming a message that is not there posts nothing.
    const replyTo = options.replyTo ? this.replied(key, options.replyTo, chat) : undefined;
    const message = this.world.post(key, this.account(user), text, content, options.thread);
    const command = parseCommand(text);
    const event: CoreEvent = command
      ? {
          kind: "command",
          name: command.name,
          args: command.args,
          mentions: await this.mentions(command.args),
          actor: this.actor(user, chat),
          chat: key,
          message: message.ref,
          replyTo,
        }
      : { kind: "message_posted", message: message.ref, actor: this.actor(user, chat), content, replyTo };
    return { ...(await this.dispatch(event)), message };
  }

  async edit(
    user: string,
    chat: string,
    id: string,
    text: string,
    options: PostOptions = {},
  ): Promise<Handled> {
    const key = this.chat(chat);
    const message = this.world.find(key, id);
    if (!message || message.author !== this.account(user))
      throw new Error(`${user} has no message #${id} in ${chat}`);
    message.text = text;
    message.content = this.content(text, options);
    return this.dispatch({
      kind: "message_edited",
      message: message.ref,
      actor: this.actor(user, chat),
      content: message.content,
    });
  }

  /** A member writes to the bot privately; a leading "/" makes it a command. */
  async tell(user: string, text: string): Promise<Handled> {
    this.world.post(SimulatedWorld.privateChat(this.account(user)), this.account(user), text);
    const command = parseCommand(text);
    return this.dispatch(
      command
        ? {
            kind: "command",
            name: command.name,
            args: command.args,
            mentions: await this.mentions(command.args),
            actor: this.actor(user),
          }
        : { kind: "private_message", actor: this.actor(user), text },
    );
  }

  /** Members named in a command's arguments, as far as the bot has seen them. */
  private mentions(args: string): Promise<Mention[]> {
    return consoleMentions(args, this.runtime.members);
  }

  /** Presses the button labelled `label` (case-insensitive) on a message, or on the newest message that has one. */
  press(user: string, label: string, where: { chat?: string; id?: string } = {}): Promise<Handled> {
    const chat = where.chat ? this.chat(where.chat) : SimulatedWorld.privateChat(this.account(user));
    const candidates = where.id ? [this.world.find(chat, where.id)] : [...this.world.visible(chat)].reverse();
    for (const m of candidates) {
      const button = m?.buttons
        ?.flat()
        .find((b) => b.label.toLowerCase() === label.toLowerCase() || b.data === label);
      if (m && button) {
        return this.dispatch({
          kind: "button_pressed",
          data: button.data,
          actor: this.actor(user, where.chat),
          chat: where.chat ? chat : undefined,
          message: m.ref,
        });
      }
    }
    throw new Error(
      `no button "${label}" ${where.id ? `on #${where.id} ` : ""}in ${where.chat ?? `${user}'s private chat`}`,
    );
  }

  shareContact(user: string, phone: string, owner = user): Promise<Handled> {
    return this.dispatch({
      kind: "contact_shared",
      actor: this.actor(user),
      phone,
      contactAccount: this.account(owner),
    });
  }

  dispatch(event: CoreEvent): Promise<Handled> {
    return this.runtime.handle(event);
  }

  private content(text: string, options: PostOptions): PostContent {
    return {
      text,
      links: options.links ?? [],
      media: (options.media ?? []).map((kind, i) => ({ kind, ref: `console-media-${i + 1}` })),
      forwardedFrom: options.forwardedFrom,
      albumId: options.albumId,
    };
  }

  private replied(chat: ChatKey, id: string, name: string): RepliedMessage {
    const m = this.world.find(chat, id);
    if (!m) throw new Error(`no message #${id} in ${name} to reply to`);
    return {
      message: m.ref,
      author: m.author === "bot" ? undefined : m.author,
      authorName: m.author === "bot" ? "bot" : m.author.slice("console:".length),
      content: m.content ?? { text: m.text, links: [], media: [] },
    };
  }
}

/** "/mute@bot 1h spam" → { name: "mute", args: "1h spam" }. */
export function parseCommand(text: string): { name: string; args: string } | undefined {
  const match = /^\/([A-Za-z0-9_]+)(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { name: (match[1] as string).toLowerCase(), args: (match[2] ?? "").trim() } : undefined;
}
