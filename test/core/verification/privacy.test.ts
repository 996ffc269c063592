import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SecretMismatchError } from "../../../src/adapters/crypto/node-sealer.js";
import { createPinoLogger } from "../../../src/adapters/logging/pino-logger.js";
import { SqliteStore } from "../../../src/adapters/storage/sqlite-store.js";
import type { PlatformDecision } from "../../../src/core/decisions.js";
import type { IdentityProvider } from "../../../src/core/verification/identity-provider.js";
import { cnId, consoleConfig, startVerification } from "./support.js";
import type { Harness } from "../../support/harness.js";

const tmp = resolve(import.meta.dirname, "../../.tmp", `verification-privacy-${process.pid}`);
mkdirSync(tmp, { recursive: true });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const people = [
  { user: "p1", name: "Zhang Weiming", id: cnId("11010519880312456"), phone: "+8613912345678" },
  { user: "p2", name: "王小明", id: cnId("31011519950721543"), phone: "+8613698765432" },
  { user: "p3", name: "Olga Testperson", id: cnId("44010619760109876"), phone: "+8615011112222" },
];

const config = (method: string) =>
  consoleConfig(`verification:
  required: true
  method: ${method}
  external: { url: "https://id.example.org/check" }
  fields: { legal_name: true, id_number: { kind: cn-resident }, phone: true }
  rules: "Be kind."
  unverified: { level: text_only }`);

/** Every way a piece of personal data could be written out. */
function needles(p: (typeof people)[number]): string[] {
  return [p.name, p.id, p.id.slice(0, 14), p.phone, p.phone.slice(1), p.phone.slice(3)];
}

async function verifyAll(h: Harness, who: (typeof people)[number]) {
  await h.session.join(who.user, "lobby");
  await h.session.say(who.user, "lobby", "hello everyone");
  await h.session.tell(who.user, "/verify");
  await h.session.tell(who.user, who.name);
  await h.session.tell(who.user, who.id);
  await h.session.tell(who.user, who.phone);
  await h.session.press(who.user, "Accept");
}

