/** Engine and built-in texts. Every user-facing text lives in a catalogue; zh/ mirrors these keys. */
export const core = {
  unknownCommand: "I don't know the command /{name}. Send /help to see what I can do.",
  usage: "Usage: {usage}",
  usageWithDetail: "Usage: {usage} ({detail})",
  privateOnly: "/{name} works only in a private chat with me, to keep your data out of the group.",
  groupOnly: "/{name} works only in a group chat.",
  adminOnly: "/{name} is for admins of this community.",
  privateHint: "Send /help to see what I can do.",
  contactUnexpected: "I wasn't expecting a contact right now.",
  helpHeader: "Commands:",
  usageHelp: "/help",
  describeHelp: "list the commands you can use",
  usageLanguage: "/language <en|zh>",
  describeLanguage: "choose the language I use with you",
  languageSet: "From now on I will write to you in English.",
  languageUnsupported: "{language} is not a supported language (supported: {supported}).",
  actionFailed: "⚠️ I could not {action}: {error}. Please check my admin rights.",
  holdCardRecovered:
    "↻ I restarted while posting this card: the copy of the post may be above, or missing. The buttons work.",
  // {action} of actionFailed, one per decision
  actRestrict: "restrict {account} in {chat}",
  actLift: "lift the restrictions of {account} in {chat}",
  actDelete: "delete a message in {chat}",
  actSend: "post in {chat}",
  actSendPrivate: "write privately to {account}",
  actPostCard: "post a review card in {chat}",
  actUpdateCard: "update a review card in {chat}",
  actRepost: "re-post an approved post in {chat}",
  actBan: "ban {account} from {chat}",
  actUnban: "unban {account} in {chat}",
  actKick: "remove {account} from {chat}",
  actApproveJoin: "approve the join request of {account} to {chat}",
  actDeclineJoin: "decline the join request of {account} to {chat}",
  actGrantRole: "give {account} the role {role} in {chat}",
  actRevokeRole: "take the role {role} from {account} in {chat}",
  actTimer: "schedule a timer",
  // A member who never opened a private chat with the bot (the texts wait for them)
  openPrivate: "{name}, I have a message for you. Press the button to open a private chat with me.",
  openPrivateButton: "Open private chat",
  someone: "Hello",
  unknownMember:
    "I don't know that member ({name}): I have not seen them post or join here. Reply to one of their messages with the command instead.",
  notAllowed: "Only admins of this community can do that.",
  // Telegram adapter
  telegramMissingRights:
    "I need more admin rights in this chat to protect it. Please make me an admin with: {rights}.",
  telegramRightDelete: "Delete messages",
  telegramRightRestrict: "Ban users (also needed to mute)",
  telegramRightInvite: "Invite users via link (needed to accept join requests)",
  telegramPrivacy:
    "I cannot read every message here: privacy mode is on and I am not an admin. Make me an admin (or turn privacy mode off with @BotFather and add me again).",
  telegramNotConfigured:
    'This chat is not part of any community in my configuration, so I will not act here. To protect it, add "{chat}" to a community\'s chats in the config file.',
  telegramShareContactButton: "Share my phone number",
  gateReadOnly:
    "Your message in {chat} was removed: you can only read there for now. Send /mydata to see why, or /appeal if you think it is a mistake.",
  gateUnverified:
    "Your message in {chat} was removed: you can only read there until you verify your identity. Send /verify to me to start.",
  gateTextOnly: "Your message in {chat} was removed: for now you may post text there, but no links or media.",
  gateRate: "Your message in {chat} was removed: for now you may post at most {cap} messages an hour there.",
} as const;
