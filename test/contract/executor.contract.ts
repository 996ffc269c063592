import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type {
  DecisionExecutor,
  Outcome,
  PlatformDecision,
  PlatformFailure,
} from "../../src/core/decisions.js";
import type { AccountKey, ChatKey } from "../../src/core/ids.js";
import type { AccessLevel } from "../../src/core/model/access.js";
import type { MessageRef } from "../../src/core/model/content.js";

/**
 * A platform's executor with just enough of its world to arrange a case and to observe what a
 * decision did. Every adapter (console, Telegram, later Discord and Matrix) implements it once; the
 * suite below then checks that they all carry out decisions with the same meaning.
 */
export interface ExecutorWorld {
  readonly executor: DecisionExecutor;
  /** A group chat where the bot has the rights it needs. */
  readonly chat: ChatKey;
  /** A new member of `chat`. With `privateOpen: false` the bot may not write to them privately. */
  member(options?: { privateOpen?: boolean; inChat?: boolean }): Promise<AccountKey>;
  /** A member's message in `chat`. */
  post(author: AccountKey, text: string): Promise<MessageRef>;
  /** The member asks to join `chat` (a join request waiting for a decision). */
  requestJoin(account: AccountKey): Promise<void>;
  /** The bot loses its admin rights in `chat`. */
  revokeRights(): Promise<void>;
  /** The platform answers the next call for a decision of this kind with "busy" or "down". */
  failNext(kind: PlatformDecision["kind"], code: "rate_limited" | "unavailable"): void;

  /** The message is there and not deleted. */
  visible(ref: MessageRef): Promise<boolean>;
  text(ref: MessageRef): Promise<string | undefined>;
  level(account: AccountKey): Promise<AccessLevel>;
  banned(account: AccountKey): Promise<boolean>;
  /** Texts the bot sent the member privately, oldest first. */
  privateTexts(account: AccountKey): Promise<string[]>;
  close(): Promise<void>;
}

const failedWith = (code: PlatformFailure["code"]) => ({
  status: "failed",
  error: { code, message: expect.any(String), retryable: expect.any(Boolean) },
});

/**
 * The executor contract: every decision kind returns an Outcome (never throws), "nothing to change"
 * counts as done, and failures carry the same code on every platform.
 */
