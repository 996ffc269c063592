import { describe, expect, it } from "vitest";
import type { Decision } from "../../../src/core/decisions.js";
import { UsageError } from "../../../src/core/engine/module.js";
import { HOUR } from "../../../src/core/ports/clock.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";

describe("engine", () => {
  it("answers an unknown command with a hint instead of failing", async () => {
    const h = await startHarness(consoleConfig());
    const { decisions } = await h.session.tell("alice", "/frobnicate");
    expect(decisions).toHaveLength(1);
    expect(h.world.privateMessages(h.session.account("alice")).at(-1)?.text).toContain("/frobnicate");
  });

  it("answers /help privately with the commands the member may use", async () => {
    const h = await startHarness(consoleConfig());
    await h.session.tell("alice", "/help");
    const text = h.world.privateMessages(h.session.account("alice")).at(-1)?.text ?? "";
    expect(text).toContain("/language");
  });

  it("switches a member's language with /language and refuses an unknown one by naming the supported ones", async () => {
    const h = await startHarness(consoleConfig());
    const last = () => h.world.privateMessages(h.session.account("alice")).at(-1)?.text;
    await h.session.tell("alice", "/language fr");
    expect(last()).toBe("fr is not a supported language (supported: en, zh).");
    await h.session.tell("alice", "/language zh");
    expect(last()).toContain("简体中文");
    await h.session.tell("alice", "/language klingon");
    expect(last()).toBe("不支持 klingon 语言（支持的语言：en, zh）。");
  });

  it("does not record a failed restriction as applied, and reports the failure to the mod-log", async () => {
    const h = await startHarness(consoleConfig());
    const alice = h.session.account("alice");
    const lobby = h.session.chat("lobby");
    h.world.failNext("restrict", { message: "not enough rights to restrict members" });
    const decisions = await h.runtime.services.access.constrain(
      [lobby],
      alice,
      { source: "admin", level: "read_only" },
      h.clock.now(),
    );
    const { outcomes } = await runDecisions(h, decisions);
    expect(outcomes[0]?.status).toBe("failed");
    const enforcement = await h.runtime.services.access.get(lobby, alice);
    expect(enforcement?.applied).toBeUndefined();
    expect(enforcement?.lastError).toContain("not enough rights");
    expect(h.world.visible(h.session.chat("modlog")).at(-1)?.text).toContain("not enough rights");
    // A second attempt that works is recorded as applied.
    const again = await h.runtime.services.access.reapply(lobby, alice, h.clock.now());
    await runDecisions(h, again);
    expect((await h.runtime.services.access.get(lobby, alice))?.applied).toBe("read_only");
    expect(h.world.levelOf(lobby, alice)).toBe("read_only");
  });

  it("lifts a timed restriction when its timer fires, also after a restart", async () => {
    const h = await startHarness(consoleConfig());
    const alice = h.session.account("alice");
    const lobby = h.session.chat("lobby");
    const decisions = await h.runtime.services.access.constrain(
      [lobby],
      alice,
      { source: "sanction", level: "read_only", until: h.clock.now() + HOUR, caseNumber: 1 },
      h.clock.now(),
    );
    await runDecisions(h, decisions);
    expect(h.world.levelOf(lobby, alice)).toBe("read_only");
    await h.restart();
    expect(await h.advance(HOUR - 1000)).toBe(0);
    expect(h.world.levelOf(lobby, alice)).toBe("read_only");
    expect(await h.advance(2000)).toBe(1);
    expect(h.world.levelOf(lobby, alice)).toBe("full");
    expect((await h.runtime.services.access.get(lobby, alice))?.applied).toBe("full");
  });

  it("turns a command handler's UsageError into the command's usage line", async () => {
    const h = await startHarness(consoleConfig());
    await h.session.tell("bob", "/language");
    expect(h.world.privateMessages(h.session.account("bob")).at(-1)?.text).toMatch(
      /^Usage: \/language <en\|zh>/,
    );
    expect(UsageError).toBeDefined();
  });
});

async function runDecisions(h: Harness, decisions: Decision[]) {
  return { outcomes: await h.runtime.engine.run(decisions) };
}

