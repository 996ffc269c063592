import { describe, expect, it } from "vitest";
import { consoleConfig, startHarness } from "../../support/harness.js";
import { casesOf } from "./support.js";

describe("durations typed in admin commands are bounded", () => {
  it.each(["/mute bob 99999999999d", "/limit bob 400d", "/ban bob 99999999999d spam"])(
    "answers %s with the usage line and the maximum, and opens no case",
    async (command) => {
      const h = await startHarness(consoleConfig());
      await h.session.say("bob", "lobby", "hello");
      await h.session.say("admin", "lobby", command);
      const got = command.split(" ")[2] as string;
      expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toMatch(
        new RegExp(`^Usage: /\\w+ .*\\(a duration up to 366d, got ${got}\\)$`),
      );
      expect(await casesOf(h, h.session.account("bob"))).toEqual([]);
      expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("bob"))).not.toBe("read_only");
    },
  );

  it("still takes 366 days", async () => {
    const h = await startHarness(consoleConfig());
    await h.session.join("bob", "lobby");
    await h.session.say("admin", "lobby", "/mute bob 366d");
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("bob"))).toBe("read_only");
  });
});
