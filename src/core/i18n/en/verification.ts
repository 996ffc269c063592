/** Texts of the verification module; zh/verification.ts mirrors these keys. */
export const verification = {
  // Invitations (private, or a short-lived notice in the group when a private message is impossible).
  buttonStart: "Verify now",
  inviteJoined:
    "Welcome to {community}! Until you verify your identity, {limits}. Tap the button to start — it takes a minute, privately with me.",
  // {limits} in inviteJoined and graceOver: what an unverified member may still do (unverified.level).
  limitsReadOnly: "you can only read",
  limitsTextOnly: "you can post only text, without links or media",
  limitsTextOnlyCapped: "you can post only text, without links or media, and at most {max} messages an hour",
  invitePosted:
    "Your message in {community} was removed because you have not verified your identity yet. Tap the button to verify privately with me.",
  inviteGrace:
    "{community} now asks every member to verify their identity. You can keep posting for {period}; please verify before then. Tap the button to start privately with me.",
  reminder:
    "Reminder: please verify your identity for {community}. Time left before your access is limited: {left}.",
  graceOver:
    "The time to verify for {community} has ended, so for now {limits}. Tap the button to verify and get full access back.",
  removed:
    "You were removed from {community} because you did not verify in time. You are welcome to join again and verify.",
  joinRequestIntro:
    "You asked to join {community}. Please verify your identity first; I will approve your request as soon as you are done.",
  continuePrivately: "Let's continue here, in our private chat, so your details stay out of the group.",
  welcome:
    "Hello! I help moderate community chats. Send /verify to verify your identity, or /help to see what I can do.",
  whichCommunity: "Which community? Send /verify <community>. Communities: {list}",
  // The dialogue.
  begin:
    "Verification for {community}. I will ask a few questions one at a time. Send /cancel to stop, or /verify to start over.",
  progress: "({step}/{total}) ",
  askName: "Please send your legal name, exactly as on your ID document.",
  askId: "Please send your ID number.",
  askIdCn: "Please send your 18-character resident ID number (the last character may be X).",
  askPhone:
    "Please share your phone number with the button below, or type it in international form: + and the country code, then the number (e.g. +44 20 7946 0958).",
  askPhoneNational:
    "Please share your phone number with the button below, or type it: with its country code, or as a number of this country (read as {code} …).",
  askPhoneContact:
    "Please share your phone number with the button below. It must be the number of this account.",
  askRules: "Please read the rules and accept them:\n\n{rules}",
  buttonAccept: "Accept",
  buttonDecline: "Decline",
  useButtons: "Please answer with the Accept or Decline button above.",
  nameInvalid:
    "That does not look like a name. Please send your legal name in letters only (2 to 100 characters).",
  idEmpty: "The ID number is empty. Please send it again.",
  idWrongLength: "The ID number has the wrong length. A resident ID number has 18 characters.",
  idBadCharacters: "The ID number may contain only digits, and X as the last character.",
  idBadRegion: "The first two digits of the ID number are not a valid region code. Please check them.",
  idImpossibleDate:
    "The birth date inside the ID number (characters 7 to 14) is not a real date. Please check it.",
  idFutureDate: "The birth date inside the ID number is in the future. Please check it.",
  idBadCheckChar:
    "The last character of the ID number does not match the others, so there is a typo somewhere. Please check every digit.",
  idPatternMismatch: "The ID number does not have the format this community expects. Please check it.",
  phoneInvalid:
    "That is not a phone number I can use. Please include the country code, in international form: + and the country code, then the number (e.g. +44 20 7946 0958).",
  phoneInvalidNational:
    "That is not a phone number I can use. Please type it with its country code (e.g. {code} …), or as a number of this country without a leading 0 (read as {code} …).",
  shareOwnContact:
    "Please share your own contact with the button below — a typed number or someone else's contact card cannot be accepted.",
  tooManyAttempts: "Too many attempts. Please wait an hour and try again.",
  cancelled:
    "Verification cancelled. Nothing you sent was kept. Send /verify whenever you want to start again.",
  noSession: "There is no verification in progress. Send /verify to start one.",
  timedOut:
    "Your verification stopped because a step had no answer for too long. Nothing you sent was kept. Send /verify to start again.",
  rulesDeclined: "You declined the rules, so verification stopped. Send /verify if you change your mind.",
  stillPending:
    "Your verification request is waiting for the admins. I will tell you as soon as they decide.",
  alreadyVerified: "You are already verified for {community}.",
  unavailable:
    "Verification for {community} is not available right now. The admins have been told; please try again later.",
  submitted: "Thank you! Your request was sent to the admins. I will tell you when they decide.",
  verified: "✅ You are verified for {community}. You now have full access in all its chats.",
  rejected:
    "Your verification for {community} was not accepted: {reason}\nYou can correct your details and send /verify again, or contact the admins.",
  providerFailed:
    "I could not reach the community's identity service. Nothing was decided; please try again later with /verify.",
  accountCap:
    "This identity is already bound to {max} account(s) on {platform}, the most this community allows. Please use that account; to use another platform, send /link there.",
  identityBanned: "This identity cannot be verified in this community because of an active ban.",
  // A taken ID number (or phone): the same words whatever the reason, so a stranger learns nothing more.
  idNotUsable:
    "This ID number cannot be used for a new registration here. If it is yours, send /link from your verified account, or ask an admin.",
  phoneNotUsable:
    "This phone number cannot be used for a new registration here. If it is yours, send /link from your verified account, or ask an admin.",
  methodNotHere:
    "Verification for {community} cannot be done from {platform}: its method works only on {platforms}. Verify there, then link this account: send /link on the verified account and /link <code> here.",
  // Admins.
  adminExternalMissing:
    '⚠️ {community} uses verification method "external", but no identity provider is configured (verification.external or the runtime\'s provider is missing). Members cannot verify until it is set up.',
  adminReviewChatMissing:
    '⚠️ {community} uses verification method "admin_review" but has no review_chat. Members cannot verify until one is configured.',
  adminProviderFailed: "⚠️ The identity provider of {community} did not answer: {error}",
  buttonApprove: "Approve",
  buttonReject: "Reject",
  cardTitle: "Verification request {id} from {member} ({account})",
  cardName: "Legal name: {name}",
  cardId: "ID number: {id}",
  cardPhone: "Phone: {phone}",
  cardApproved: "✅ Approved by {admin}.",
  cardRejected: "❌ Rejected by {admin}: {reason}",
  cardWithdrawn: "Withdrawn: the member erased their data (/forgetme).",
  askRejectReason: "To reject request {id}, send: /reject {id} <reason>. The member will see the reason.",
  requestGone: "Request {id} is no longer waiting (already decided, or unknown).",
  reviewOnlyAdmins: "Verification requests are decided only by admins, in the review chat.",
  whoisVerified: "{account}: verified ({method}, {date}), identity {identity}.",
  whoisAccounts: "Linked accounts: {accounts}",
  whoisUnverified: "{account}: not verified.",
  whoisGrace: "In the grace period until {until}.",
  whoisHidden: "(The real name and ID are shown only in the review chat or privately.)",
  unverifiedDone: "{account} is no longer verified.",
  unverifiedNotice: "An admin of {community} removed your verification. Send /verify to verify again.",
  notVerifiedAnyway: "{account} is not verified.",
  verifyUserWhere:
    "Use /verifyuser in the review chat or privately with me: a legal name must not appear in a group chat.",
  verifyUserDone: "{account} is now verified.",
  statsLine: "{chat}: {verified} verified, {grace} in grace period, {limited} limited",
  statsNone: "No chats to report on.",
  // Members' own data.
  linkNeedsVerified: "Verify this account first; then /link gives you a code for your other accounts.",
  linkCode:
    "Your link code: {code}\nOn your other account, send /link {code} to me within {ttl}. The code works once.",
  linkInvalid:
    "That code is unknown, already used or expired. Ask your verified account for a new one with /link.",
  linkSameAccount: "Use this code on your other account, not on the one that made it.",
  linked: "✅ This account is now linked to your verified identity in: {communities}.",
  myDataHeader: "Everything I store about you:",
  sentPrivately: "I sent it to you privately.",
  nothingStored: "I have nothing stored about you, so there is nothing to erase.",
  forgotten:
    "Done: I erased your legal name, phone, ID mask, display name and verification records. You will be asked to verify again before posting where verification is required.",
  keptForBan:
    "{community}: an active ban applies to your identity, so I keep only a keyed hash of your {field} (not the number itself) to stop re-registration while the ban lasts.",
  fieldIdNumber: "ID number",
  fieldPhone: "phone number",
  // Commands.
  usageVerify: "/verify [community]",
  describeVerify: "verify your identity (privately)",
  usageStart: "/start",
  describeStart: "start talking with me",
  usageCancel: "/cancel",
  describeCancel: "stop the verification in progress",
  usageLink: "/link [code]",
  describeLink: "link another account to your verified identity",
  usageMyData: "/mydata",
  describeMyData: "everything stored about you, sent privately",
  usageForgetMe: "/forgetme",
  describeForgetMe: "erase your personal data",
  usageWhois: "/whois <member> (or reply to a message)",
  describeWhois: "verification status of a member",
  usageUnverify: "/unverify <member>",
  describeUnverify: "remove a member's verification",
  usageVerifyUser: "/verifyuser <member> <legal name>",
  describeVerifyUser: "verify a member by hand (review chat or private)",
  usageReject: "/reject <request> <reason>",
  describeReject: "reject a verification request (review chat)",
  usageStats: "/stats",
  describeStats: "verified, in grace period and limited members per chat",
} as const;
