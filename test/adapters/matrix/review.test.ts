import { describe, expect, it } from "vitest";
import { asReactions, ReactionButtons } from "../../../src/adapters/matrix/buttons.js";
import { decideInvite } from "../../../src/adapters/matrix/invites.js";
import { reviewCommand } from "../../../src/adapters/matrix/review.js";
import { MemoryStore } from "../../../src/adapters/storage/memory-store.js";
import type { CommandIssued } from "../../../src/core/events.js";
import { accountKey, chatKey } from "../../../src/core/ids.js";

const REVIEW = "!review:x";
const actor = { account: accountKey("matrix", "@mod:x"), displayName: "Mod", isChatAdmin: true };
const command = (name: string, args: string): CommandIssued => ({
  kind: "command",
  name,
  args,
  mentions: [],
  actor,
  chat: chatKey("matrix", REVIEW),
});

async function cards() {
  const buttons = new ReactionButtons(new MemoryStore());
  const row = (prefix: string, actions: string[], id: string) =>
    asReactions([actions.map((a) => ({ label: a, data: `${prefix}:${a}:${id}` }))]);
  await buttons.remember(REVIEW, "$news", row("hold", ["approve", "reject", "warn"], "n1"));
  await buttons.remember(REVIEW, "$verify", row("verify", ["approve", "reject"], "v1"));
  await buttons.remember(REVIEW, "$rules", row("rules", ["confirm", "release"], "r1"));
  await buttons.remember(REVIEW, "$report", row("sanct", ["rc", "rd"], "s1"));
  return buttons;
}

describe("!approve and !reject in the review room", () => {
  it("a news hold: the core's approvepost / rejectpost, the reason kept", async () => {
    const buttons = await cards();
    expect(await reviewCommand(command("approve", "n1"), buttons)).toMatchObject({
      kind: "command",
      name: "approvepost",
      args: "n1",
    });
    expect(await reviewCommand(command("reject", "n1 off topic"), buttons)).toMatchObject({
      kind: "command",
      name: "rejectpost",
      args: "n1 off topic",
    });
  });

  it("a verification request: approve presses its Approve button, reject stays the core's reject with the reason", async () => {
    const buttons = await cards();
    expect(await reviewCommand(command("approve", "v1"), buttons)).toMatchObject({
      kind: "button_pressed",
      data: "verify:approve:v1",
      actor,
      chat: "matrix:!review:x",
      message: { chat: "matrix:!review:x", id: "$verify" },
    });
    expect(await reviewCommand(command("reject", "v1 blurry photo"), buttons)).toMatchObject({
      kind: "command",
      name: "reject",
    });
  });

  it("a content-rule hold: approve releases the post, reject confirms the hold; reports use the first / second button", async () => {
    const buttons = await cards();
    expect(await reviewCommand(command("approve", "r1"), buttons)).toMatchObject({
      data: "rules:release:r1",
    });
    expect(await reviewCommand(command("reject", "r1"), buttons)).toMatchObject({ data: "rules:confirm:r1" });
    expect(await reviewCommand(command("approve", "s1"), buttons)).toMatchObject({ data: "sanct:rc:s1" });
    expect(await reviewCommand(command("reject", "s1"), buttons)).toMatchObject({ data: "sanct:rd:s1" });
  });

  it("an unknown id, and other commands, stay as they were", async () => {
    const buttons = await cards();
    expect(await reviewCommand(command("approve", "nope"), buttons)).toMatchObject({
      kind: "command",
      name: "approve",
    });
    expect(await reviewCommand(command("ban", "n1"), buttons)).toMatchObject({
      kind: "command",
      name: "ban",
    });
  });
});

describe("which invites the bot accepts", () => {
  const policy = { rooms: new Set(["!lobby:x"]), inviters: new Set(["@owner:x"]) };
  it("joins configured rooms and rooms a configured inviter invites it to", () => {
    expect(decideInvite("!lobby:x", { sender: "@anyone:x" }, policy)).toBe("join");
    expect(decideInvite("!other:x", { sender: "@owner:x" }, policy)).toBe("join");
  });
  it("accepts a direct chat from anyone, declines every other room", () => {
    expect(
      decideInvite(
        "!dm:x",
        { sender: "@anyone:x", content: { is_direct: true, membership: "invite" } },
        policy,
      ),
    ).toBe("direct");
    expect(decideInvite("!other:x", { sender: "@anyone:x", content: { membership: "invite" } }, policy)).toBe(
      "decline",
    );
  });
});
