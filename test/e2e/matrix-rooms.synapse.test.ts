import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synapseEnv } from "../support/synapse.js";
import { matrixWorld, sentBy, until, type MatrixWorld } from "../support/matrix-bot.js";

/** A Chinese-speaking community on Matrix: what the bot writes in its rooms. */
describe.skipIf(!synapseEnv)("Matrix end to end on Synapse: a zh community's rooms", () => {
  let w: MatrixWorld;

  beforeAll(async () => {
    w = await matrixWorld(
      synapseEnv!,
      `language: zh
news:
  enabled: true
  domains: [news.example.com]`,
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
});
