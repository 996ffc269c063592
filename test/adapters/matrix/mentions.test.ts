import { describe, expect, it } from "vitest";
import { matrixMentions, matrixPills, matrixUserId } from "../../../src/adapters/matrix/mentions.js";

describe("matrix user ids", () => {
  it("accepts full user ids, with a port or an IP literal, and decodes percent-encoding", () => {
    expect(matrixUserId("@alice:example.org")).toBe("@alice:example.org");
    expect(matrixUserId("@bob.smith_1:matrix.example.org:8448")).toBe("@bob.smith_1:matrix.example.org:8448");
    expect(matrixUserId("@carol:[2001:db8::1]")).toBe("@carol:[2001:db8::1]");
    expect(matrixUserId("%40alice%3Aexample.org")).toBe("@alice:example.org");
  });

  it("refuses what is not a user id", () => {
    for (const text of ["alice", "@alice", "!room:example.org", "#room:example.org", "@alice:", "%E0%A4%A"])
      expect(matrixUserId(text)).toBeUndefined();
  });
});

describe("matrix pills", () => {
  it("reads user pills from formatted_body and skips links to rooms", () => {
    const html =
      '<a href="https://matrix.to/#/@alice:example.org">Alice &amp; Co</a> and ' +
      '<a href="https://matrix.to/#/%40bob%3Aexample.org?via=example.org"><b>Bob</b></a> in ' +
      '<a href="https://matrix.to/#/#lobby:example.org">#lobby</a>';
    expect(matrixPills(html)).toEqual([
      { userId: "@alice:example.org", label: "Alice & Co" },
      { userId: "@bob:example.org", label: "Bob" },
    ]);
  });
});

describe("matrix mentions in a command's text", () => {
  it("finds a pill's label in the plain body, where the client put the display name", () => {
    const body = "Alice Smith 1h flooding";
    expect(matrixMentions(body, [{ userId: "@alice:example.org", label: "Alice Smith" }])).toEqual([
      { account: "matrix:@alice:example.org", offset: 0, length: 11 },
    ]);
  });

  it("matches two pills with the same label in order", () => {
    const pills = [
      { userId: "@a:x.org", label: "Sam" },
      { userId: "@b:y.org", label: "Sam" },
    ];
    expect(matrixMentions("Sam and Sam", pills).map((m) => [m.account, m.offset])).toEqual([
      ["matrix:@a:x.org", 0],
      ["matrix:@b:y.org", 8],
    ]);
  });

  it("reads typed ids and matrix.to links, without a trailing full stop", () => {
    expect(matrixMentions("@bob:example.org spam")).toEqual([
      { account: "matrix:@bob:example.org", offset: 0, length: 16 },
    ]);
    expect(matrixMentions("ban @bob:example.org.")).toEqual([
      { account: "matrix:@bob:example.org", offset: 4, length: 16 },
    ]);
    expect(matrixMentions("https://matrix.to/#/@carol:example.org?via=example.org why")).toEqual([
      { account: "matrix:@carol:example.org", offset: 0, length: 54 },
    ]);
  });

  it("names no one in an e-mail address, a room alias or a bare @name", () => {
    expect(matrixMentions("mail bob@example.org about #room:example.org or @bob")).toEqual([]);
  });
});
