import { describe, expect, it } from "vitest";
import { NodeSealer } from "../../../src/adapters/crypto/node-sealer.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import type { AccountKey, CommunityId, IdentityId } from "../../../src/core/ids.js";
import {
  decodeIdentity,
  storedVerified,
  identityIdFrom,
  encodeIdentity,
  type Identity,
  METHOD_CODE,
  type VerifyMethod,
} from "../../../src/core/verification/identity-record.js";
import { getIdentity, updateIdentity } from "../../../src/core/verification/state.js";
import { TEST_SECRET } from "../../support/harness.js";
import { cnId, consoleConfig, lastPrivate, startVerification } from "./support.js";

const ID = cnId("11010519900307123");
const config = consoleConfig(`verification:
  required: true
  fields: { legal_name: true, id_number: { kind: cn-resident } }
  rules: "Be kind."`);

async function vfRecords(store: MemoryStore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for await (const r of store.dump())
    if (r.kind === "value" && r.key.startsWith("vf:") && !r.key.startsWith("vf:attempts:"))
      out[r.key] = r.value;
  return out;
}

/** What the version before the compact records wrote for a member verified with name and ID number. */
async function oldFormatStore(): Promise<MemoryStore> {
  const sealer = new NodeSealer(TEST_SECRET);
  const store = new MemoryStore();
  const hash = sealer.keyedHash("id", ID);
  await store.set("meta:key-fingerprint", sealer.fingerprint());
  await store.set("vf:identity:demo:i0123456789abcdef", {
    id: "i0123456789abcdef",
    community: "demo",
    keyHash: hash,
    keyField: "id_number",
    accounts: ["console:olga"],
    idMask: `**************${ID.slice(-4)}`,
    sealedName: sealer.seal("Olga Oldformat"),
    verified: true,
    method: "self_declared",
    verifiedAt: Date.UTC(2025, 5, 1),
  });
  await store.set(`vf:hash:demo:${hash}`, "i0123456789abcdef");
  await store.set("vf:binding:demo:console:olga", "i0123456789abcdef");
  await store.set("vf:communities:console:olga", ["demo"]);
  return store;
}

