import { describe, expect, it } from "vitest";
import { registerUser, synapseEnv } from "../../support/synapse.js";

/** The test homeserver itself: what the Matrix suites build on works (scripts/synapse.sh). */
describe.skipIf(!synapseEnv)("Matrix test homeserver (Synapse)", () => {
  const env = synapseEnv!;

  it("registers users by shared secret and gives each a working access token", async () => {
    const alice = await registerUser(env, "alice");
    expect(alice.userId).toMatch(/^@alice-[0-9a-f]{8}:localhost$/);
    const me = await alice.api<{ user_id: string }>("GET", "/_matrix/client/v3/account/whoami");
    expect(me.user_id).toBe(alice.userId);
  });

  it.each(["11", "12"] as const)("creates a version %s room others join and post in", async (version) => {
    const owner = await registerUser(env, "owner");
    const bob = await registerUser(env, "bob");
    const room = await owner.createRoom({ version });
    const create = await owner.state<{ room_version?: string }>(room, "m.room.create");
    expect(create?.room_version).toBe(version);
    await bob.join(room);
    const id = await bob.send(room, "hello");
    expect((await owner.event(room, id)).content.body).toBe("hello");
    const levels = await owner.state<{ users?: Record<string, number> }>(room, "m.room.power_levels");
    // Version 12 creators hold unlimited power without being listed in power_levels.
    expect(levels?.users?.[owner.userId]).toBe(version === "11" ? 100 : undefined);
  });
});
