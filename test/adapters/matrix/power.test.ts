import { describe, expect, it } from "vitest";
import {
  hasPrivilegedCreators,
  isRoomAdmin,
  PowerLevels,
  powerOf,
} from "../../../src/adapters/matrix/power.js";

describe("Matrix power levels", () => {
  it("reads a listed level, else users_default", () => {
    const room = { levels: { users: { "@mod:x": 50 }, users_default: 0 }, creator: "@owner:x" };
    expect(powerOf(room, "@mod:x")).toBe(50);
    expect(powerOf(room, "@alice:x")).toBe(0);
    expect(isRoomAdmin(room, "@mod:x")).toBe(true);
    expect(isRoomAdmin(room, "@alice:x")).toBe(false);
    expect(isRoomAdmin(room, "@mod:x", 100)).toBe(false);
  });

  it("gives a room version 12 creator unlimited power though power_levels does not list them", () => {
    const v12 = {
      levels: { users: {} },
      creator: "@owner:x",
      create: { room_version: "12", additional_creators: ["@co:x"] },
    };
    expect(powerOf(v12, "@owner:x")).toBe(Infinity);
    expect(powerOf(v12, "@co:x")).toBe(Infinity);
    expect(powerOf(v12, "@alice:x")).toBe(0);
    const v11 = { levels: { users: {} }, creator: "@owner:x", create: { room_version: "11" } };
    expect(powerOf(v11, "@owner:x")).toBe(0);
    expect(hasPrivilegedCreators("org.example.custom")).toBe(false);
  });

  it("without a power_levels event the creator has 100", () => {
    expect(powerOf({ creator: "@owner:x" }, "@owner:x")).toBe(100);
    expect(powerOf({ creator: "@owner:x" }, "@alice:x")).toBe(0);
  });

  it("caches per room; a fresh read and forget() ask the homeserver again", async () => {
    let reads = 0;
    let level = 50;
    const power = new PowerLevels({
      async state(_room, type) {
        if (type === "m.room.power_levels") {
          reads++;
          return { users: { "@mod:x": level } };
        }
        return { room_version: "11" };
      },
    });
    expect(await power.isAdmin("!r:x", "@mod:x")).toBe(true);
    level = 0;
    expect(await power.isAdmin("!r:x", "@mod:x")).toBe(true);
    expect(await power.isAdmin("!r:x", "@mod:x", { fresh: true })).toBe(false);
    level = 50;
    power.forget("!r:x");
    expect(await power.isAdmin("!r:x", "@mod:x")).toBe(true);
    expect(reads).toBe(3);
  });
});
