import { describe, expect, it } from "vitest";
import { MAX_PER_KIND, keyOf1, keyOf2 } from "../../../src/core/ports/record-keys.js";

describe("record keys", () => {
  it("builds each key as written, and hands out the same string again", () => {
    const profile = keyOf1("profile:");
    const member = keyOf2("member:");
    expect(profile("console:a")).toBe("profile:console:a");
    expect(member("console:lobby", "console:a")).toBe("member:console:lobby:console:a");
    expect(member("console:lobby", "console:b")).toBe("member:console:lobby:console:b");
    expect(member("console:other", "console:a")).toBe("member:console:other:console:a");
    // a key built again from fresh parts is the very string handed out before
    expect(Object.is(profile(`console:${"a"}`), profile("console:a"))).toBe(true);
  });

  it("keeps at most MAX_PER_KIND keys of a kind and stays right after starting afresh", () => {
    const member = keyOf2("m:");
    for (let i = 0; i <= 2 * MAX_PER_KIND; i++)
      expect(member(`c${i % 7}`, `a${i}`)).toBe(`m:c${i % 7}:a${i}`);
    const one = keyOf1("p:");
    for (let i = 0; i <= 2 * MAX_PER_KIND; i++) expect(one(`a${i}`)).toBe(`p:a${i}`);
  });
});
