/**
 * Access control, as one table every adapter runs: each privileged action, attempted by a member, by an
 * admin of another community, and through forged, tampered, replayed and stale button payloads, is
 * refused and changes nothing (store dump before/after, and no privileged decision taken). Each row
 * also runs once as the community's admin, which must change the state (or show the secret): a row that
 * could not fail would prove nothing.
 *
 * An adapter joins by implementing `AccessDriver` (see access-console.test.ts, access-telegram.test.ts)
 * and calling `describeAccessTable(() => startMyDriver())`.
 */
import { expect } from "vitest";
import type { Decision } from "../../src/core/decisions.js";
import type { AccountKey, ChatKey, CommunityId } from "../../src/core/ids.js";
import type { KeyValueStore } from "../../src/core/ports/store.js";
import { HoldStore } from "../../src/core/news/holds.js";

/** The people of the scene. `admin` administers community A (`demo`), `foreign` community B (`other`). */
export type Person =
  | "admin"
  | "foreign"
  | "member"
  | "victim"
  | "culprit"
  | "banned"
  | "publisher"
  | "verified"
  | "newcomer"
  | "applicant1"
  | "applicant2";

export const PEOPLE: readonly Person[] = [
  "admin",
  "foreign",
  "member",
  "victim",
  "culprit",
  "banned",
  "publisher",
  "verified",
  "newcomer",
  "applicant1",
  "applicant2",
];

/** Where something happens: A's group and review chat, B's group and review chat, or privately. */
export type Place = "groupA" | "reviewA" | "modlogA" | "groupB" | "reviewB" | "private";

export interface AccessDriver {
  readonly platform: string;
  readonly store: KeyValueStore;
  /** Decisions the engine took, in order, since the driver started. */
  readonly decisions: readonly Decision[];
  account(who: Person): AccountKey;
  chat(where: Exclude<Place, "private">): ChatKey;
  /** How a command names a member the bot has seen (console: the name; Telegram: @username). */
  mention(who: Person): string;
  /** A member posts in a group chat (no command). */
  post(who: Person, where: Place, text: string): Promise<void>;
  /** A command, in a chat or privately; `replyTo`: as a reply to that member's latest post there. */
  command(who: Person, where: Place, text: string, replyTo?: Person): Promise<void>;
  /** Private text to the bot (a verification answer). */
  tell(who: Person, text: string): Promise<void>;
  /**
   * A button press carrying `data`. Not forged: on the bot's message in `where` that shows it. Forged:
   * data the bot never showed there (a modified client; privately on Telegram, a crafted deep link).
   */
  press(who: Person, where: Place, data: string, forged: boolean): Promise<void>;
  close(): Promise<void>;
}

/** The YAML config of the scene, for a platform's account and chat keys. */
export function accessConfig(k: {
  admin: AccountKey;
  foreign: AccountKey;
  groupA: ChatKey;
  reviewA: ChatKey;
  modlogA: ChatKey;
  groupB: ChatKey;
  reviewB: ChatKey;
}): string {
  return `
language: en
communities:
  - id: demo
    name: Demo
    admins: ["${k.admin}"]
    review_chat: "${k.reviewA}"
    modlog_chat: "${k.modlogA}"
    chats:
      - id: "${k.groupA}"
    verification:
      method: admin_review
      fields: { legal_name: true, id_number: false, phone: false }
      reveal_in_review: true
    news:
      enabled: true
      domains: ["reuters.com"]
  - id: other
    name: Other
    admins: ["${k.foreign}"]
    review_chat: "${k.reviewB}"
    chats:
      - id: "${k.groupB}"
`;
}

/** The objects the rows act on; each row has its own, so one row's admin control leaves the others alone. */
export interface Scene {
  holds: [string, string];
  requests: [string, string];
  reports: [string, string];
  appealCases: [number, number];
  pardonCase: number;
}

const caseCount = async (d: AccessDriver) => Number((await d.store.get<number>("case-counter:demo")) ?? 0);

