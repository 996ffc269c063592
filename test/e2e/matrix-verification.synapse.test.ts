import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountKey } from "../../src/core/ids.js";
import { MatrixApiError, synapseEnv } from "../support/synapse.js";
import { matrixWorld, react, sentBy, until, type MatrixWorld } from "../support/matrix-bot.js";

/** Joins, the mute of an unverified member, verification in the DM the bot opens. */
describe.skipIf(!synapseEnv)("Matrix end to end on Synapse: joining and verifying", () => {
  let w: MatrixWorld;

  beforeAll(async () => {
    w = await matrixWorld(
      synapseEnv!,
      `verification:
  required: true
  method: self_declared
  fields: { legal_name: true }
  rules: "Be kind."
  unverified: { level: read_only }`,
    );
  }, 60_000);
  afterAll(async () => w?.stop());

  it("mutes an unverified newcomer, who verifies in a DM (!verify, name, ✅ on the rules), can post, and links a Telegram account", async () => {
    const alice = await w.member("alice");
    // Muted by power level: below what posting needs.
    await until("alice muted", async () => {
      const levels = await w.owner.state<{ users?: Record<string, number>; events_default?: number }>(
        w.lobby,
        "m.room.power_levels",
      );
      return (levels?.users?.[alice.userId] ?? 0) < (levels?.events_default ?? 0) || undefined;
    });
    await expect(alice.send(w.lobby, "can I talk?")).rejects.toBeInstanceOf(MatrixApiError);

    // The bot opened a DM with the invitation; alice joins it and starts.
    const dm = await until("the DM", () => w.dmWith(alice));
    await alice.join(dm);
    await until(
      "the invitation",
      async () => (await sentBy(alice, dm, w.bot.userId)).length > 0 || undefined,
    );
    await alice.send(dm, "!verify");
    await until("the name prompt", async () =>
      (await sentBy(alice, dm, w.bot.userId)).find((e) => /name/i.test(String(e.content.body))),
    );
    const answer = await alice.send(dm, "Alice Example");
    // The answer carried personal data: redacted once read.
    await until("the name redacted", async () => {
      const ev = await alice.event(dm, answer);
      return ev.content.body === undefined || undefined;
    });
    const rules = await until("the rules with reactions", async () =>
      (await sentBy(alice, dm, w.bot.userId)).find((e) => String(e.content.body).includes("Be kind.")),
    );
    expect(String(rules.content.body)).toContain("✅");
    await react(alice, dm, rules.event_id, "✅");
    await until("alice unmuted", async () => {
      const levels = await w.owner.state<{
        users?: Record<string, number>;
        users_default?: number;
        events_default?: number;
      }>(w.lobby, "m.room.power_levels");
      return (
        (levels?.users?.[alice.userId] ?? levels?.users_default ?? 0) >= (levels?.events_default ?? 0) ||
        undefined
      );
    });
    await alice.send(w.lobby, "hello, verified now");

    // Cross-platform: !link in the DM gives a one-time code; /link <code> on Telegram binds that account.
    await alice.send(dm, "!link");
    const code = await until("the link code", async () => {
      const texts = (await sentBy(alice, dm, w.bot.userId)).map((e) => String(e.content.body));
      return texts.map((t) => /link code: (\S+)/.exec(t)?.[1]).find(Boolean);
    });
    const telegram = accountKey("telegram", "777");
    await w.h.runtime.engine.handle({
      kind: "command",
      name: "link",
      args: code,
      mentions: [],
      actor: { account: telegram, displayName: "Alice on Telegram", isChatAdmin: false },
    });
    expect(await w.h.runtime.services.identities.lookup(telegram)).toMatchObject({
      verified: true,
      accounts: [`matrix:${alice.userId}`, telegram],
    });
  }, 60_000);

  it("accepts /verify and !cancel too", async () => {
    const bob = await w.member("bob");
    const dm = await until("bob's DM", () => w.dmWith(bob));
    await bob.join(dm);
    await bob.send(dm, "/verify");
    await until("the name prompt", async () =>
      (await sentBy(bob, dm, w.bot.userId)).find((e) => /name/i.test(String(e.content.body))),
    );
    const before = (await sentBy(bob, dm, w.bot.userId)).length;
    await bob.send(dm, "!cancel");
    await until(
      "the cancel answer",
      async () => (await sentBy(bob, dm, w.bot.userId)).length > before || undefined,
    );
    // No session any more: a name now is just a message, not redacted.
    const text = await bob.send(dm, "Bob Example");
    await new Promise((r) => setTimeout(r, 800));
    expect((await bob.event(dm, text)).content.body).toBe("Bob Example");
  }, 60_000);
});