describe("engine scope", () => {
  it("leaves messages in the review chat alone: it is not a moderated chat of the community", async () => {
    const h = await startHarness(consoleConfig("verification:\n  required: true\n"));
    const { decisions } = await h.session.say("bob", "review", "hi");
    expect(decisions).toEqual([]);
    await h.session.join("bob", "review");
    expect(h.world.levelOf(h.session.chat("review"), h.session.account("bob"))).toBe("full");
  });
});

describe("failure reports", () => {
  it("does not bother admins when a member simply never opened a private chat", async () => {
    const h = await startHarness(consoleConfig());
    h.world.failNext("send_private", {
      code: "forbidden",
      message: "bot can't initiate conversation with a user",
    });
    const [outcome] = await h.runtime.engine.run([
      { kind: "send_private", account: h.session.account("alice"), text: "hi" },
    ]);
    expect(outcome?.status).toBe("failed");
    expect(h.world.visible(h.session.chat("modlog"))).toEqual([]);
  });

  it("reports a failure in the community's language, naming the chat as admins know it", async () => {
    const h = await startHarness(
      consoleConfig().replace("    name: Demo\n", "    name: Demo\n    language: zh\n"),
    );
    h.world.failNext("ban", { message: "not enough rights" });
    await h.runtime.engine.run([
      { kind: "ban", chat: h.session.chat("lobby"), account: h.session.account("bob") },
    ]);
    const text = h.world.visible(h.session.chat("modlog")).at(-1)?.text ?? "";
    expect(text).toBe(
      `⚠️ 我无法在 ${h.runtime.services.directory.label(h.session.chat("lobby"))} 封禁 console:bob：not enough rights。请检查我的管理员权限。`,
    );
  });

  it("reports a failed deletion to the mod-log", async () => {
    const h = await startHarness(consoleConfig());
    h.world.failNext("delete", { code: "bad_request", message: "message can't be deleted" });
    await h.runtime.engine.run([{ kind: "delete", messages: [{ chat: h.session.chat("lobby"), id: "1" }] }]);
    expect(h.world.visible(h.session.chat("modlog")).at(-1)?.text).toContain("message can't be deleted");
  });
});

describe("access gate", () => {
  it("removes a link from a text-only member and tells them why once an hour, privately", async () => {
    const h = await startHarness(consoleConfig());
    const bob = h.session.account("bob");
    const lobby = h.session.chat("lobby");
    await h.session.say("bob", "lobby", "hello");
    await h.runtime.engine.run(
      await h.runtime.services.access.constrain(
        [lobby],
        bob,
        { source: "sanction", level: "text_only", caseNumber: 1 },
        h.clock.now(),
      ),
    );
    const first = await h.session.say("bob", "lobby", "see https://example.org");
    const second = await h.session.say("bob", "lobby", "again https://example.org");
    expect(first.message.deleted && second.message.deleted).toBe(true);
    const notices = () => h.world.privateMessages(bob).filter((m) => m.text.includes("no links or media"));
    expect(notices()).toHaveLength(1);
    expect((await h.session.say("bob", "lobby", "plain text is fine")).message.deleted).toBe(false);
    h.clock.advance(HOUR + 1);
    await h.session.say("bob", "lobby", "later https://example.org");
    expect(notices()).toHaveLength(2);
    expect(h.world.visible(lobby).every((m) => !m.text.includes("removed"))).toBe(true);
  });

  it("tells an unverified member to /verify, and a muted one where to look and how to appeal", async () => {
    const h = await startHarness(consoleConfig());
    const lobby = h.session.chat("lobby");
    const limit = async (user: string, source: "verification" | "sanction") =>
      h.runtime.engine.run(
        await h.runtime.services.access.constrain(
          [lobby],
          h.session.account(user),
          { source, level: "read_only", caseNumber: source === "sanction" ? 4 : undefined },
          h.clock.now(),
        ),
      );
    await limit("newbie", "verification");
    await limit("muted", "sanction");
    await limit("both", "verification");
    await limit("both", "sanction");
    for (const user of ["newbie", "muted", "both"]) await h.session.say(user, "lobby", "hello");
    const last = (user: string) => h.world.privateMessages(h.session.account(user)).at(-1)?.text ?? "";
    expect(last("newbie")).toContain("until you verify your identity. Send /verify");
    expect(last("muted")).toContain("/appeal");
    expect(last("muted")).not.toContain("/verify");
    expect(last("both")).toContain("/appeal"); // verifying alone would not let them post
  });
});
