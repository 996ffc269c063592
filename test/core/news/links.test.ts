import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractLinks, firstLinkMark, foldHost, foldLinkText, hostOf } from "../../../src/core/news/links.js";

const hosts = (text: string) => extractLinks(text).map((l) => l.host);
const originals = (text: string) => extractLinks(text).map((l) => text.slice(l.start, l.end));

describe("extractLinks", () => {
  it("finds http and https links in any case and lower-cases the host", () => {
    const text = "see HTTPS://News.Example.COM/a?b=1 and http://reuters.com";
    expect(extractLinks(text)).toEqual([
      { url: "HTTPS://News.Example.COM/a?b=1", host: "news.example.com", start: 4, end: 34 },
      { url: "http://reuters.com", host: "reuters.com", start: 39, end: 57 },
    ]);
  });

  it("finds www links and bare domains with a path", () => {
    expect(hosts("www.bbc.co.uk/news and apnews.com/article/x")).toEqual(["www.bbc.co.uk", "apnews.com"]);
    expect(originals("www.bbc.co.uk/news and apnews.com/article/x")).toEqual([
      "www.bbc.co.uk/news",
      "apnews.com/article/x",
    ]);
  });

  it("finds a bare domain glued to Chinese text without swallowing the Chinese", () => {
    const text = "我看了reuters.com的报道";
    expect(extractLinks(text)).toEqual([{ url: "reuters.com", host: "reuters.com", start: 3, end: 14 }]);
  });

  it("folds full-width letters and dots and maps positions back to the original text", () => {
    const text = "看 ｎｅｗｓ．example．com/a，好";
    const [link] = extractLinks(text);
    expect(link?.host).toBe("news.example.com");
    expect(link?.url).toBe("news.example.com/a");
    expect(text.slice(link!.start, link!.end)).toBe("ｎｅｗｓ．example．com/a");
  });

  it("finds links whose dots and letters all come from folded characters (no ASCII in the text)", () => {
    expect(hosts("看ｗｗｗ。ｅｘａｍｐｌｅ｡ｃｏｍ好")).toEqual(["www.example.com"]);
    expect(hosts("ｈｔｔｐｓ：／／ｌｏｃａｌｈｏｓｔ／ａ")).toEqual(["localhost"]);
    expect(hosts("中文。没有字母，也没有链接。")).toEqual([]);
    expect(hosts("no dot or slash here ｅｘａｍｐｌｅ")).toEqual([]);
  });

  it("folds ideographic and half-width full stops to dots", () => {
    expect(hosts("example。com/x")).toEqual(["example.com"]);
    expect(originals("example。com/x")).toEqual(["example。com/x"]);
    expect(hosts("news｡example｡com")).toEqual(["news.example.com"]);
  });

  it("ignores zero-width characters inserted into a domain", () => {
    const text = "go to reu\u200Bters.com now";
    expect(hosts(text)).toEqual(["reuters.com"]);
    expect(originals(text)).toEqual(["reu\u200Bters.com"]);
  });

  it("keeps positions correct after astral characters such as emoji", () => {
    const text = "😀😀 ｂｂｃ.com";
    expect(originals(text)).toEqual(["ｂｂｃ.com"]);
  });

  it("strips trailing ASCII and CJK punctuation", () => {
    expect(originals("Read https://example.com/a.")).toEqual(["https://example.com/a"]);
    expect(originals("(see example.com/x), then")).toEqual(["example.com/x"]);
    expect(originals("“https://nytimes.com/a”")).toEqual(["https://nytimes.com/a"]);
    expect(originals("看这个example.com/a！")).toEqual(["example.com/a"]);
    expect(originals("「example.com/b」。")).toEqual(["example.com/b"]);
    expect(originals("is it 'example.com/c'?")).toEqual(["example.com/c"]);
  });

  it("keeps balanced parentheses inside a URL", () => {
    expect(originals("(https://en.wikipedia.org/wiki/Foo_(bar))")).toEqual([
      "https://en.wikipedia.org/wiki/Foo_(bar)",
    ]);
  });

  it("reports no links for abbreviations, numbers, file names and e-mail addresses", () => {
    expect(extractLinks("e.g. this, i.e. that, at 10 a.m. we had 3.14 and v1.2.3")).toEqual([]);
    expect(extractLinks("open report.pdf, photo.JPG, main.py or archive.zip")).toEqual([]);
    expect(extractLinks("mail first.last@example.com or user@mail.example.com")).toEqual([]);
  });

  it("still finds real domains whose TLD looks like a file extension when a common SLD precedes it", () => {
    expect(hosts("abc.com.py")).toEqual(["abc.com.py"]);
  });

  it("finds a scheme link glued to preceding text", () => {
    expect(hosts("clickhttps://evil.example.com")).toEqual(["evil.example.com"]);
  });

  it("takes the host after user info and drops the port", () => {
    expect(hosts("http://reuters.com@evil.example:8080/x")).toEqual(["evil.example"]);
  });

  it("finds several links in one message in order", () => {
    expect(hosts("a.com b.org c.net")).toEqual(["a.com", "b.org", "c.net"]);
  });

  it("returns an empty array for text without links", () => {
    expect(extractLinks("")).toEqual([]);
    expect(extractLinks("没有链接的消息")).toEqual([]);
  });
});

