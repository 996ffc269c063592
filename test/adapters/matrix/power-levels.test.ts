import { describe, expect, it } from "vitest";
import {
  creatorsOf,
  levelToPost,
  planLevel,
  planMute,
  planUnmute,
} from "../../../src/adapters/matrix/power-levels.js";
import type { RoomPower } from "../../../src/adapters/matrix/power.js";

const BOT = "@bot:hs";
const ALICE = "@alice:hs";
const v11 = (levels: RoomPower["levels"]): RoomPower => ({
  levels,
  creator: "@owner:hs",
  create: { room_version: "11" },
});
const v12 = (levels: RoomPower["levels"], creators: string[] = []): RoomPower => ({
  levels,
  creator: "@owner:hs",
  create: { room_version: "12", additional_creators: creators },
});

describe("matrix power levels: mutes computed by us", () => {
  it("mutes in an open room by listing the member one below the level to post", () => {
    const room = v11({ users: { [BOT]: 100 }, events_default: 0 });
    expect(planMute(room, BOT, ALICE)).toEqual({
      kind: "write",
      levels: { users: { [BOT]: 100, [ALICE]: -1 }, events_default: 0 },
    });
    // m.room.message may need more than events_default
    const strict = v11({ users: { [BOT]: 100 }, users_default: 10, events: { "m.room.message": 10 } });
    expect(planMute(strict, BOT, ALICE)).toMatchObject({ levels: { users: { [ALICE]: 9 } } });
    expect(levelToPost(strict.levels)).toBe(10);
  });

  it("unmutes an open room's member by dropping the entry, or restores the level they had", () => {
    const room = v11({ users: { [BOT]: 100, [ALICE]: -1 } });
    expect(planUnmute(room, BOT, ALICE)).toEqual({ kind: "write", levels: { users: { [BOT]: 100 } } });
    expect(planUnmute(room, BOT, ALICE, 50)).toMatchObject({ levels: { users: { [ALICE]: 50 } } });
  });

  it("in a closed room (events_default above users_default) grants posting on lift and takes the grant away", () => {
    const closed = v11({ users: { [BOT]: 100 }, users_default: 0, events_default: 1 });
    const granted = planUnmute(closed, BOT, ALICE);
    expect(granted).toMatchObject({ kind: "write", levels: { users: { [ALICE]: 1 } } });
    const after = v11((granted as { levels: RoomPower["levels"] }).levels);
    expect(planMute(after, BOT, ALICE)).toEqual({
      kind: "write",
      levels: { users: { [BOT]: 100 }, users_default: 0, events_default: 1 },
    });
    expect(planMute(closed, BOT, ALICE)).toEqual({ kind: "unchanged" });
  });

  it("writes nothing when the member is in that state already", () => {
    const muted = v11({ users: { [BOT]: 100, [ALICE]: -1 } });
    expect(planMute(muted, BOT, ALICE)).toEqual({ kind: "unchanged" });
    expect(planUnmute(v11({ users: { [BOT]: 100 } }), BOT, ALICE)).toEqual({ kind: "unchanged" });
    expect(planLevel(v11({ users: { [BOT]: 100, [ALICE]: 20 } }), BOT, ALICE, 20)).toEqual({
      kind: "unchanged",
    });
  });

  it("refuses what Matrix would refuse, in plain words", () => {
    expect(planMute(v11({ users: { [BOT]: 40 } }), BOT, ALICE)).toMatchObject({
      kind: "refused",
      code: "forbidden",
      reason: expect.stringMatching(/below the 50 needed/),
    });
    expect(planMute(v11({ users: { [BOT]: 100, [ALICE]: 100 } }), BOT, ALICE)).toMatchObject({
      code: "forbidden",
      reason: expect.stringMatching(/not below the bot's/),
    });
    expect(planLevel(v11({ users: { [BOT]: 50 } }), BOT, ALICE, 60)).toMatchObject({ code: "forbidden" });
  });

  it("room version 12: creators have unlimited power, are never listed and cannot be muted", () => {
    const room = v12({ users: {} }, ["@co:hs"]);
    expect([...creatorsOf(room)]).toEqual(["@owner:hs", "@co:hs"]);
    expect(planMute(room, "@owner:hs", ALICE)).toEqual({ kind: "write", levels: { users: { [ALICE]: -1 } } });
    expect(planMute(v12({ users: { [BOT]: 100 } }), BOT, "@owner:hs")).toMatchObject({
      kind: "refused",
      code: "forbidden",
      reason: expect.stringMatching(/created the room/),
    });
    // a version 11 room's creator is only as strong as its listed level
    expect(creatorsOf(v11({}))).toEqual(new Set());
  });

  it("refuses to grow power_levels past the 64 KiB event cap, and still lets it shrink", () => {
    const users: Record<string, number> = { [BOT]: 100 };
    // about 32 bytes per entry: 1,900 muted members come to about 61,000 bytes
    for (let i = 0; i < 1_900; i++) users[`@member-${String(i).padStart(6, "0")}:example.org`] = -1;
    const room = v11({ users });
    expect(planMute(room, BOT, "@one-more-with-a-long-name:example.org")).toMatchObject({
      kind: "refused",
      code: "bad_request",
      reason: expect.stringMatching(/64 KiB/),
    });
    expect(planUnmute(room, BOT, "@member-000001:example.org")).toMatchObject({ kind: "write" });
  });
});
