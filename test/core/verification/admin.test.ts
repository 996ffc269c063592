import { describe, expect, it } from "vitest";
import { cnId, consoleConfig, lastPrivate, startVerification } from "./support.js";
import type { Harness } from "../../support/harness.js";

const ID = cnId("32010619920815246");
const reviewConfig = consoleConfig(`verification:
  required: true
  method: admin_review
  fields: { legal_name: true, id_number: { kind: cn-resident } }`);

async function submit(h: Harness, user = "frank") {
  await h.session.join(user, "lobby");
  await h.session.tell(user, "/verify");
  await h.session.tell(user, "Frank Example");
  await h.session.tell(user, ID);
}

const reviewCard = (h: Harness) =>
  h.world.visible(h.session.chat("review")).find((m) => m.text.includes("Verification request"));
const requestId = (h: Harness) => /request (\S+) from/.exec(reviewCard(h)?.text ?? "")?.[1] as string;

describe("admin review", () => {
  it("shows the legal name and phone in full on the card and in /whois only where the community opted in (reveal_in_review)", async () => {
    const phone = "+8613912345678";
    for (const reveal of [false, true]) {
      const h = await startVerification(
        consoleConfig(`verification:
  required: true
  method: admin_review
  fields: { legal_name: true, id_number: { kind: cn-resident }, phone: true }
  reveal_in_review: ${reveal}`),
      );
      await submit(h);
      await h.session.tell("frank", phone);
      await h.session.press("admin", "Approve", { chat: "review" });
      await h.session.say("admin", "review", "/whois frank");
      const review = h.world
        .visible(h.session.chat("review"))
        .map((m) => m.text)
        .join("\n");
      expect(review.includes("Frank Example"), `reveal_in_review: ${reveal}`).toBe(reveal);
      expect(review.includes(phone), `reveal_in_review: ${reveal}`).toBe(reveal);
      expect(review).toContain(reveal ? "Frank Example" : "F**** E******");
      expect(review).toContain(reveal ? phone : "+86*******5678");
      expect(review).not.toContain(ID);
    }
  });

  it("posts a card with the masked name and masked ID in the review chat only, and approves on the button", async () => {
    const h = await startVerification(reviewConfig);
    await submit(h);
    expect(lastPrivate(h, "frank")).toContain("sent to the admins");
    const card = reviewCard(h);
    expect(card?.text).toContain("Legal name: F**** E******");
    expect(card?.text).not.toContain("Frank Example");
    expect(card?.text).toContain(`**************${ID.slice(-4)}`);
    expect(card?.text).not.toContain(ID);
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("frank"))).toBe("read_only");
    await h.session.press("admin", "Approve", { chat: "review" });
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("frank"))).toBe("full");
    expect(lastPrivate(h, "frank")).toContain("verified");
    expect(reviewCard(h)?.text).toContain("Approved by admin");
    expect(reviewCard(h)?.buttons).toEqual([]);
  });

  it("checks the account cap again on approval: two waiting requests with one ID number bind only one account", async () => {
    const h = await startVerification(reviewConfig);
    await submit(h, "frank");
    await submit(h, "frank2");
    await h.session.press("admin", "Approve", { chat: "review" });
    await h.session.press("admin", "Approve", { chat: "review" });
    const bound = await Promise.all(
      ["frank", "frank2"].map((u) => h.runtime.services.identities.lookup(h.session.account(u))),
    );
    expect(bound.filter(Boolean)).toHaveLength(1);
    const loser = bound[0] ? "frank2" : "frank";
    expect(lastPrivate(h, loser)).toContain("already bound to 1 account(s) on console");
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account(loser))).toBe("read_only");
  });

  it("ignores review buttons pressed by a non-admin, or outside the review chat", async () => {
    const h = await startVerification(reviewConfig);
    await submit(h);
    await h.session.press("mallory", "Approve", { chat: "review" });
    expect(lastPrivate(h, "mallory")).toContain("only by admins");
    expect(
      (await h.runtime.services.identities.lookup(h.session.account("frank")))?.verified,
    ).toBeUndefined();
  });

  it("asks for a reason on Reject, and /reject <request> <reason> tells the member why", async () => {
    const h = await startVerification(reviewConfig);
    await submit(h);
    await h.session.press("admin", "Reject", { chat: "review" });
    expect(h.world.visible(h.session.chat("review")).at(-1)?.text).toContain(`/reject ${requestId(h)}`);
    await h.session.say("admin", "review", `/reject ${requestId(h)} blurry document`);
    expect(lastPrivate(h, "frank")).toContain("blurry document");
    expect(lastPrivate(h, "frank")).toContain("/verify");
    expect(reviewCard(h)?.text).toContain("Rejected by admin: blurry document");
    // Decided once: approving afterwards does nothing.
    await h.session.say("admin", "review", `/reject ${requestId(h)} again`);
    expect(h.world.visible(h.session.chat("review")).at(-1)?.text).toContain("no longer waiting");
  });

  it("refuses /reject outside the review chat", async () => {
    const h = await startVerification(reviewConfig);
    await submit(h);
    await h.session.say("admin", "lobby", `/reject ${requestId(h)} nope`);
    expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toContain("in the review chat");
  });

  it("tells the member their request is pending instead of starting a second one", async () => {
    const h = await startVerification(reviewConfig);
    await submit(h);
    await h.session.tell("frank", "/verify");
    expect(lastPrivate(h, "frank")).toContain("waiting for the admins");
  });

  it("tells admins when admin_review has no review chat", async () => {
    const h = await startVerification(`
communities:
  - id: demo
    name: Demo
    admins: ["console:admin"]
    modlog_chat: "console:modlog"
    chats: [{ id: "console:lobby" }]
    verification: { required: true, method: admin_review }
`);
    await h.session.tell("frank", "/verify");
    expect(lastPrivate(h, "frank")).toContain("not available right now");
    expect(h.world.visible(h.session.chat("modlog")).at(-1)?.text).toContain("no review_chat");
  });
});