describe("compact identity records", () => {
  it("keeps a verified identity in two records besides the ID hash index, with nothing the key repeats", async () => {
    const store = new MemoryStore();
    const h = await startVerification(config, { store });
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "Alice Example");
    await h.session.tell("alice", ID);
    await h.session.press("alice", "Accept");
    const id = (await h.runtime.services.identities.lookup(h.session.account("alice")))?.identity;
    const records = await vfRecords(store);
    expect(Object.keys(records).sort()).toEqual(
      [
        `vf:acct:console:alice`,
        `vf:hash:demo:${new NodeSealer(TEST_SECRET).keyedHash("id", ID)}`,
        `vf:id:demo:${id}`,
      ].sort(),
    );
    expect(records["vf:acct:console:alice"]).toEqual([["demo", id]]);
    const identity = records[`vf:id:demo:${id}`] as unknown[];
    const hash = new NodeSealer(TEST_SECRET).keyedHash("id", ID);
    // accounts, method (0: self_declared), time, sealed name, no admin, keyed hash, of the ID number, mask
    expect(identity).toEqual([
      ["console:alice"],
      0,
      expect.any(Number),
      expect.stringMatching(/^v1\./),
      null,
      hash,
      "i",
      `**************${ID.slice(-4)}`,
    ]);
    const text = JSON.stringify(identity);
    expect(text).not.toContain("Alice Example");
    expect(text).not.toContain(ID);
    expect(await h.runtime.services.identities.realName(h.session.account("alice"))).toBe("Alice Example");
  });

  it("reads identities stored in the older form and rewrites them compactly at start", async () => {
    const store = await oldFormatStore();
    const h = await startVerification(config, { store });
    const olga = h.session.account("olga");
    expect(await h.runtime.services.identities.lookup(olga)).toEqual({
      identity: "i0123456789abcdef",
      accounts: [olga],
      verified: true,
    });
    expect(await h.runtime.services.identities.realName(olga)).toBe("Olga Oldformat");
    const records = await vfRecords(store);
    expect(Object.keys(records).filter((k) => /^vf:(identity|binding|communities):/.test(k))).toEqual([]);
    expect(records["vf:acct:console:olga"]).toEqual([["demo", "i0123456789abcdef"]]);
    await h.session.join("olga", "lobby");
    expect(h.world.levelOf(h.session.chat("lobby"), olga)).toBe("full");
  });

  it("exports and erases an identity stored in the older form, and its ID number stays taken until then", async () => {
    const h = await startVerification(config, { store: await oldFormatStore() });
    await h.session.tell("mallory", "/verify");
    await h.session.tell("mallory", "Mallory Example");
    await h.session.tell("mallory", ID);
    expect(lastPrivate(h, "mallory")).toMatch(/not usable|cannot be used|already/i);
    await h.session.tell("olga", "/mydata");
    expect(lastPrivate(h, "olga")).toContain("Olga Oldformat");
    expect(lastPrivate(h, "olga")).toContain(`**************${ID.slice(-4)}`);
    await h.session.tell("olga", "/forgetme");
    expect(lastPrivate(h, "olga")).toMatch(/^Done: I erased/);
    expect(await vfRecords(h.store as MemoryStore)).toEqual({});
    expect(await h.runtime.services.identities.lookup(h.session.account("olga"))).toBeUndefined();
  });

  it("reads back every field of an identity, unverified and erased ones too, and every method", () => {
    const demo = "demo" as CommunityId;
    const id = "i0123456789abcdef" as IdentityId;
    const full: Identity = {
      id,
      community: demo,
      keyHash: "hash",
      keyField: "phone",
      idMask: "****1234",
      sealedName: "v1.name",
      sealedPhone: "v1.phone",
      accounts: ["console:a" as AccountKey, "console:b" as AccountKey],
      verified: false,
      method: "phone",
      verifiedAt: 1_000,
      verifiedBy: "console:admin" as AccountKey,
      erased: true,
    };
    expect(decodeIdentity(encodeIdentity(full), demo, id)).toEqual(full);
    expect(new Set(Object.values(METHOD_CODE)).size).toBe(Object.keys(METHOD_CODE).length);
    for (const method of Object.keys(METHOD_CODE) as VerifyMethod[]) {
      const bare: Identity = { id, community: demo, accounts: [], verified: true, method, verifiedAt: 5 };
      expect(encodeIdentity(bare)).toEqual([[], METHOD_CODE[method], 5]);
      expect(decodeIdentity(encodeIdentity(bare), demo, id)).toEqual(bare);
    }
  });

  it("reads an identity the previous version stored with short field names, and rewrites it positionally when it changes", async () => {
    const sealer = new NodeSealer(TEST_SECRET);
    const store = new MemoryStore();
    const hash = sealer.keyedHash("id", ID);
    await store.set("meta:key-fingerprint", sealer.fingerprint());
    await store.set("meta:identities-compact", true);
    await store.set("vf:id:demo:i0123456789abcdef", {
      a: ["console:olga"],
      m: "self_declared",
      t: Date.UTC(2025, 5, 1),
      n: sealer.seal("Olga Shortform"),
      h: hash,
      f: "i",
      k: `**************${ID.slice(-4)}`,
    });
    await store.set(`vf:hash:demo:${hash}`, "i0123456789abcdef");
    await store.set("vf:acct:console:olga", [["demo", "i0123456789abcdef"]]);
    const h = await startVerification(config, { store });
    const olga = h.session.account("olga");
    const demo = "demo" as CommunityId;
    const olgaId = "i0123456789abcdef" as IdentityId;
    expect(await h.runtime.services.identities.lookup(olga)).toEqual({
      identity: olgaId,
      accounts: [olga],
      verified: true,
    });
    expect(await h.runtime.services.identities.realName(olga)).toBe("Olga Shortform");
    await h.session.tell("olga", "/mydata");
    expect(lastPrivate(h, "olga")).toContain("Olga Shortform");
    expect(lastPrivate(h, "olga")).toContain(`**************${ID.slice(-4)}`);
    // the same ID number from another account is still refused: the hash in the short form counts
    await h.session.tell("mallory", "/verify");
    await h.session.tell("mallory", "Mallory Example");
    await h.session.tell("mallory", ID);
    expect(lastPrivate(h, "mallory")).toMatch(/not usable|cannot be used|already/i);
    await h.session.join("olga", "lobby");
    expect(h.world.levelOf(h.session.chat("lobby"), olga)).toBe("full");
    const before = await getIdentity(store, demo, olgaId);
    await updateIdentity(store, demo, olgaId, (cur) => cur && { ...cur, accounts: [...cur.accounts] });
    expect(await store.get(`vf:id:demo:${olgaId}`)).toEqual([
      [olga],
      METHOD_CODE.self_declared,
      Date.UTC(2025, 5, 1),
      expect.stringMatching(/^v1\./),
      null,
      hash,
      "i",
      `**************${ID.slice(-4)}`,
    ]);
    expect(await getIdentity(store, demo, olgaId)).toEqual(before);
    await h.session.tell("olga", "/forgetme");
    expect(lastPrivate(h, "olga")).toMatch(/^Done: I erased/);
    expect(await vfRecords(store)).toEqual({});
  });
});

describe("identity ids", () => {
  it("are 'i' and 11 base-62 digits of the random id's 64 bits, distinct for distinct bits", () => {
    expect(identityIdFrom("0000000000000000")).toBe("i00000000000");
    expect(identityIdFrom("ffffffffffffffff")).toBe("iLygHa16AHYF");
    const ids = new Set(["0123456789abcdef", "0123456789abcdee", "f123456789abcdef"].map(identityIdFrom));
    expect(ids.size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^i[0-9A-Za-z]{11}$/);
  });

  it("a new identity gets the short id; identities with the older 16-hex-digit ids are found as before", async () => {
    const h = await startVerification(config, { store: await oldFormatStore() });
    await h.session.tell("alice", "/verify");
    await h.session.tell("alice", "Alice Example");
    await h.session.tell("alice", cnId("11010519850101123"));
    await h.session.press("alice", "Accept");
    const alice = await h.runtime.services.identities.lookup(h.session.account("alice"));
    expect(alice?.identity).toMatch(/^i[0-9A-Za-z]{11}$/);
    const olga = await h.runtime.services.identities.lookup(h.session.account("olga"));
    expect(olga?.identity).toBe("i0123456789abcdef");
  });
});

describe("storedVerified: the access gate's look at a stored identity", () => {
  it("reads the verified flag of every form an identity was ever stored in, as decoding does", () => {
    const community = "demo" as CommunityId;
    const id = "i0123456789a" as IdentityId;
    const base: Identity = {
      id,
      community,
      accounts: ["console:a" as AccountKey],
      verified: true,
      method: "manual",
      verifiedAt: 1,
    };
    for (const identity of [base, { ...base, verified: false, erased: true }]) {
      const positional = encodeIdentity(identity);
      const short = {
        a: identity.accounts,
        m: identity.method,
        t: 1,
        ...(identity.verified ? {} : { u: 1 }),
      };
      for (const raw of [positional, short, identity]) {
        expect(storedVerified(raw as never)).toBe(identity.verified);
        expect(decodeIdentity(raw as never, community, id).verified).toBe(identity.verified);
      }
    }
  });
});
