/** Texts of the content-rules module; zh/rules.ts mirrors these keys. */
export const rules = {
  matchTerm: "term “{rule}” (written “{matched}”)",
  matchPattern: "pattern /{rule}/ (matched “{matched}”)",
  matchDomain: "link domain {rule}",
  card: "⏸ Held for review: the message above, by {member} in {chat}.\nCategory: {category}; {match}.\nConfirm to record a violation (points: {points}), or release to post it again.",
  cardConfirmed: "✅ Violation confirmed by {admin}: a message by {member} in {chat}. Category: {category}.",
  cardReleased: "↩️ Released by {admin}: the message by {member} was posted again in {chat}.",
  cardRepostFailed: "⚠️ The re-post failed; press Release again to retry.",
  cardRepostUnknown:
    "⚠️ I restarted while re-posting this message: it may or may not be in the chat. If it is missing, press Release again.",
  buttonConfirm: "Confirm violation",
  buttonRelease: "Release",
  alreadyDecided: "That held message was already decided.",
  memberHeld:
    "Your message in {chat} is held for review: it matched this community's rules on {category}. An admin will look at it.",
  repostAttribution: "{name} wrote (released after review):",
  reasonReleased: "released after review ({reason})",
  memberReleased: "Your message in {chat} was reviewed and posted again (case #{case}).",
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
