import { describe, expect, it } from "vitest";
import { buildDomainList, parseDomainListText } from "../../../src/core/news/domain-list.js";
import { extractLinks } from "../../../src/core/news/links.js";

describe("buildDomainList", () => {
  const list = buildDomainList(["example.com", "bbc.co.uk", "people.com.cn"]);

  it("matches a listed domain exactly and returns it", () => {
    expect(list.has("example.com")).toBe("example.com");
  });

  it("matches any subdomain of a listed domain", () => {
    expect(list.has("a.b.news.example.com")).toBe("example.com");
    expect(list.has("www.bbc.co.uk")).toBe("bbc.co.uk");
  });

  it("does not match a host that merely ends with the same string", () => {
    expect(list.has("notexample.com")).toBeNull();
    expect(list.has("example.com.evil.net")).toBeNull();
    expect(list.has("co.uk")).toBeNull();
    expect(list.has("com")).toBeNull();
  });

  it("folds the looked-up host (case, full-width, ideographic dots, trailing dot)", () => {
    expect(list.has("WWW.Example.COM.")).toBe("example.com");
    expect(list.has("ｎｅｗｓ．ｅｘａｍｐｌｅ。ｃｏｍ")).toBe("example.com");
  });

  it("folds entries: case, full-width, ideographic dots, wildcard, leading and trailing dots", () => {
    const folded = buildDomainList([
      "  Reuters.COM ",
      "*.apnews.com",
      ".dw.com",
      "ｎｈｋ。or。jp",
      "scmp.com.",
      "",
    ]);
    expect(folded.size).toBe(5);
    expect(folded.has("www.reuters.com")).toBe("reuters.com");
    expect(folded.has("apnews.com")).toBe("apnews.com");
    expect(folded.has("www.dw.com")).toBe("dw.com");
    expect(folded.has("www3.nhk.or.jp")).toBe("nhk.or.jp");
    expect(folded.has("scmp.com")).toBe("scmp.com");
  });

  it("keeps only the host of an entry written as a URL", () => {
    expect(buildDomainList(["https://www.caixin.com/news/"]).has("www.caixin.com")).toBe("www.caixin.com");
  });

  it("matches hosts produced by extractLinks", () => {
    const [link] = extractLinks("转发 ｗｗｗ．people。com。cn/n1/x.html");
    expect(list.has(link!.host)).toBe("people.com.cn");
  });
});

describe("parseDomainListText", () => {
  it("returns one entry per line, ignoring comments and blank lines", () => {
    const text = "# News\n\nreuters.com\r\n  apnews.com  # wire service\n#bbc.com\n\t\nscmp.com";
    expect(parseDomainListText(text)).toEqual(["reuters.com", "apnews.com", "scmp.com"]);
  });
});
