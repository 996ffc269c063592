import { describe, expect, it } from "vitest";
import { accountKey, chatKey } from "../../../src/core/ids.js";
import type { MessageRef } from "../../../src/core/model/content.js";
import { cnId, consoleConfig, startVerification } from "./support.js";
import type { Harness } from "../../support/harness.js";

/**
 * Platforms that let the bot remove a member's messages from their private chat (Matrix DMs) pass the
 * answer's ref along; answers that carry personal data are deleted once read.
 */
const config = consoleConfig(`verification:
  required: true
  fields: { legal_name: true, id_number: { kind: cn-resident } }
  rules: "Be kind."`);

const actor = { account: accountKey("matrix", "@dana:example.org"), displayName: "Dana", isChatAdmin: false };
const dm = chatKey("matrix", "!dm:example.org");
let n = 0;
const ref = (): MessageRef => ({ chat: dm, id: `$answer${++n}` });

async function say(h: Harness, text: string, message?: MessageRef) {
  const { decisions } = await h.runtime.engine.handle({
    kind: "private_message",
    actor,
    text,
    ...(message ? { message } : {}),
  });
  return decisions;
}

const deletes = (decisions: readonly { kind: string }[]) =>
  decisions.filter((d) => d.kind === "delete") as { kind: "delete"; messages: MessageRef[] }[];

describe("personal data in the private chat", () => {
  it("deletes the name and ID number answers once read, valid or not", async () => {
    const h = await startVerification(config);
    await h.runtime.engine.handle({ kind: "command", name: "verify", args: "demo", mentions: [], actor });
    const name = ref();
    expect(deletes(await say(h, "Dana Example", name))).toEqual([{ kind: "delete", messages: [name] }]);
    const wrong = ref();
    expect(deletes(await say(h, "123456", wrong))).toEqual([{ kind: "delete", messages: [wrong] }]);
    const id = ref();
    expect(deletes(await say(h, cnId("44030519791124567"), id))).toEqual([
      { kind: "delete", messages: [id] },
    ]);
  });

  it("deletes nothing outside a personal-data step, or when the platform gave no ref", async () => {
    const h = await startVerification(config);
    expect(deletes(await say(h, "hello", ref()))).toEqual([]);
    await h.runtime.engine.handle({ kind: "command", name: "verify", args: "demo", mentions: [], actor });
    expect(deletes(await say(h, "Dana Example"))).toEqual([]);
  });
});
