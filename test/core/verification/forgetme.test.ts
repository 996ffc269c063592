import { describe, expect, it } from "vitest";
import { consoleConfig, lastPrivate, startVerification } from "./support.js";

const config = consoleConfig(`verification:
  required: true
  fields: { legal_name: true }
  unverified: { level: read_only }`);

describe("/forgetme", () => {
  it("tells a member the bot never stored anything about that there is nothing to erase, and erases nothing", async () => {
    const h = await startVerification(config);
    const { decisions } = await h.session.tell("zed", "/forgetme");
    expect(lastPrivate(h, "zed")).toBe("I have nothing stored about you, so there is nothing to erase.");
    expect(decisions.map((d) => d.kind)).toEqual(["send_private"]);
  });

  it("answers in Chinese too", async () => {
    const h = await startVerification(config);
    h.session.setLanguage("zed", "zh");
    await h.session.tell("zed", "/forgetme");
    expect(lastPrivate(h, "zed")).toBe("我没有存储任何关于你的数据，因此无需删除。");
  });

  it("still erases for a member the bot has seen in a group", async () => {
    const h = await startVerification(config);
    await h.session.join("yara", "lobby");
    await h.session.tell("yara", "/forgetme");
    expect(lastPrivate(h, "yara")).toMatch(/^Done: I erased/);
    expect((await h.runtime.services.members.profile(h.session.account("yara")))?.displayName).toBe("");
    await h.session.tell("yara", "/forgetme");
    expect(lastPrivate(h, "yara")).toBe("I have nothing stored about you, so there is nothing to erase.");
  });
});