export function executorContract(platform: string, start: () => Promise<ExecutorWorld>): void {
  describe(`executor contract: ${platform}`, () => {
    let w: ExecutorWorld;
    beforeEach(async () => {
      w = await start();
    });
    afterEach(async () => {
      await w.close();
    });
    const run = (d: PlatformDecision): Promise<Outcome> => w.executor.execute(d);

    it("returns an Outcome for every decision kind", async () => {
      const chat = w.chat;
      const alice = await w.member();
      const bob = await w.member();
      const post = await w.post(alice, "a post");
      await w.requestJoin(bob);
      const card = await run({
        kind: "post_card",
        chat,
        text: "card",
        buttons: [[{ label: "A", data: "c:a" }]],
      });
      const cardRef = card.status === "ok" ? card.refs?.[0] : undefined;
      const decisions: PlatformDecision[] = [
        { kind: "restrict", chat, account: alice, level: "read_only" },
        { kind: "lift", chat, account: alice },
        { kind: "send", chat, text: "hello" },
        { kind: "send_private", account: alice, text: "hi" },
        { kind: "update_card", card: cardRef ?? post, text: "card v2", buttons: [] },
        { kind: "repost", chat, attribution: "by alice", content: [{ text: "again", links: [], media: [] }] },
        { kind: "delete", messages: [post] },
        { kind: "approve_join", chat, account: bob },
        { kind: "decline_join", chat, account: await w.member() },
        { kind: "grant_role", chat, account: alice, role: "helper" },
        { kind: "revoke_role", chat, account: alice, role: "helper" },
        { kind: "kick", chat, account: alice },
        { kind: "ban", chat, account: bob },
        { kind: "unban", chat, account: bob },
      ];
      expect(card.status).toBe("ok");
      for (const d of decisions) {
        const outcome = await run(d);
        expect(["ok", "failed", "skipped"], d.kind).toContain(outcome.status);
      }
    });

    it("sends, and reports the posted message so it can be deleted later", async () => {
      const outcome = await run({ kind: "send", chat: w.chat, text: "a notice", ttlMs: 1 });
      const ref = outcome.status === "ok" ? outcome.refs?.[0] : undefined;
      expect(ref).toBeDefined();
      expect(await w.text(ref as MessageRef)).toBe("a notice");
      expect(await run({ kind: "delete", messages: [ref as MessageRef] })).toEqual({ status: "ok" });
      expect(await w.visible(ref as MessageRef)).toBe(false);
    });

    it("counts deleting a message that is gone already as done", async () => {
      const alice = await w.member();
      const post = await w.post(alice, "soon gone");
      expect((await run({ kind: "delete", messages: [post] })).status).toBe("ok");
      expect(await run({ kind: "delete", messages: [post] })).toEqual({ status: "ok" });
    });

    it("counts restricting to the level a member already has, and lifting twice, as done", async () => {
      const alice = await w.member();
      const restrict: PlatformDecision = {
        kind: "restrict",
        chat: w.chat,
        account: alice,
        level: "text_only",
      };
      expect((await run(restrict)).status).toBe("ok");
      expect((await run(restrict)).status).toBe("ok");
      expect(await w.level(alice)).toBe("text_only");
      expect((await run({ kind: "lift", chat: w.chat, account: alice })).status).toBe("ok");
      expect((await run({ kind: "lift", chat: w.chat, account: alice })).status).toBe("ok");
      expect(await w.level(alice)).toBe("full");
    });

    it("counts unbanning a member who is not banned as done", async () => {
      const alice = await w.member();
      expect((await run({ kind: "unban", chat: w.chat, account: alice })).status).toBe("ok");
      expect((await run({ kind: "ban", chat: w.chat, account: alice })).status).toBe("ok");
      expect(await w.banned(alice)).toBe(true);
      expect((await run({ kind: "unban", chat: w.chat, account: alice })).status).toBe("ok");
      expect(await w.banned(alice)).toBe(false);
    });

    it("counts updating a card with the very same text and buttons as done", async () => {
      const buttons = [[{ label: "Approve", data: "c:ok" }]];
      const card = await run({ kind: "post_card", chat: w.chat, text: "held", buttons });
      const ref = card.status === "ok" ? card.refs?.[0] : undefined;
      const update: PlatformDecision = {
        kind: "update_card",
        card: ref as MessageRef,
        text: "decided",
        buttons: [],
      };
      expect((await run(update)).status).toBe("ok");
      expect((await run(update)).status).toBe("ok");
      expect(await w.text(ref as MessageRef)).toBe("decided");
    });

    it("posts a card after copies of the messages it preserves: refs are the card, then the copies", async () => {
      const alice = await w.member();
      const post = await w.post(alice, "keep me");
      const card = await run({
        kind: "post_card",
        chat: w.chat,
        text: "held",
        buttons: [[{ label: "A", data: "c:a" }]],
        preserve: [post],
      });
      const refs = card.status === "ok" ? (card.refs ?? []) : [];
      expect(refs).toHaveLength(2);
      expect(await w.text(refs[0] as MessageRef)).toBe("held");
      expect(await w.text(refs[1] as MessageRef)).toBe("keep me");
    });

    it("fails a private message to a member the bot may not write to as forbidden", async () => {
      const closed = await w.member({ privateOpen: false });
      expect(await run({ kind: "send_private", account: closed, text: "hi" })).toMatchObject(
        failedWith("forbidden"),
      );
      const open = await w.member();
      expect((await run({ kind: "send_private", account: open, text: "hi" })).status).toBe("ok");
      expect(await w.privateTexts(open)).toEqual(["hi"]);
    });

    it("fails what the bot lacks the rights for as forbidden", async () => {
      const alice = await w.member();
      await w.revokeRights();
      expect(await run({ kind: "restrict", chat: w.chat, account: alice, level: "read_only" })).toMatchObject(
        failedWith("forbidden"),
      );
      expect(await run({ kind: "ban", chat: w.chat, account: alice })).toMatchObject(failedWith("forbidden"));
      expect(await w.level(alice)).toBe("full");
      expect(await w.banned(alice)).toBe(false);
    });

    it("fails what is not there as not_found: a card that is gone, a join request nobody made", async () => {
      const card = await run({ kind: "post_card", chat: w.chat, text: "held", buttons: [] });
      const ref = card.status === "ok" ? card.refs?.[0] : undefined;
      await run({ kind: "delete", messages: [ref as MessageRef] });
      expect(
        await run({ kind: "update_card", card: ref as MessageRef, text: "decided", buttons: [] }),
      ).toMatchObject(failedWith("not_found"));
      const alice = await w.member({ inChat: false });
      expect(await run({ kind: "approve_join", chat: w.chat, account: alice })).toMatchObject(
        failedWith("not_found"),
      );
    });

    it("fails a busy or unavailable platform as rate_limited or unavailable, retryable", async () => {
      const alice = await w.member();
      w.failNext("restrict", "rate_limited");
      expect(await run({ kind: "restrict", chat: w.chat, account: alice, level: "read_only" })).toMatchObject(
        {
          status: "failed",
          error: { code: "rate_limited", retryable: true },
        },
      );
      w.failNext("send", "unavailable");
      expect(await run({ kind: "send", chat: w.chat, text: "x" })).toMatchObject({
        status: "failed",
        error: { code: "unavailable", retryable: true },
      });
    });
  });
}
