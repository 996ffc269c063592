import { describe, expect, it } from "vitest";
import { classify, linkHosts } from "../../../src/core/news/classifier.js";
import { newsSettingsSchema, type NewsSettings } from "../../../src/core/news/settings.js";
import type { PostContent } from "../../../src/core/model/content.js";

const settings = (extra: Partial<Record<keyof NewsSettings, unknown>> = {}): NewsSettings =>
  newsSettingsSchema.parse({ enabled: true, domains: ["example.com", "reuters.com"], ...extra });
const post = (text: string, extra: Partial<PostContent> = {}): PostContent => ({
  text,
  links: [],
  media: [],
  ...extra,
});

describe("news classifier", () => {
  it("classifies a link to a listed domain and to its subdomains as news", () => {
    const s = settings();
    expect(classify(post("read https://www.reuters.com/world/x"), s)).toEqual({
      category: "news",
      reasons: [{ kind: "news_domain", host: "www.reuters.com", domain: "reuters.com" }],
    });
    expect(classify(post("a.b.example.com/path"), s).reasons).toEqual([
      { kind: "news_domain", host: "a.b.example.com", domain: "example.com" },
    ]);
  });

  it("does not count a look-alike suffix or an unlisted domain", () => {
    const s = settings();
    expect(classify(post("see notexample.com and https://blog.other.org"), s)).toEqual({
      category: "ordinary",
      reasons: [],
    });
  });

  it("folds full-width letters and dots: ｎｅｗｓ．example．com is example.com", () => {
    expect(classify(post("看 ｎｅｗｓ．example．com/a，好"), settings()).reasons).toEqual([
      { kind: "news_domain", host: "news.example.com", domain: "example.com" },
    ]);
  });

  it("folds the ideographic full stop: example。com is example.com", () => {
    expect(classify(post("消息在 example。com"), settings()).category).toBe("news");
  });

  it("folds full-width entries in the configured list too", () => {
    expect(
      classify(post("https://ｅｘａｍｐｌｅ.org/x"), settings({ domains: ["ｅｘａｍｐｌｅ。ｏｒｇ"] }))
        .category,
    ).toBe("news");
  });

  it("reads links the platform reported apart from the text (text_link entities)", () => {
    expect(
      classify(post("click here", { links: ["https://news.example.com/story"] }), settings()).category,
    ).toBe("news");
    expect(linkHosts(post("x.org", { links: ["tg://resolve?domain=x", "https://x.org/a"] }))).toEqual([
      "x.org",
    ]);
  });

  it("counts media captions as text", () => {
    const s = settings();
    expect(
      classify(post("caption: reuters.com/pic", { media: [{ kind: "photo", ref: "p1" }] }), s).category,
    ).toBe("news");
  });

  it("holds any link only when any_link is on", () => {
    expect(classify(post("https://blog.other.org/x"), settings()).category).toBe("ordinary");
    expect(classify(post("https://blog.other.org/x"), settings({ any_link: true })).reasons).toEqual([
      { kind: "link", host: "blog.other.org" },
    ]);
  });

  it("counts forwards from channels and other chats, not from users, and only when forwards is on", () => {
    const s = settings();
    expect(classify(post("hi", { forwardedFrom: { kind: "channel", title: "Daily" } }), s).reasons).toEqual([
      { kind: "forward", from: "channel", title: "Daily" },
    ]);
    expect(classify(post("hi", { forwardedFrom: { kind: "chat" } }), s).reasons).toEqual([
      { kind: "forward", from: "chat" },
    ]);
    expect(classify(post("hi", { forwardedFrom: { kind: "user" } }), s).category).toBe("ordinary");
    expect(
      classify(post("hi", { forwardedFrom: { kind: "channel" } }), settings({ forwards: false })).category,
    ).toBe("ordinary");
  });

  it("matches configured keywords through the evasion-folding matcher, each once", () => {
    const s = settings({ keywords: ["breaking", "突发"] });
    expect(classify(post("ＢＲＥＡＫＩＮＧ: 突 发 新闻, breaking again"), s).reasons).toEqual([
      { kind: "keyword", term: "breaking" },
      { kind: "keyword", term: "突发" },
    ]);
    expect(classify(post("nothing to see"), s).category).toBe("ordinary");
  });

  it("builds the lists once per settings object", () => {
    const s = settings();
    // Mutating the array after the first use shows the cached list is reused for the same object.
    classify(post("x"), s);
    s.domains.push("late.org");
    expect(classify(post("late.org"), s).category).toBe("ordinary");
    expect(classify(post("late.org"), { ...s }).category).toBe("news");
  });
});
