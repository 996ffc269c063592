import { afterEach, describe, expect, it } from "vitest";
import { pressScope } from "../../../src/adapters/telegram/press-scope.js";
import type { AccountKey, ChatKey } from "../../../src/core/ids.js";
import { startExecutor, type ExecutorRig } from "./executor-support.js";

let rig: ExecutorRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const REFUSAL = "Only admins of this community can do that.";

/** A member presses a button on a bot message in the group; returns the callback query id. */
async function press(r: ExecutorRig, userId: number): Promise<string> {
  const chat = `telegram:${r.group.id}` as ChatKey;
  const sent = await r.executor.execute({
    kind: "send",
    chat,
    text: "card",
    buttons: [[{ label: "Go", data: "x:go" }]],
  });
  const id = sent.status === "ok" ? Number(sent.refs?.[0]?.id) : 0;
  return r.tg.pressButton(r.group.id, id, userId, "x:go");
}

describe("telegram executor: answers to a button press", () => {
  it("shows a flagged refusal as the press's alert", async () => {
    rig = await startExecutor();
    const carol = rig.tg.addUser({ first_name: "Carol" });
    rig.tg.userStartsBot(carol.id);
    const query = await press(rig, carol.id);
    const account = `telegram:${carol.id}` as AccountKey;
    const outcome = await pressScope.run({ queryId: query, presser: account, answered: false }, () =>
      rig!.executor.execute({ kind: "send_private", account, text: REFUSAL, refusal: true }),
    );
    expect(outcome.status).toBe("ok");
    expect(rig.tg.callbackAnswer(query)).toMatchObject({ text: REFUSAL, show_alert: true });
    expect(rig.tg.botMessages(carol.id)).toHaveLength(0);
  });

  it("sends an unflagged answer privately even when its words are those of a refusal", async () => {
    rig = await startExecutor();
    const carol = rig.tg.addUser({ first_name: "Carol" });
    rig.tg.userStartsBot(carol.id);
    const query = await press(rig, carol.id);
    const account = `telegram:${carol.id}` as AccountKey;
    await pressScope.run({ queryId: query, presser: account, answered: false }, () =>
      rig!.executor.execute({ kind: "send_private", account, text: REFUSAL }),
    );
    expect(rig.tg.callbackAnswer(query)).toBeUndefined();
    expect(rig.tg.botMessages(carol.id).map((m) => m.message.text)).toEqual([REFUSAL]);
  });
});

describe("telegram executor: short-lived notices", () => {
  it("leaves the deletion of a notice to the engine (no timer of its own)", async () => {
    rig = await startExecutor();
    const chat = `telegram:${rig.group.id}` as ChatKey;
    const outcome = await rig.executor.execute({ kind: "send", chat, text: "gone soon", ttlMs: 20 });
    expect(outcome.status).toBe("ok");
    await new Promise((done) => setTimeout(done, 80));
    expect(rig.tg.callsTo("deleteMessage")).toHaveLength(0);
  });
});
