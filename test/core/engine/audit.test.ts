import { describe, expect, it } from "vitest";
import { consoleConfig, startHarness } from "../../support/harness.js";

describe("audit log", () => {
  it("posts one mod-log line per case, whichever pillar opened it", async () => {
    const h = await startHarness(
      consoleConfig(`verification:
  required: true
news:
  enabled: true
  domains: [news.example]
`),
    );
    // verification case
    await h.session.join("alice", "lobby");
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "Alice Example");
    // hold case
    await h.session.say("alice", "lobby", "see https://news.example/a");
    const card = h.world.visible(h.session.chat("review")).find((m) => m.buttons?.length);
    expect(card).toBeDefined();
    await h.session.press("admin", "Approve", { chat: "review", id: card?.ref.id });
    // sanctions case
    await h.session.say("admin", "lobby", "/warn alice noise");
    const log = h.world.visible(h.session.chat("modlog")).map((m) => m.text);
    const cases = await h.runtime.services.cases.of("demo" as never, h.session.account("alice"));
    expect(cases.map((c) => c.action)).toEqual(["verified", "hold_approved", "warn"]);
    for (const c of cases) expect(log.some((line) => line.startsWith(`#${c.number} `))).toBe(true);
    expect(log.join("\n")).not.toContain("Alice Example");
  });
});
