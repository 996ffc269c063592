/** Texts of the content-rules module; zh/rules.ts mirrors these keys. */
export const rules = {
  logDeleted: "🗑 Content rules: deleted a message by {member} in {chat}. Category: {category}; {match}.",
  logHeld: "⏸ Content rules: held a message by {member} in {chat} for review. Category: {category}; {match}.",
  logRecorded:
    "📝 Content rules: recorded a violation by {member} in {chat}; the message stays. Category: {category}; {match}.",
  matchTerm: "term “{rule}” (written “{matched}”)",
  matchPattern: "pattern /{rule}/ (matched “{matched}”)",
  matchDomain: "link domain {rule}",
  card: "⏸ Held for review: the message above, by {member} in {chat}.\nCategory: {category}; {match}.\nConfirm to record a violation (points: {points}), or release to post it again.",
  cardConfirmed: "✅ Violation confirmed by {admin}: a message by {member} in {chat}. Category: {category}.",
  cardReleased: "↩️ Released by {admin}: the message by {member} was posted again in {chat}.",
  logHoldWithoutReviewChat:
    "🗑 Content rules: deleted a message by {member} in {chat}: it should be held, but no review chat is configured. Category: {category}; {match}.",
  buttonConfirm: "Confirm violation",
  buttonRelease: "Release",
  alreadyDecided: "That held message was already decided.",
  memberHeld:
    "Your message in {chat} is held for review: it matched this community's rules on {category}. An admin will look at it.",
  repostAttribution: "{name} wrote (released after review):",
  rulesHeader: "Content rules in {community}. Messages about these are removed or held for review:",
  rulesNone: "{community} has no content rules.",
  usageRules: "/rules",
  describeRules: "list the community's content rule categories",
  nameTerrorism: "terrorism",
  nameViolence: "violence",
  namePornography: "pornography",
  nameSlander: "slander and rumours",
  nameSpam: "spam",
} as const;
