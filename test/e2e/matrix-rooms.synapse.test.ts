import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synapseEnv } from "../support/synapse.js";
import { matrixWorld, sentBy, until, type MatrixWorld } from "../support/matrix-bot.js";

/**
 * A Chinese-speaking community on Matrix: what the bot writes in its rooms, and encrypted rooms however
 * the bot finds them (at start, in a sync with a gap, in the timeline).
 */
describe.skipIf(!synapseEnv)("Matrix end to end on Synapse: a zh community's rooms", () => {
  let w: MatrixWorld;

  beforeAll(async () => {
    w = await matrixWorld(
      synapseEnv!,
      `language: zh
news:
  enabled: true
  domains: [news.example.com]`,
      { extraRooms: 2 },
    );
  }, 60_000);
  afterAll(async () => w?.stop());

  it("writes the review card's reaction legend in the community's language", async () => {
    const carol = await w.member("carol");
    await carol.send(w.lobby, "看看 https://news.example.com/story-zh");
    const card = await until("the card", async () =>
      (await sentBy(w.mod, w.review, w.bot.userId)).find((e) => String(e.content.body).includes("✅")),
    );
    const legend = String(card.content.body).split("\n").at(-1) ?? "";
    expect(legend).toMatch(/^回应 ✅ /);
    expect(legend).not.toContain("React");
  }, 60_000);

  const ENCRYPTION = { algorithm: "m.megolm.v1.aes-sha2" };
  const notices = async (room: string) =>
    (await sentBy(w.owner, room, w.bot.userId)).filter((e) => String(e.content.body).includes("Pantalaimon"));
  const reports = async (room: string) =>
    (await sentBy(w.mod, w.review, w.bot.userId)).filter(
      (e) => String(e.content.body).includes(room) && String(e.content.body).includes("Pantalaimon"),
    );
  const gone = (room: string) =>
    until(`the bot out of ${room}`, async () => (await w.owner.membership(room, w.bot.userId)) === "leave");

  it("at start, tells, reports and leaves a room encrypted while the bot was down (a sync with a gap)", async () => {
    const room = w.rooms[0] as string;
    await w.stop();
    await w.owner.setState(room, "m.room.encryption", ENCRYPTION);
    // More events than a sync's timeline holds: the encryption is only in the sync's state section.
    for (let i = 0; i < 15; i++) await w.owner.send(room, `chatter ${i}`);
    await w.start();
    await gone(room);
    expect(await notices(room)).toHaveLength(1);
    const [report] = await until("the report", async () => {
      const found = await reports(room);
      return found.length > 0 ? found : undefined;
    });
    expect(String(report?.content.body)).toContain("Room 1");
    expect(String(report?.content.body)).toContain("加密");
  }, 60_000);

  it("at start, tells and leaves a room it is in that was encrypted before it joined", async () => {
    const room = await w.owner.createRoom({ version: "11", invite: [w.bot.userId] });
    await w.owner.setState(room, "m.room.encryption", ENCRYPTION);
    for (let i = 0; i < 15; i++) await w.owner.send(room, `before ${i}`);
    await w.stop();
    await w.bot.join(room); // joined by hand (another client), not through the bot's invite check
    await w.start();
    await gone(room);
    expect(await notices(room)).toHaveLength(1);
  }, 60_000);

  it("tells, reports and leaves a configured room that turns encryption on while the bot runs", async () => {
    const room = w.rooms[1] as string;
    await w.owner.setState(room, "m.room.encryption", ENCRYPTION);
    await gone(room);
    expect(await notices(room)).toHaveLength(1);
    await until("the report", async () => ((await reports(room)).length > 0 ? true : undefined));
    expect(String((await reports(room))[0]?.content.body)).toContain("Room 2");
  }, 60_000);
});
