import { describe, expect, it } from "vitest";
import { decodePayload, deepLink, encodePayload } from "../../../src/adapters/telegram/deeplink.js";
import { toFailure } from "../../../src/adapters/telegram/failures.js";
import { chatIdOf, subjectOf, tgChatKey } from "../../../src/adapters/telegram/keys.js";
import { levelOf, permissionsFor } from "../../../src/adapters/telegram/permissions.js";
import { missingRights, rightsNotice } from "../../../src/adapters/telegram/rights.js";
import { telegramTexts } from "../../../src/adapters/telegram/texts.js";
import { startPlatforms, telegramSettings } from "../../../src/app/platforms.js";
import { GrammyError, HttpError } from "grammy";

describe("telegram deep-link payloads", () => {
  it("round-trips button data through base64url within 64 characters", () => {
    const payload = encodePayload("verify:start:demo") ?? "";
    expect(payload).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(decodePayload(payload)).toBe("verify:start:demo");
    expect(deepLink("warden_bot", payload)).toBe(`https://t.me/warden_bot?start=${payload}`);
  });

  it("leaves hand-written payloads alone and refuses data that would not fit", () => {
    for (const raw of ["verify-demo", "verify_demo", "demo", "rules"])
      expect(decodePayload(raw)).toBeUndefined();
    expect(encodePayload("x".repeat(49))).toBeUndefined();
  });
});

describe("telegram ids, permissions, rights and failures", () => {
  it("keeps 64-bit ids exact and knows channel accounts", () => {
    expect(chatIdOf(tgChatKey(-1001234567890123))).toBe(-1001234567890123);
    expect(subjectOf("telegram:chat-1009876543210")).toEqual({ kind: "sender_chat", id: -1009876543210 });
    expect(subjectOf("telegram:5000000001")).toEqual({ kind: "user", id: 5000000001 });
    expect(() => chatIdOf("console:lobby")).toThrow(/not a Telegram chat/);
  });

  it("maps read_only to no permission and text_only to plain messages", () => {
    expect(Object.values(permissionsFor("read_only")).every((v) => v === false)).toBe(true);
    expect(levelOf(permissionsFor("read_only"))).toBe("read_only");
    expect(levelOf(permissionsFor("text_only"))).toBe("text_only");
  });

  it("lists missing rights in plain words, in Chinese too", () => {
    const user = { id: 1, is_bot: true, first_name: "W" };
    expect(missingRights({ status: "member", user })).toEqual([
      "can_delete_messages",
      "can_restrict_members",
      "can_invite_users",
    ]);
    const notice = rightsNotice(telegramTexts("zh"), ["can_invite_users"], false);
    expect(notice).toContain("通过链接邀请用户");
    expect(rightsNotice(telegramTexts("en"), [], false)).toBeUndefined();
  });

  it("turns Bot API errors into platform failures", () => {
    const err = (code: number, description: string) =>
      new GrammyError("x", { ok: false, error_code: code, description }, "m", {});
    expect(toFailure(err(403, "Forbidden: bot was blocked by the user")).code).toBe("forbidden");
    expect(toFailure(err(400, "Bad Request: message to delete not found")).code).toBe("not_found");
    expect(toFailure(err(429, "Too Many Requests: retry after 5"))).toMatchObject({
      code: "rate_limited",
      retryable: true,
    });
    expect(toFailure(err(502, "Bad Gateway"))).toMatchObject({ code: "unavailable", retryable: true });
    expect(
      toFailure(err(400, "Bad Request: not enough rights to restrict/unrestrict chat member")).code,
    ).toBe("forbidden");
    expect(toFailure(new HttpError("network", new Error("ECONNRESET")))).toMatchObject({
      code: "unavailable",
      retryable: true,
    });
  });

  it("starts only when TELEGRAM_BOT_TOKEN is set", () => {
    const config = { raw: { language: "en" } } as never;
    const telegram = startPlatforms.find((p) => p.name === "telegram");
    expect(telegram?.configured(config, {})).toBe(false);
    expect(telegram?.configured(config, { telegramToken: "1:x" })).toBe(true);
    expect(telegramSettings(config, { telegramToken: "1:x" })).toMatchObject({
      token: "1:x",
      mode: "polling",
    });
  });
});
