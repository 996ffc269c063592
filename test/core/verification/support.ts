import { cnResidentCheckChar } from "../../../src/core/verification/id-validators.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";

export { consoleConfig };

/** The shared test harness (it takes an identity provider for method "external"). */
export const startVerification = startHarness;

/** A valid resident ID number built from 17 digits. */
export function cnId(first17: string): string {
  return first17 + cnResidentCheckChar(first17);
}

/** The newest private message the bot sent to `user`. */
export function lastPrivate(h: Harness, user: string): string {
  return (
    h.world
      .privateMessages(h.session.account(user))
      .filter((m) => m.author === "bot")
      .at(-1)?.text ?? ""
  );
}

export function privateTexts(h: Harness, user: string): string[] {
  return h.world
    .privateMessages(h.session.account(user))
    .filter((m) => m.author === "bot")
    .map((m) => m.text);
}

/** Every text the bot put into a group chat (not private chats, not the review chat). */
export function groupTexts(h: Harness, chats: string[]): string[] {
  return chats.flatMap((c) => (h.world.messages.get(h.session.chat(c)) ?? []).map((m) => m.text));
}
