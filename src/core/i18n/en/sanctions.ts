/** Texts of the sanctions module; zh/sanctions.ts mirrors these keys. */
export const sanctions = {
  usageWarn: "/warn <member> [reason] (or reply to their message)",
  describeWarn: "warn a member (adds points; the ladder may escalate)",
  usageMute: "/mute <member> <duration> [reason]",
  describeMute: "mute a member for a while (read only)",
  usageLimit: "/limit <member> <duration> [reason]",
  describeLimit: "limit a member to text (no links or media) for a while",
  usageBan: "/ban <member> [duration] [reason]",
  describeBan: "ban a member from the community, for good or for a while",
  usageUnban: "/unban <member> [reason]",
  describeUnban: "lift a member's ban",
  usageKick: "/kick <member> [reason]",
  describeKick: "remove a member from this chat (they may come back)",
  usagePardon: "/pardon <case> [reason]",
  describePardon: "take back a case: remove its points and lift its sanction",
  usageCases: "/cases <member>",
  describeCases: "list a member's cases and points (sent to you privately)",
  usageReport: "/report [reason] (as a reply to the message)",
  describeReport: "report a message to the admins",
  usageAppeal: "/appeal <case> [why]",
  describeAppeal: "ask the admins to review a sanction",

  whatWarn: "warned",
  whatMute: "muted for {duration}",
  whatLimit: "limited to text messages (no links or media) for {duration}",
  whatBan: "banned",
  whatBanFor: "banned for {duration}",
  whatKick: "removed from the chat",
  whatUnban: "unbanned",
  whatPardon: "pardoned (case #{case} taken back)",
  whatAppealAccepted: "appeal accepted (case #{case} taken back)",
  whatAppealDenied: "appeal of case #{case} denied",
  whatReportDismissed: "report dismissed",
  whatViolation: "given points, no new sanction",

  noReason: "no reason given",
  badDuration: "a duration like 30m, 1h, 7d",
  targetIsAdmin: "Admins of this community cannot be sanctioned.",
  done: "Case #{case}: {target} {what}.",
  theBot: "the bot",
  modlogLine: "#{case} {subject} {what} — by {actor} ({source}){extras}: {reason}",
  modlogCategory: " [{category}]",
  modlogPoints: " +{points} pts",

  notice:
    "{community}: you were {what} (case #{case}).\nReason: {reason}\nIf you think this is a mistake, send me /appeal {case}.",
  noticeStays:
    "{community}: a violation was recorded (case #{case}); your current sanction stays in force.\nReason: {reason}\nIf you think this is a mistake, send me /appeal {case}.",
  unbannedMember: "{community}: your ban was lifted (case #{case}).",
  banEndedMember: "{community}: your ban has ended (case #{case}). Welcome back.",
  pardonedMember:
    "{community}: an admin pardoned case #{case}. Its points are removed and its sanction lifted.",

  caseNotFound: "There is no case #{case} that can be taken back.",
  alreadyVoided: "Case #{case} was already taken back.",
  casesHeader: "Cases of {member} (points now: {points}):",
  casesNone: "{member} has no cases (points now: {points}).",
  caseLine: "#{case} {date} {what}{extras} — {reason}",

  reportNeedsReply: "reply to the message you want to report",
  noReviewChat: "This community has no review chat, so reports and appeals cannot be sent.",
  reportCard:
    "🚩 Report {id} in {chat}\nReported member: {target}\nReported by: {reporter}\nReason: {reason}\n(The reported message is copied above.)",
  buttonConfirm: "Confirm",
  buttonDismiss: "Dismiss",
  reportThanks: "Thank you. The admins will look at your report.",
  reportConfirmedCard: "✅ Confirmed by {admin}: case #{case}.",
  reportDismissedCard: "❎ Dismissed by {admin} (case #{case}).",
  reportConfirmedReporter: "The admins confirmed your report and acted on it. Thank you.",
  reportDismissedReporter: "The admins looked at your report and decided not to act on it.",
  alreadyHandled: "Someone already handled this.",

  appealCard:
    "⚖️ Appeal of case #{case} ({what}) by {member}\nOriginal reason: {reason}\nThe member says: {text}",
  buttonAccept: "Accept",
  buttonDeny: "Deny",
  reasonBanEnded: "the ban came to its end",
  appealReason: "decision on the member's appeal",
  appealSent: "Your appeal of case #{case} was sent to the admins. I will tell you their decision.",
  appealAlready: "You already appealed case #{case}.",
  appealNotYours: "I found no case #{case} about you that can be appealed.",
  appealAcceptedCard: "✅ Accepted by {admin} (case #{case}).",
  appealDeniedCard: "❎ Denied by {admin} (case #{case}).",
  appealAcceptedMember:
    "{community}: your appeal of case #{case} was accepted. The sanction is lifted and its points removed.",
  appealDeniedMember: "{community}: your appeal of case #{case} was denied. The sanction stays.",

  keptRecord:
    "{community}: your moderation record ({count} case(s)) is kept. It holds no name, phone or ID number, only your account and what happened, and the community needs it to apply its rules fairly.",
  keptBan:
    "{community}: the record of your active ban (case #{case}) is kept while the ban lasts, so that it can be enforced and lifted.",
} as const;