describe("hostOf", () => {
  it("returns the folded lower-case host of an http(s) URL", () => {
    expect(hostOf("https://www.Example.com./path?x")).toBe("www.example.com");
    expect(hostOf("https://ｎｅｗｓ．example．com/a")).toBe("news.example.com");
    expect(hostOf("http://user:pw@reuters.com:8443/")).toBe("reuters.com");
  });

  it("reads a URL without a scheme as http, even with a port", () => {
    expect(hostOf("example.com/x")).toBe("example.com");
    expect(hostOf("example.com:8080/x")).toBe("example.com");
    expect(hostOf("//cdn.example.com/a.js")).toBe("cdn.example.com");
  });

  it("returns null for non-web schemes and unparsable input", () => {
    expect(hostOf("tg://resolve?domain=durov")).toBeNull();
    expect(hostOf("mailto:a@example.com")).toBeNull();
    expect(hostOf("javascript:alert(1)")).toBeNull();
    expect(hostOf("http://a b.com")).toBeNull();
    expect(hostOf("")).toBeNull();
  });
});

describe("foldHost", () => {
  it("lower-cases, folds dots and strips wildcard, leading and trailing dots", () => {
    expect(foldHost(" *.ＢＢＣ。co。uk. ")).toBe("bbc.co.uk");
    expect(foldHost(".example.com")).toBe("example.com");
  });
});

describe("the link pre-check (no fold, no regex when a text cannot hold a link)", () => {
  it("starts at every code unit whose fold holds a `.` or a `/` (all of the BMP), and at surrogates", () => {
    const marks: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      const isSurrogate = c >= 0xd800 && c <= 0xdfff;
      const folded = isSurrogate ? "" : foldLinkText(ch);
      const mark = isSurrogate || folded.includes(".") || folded.includes("/");
      if (mark) marks.push(c);
      expect(firstLinkMark(`ab${ch}c`), `U+${c.toString(16)}`).toBe(mark ? 2 : -1);
    }
    expect(marks.length).toBeGreaterThan(2_000); // the surrogates and the 41 others
  });

  it("gives the first of them, whichever kind comes first", () => {
    expect(firstLinkMark("no marks here")).toBe(-1);
    expect(firstLinkMark("a/b.c")).toBe(1);
    expect(firstLinkMark("a.b/c")).toBe(1);
    expect(firstLinkMark("句号。然后.")).toBe(2);
    expect(firstLinkMark("x ⒈ y.")).toBe(2);
    expect(firstLinkMark("emoji \u{1F600}.")).toBe(6);
  });

  // Characters that make or break links once folded: full-width letters and stops, ideographic
  // stops, invisible characters, slashes, colons, CJK, Cyrillic, digits and spaces.
  const pieces = [
    ..."abcxyzABCZ0189.-/:@_ ",
    "．",
    "。",
    "｡",
    "ｃ",
    "Ｃ",
    "ｏｍ",
    "／",
    "\u200b",
    "\u00ad",
    "新闻",
    "，",
    "а",
    "www",
    "http",
    "https://",
    "com",
    "xn--",
    "㏂",
  ];
  const texts = fc.array(fc.constantFrom(...pieces), { maxLength: 24 }).map((parts) => parts.join(""));

  it("finds exactly what the full extraction finds, on any mix of those characters", () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(extractLinks(text)).toEqual(extractLinks(text, false));
      }),
      { numRuns: 20_000, seed: 20261201 },
    );
  });

  it("lets through the folded forms a sentence never has", () => {
    for (const text of [
      "see example．com",
      "ｅｘａｍｐｌｅ。ｃｏｍ",
      "go to http://x",
      "a.\u200bcom",
      "x／／y",
    ])
      expect(extractLinks(text, false).length > 0 ? extractLinks(text) : []).toEqual(
        extractLinks(text, false),
      );
    expect(extractLinks("Hello there. Next sentence, and 3.5 more")).toEqual([]);
  });
});
