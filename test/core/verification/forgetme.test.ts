import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import type { Logger } from "../../../src/core/ports/logger.js";
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

  it("scrubs the store after erasing, logs what the scrub could not reach, and answers even when the scrub fails", async () => {
    const logged: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
    const log =
      (level: string) =>
      (fields: Record<string, unknown>, msg: string): void =>
        void logged.push({ level, fields, msg });
    const logger: Logger = {
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
      child: () => logger,
    };
    const store = new MemoryStore();
    let scrubs = 0;
    store.scrub = async () => {
      scrubs++;
      if (scrubs === 2) throw new Error("backend down");
      return { done: ["zeroed"], remains: ["a backup"] };
    };
    const h = await startVerification(config, { store, logger });
    await h.session.join("yara", "lobby");
    await h.session.tell("yara", "/forgetme");
    expect(scrubs).toBe(1);
    expect(logged).toContainEqual({
      level: "info",
      fields: { done: ["zeroed"], remains: ["a backup"] },
      msg: "store scrubbed after an erasure",
    });
    await h.session.join("zoe", "lobby");
    await h.session.tell("zoe", "/forgetme");
    expect(scrubs).toBe(2);
    expect(lastPrivate(h, "zoe")).toMatch(/^Done: I erased/);
    expect(logged.some((l) => l.level === "error" && /could not scrub/.test(l.msg))).toBe(true);
  });
});
