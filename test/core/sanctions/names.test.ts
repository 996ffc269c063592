import { describe, expect, it } from "vitest";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";
import { casesOf, modlog } from "./support.js";

/** Mallory posts under a display name that differs from her account key, as on Telegram. */
async function malloryPosts(h: Harness, text: string) {
  const message = h.world.post(h.session.chat("lobby"), h.session.account("mallory"), text);
  await h.session.dispatch({
    kind: "message_posted",
    message: message.ref,
    actor: { account: h.session.account("mallory"), displayName: "Mallory M.", isChatAdmin: false },
    content: { text, links: [], media: [] },
  });
  return message;
}

const groupNotices = (h: Harness) =>
  h.world
    .visible(h.session.chat("lobby"))
    .filter((m) => m.author === "bot")
    .map((m) => m.text);

describe("names in group notices and the mod-log", () => {
  it("shows the member's display name, and keeps the account key in the case", async () => {
    const h = await startHarness(consoleConfig());
    const posted = await malloryPosts(h, "hello");
    await h.session.say("admin", "lobby", "/warn rude", { replyTo: posted.ref.id });
    expect(modlog(h).at(-1)).toBe("#1 Mallory M. warned — by admin (admin) [admin_warning] +1 pts: rude");
    expect(groupNotices(h).at(-1)).toBe("Case #1: Mallory M. warned.");
    expect(modlog(h).join("\n")).not.toContain("console:");
    expect((await casesOf(h, h.session.account("mallory")))[0]).toMatchObject({
      subject: "console:mallory",
      actor: "console:admin",
    });
  });

  it("falls back to the account key when no name is known (never seen, or erased by /forgetme)", async () => {
    const h = await startHarness(consoleConfig());
    const posted = await malloryPosts(h, "hello");
    await h.session.tell("mallory", "/forgetme");
    await h.session.say("admin", "lobby", "/mute 1h spam", { replyTo: posted.ref.id });
    expect(modlog(h).at(-1)).toMatch(/^#1 console:mallory muted for 1h — by admin/);
    expect(groupNotices(h).at(-1)).toBe("Case #1: console:mallory muted for 1h.");
  });
});
