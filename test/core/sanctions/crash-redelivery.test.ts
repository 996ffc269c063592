import { describe, expect, it } from "vitest";
import type { SimulatedWorld } from "../../../src/adapters/console/world.js";
import { DecisionInterrupted, type Outcome, type PlatformDecision } from "../../../src/core/decisions.js";
import type { CoreEvent, MessagePosted } from "../../../src/core/events.js";
import { HOUR } from "../../../src/core/ports/clock.js";
import { consoleConfig, startHarness, type Harness } from "../../support/harness.js";
import { casesOf } from "./support.js";

const RULES = (step: string) => `rules:
  categories:
    threats:
      terms: ["i will hurt you"]
      points: 3
      jump_to: ${step}
sanctions:
  ladder:
    - { at: 1, action: warn }
    - { at: 3, action: mute, duration: 1h }
    - { at: 5, action: ban, duration: 1h }`;

/** The bot dies at its n-th platform call, before the platform saw it or right after it was carried out. */
class DyingWorld {
  calls = 0;
  died = false;
  constructor(
    private readonly world: SimulatedWorld,
    private readonly at: number,
    private readonly after: boolean,
  ) {}
  async execute(decision: PlatformDecision): Promise<Outcome> {
    if (++this.calls !== this.at) return this.world.execute(decision);
    this.died = true;
    if (this.after) await this.world.execute(decision);
    throw new DecisionInterrupted("killed");
  }
}

interface Scenario {
  config: string;
  /** What happened before (not cut short). */
  setup?(h: Harness): Promise<unknown>;
  /** The event, as the platform delivers it (the same object again after the restart). */
  event(h: Harness): Promise<CoreEvent>;
  /** What must hold once the event was delivered again, while the sanction runs. */
  during(h: Harness, where: string): Promise<void>;
  /** What must hold two hours later. */
  after(h: Harness, where: string): void;
}

const bob = (h: Harness) => h.session.account("bob");
const chats = ["lobby", "second"];
const levels = (h: Harness) => chats.map((c) => h.world.levelOf(h.session.chat(c), bob(h)));
const bans = (h: Harness) => chats.map((c) => h.world.isBanned(h.session.chat(c), bob(h)));

function post(h: Harness, user: string, text: string): CoreEvent {
  const content = { text, links: [], media: [] };
  const posted = h.world.post(h.session.chat("lobby"), h.session.account(user), text, content);
  return { kind: "message_posted", message: posted.ref, actor: h.session.actor(user, "lobby"), content };
}

async function command(h: Harness, text: string): Promise<CoreEvent> {
  const [name, ...rest] = text.slice(1).split(" ");
  const args = rest.join(" ");
  const posted = h.world.post(h.session.chat("lobby"), h.session.account("admin"), text);
  return {
    kind: "command",
    name: name as string,
    args,
    mentions: await (h.session as unknown as { mentions(a: string): Promise<never[]> }).mentions(args),
    actor: h.session.actor("admin", "lobby"),
    chat: h.session.chat("lobby"),
    message: posted.ref,
  };
}

async function casesAre(h: Harness, where: string, ...actions: string[]): Promise<void> {
  const cases = await casesOf(h, bob(h));
  expect(
    cases.map((c) => c.action),
    `${where}: cases`,
  ).toEqual(actions);
}
const oneCase = (h: Harness, where: string, action: string) => casesAre(h, where, action);

/** An admin's press of a card's button in the review chat, as the platform delivers it. */
function press(h: Harness, label: string): CoreEvent {
  const review = h.session.chat("review");
  const card = [...h.world.visible(review)]
    .reverse()
    .find((m) => m.buttons?.flat().some((b) => b.label === label));
  const button = card?.buttons?.flat().find((b) => b.label === label);
  if (!card || !button) throw new Error(`no ${label} button in the review chat`);
  return {
    kind: "button_pressed",
    data: button.data,
    actor: h.session.actor("admin", "review"),
    chat: review,
    message: card.ref,
  };
}

let reported: MessagePosted["message"] | undefined;

const muted: Pick<Scenario, "during" | "after"> = {
  async during(h, where) {
    await oneCase(h, where, "mute");
    expect(levels(h), `${where}: muted`).toEqual(["read_only", "read_only"]);
  },
  after: (h, where) => expect(levels(h), `${where}: free again`).toEqual(["full", "full"]),
};
const banned: Pick<Scenario, "during" | "after"> = {
  async during(h, where) {
    await oneCase(h, where, "ban");
    expect(bans(h), `${where}: banned`).toEqual([true, true]);
  },
  after: (h, where) => expect(bans(h), `${where}: unbanned`).toEqual([false, false]),
};
const deleted = (h: Harness, event: MessagePosted, where: string) =>
  expect(h.world.find(event.message.chat, event.message.id)?.deleted, `${where}: the post is gone`).toBe(
    true,
  );

