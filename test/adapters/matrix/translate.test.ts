import { describe, expect, it } from "vitest";
import {
  contentOf,
  parseCommand,
  stripReplyFallback,
  translateEvent,
  type MatrixEvent,
  type TranslateEnv,
} from "../../../src/adapters/matrix/translate.js";

const BOT = "@warden:example.org";
const ROOM = "!lobby:example.org";
const DM = "!dm:example.org";
const REVIEW = "!review:example.org";

function env(over: Partial<TranslateEnv> = {}): TranslateEnv & { adminChecks: string[] } {
  const adminChecks: string[] = [];
  return {
    adminChecks,
    botUserId: BOT,
    isDirect: (room) => room === DM,
    isAdmin: async (room, user, fresh) => {
      adminChecks.push(`${room} ${user} ${fresh ? "fresh" : "cached"}`);
      return user === "@mod:example.org";
    },
    displayName: async (_room, user) => (user === "@alice:example.org" ? "Alice" : undefined),
    buttonData: async (eventId, key) =>
      eventId === "$card"
        ? ({ "✅": "hold:approve:h1", "❌": "hold:reject:h1" } as Record<string, string>)[key]
        : undefined,
    repliedTo: async (_room, eventId) =>
      eventId === "$orig"
        ? {
            type: "m.room.message",
            sender: "@alice:example.org",
            event_id: "$orig",
            content: { msgtype: "m.text", body: "spam" },
          }
        : undefined,
    ...over,
  };
}

let seq = 0;
const msg = (
  content: Record<string, unknown>,
  sender = "@alice:example.org",
  type = "m.room.message",
): MatrixEvent => ({
  type,
  sender,
  event_id: `$e${++seq}`,
  origin_server_ts: 1_700_000_000_000,
  content,
});

describe("Matrix messages", () => {
  it("translates a text message with its links and formatting", async () => {
    const ev = msg({
      msgtype: "m.text",
      body: "read this: news",
      format: "org.matrix.custom.html",
      formatted_body:
        'read this: <a href="https://news.example.com/a">news</a> <a href="https://matrix.to/#/@bob:example.org">Bob</a>',
    });
    const [event] = await translateEvent(ROOM, ev, env());
    expect(event).toMatchObject({
      kind: "message_posted",
      message: { chat: "matrix:!lobby:example.org", id: ev.event_id },
      actor: { account: "matrix:@alice:example.org", displayName: "Alice", isChatAdmin: false },
      content: { text: "read this: news", links: ["https://news.example.com/a"], media: [] },
      at: 1_700_000_000_000,
    });
    expect(event && "content" in event ? event.content.formatting : undefined).toMatchObject({
      format: "org.matrix.custom.html",
    });
  });

  it("translates notices and media by their mxc URI (a body that is the file name is no caption)", async () => {
    const [notice] = await translateEvent(ROOM, msg({ msgtype: "m.notice", body: "from a bridge" }), env());
    expect(notice).toMatchObject({ kind: "message_posted", content: { text: "from a bridge" } });
    const [image] = await translateEvent(
      ROOM,
      msg({ msgtype: "m.image", body: "cat.png", url: "mxc://example.org/abc" }),
      env(),
    );
    expect(image).toMatchObject({
      content: { text: "", media: [{ kind: "photo", ref: "mxc://example.org/abc" }] },
    });
    const [captioned] = await translateEvent(
      ROOM,
      msg({ msgtype: "m.video", body: "look at this", filename: "clip.mp4", url: "mxc://example.org/v" }),
      env(),
    );
    expect(captioned).toMatchObject({
      content: { text: "look at this", media: [{ kind: "video", ref: "mxc://example.org/v" }] },
    });
    const [sticker] = await translateEvent(
      ROOM,
      msg({ body: "wave", url: "mxc://example.org/s" }, undefined, "m.sticker"),
      env(),
    );
    expect(sticker).toMatchObject({ content: { media: [{ kind: "sticker", ref: "mxc://example.org/s" }] } });
    expect(
      contentOf({ msgtype: "m.file", body: "x.pdf", file: { url: "mxc://example.org/enc" } }).media,
    ).toEqual([{ kind: "document", ref: "mxc://example.org/enc" }]);
  });

  it("ignores the bot's own events, encrypted events and empty messages", async () => {
    expect(await translateEvent(ROOM, msg({ msgtype: "m.text", body: "my notice" }, BOT), env())).toEqual([]);
    expect(
      await translateEvent(
        ROOM,
        msg({ algorithm: "m.megolm.v1.aes-sha2" }, undefined, "m.room.encrypted"),
        env(),
      ),
    ).toEqual([]);
    expect(await translateEvent(ROOM, msg({ msgtype: "m.text", body: "" }), env())).toEqual([]);
  });

  it("turns an m.replace edit into message_edited of the original event, with the new content", async () => {
    const [event] = await translateEvent(
      ROOM,
      msg({
        msgtype: "m.text",
        body: " * now with https://news.example.com",
        "m.new_content": { msgtype: "m.text", body: "now with https://news.example.com" },
        "m.relates_to": { rel_type: "m.replace", event_id: "$orig" },
      }),
      env(),
    );
    expect(event).toMatchObject({
      kind: "message_edited",
      message: { chat: "matrix:!lobby:example.org", id: "$orig" },
      content: { text: "now with https://news.example.com" },
    });
  });

  it("gives a reply its replied-to message and author, without the quoted fallback", async () => {
    const [event] = await translateEvent(
      ROOM,
      msg({
        msgtype: "m.text",
        body: "> <@alice:example.org> spam\n\nagreed",
        format: "org.matrix.custom.html",
        formatted_body: "<mx-reply><blockquote>spam</blockquote></mx-reply>agreed",
        "m.relates_to": { "m.in_reply_to": { event_id: "$orig" } },
      }),
      env(),
    );
    expect(event).toMatchObject({
      kind: "message_posted",
      content: { text: "agreed", formatting: { formatted_body: "agreed" } },
      replyTo: {
        message: { chat: "matrix:!lobby:example.org", id: "$orig" },
        author: "matrix:@alice:example.org",
        authorName: "Alice",
        content: { text: "spam" },
      },
    });
  });

  it("keeps a thread's root as the message's thread", async () => {
    const [event] = await translateEvent(
      ROOM,
      msg({
        msgtype: "m.text",
        body: "in a thread",
        "m.relates_to": {
          rel_type: "m.thread",
          event_id: "$root",
          is_falling_back: true,
          "m.in_reply_to": { event_id: "$root" },
        },
      }),
      env(),
    );
    expect(event).toMatchObject({ message: { thread: "$root" } });
    expect(event && "replyTo" in event ? event.replyTo : undefined).toBeUndefined();
  });
});

