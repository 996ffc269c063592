import { describe, expect, it } from "vitest";
import { discordMentions } from "../../../src/adapters/discord/mentions.js";

describe("discord mentions", () => {
  it("reads <@id> and the older <@!id> as the account, with where each stands", () => {
    expect(discordMentions("<@123456789012345678> 1h spam")).toEqual([
      { account: "discord:123456789012345678", offset: 0, length: 21 },
    ]);
    expect(discordMentions("x <@!876543210987654321>")).toEqual([
      { account: "discord:876543210987654321", offset: 2, length: 22 },
    ]);
  });

  it("keeps 64-bit snowflakes exact (as strings)", () => {
    expect(discordMentions("<@18446744073709551615>")[0]?.account).toBe("discord:18446744073709551615");
  });

  it("skips role and channel mentions and text that only looks like a mention", () => {
    expect(discordMentions("<@&123456789012345678> <#123456789012345678> <@alice> @alice <@12>")).toEqual([]);
  });
});