/** Builds the scene through the adapter, as the people would: posts, commands, a verification dialogue. */
export async function buildScene(d: AccessDriver): Promise<Scene> {
  for (const who of PEOPLE)
    if (who !== "applicant1" && who !== "applicant2") await d.post(who, "groupA", "hi");
  await d.post("admin", "reviewA", "on duty");
  await d.post("member", "reviewA", "lurking");
  await d.post("foreign", "reviewA", "lurking");
  await d.post("foreign", "groupB", "hi");
  await d.post("foreign", "reviewB", "on duty");
  // Two held news posts.
  await d.post("victim", "groupA", "read https://www.reuters.com/world/one");
  await d.post("victim", "groupA", "read https://www.reuters.com/world/two");
  const holds = (await new HoldStore(d.store).pending("demo" as CommunityId)).sort(
    (a, b) => a.createdAt - b.createdAt,
  );
  // Two verification requests waiting in the review chat.
  const requests: string[] = [];
  for (const who of ["applicant1", "applicant2"] as const) {
    await d.command(who, "private", "/verify demo");
    await d.tell(who, who === "applicant1" ? "Anna Applicant" : "Bert Applicant");
    requests.push((await d.store.get<string>(`vf:pending:demo:${d.account(who)}`)) ?? "");
  }
  // Two open reports.
  await d.command("member", "groupA", "/report spam", "victim");
  await d.command("member", "groupA", "/report spam", "culprit");
  // Two appealed warnings, a mute to pardon, a ban to lift, a publisher, a verified member.
  await d.command("admin", "groupA", `/warn ${d.mention("victim")} rude`);
  const appeal1 = await caseCount(d);
  await d.command("admin", "groupA", `/warn ${d.mention("culprit")} rude`);
  const appeal2 = await caseCount(d);
  await d.command("victim", "private", `/appeal ${appeal1} it was a joke`);
  await d.command("culprit", "private", `/appeal ${appeal2} it was a joke`);
  await d.command("admin", "groupA", `/mute ${d.mention("newcomer")} 1h flooding`);
  const pardonCase = await caseCount(d);
  await d.command("admin", "groupA", `/ban ${d.mention("banned")} spam`);
  await d.command("admin", "groupA", `/publisher add ${d.mention("publisher")}`);
  await d.command("admin", "reviewA", `/verifyuser ${d.mention("verified")} Vera Realname`);
  const scene: Scene = {
    holds: [holds[0]?.id ?? "", holds[1]?.id ?? ""],
    requests: [requests[0] ?? "", requests[1] ?? ""],
    reports: ["1", "2"],
    appealCases: [appeal1, appeal2],
    pardonCase,
  };
  // The scene is complete, or every row below would test nothing.
  expect(scene.holds.every(Boolean) && scene.requests.every(Boolean)).toBe(true);
  expect(await d.store.get(`sanctions:report:demo:2`)).toBeDefined();
  expect(await d.store.get(`sanctions:appeal:demo:${appeal2}`)).toBeDefined();
  expect(new Set([appeal1, appeal2, pardonCase]).size).toBe(3);
  return scene;
}

type Attempt =
  | { kind: "command"; place: Place; text: (s: Scene, d: AccessDriver) => string }
  | { kind: "button"; place: Place; data: (s: Scene) => string };

export interface AccessRow {
  action: string;
  /** How the community's admin does it (the control: it must change the state, or show `secret`). */
  legit: Attempt;
  /** Read-only actions: a text that only an admin may be shown. */
  secret?: (s: Scene) => string;
  /** One-shot: the admin's own press or command, repeated, changes nothing the second time. */
  once?: boolean;
}

const cmd = (place: Place, text: (s: Scene, d: AccessDriver) => string): Attempt => ({
  kind: "command",
  place,
  text,
});
const btn = (data: (s: Scene) => string): Attempt => ({ kind: "button", place: "reviewA", data });