describe("a member's data while a review is waiting or after it", () => {
  it("/mydata shows the waiting request: name, masked ID, status", async () => {
    const h = await startVerification(reviewConfig);
    await submit(h);
    await h.session.tell("frank", "/mydata");
    const text = lastPrivate(h, "frank");
    expect(text).toContain("pendingReviews");
    expect(text).toContain("Frank Example");
    expect(text).toContain(`**************${ID.slice(-4)}`);
    expect(text).not.toContain(ID);
  });

  it("/forgetme withdraws a waiting request: the record goes, the card loses the name, /verify starts afresh", async () => {
    const h = await startVerification(reviewConfig);
    await submit(h);
    const id = requestId(h);
    await h.session.tell("frank", "/forgetme");
    expect(await h.store.get(`vf:request:demo:${id}`)).toBeUndefined();
    expect(await h.store.get("vf:pending:demo:console:frank")).toBeUndefined();
    const card = reviewCard(h);
    expect(card?.text).not.toContain("Frank Example");
    expect(card?.text).toContain("Withdrawn");
    expect(card?.buttons).toEqual([]);
    expect(await h.runtime.services.identities.lookup(h.session.account("frank"))).toBeUndefined();
    await h.session.tell("frank", "/verify");
    expect(lastPrivate(h, "frank")).toContain("legal name");
  });

  it("keeps no name, ID hash or phone in a decided request", async () => {
    for (const decide of ["approve", "reject"] as const) {
      const h = await startVerification(reviewConfig);
      await submit(h);
      const id = requestId(h);
      if (decide === "approve") await h.session.press("admin", "Approve", { chat: "review" });
      else await h.session.say("admin", "review", `/reject ${id} blurry`);
      const stored = await h.store.get<Record<string, unknown>>(`vf:request:demo:${id}`);
      expect(stored?.status).toBe(decide === "approve" ? "approved" : "rejected");
      for (const field of ["sealedName", "idHash", "idMask", "sealedPhone", "phoneHash"])
        expect(stored, `${decide}: ${field}`).not.toHaveProperty(field);
    }
  });
});

describe("admin commands", () => {
  const config = consoleConfig(`verification:
  required: true
  fields: { legal_name: true, id_number: { kind: cn-resident } }`);
  async function verified(h: Harness) {
    await h.session.join("gina", "lobby");
    await h.session.tell("gina", "/verify");
    await h.session.tell("gina", "Gina Example");
    await h.session.tell("gina", ID);
  }

  it("/whois shows the real name only in the review chat or privately to an admin", async () => {
    const h = await startVerification(config);
    await verified(h);
    await h.session.say("admin", "lobby", "/whois gina");
    const inGroup = h.world.visible(h.session.chat("lobby")).at(-1)?.text ?? "";
    expect(inGroup).toContain("verified");
    expect(inGroup).not.toContain("Gina Example");
    expect(inGroup).not.toContain(ID.slice(-4));
    await h.session.say("admin", "review", "/whois console:gina");
    expect(h.world.visible(h.session.chat("review")).at(-1)?.text).toContain("G*** E******");
    await h.session.tell("admin", "/whois gina");
    expect(lastPrivate(h, "admin")).toContain(`**************${ID.slice(-4)}`);
  });

  it("/whois works on a replied message and refuses non-admins", async () => {
    const h = await startVerification(config);
    await verified(h);
    const { message } = await h.session.say("gina", "lobby", "hi");
    await h.session.say("admin", "lobby", "/whois", { replyTo: message.ref.id });
    expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toContain("console:gina: verified");
    await h.session.tell("gina", "/whois gina");
    expect(lastPrivate(h, "gina")).toContain("for admins");
  });

  it("/unverify removes the verification and limits the member again", async () => {
    const h = await startVerification(config);
    await verified(h);
    await h.session.say("admin", "review", "/unverify gina");
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("gina"))).toBe("read_only");
    expect(lastPrivate(h, "gina")).toContain("removed your verification");
    expect(await h.runtime.services.identities.lookup(h.session.account("gina"))).toBeUndefined();
  });

  it("/verifyuser verifies by hand in the review chat, and is refused (and deleted) in a group", async () => {
    const h = await startVerification(config);
    await h.session.join("hank", "lobby");
    const { message } = await h.session.say("admin", "lobby", "/verifyuser hank Hank Example");
    expect(h.world.find(h.session.chat("lobby"), message.ref.id)?.deleted).toBe(true);
    expect(await h.runtime.services.identities.lookup(h.session.account("hank"))).toBeUndefined();
    await h.session.say("admin", "review", "/verifyuser hank Hank Example");
    expect(h.world.levelOf(h.session.chat("lobby"), h.session.account("hank"))).toBe("full");
    expect(await h.runtime.services.identities.realName(h.session.account("hank"))).toBe("Hank Example");
  });

  it("/stats counts verified, in-grace and limited members per chat", async () => {
    const h = await startVerification(config);
    await verified(h);
    await h.session.join("ivan", "lobby");
    await h.session.say("old", "lobby", "I was here before");
    await h.session.say("admin", "lobby", "/stats");
    expect(h.world.visible(h.session.chat("lobby")).at(-1)?.text).toBe(
      "Demo (console:lobby): 1 verified, 1 in grace period, 1 limited",
    );
  });
});
