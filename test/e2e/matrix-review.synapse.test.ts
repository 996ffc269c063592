import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestUser } from "../support/synapse.js";
import { synapseEnv } from "../support/synapse.js";
import { matrixWorld, react, sentBy, until, type MatrixWorld } from "../support/matrix-bot.js";

/** News holds decided by reactions and commands in the review room, escalation, a restart. */
describe.skipIf(!synapseEnv)("Matrix end to end on Synapse: review cards", () => {
  let w: MatrixWorld;

  beforeAll(async () => {
    w = await matrixWorld(
      synapseEnv!,
      `news:
  enabled: true
  domains: [news.example.com]
sanctions:
  ladder:
    - { at: 1, action: warn }
    - { at: 2, action: ban }`,
    );
  }, 60_000);
  afterAll(async () => w?.stop());

  const redacted = async (user: TestUser, room: string, eventId: string) =>
    (await user.event(room, eventId)).content.body === undefined || undefined;

  /** Posts a news link and waits for it to be taken down and its card to appear; returns the card. */
  async function hold(author: TestUser, name: string, text: string) {
    const post = await author.send(w.lobby, text);
    await until("the post redacted", () => redacted(w.owner, w.lobby, post));
    return until("the card", async () =>
      (await sentBy(w.mod, w.review, w.bot.userId)).find(
        (e) => String(e.content.body).includes(`by ${name}`) && String(e.content.body).includes("✅"),
      ),
    );
  }

  const reposts = async (text: string) =>
    (await sentBy(w.owner, w.lobby, w.bot.userId)).filter((e) => String(e.content.body).includes(text));

  it("redacts a news link; the approving reaction re-posts it once, a second reaction nothing", async () => {
    const carol = await w.member("carol");
    const card = await hold(carol, "carol", "first https://news.example.com/story-1");
    await react(w.mod, w.review, card.event_id, "✅");
    await until(
      "the re-post",
      async () => (await reposts("news.example.com/story-1")).length > 0 || undefined,
    );
    await react(w.owner, w.review, card.event_id, "✅");
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await reposts("news.example.com/story-1")).toHaveLength(1);
  }, 60_000);

  it("refuses a non-admin's reaction: nothing is re-posted, the reaction is removed and the card still waits", async () => {
    const dave = await w.member("dave");
    const card = await hold(dave, "dave", "second https://news.example.com/story-2");
    const eve = await w.member("eve");
    await eve.join(w.review);
    const reaction = await react(eve, w.review, card.event_id, "✅");
    // Left on the card, eve's ✅ would read as a decision to the admins.
    await until(
      "eve's reaction removed",
      async () => Object.keys((await w.mod.event(w.review, reaction)).content).length === 0 || undefined,
    );
    expect(await reposts("news.example.com/story-2")).toHaveLength(0);
    // An admin's decision still works afterwards: the refusal changed nothing.
    await w.mod.send(w.review, `!reject ${idOf(card.content.body)} off topic`);
    await until("the card closed", async () => {
      const edits = (await sentBy(w.mod, w.review, w.bot.userId)).filter(
        (e) => (e.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === card.event_id,
      );
      return edits.length > 0 || undefined;
    });
    expect(await reposts("news.example.com/story-2")).toHaveLength(0);
  }, 60_000);

  it("says in plain words when it may not remove a refused reaction (its power is below redact)", async () => {
    const hank = await w.member("hank");
    const card = await hold(hank, "hank", "fourth https://news.example.com/story-4");
    const levels = (await w.owner.state<{ users: Record<string, number> }>(w.review, "m.room.power_levels"))!;
    // The bot gives up its own power (nobody else may lower a level equal to theirs).
    await w.bot.setState(w.review, "m.room.power_levels", {
      ...levels,
      users: { ...levels.users, [w.bot.userId]: 60 },
      redact: 80,
    });
    try {
      const ivy = await w.member("ivy");
      await ivy.join(w.review);
      await react(ivy, w.review, card.event_id, "❌");
      const notice = await until("the notice", async () =>
        (await sentBy(w.mod, w.review, w.bot.userId)).find((e) =>
          String(e.content.body).includes("could not remove the reaction"),
        ),
      );
      expect(String(notice.content.body)).toContain("ivy");
      expect(String(notice.content.body)).toContain("redact");
      // Once per room: a second refused reaction adds no second notice.
      await react(ivy, w.review, card.event_id, "✅");
      await new Promise((r) => setTimeout(r, 1_500));
      const notices = (await sentBy(w.mod, w.review, w.bot.userId)).filter((e) =>
        String(e.content.body).includes("could not remove the reaction"),
      );
      expect(notices).toHaveLength(1);
    } finally {
      await w.owner.setState(w.review, "m.room.power_levels", levels);
    }
  }, 60_000);

  it("escalates warnings to a ban on the ladder", async () => {
    const frank = await w.member("frank");
    await w.mod.send(w.lobby, `!warn ${frank.userId} spam`);
    await until("the first warning", async () =>
      (await sentBy(w.mod, w.lobby, w.bot.userId)).find((e) => String(e.content.body).includes("frank")),
    );
    await w.mod.send(w.lobby, `!warn ${frank.userId} spam again`);
    await until(
      "frank banned",
      async () => (await w.owner.membership(w.lobby, frank.userId)) === "ban" || undefined,
    );
  }, 60_000);

  it("decides a hold left pending across a restart, by reaction, exactly once", async () => {
    const gina = await w.member("gina");
    const card = await hold(gina, "gina", "third https://news.example.com/story-3");
    await w.stop();
    await w.h.restart();
    await w.start();
    await react(w.mod, w.review, card.event_id, "✅");
    await until(
      "the re-post",
      async () => (await reposts("news.example.com/story-3")).length > 0 || undefined,
    );
    await w.mod.send(w.review, `!approve ${idOf(card.content.body)}`);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await reposts("news.example.com/story-3")).toHaveLength(1);
  }, 60_000);
});

/** The hold id a card names ("📰 Held post <id> by …"). */
function idOf(body: unknown): string {
  const text = String(body);
  const m = /Held post (\S+)/.exec(text);
  if (!m) throw new Error(`no hold id in ${text}`);
  return m[1] as string;
}