/** Every privileged action. Rows run in this order (queue first, whois before unverify). */
export const accessRows: AccessRow[] = [
  { action: "queue", legit: cmd("reviewA", () => "/queue"), secret: (s) => s.holds[1] },
  { action: "approve (news hold, button)", legit: btn((s) => `hold:approve:${s.holds[0]}`), once: true },
  {
    action: "reject (news hold, command)",
    legit: cmd("reviewA", (s) => `/rejectpost ${s.holds[1]} off topic`),
    once: true,
  },
  {
    action: "approve (verification, button)",
    legit: btn((s) => `verify:approve:${s.requests[0]}`),
    once: true,
  },
  {
    action: "reject (verification, command)",
    legit: cmd("reviewA", (s) => `/reject ${s.requests[1]} not a real name`),
    once: true,
  },
  { action: "warn", legit: cmd("groupA", (_s, d) => `/warn ${d.mention("victim")} rude`) },
  { action: "mute", legit: cmd("groupA", (_s, d) => `/mute ${d.mention("victim")} 1h rude`) },
  { action: "limit", legit: cmd("groupA", (_s, d) => `/limit ${d.mention("culprit")} 1h rude`) },
  { action: "ban", legit: cmd("groupA", (_s, d) => `/ban ${d.mention("culprit")} spam`) },
  { action: "unban", legit: cmd("groupA", (_s, d) => `/unban ${d.mention("banned")} sorry`) },
  { action: "kick", legit: cmd("groupA", (_s, d) => `/kick ${d.mention("banned")} bye`) },
  { action: "pardon", legit: cmd("reviewA", (s) => `/pardon ${s.pardonCase} mistake`), once: true },
  {
    action: "publisher add",
    legit: cmd("groupA", (_s, d) => `/publisher add ${d.mention("victim")}`),
    once: true,
  },
  {
    action: "publisher remove",
    legit: cmd("groupA", (_s, d) => `/publisher remove ${d.mention("publisher")}`),
    once: true,
  },
  {
    action: "whois",
    legit: cmd("reviewA", (_s, d) => `/whois ${d.mention("verified")}`),
    secret: () => "Vera Realname",
  },
  { action: "unverify", legit: cmd("reviewA", (_s, d) => `/unverify ${d.mention("verified")}`), once: true },
  {
    action: "manual verify",
    legit: cmd("reviewA", (_s, d) => `/verifyuser ${d.mention("newcomer")} Nina Newcomer`),
  },
  { action: "report: confirm", legit: btn((s) => `sanct:rc:${s.reports[0]}`), once: true },
  { action: "report: dismiss", legit: btn((s) => `sanct:rd:${s.reports[1]}`), once: true },
  { action: "appeal: accept", legit: btn((s) => `sanct:aa:${s.appealCases[0]}`), once: true },
  { action: "appeal: deny", legit: btn((s) => `sanct:ad:${s.appealCases[1]}`), once: true },
];

/** One way an attacker tries a row. */
export interface Attack {
  label: string;
  who: Person;
  run(d: AccessDriver, s: Scene): Promise<void>;
}

/** A member, and an admin of community B, from every place they can reach; forged and tampered presses. */
export function attacksOn(row: AccessRow): Attack[] {
  const { legit } = row;
  const out: Attack[] = [];
  const spots: [Person, Place][] = [
    ["member", "groupA"],
    ["member", "reviewA"],
    ["member", "private"],
    ["foreign", "groupA"],
    ["foreign", "reviewA"],
    ["foreign", "groupB"],
    ["foreign", "reviewB"],
    ["foreign", "private"],
  ];
  if (legit.kind === "command") {
    for (const [who, place] of spots)
      out.push({
        label: `${who} sends it in ${place}`,
        who,
        run: (d, s) => d.command(who, place, legit.text(s, d)),
      });
    return out;
  }
  out.push({
    label: "member presses the card's button",
    who: "member",
    run: (d, s) => d.press("member", legit.place, legit.data(s), false),
  });
  out.push({
    label: "foreign admin presses the card's button",
    who: "foreign",
    run: (d, s) => d.press("foreign", legit.place, legit.data(s), false),
  });
  for (const [who, place] of spots)
    out.push({
      label: `${who} forges the payload in ${place}`,
      who,
      run: (d, s) => d.press(who, place, legit.data(s), true),
    });
  out.push({
    label: "admin forges the payload privately (a crafted link an admin follows)",
    who: "admin",
    run: (d, s) => d.press("admin", "private", legit.data(s), true),
  });
  for (const tamper of tampered(legit.data))
    out.push({
      label: `admin presses a tampered payload ${tamper.label}`,
      who: "admin",
      run: (d, s) => d.press("admin", legit.place, tamper.data(s), true),
    });
  return out;
}

function tampered(data: (s: Scene) => string): { label: string; data: (s: Scene) => string }[] {
  const base = (s: Scene) => data(s).slice(0, data(s).lastIndexOf(":") + 1);
  return [
    { label: "(unknown id)", data: (s) => `${base(s)}x9999` },
    { label: "(no id)", data: (s) => base(s) },
    { label: "(unknown verb)", data: (s) => `${base(s).split(":")[0]}:zz:${data(s).split(":").at(-1)}` },
    { label: "(id with separators)", data: (s) => `${data(s)}:../../other` },
  ];
}