describe("Matrix commands", () => {
  it("parses !command and /command, lower-cased, with the arguments", () => {
    expect(parseCommand("!Ban @bob:example.org spam")).toEqual({
      name: "ban",
      args: "@bob:example.org spam",
      argsAt: 5,
    });
    expect(parseCommand("/verify")).toEqual({ name: "verify", args: "", argsAt: 7 });
    expect(parseCommand("! ban")).toBeUndefined();
    expect(parseCommand("wow!ban")).toBeUndefined();
    expect(parseCommand("/path/to/file")).toBeUndefined();
  });

  it("resolves pills, matrix.to links and typed ids into mentions with offsets in args", async () => {
    const [event] = await translateEvent(
      ROOM,
      msg(
        {
          msgtype: "m.text",
          body: "!ban Bob Smith 1d and @carol:example.org",
          format: "org.matrix.custom.html",
          formatted_body:
            '!ban <a href="https://matrix.to/#/@bob:example.org">Bob Smith</a> 1d and @carol:example.org',
        },
        "@mod:example.org",
      ),
      env(),
    );
    expect(event).toMatchObject({
      kind: "command",
      name: "ban",
      args: "Bob Smith 1d and @carol:example.org",
      chat: "matrix:!lobby:example.org",
      actor: { isChatAdmin: true },
      mentions: [
        { account: "matrix:@bob:example.org", offset: 0, length: 9 },
        { account: "matrix:@carol:example.org", offset: 17, length: 18 },
      ],
    });
  });

  it("re-reads the issuer's power level for a command, uses the cache for a plain message", async () => {
    const e = env();
    await translateEvent(ROOM, msg({ msgtype: "m.text", body: "!warn" }, "@mod:example.org"), e);
    await translateEvent(ROOM, msg({ msgtype: "m.text", body: "hello" }, "@mod:example.org"), e);
    expect(e.adminChecks).toEqual([`${ROOM} @mod:example.org fresh`, `${ROOM} @mod:example.org cached`]);
  });

  it("a command replying to a message names the replied-to author", async () => {
    const [event] = await translateEvent(
      ROOM,
      msg(
        {
          msgtype: "m.text",
          body: "> <@alice:example.org> spam\n\n!warn",
          "m.relates_to": { "m.in_reply_to": { event_id: "$orig" } },
        },
        "@mod:example.org",
      ),
      env(),
    );
    expect(event).toMatchObject({
      kind: "command",
      name: "warn",
      replyTo: { author: "matrix:@alice:example.org" },
    });
  });
});