const scenarios: Record<string, Scenario> = {
  "a rule hit that mutes": {
    config: RULES("mute"),
    event: async (h) => post(h, "bob", "i will hurt you"),
    ...muted,
  },
  "a rule hit that bans for an hour": {
    config: RULES("ban"),
    event: async (h) => post(h, "bob", "i will hurt you"),
    ...banned,
  },
  "an admin's /mute": { config: "", event: (h) => command(h, "/mute bob 1h spam"), ...muted },
  "an admin's /ban for an hour": { config: "", event: (h) => command(h, "/ban bob 1h spam"), ...banned },
  "an admin confirming a report (a warning before: the report's points mute)": {
    config: "",
    async setup(h) {
      await h.session.say("admin", "lobby", "/warn bob rude");
      const { message } = await h.session.say("bob", "lobby", "buy my pills");
      reported = message.ref;
      await h.session.say("carol", "lobby", "/report selling pills", { replyTo: message.ref.id });
    },
    event: async (h) => press(h, "Confirm"),
    async during(h, where) {
      expect(h.world.find(reported!.chat, reported!.id)?.deleted, `${where}: reported post gone`).toBe(true);
      await casesAre(h, where, "warn", "mute");
      expect(levels(h), `${where}: muted`).toEqual(["read_only", "read_only"]);
    },
    after: muted.after,
  },
  "an admin accepting an appeal of a mute": {
    config: "",
    async setup(h) {
      await h.session.say("admin", "lobby", "/mute bob 1h spam");
      await h.session.tell("bob", "/appeal 1 it was a joke");
    },
    event: async (h) => press(h, "Accept"),
    async during(h, where) {
      await casesAre(h, where, "mute", "appeal_accepted");
      expect(levels(h), `${where}: free`).toEqual(["full", "full"]);
    },
    after: muted.after,
  },
  "an admin's /pardon of a mute": {
    config: "",
    setup: (h) => h.session.say("admin", "lobby", "/mute bob 1h spam"),
    event: (h) => command(h, "/pardon 1 my mistake"),
    async during(h, where) {
      await casesAre(h, where, "mute", "pardon");
      expect(levels(h), `${where}: free`).toEqual(["full", "full"]);
    },
    after: muted.after,
  },
  "an admin's /unban": {
    config: "",
    setup: (h) => h.session.say("admin", "lobby", "/ban bob spam"),
    event: (h) => command(h, "/unban bob welcome back"),
    async during(h, where) {
      await casesAre(h, where, "ban", "unban");
      expect(bans(h), `${where}: unbanned`).toEqual([false, false]);
    },
    after: banned.after,
  },
};

/**
 * A sanction cut short by a crash at each of its platform calls in turn (before the platform saw the
 * call, or right after it carried it out): every write before the call is durable, as on SQLite, where the
 * engine commits before each call. The platform never saw the update confirmed, so it delivers it again
 * after the restart. The sanction must then be in force in full, with one case (not two), and end on time.
 * Before, a rule hit delivered again did nothing (its claim said it was acted on), so the post stayed up and
 * the member unrestricted; and a command delivered again opened a second case.
 */
describe("a sanction or its lift cut short by a crash at any platform call, delivered again", () => {
  for (const [name, s] of Object.entries(scenarios))
    it(name, async () => {
      let crashes = 0;
      for (let at = 1; ; at++) {
        let reached = false;
        for (const after of [false, true]) {
          const h = await startHarness(consoleConfig(s.config));
          await h.session.join("bob", "lobby");
          await h.session.join("bob", "second");
          await s.setup?.(h);
          const event = await s.event(h);
          const dying = new DyingWorld(h.world, at, after);
          h.runtime.engine.setExecutor("console", dying);
          await h.session.dispatch(event).catch((e: unknown) => {
            if (!(e instanceof DecisionInterrupted)) throw e;
          });
          if (!dying.died) break;
          reached = true;
          crashes++;
          await h.restart();
          await h.advance(0);
          await h.session.dispatch(event);
          const where = `crash at call ${at} (${after ? "after" : "before"} it)`;
          if (event.kind === "message_posted") deleted(h, event, where);
          await s.during(h, where);
          await h.advance(2 * HOUR);
          s.after(h, where);
        }
        if (!reached) break;
      }
      expect(crashes).toBeGreaterThanOrEqual(4);
    });
});
