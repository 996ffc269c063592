import { describe, expect, it } from "vitest";
import { parseStep, parseTranscript } from "../../../src/adapters/console/transcript.js";

describe("transcript lines", () => {
  it("reads a message with options", () => {
    expect(
      parseStep(
        'alice in lobby [reply 3] [forward channel "Daily News"] [photo] [album a1] [thread 7]: look',
      ),
    ).toEqual({
      kind: "say",
      user: "alice",
      chat: "lobby",
      text: "look",
      options: {
        replyTo: "3",
        forwardedFrom: { kind: "channel", title: "Daily News", id: "daily_news" },
        media: ["photo"],
        albumId: "a1",
        thread: "7",
      },
    });
  });

  it("reads private messages, presses, contacts, waits and restarts", () => {
    expect(parseStep("alice to bot: /verify demo")).toEqual({
      kind: "tell",
      user: "alice",
      text: "/verify demo",
    });
    expect(parseStep('admin presses "Reject and warn" on 4 in review')).toEqual({
      kind: "press",
      user: "admin",
      label: "Reject and warn",
      id: "4",
      chat: "review",
    });
    expect(parseStep("alice presses Accept")).toEqual({
      kind: "press",
      user: "alice",
      label: "Accept",
      id: undefined,
      chat: undefined,
    });
    expect(parseStep("alice shares contact +86 138 0000 0000 of bob")).toEqual({
      kind: "contact",
      user: "alice",
      phone: "+86 138 0000 0000",
      owner: "bob",
    });
    expect(parseStep("wait 1h30m")).toEqual({ kind: "wait", ms: 5_400_000 });
    expect(parseStep("restart")).toEqual({ kind: "restart" });
    expect(parseStep("alice: hi")).toMatchObject({ kind: "say", user: "alice", text: "hi" });
    expect(parseStep("# a comment")).toBeUndefined();
  });

  it("names the line and the expected form for malformed lines, and collects them all", () => {
    const { steps, errors } = parseTranscript(
      "alice joins lobby\nwait tomorrow\nthis is not a line\nalice in lobby [sparkles]: hi\n",
    );
    expect(steps).toHaveLength(1);
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [2, 'expected a duration like "2h" or "30m", got "tomorrow"'],
      [
        3,
        'cannot read "this is not a line": expected a line like "alice in lobby: hello" (see docs/transcripts.md)',
      ],
      [
        4,
        'unknown option [sparkles]: expected [reply N], [forward channel "Name"], [photo], [video], [document], [album ID], [thread ID] or [link URL]',
      ],
    ]);
  });
});