describe("Matrix direct chats", () => {
  it("turns text into private_message with its ref (so personal data can be redacted) and commands into private commands", async () => {
    const text = msg({ msgtype: "m.text", body: "Dana Example" });
    expect(await translateEvent(DM, text, env())).toEqual([
      {
        kind: "private_message",
        actor: {
          account: "matrix:@alice:example.org",
          displayName: "Alice",
          username: "alice:example.org",
          isChatAdmin: false,
        },
        text: "Dana Example",
        message: { chat: "matrix:!dm:example.org", id: text.event_id },
        at: 1_700_000_000_000,
      },
    ]);
    const [command] = await translateEvent(DM, msg({ msgtype: "m.text", body: "!cancel" }), env());
    expect(command).toMatchObject({ kind: "command", name: "cancel", args: "" });
    expect(command && "chat" in command ? command.chat : undefined).toBeUndefined();
  });

  it("ignores images, edits and membership in a direct chat", async () => {
    expect(
      await translateEvent(DM, msg({ msgtype: "m.image", body: "id.jpg", url: "mxc://x/y" }), env()),
    ).toEqual([]);
    expect(
      await translateEvent(
        DM,
        msg({
          msgtype: "m.text",
          body: "* x",
          "m.new_content": { msgtype: "m.text", body: "x" },
          "m.relates_to": { rel_type: "m.replace", event_id: "$a" },
        }),
        env(),
      ),
    ).toEqual([]);
    expect(
      await translateEvent(
        DM,
        {
          type: "m.room.member",
          sender: "@alice:example.org",
          state_key: "@alice:example.org",
          event_id: "$m",
          content: { membership: "join" },
        },
        env(),
      ),
    ).toEqual([]);
  });
});

describe("Matrix membership", () => {
  const member = (userId: string, membership: string, prev?: string, sender = userId): MatrixEvent => ({
    type: "m.room.member",
    sender,
    state_key: userId,
    event_id: `$m${++seq}`,
    content: { membership, displayname: "Bob" },
    ...(prev ? { unsigned: { prev_content: { membership: prev } } } : {}),
  });

  it("a join is member_joined; a profile change (join → join) is nothing", async () => {
    expect(await translateEvent(ROOM, member("@bob:example.org", "join"), env())).toMatchObject([
      {
        kind: "member_joined",
        chat: "matrix:!lobby:example.org",
        actor: { account: "matrix:@bob:example.org", displayName: "Bob" },
      },
    ]);
    expect(await translateEvent(ROOM, member("@bob:example.org", "join", "invite"), env())).toHaveLength(1);
    expect(await translateEvent(ROOM, member("@bob:example.org", "join", "join"), env())).toEqual([]);
  });

  it("a leave is member_left, removed when someone else kicked or banned", async () => {
    expect(await translateEvent(ROOM, member("@bob:example.org", "leave", "join"), env())).toMatchObject([
      { kind: "member_left", account: "matrix:@bob:example.org", removed: false },
    ]);
    expect(
      await translateEvent(ROOM, member("@bob:example.org", "leave", "join", "@mod:example.org"), env()),
    ).toMatchObject([{ removed: true }]);
    expect(
      await translateEvent(ROOM, member("@bob:example.org", "ban", "join", "@mod:example.org"), env()),
    ).toMatchObject([{ kind: "member_left", removed: true }]);
    expect(await translateEvent(ROOM, member("@bob:example.org", "leave", "invite"), env())).toEqual([]);
  });

  it("ignores the bot's own membership", async () => {
    expect(await translateEvent(ROOM, member(BOT, "join"), env())).toEqual([]);
  });
});

describe("Matrix reactions as button presses", () => {
  const reaction = (key: string, sender: string, target = "$card"): MatrixEvent => ({
    type: "m.reaction",
    sender,
    event_id: `$r${++seq}`,
    content: { "m.relates_to": { rel_type: "m.annotation", event_id: target, key } },
  });

  it("a reaction on a card is a press of the button it stands for, the reactor's power re-read", async () => {
    const e = env();
    expect(await translateEvent(REVIEW, reaction("✅", "@mod:example.org"), e)).toMatchObject([
      {
        kind: "button_pressed",
        data: "hold:approve:h1",
        actor: { account: "matrix:@mod:example.org", isChatAdmin: true },
        chat: "matrix:!review:example.org",
        message: { chat: "matrix:!review:example.org", id: "$card" },
      },
    ]);
    expect(e.adminChecks).toEqual([`${REVIEW} @mod:example.org fresh`]);
  });

  it("a non-admin's reaction is still a press, flagged as no admin (the core refuses it)", async () => {
    expect(await translateEvent(REVIEW, reaction("❌", "@alice:example.org"), env())).toMatchObject([
      { data: "hold:reject:h1", actor: { isChatAdmin: false } },
    ]);
  });

  it("other keys, other messages and the bot's own reactions are nothing", async () => {
    expect(await translateEvent(REVIEW, reaction("👍", "@mod:example.org"), env())).toEqual([]);
    expect(await translateEvent(REVIEW, reaction("✅", "@mod:example.org", "$other"), env())).toEqual([]);
    expect(await translateEvent(REVIEW, reaction("✅", BOT), env())).toEqual([]);
  });
});

describe("reply fallbacks", () => {
  it("strips the quoted lines and the blank line after them", () => {
    expect(stripReplyFallback("> <@a:b> one\n> two\n\nanswer\nmore")).toBe("answer\nmore");
    expect(stripReplyFallback("no quote")).toBe("no quote");
  });
});