describe("privacy", () => {
  it("never writes names, ID numbers or phones in clear to the SQLite file or the logs", async () => {
    const file = join(tmp, "scan.sqlite");
    const logs: string[] = [];
    const logger = createPinoLogger({
      level: "trace",
      destination: { write: (line: string) => void logs.push(line) },
    });
    const store = new SqliteStore(file);
    const failing: IdentityProvider = {
      check: async () => ({ status: "error", message: "no answer within 10000 ms" }),
    };
    const approving: IdentityProvider = { check: async () => ({ status: "verified" }) };

    // self_declared, then admin_review (approved in the review chat), then external (failing, then approving).
    let h = await startVerification(config("self_declared"), { store, logger });
    const [a, b, c] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    await verifyAll(h, a);
    await h.session.tell(a.user, "/mydata");
    await h.session.say("admin", "review", `/whois ${a.user}`);
    await h.session.tell(a.user, "/link");
    h = await startVerification(config("admin_review"), { store, logger });
    await verifyAll(h, b);
    await h.session.press("admin", "Approve", { chat: "review" });
    h = await startVerification(config("external"), { store, logger, identityProvider: failing });
    await verifyAll(h, c);
    h = await startVerification(config("external"), { store, logger, identityProvider: approving });
    await verifyAll(h, c);
    expect(await h.runtime.services.identities.realName(h.session.account(c.user))).toBe(c.name);
    expect(await h.runtime.services.identities.realName(h.session.account(b.user))).toBe(b.name);
    expect(logs.length).toBeGreaterThan(0);
    await store.close();

    const haystacks = scanTargets(file, logs);
    // The scan reads real data: account keys and the masked ID tail are there in clear.
    expect(found(haystacks, ["console:p1", `**************${a.id.slice(-4)}`])).toEqual([
      "console:p1",
      `**************${a.id.slice(-4)}`,
    ]);
    expect(found(haystacks, people.flatMap(needles))).toEqual([]);
  });

  it("the scan finds a name, an ID number and a phone planted in clear in the SQLite file or the logs", async () => {
    const [p1, p2, p3] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    const file = join(tmp, "planted.sqlite");
    const store = new SqliteStore(file);
    await store.set("planted", { note: `${p2.name} ${p1.id}` });
    await store.close();
    const logs = [JSON.stringify({ msg: "oops", phone: p3.phone })];
    const hits = found(scanTargets(file, logs), people.flatMap(needles));
    expect(hits).toEqual(expect.arrayContaining([p2.name, p1.id, p3.phone]));
    expect(hits).not.toContain(p1.name);
  });

  it("asks and shows personal data only in private chats or the review chat: group chats never see it", async () => {
    const h = await startVerification(config("admin_review"));
    for (const person of people) await verifyAll(h, person);
    await h.session.press("admin", "Approve", { chat: "review" });
    await h.session.say("admin", "lobby", `/whois ${people[0]?.user}`);
    await h.session.say("admin", "lobby", `/verifyuser newbie Newbie Realname`);
    await h.session.say(people[0]?.user as string, "lobby", "/mydata");
    const groupChats = new Set(["console:lobby", "console:second", "console:modlog"]);
    const groupTexts: string[] = [];
    for (const { decision } of h.world.effects) groupTexts.push(...textsInGroups(decision, groupChats));
    expect(groupTexts.length).toBeGreaterThan(0);
    for (const person of people)
      for (const needle of needles(person)) for (const text of groupTexts) expect(text).not.toContain(needle);
    for (const text of groupTexts) expect(text).not.toContain("Newbie Realname");
    // And the review chat did get the names, masked (so the scan above is not vacuous).
    const review = h.world
      .visible(h.session.chat("review"))
      .map((m) => m.text)
      .join("\n");
    expect(review).toContain("Z**** W******");
    expect(review).not.toContain(people[0]?.name);
  });

  it("refuses to start with another CHATWARDEN_SECRET on the same store, with a clear message", async () => {
    const store = new SqliteStore(join(tmp, "secret.sqlite"));
    const h = await startVerification(config("self_declared"), {
      store,
      secret: "the-first-secret-of-this-store-abcdefgh",
    });
    await verifyAll(h, people[0] as (typeof people)[0]);
    const attempt = startVerification(config("self_declared"), {
      store,
      secret: "another-secret-entirely-0000-abcdefgh",
    });
    await expect(attempt).rejects.toBeInstanceOf(SecretMismatchError);
    await expect(
      startVerification(config("self_declared"), { store, secret: "another-secret-entirely-0000-abcdefgh" }),
    ).rejects.toThrow(/CHATWARDEN_SECRET/);
    // The right secret still opens the stored identity.
    const again = await startVerification(config("self_declared"), {
      store,
      secret: "the-first-secret-of-this-store-abcdefgh",
    });
    expect(await again.runtime.services.identities.realName(again.session.account("p1"))).toBe(
      "Zhang Weiming",
    );
    await store.close();
  });
});

/** The raw bytes of the SQLite file (and its journal files), read two ways, and the captured log lines. */
function scanTargets(file: string, logs: string[]): string[] {
  const raw = ["", "-wal", "-shm", "-journal"]
    .map((s) => file + s)
    .filter(existsSync)
    .map((f) => readFileSync(f));
  return [
    ...raw.map((buf) => buf.toString("latin1")),
    ...raw.map((buf) => buf.toString("utf8")),
    logs.join("\n"),
  ];
}

/** The needles that occur in any haystack, as UTF-8 text or as its raw bytes. */
function found(haystacks: string[], needles: string[]): string[] {
  return needles.filter((needle) => {
    const bytes = Buffer.from(needle, "utf8").toString("latin1");
    return haystacks.some((hay) => hay.includes(needle) || hay.includes(bytes));
  });
}

/** Texts a decision puts into one of `groups` (including a private message's group fallback). */
function textsInGroups(d: PlatformDecision, groups: Set<string>): string[] {
  switch (d.kind) {
    case "send":
    case "post_card":
      return groups.has(d.chat) ? [d.text] : [];
    case "send_private":
      return d.fallbackChat && groups.has(d.fallbackChat) ? [d.text] : [];
    case "update_card":
      return groups.has(d.card.chat) ? [d.text] : [];
    case "repost":
      return groups.has(d.chat) ? [d.attribution] : [];
    default:
      return [];
  }
}
