/**
 * Errors the fake Bot API answers with. Descriptions are copied from what the real
 * Telegram Bot API says, so code that matches on them behaves the same in tests.
 */
export class ApiError extends Error {
  constructor(
    readonly error_code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = "ApiError";
  }

  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      ok: false,
      error_code: this.error_code,
      description: this.description,
    };
    if (this.parameters) body["parameters"] = this.parameters;
    return body;
  }
}

export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);
export const forbidden = (what: string): ApiError => new ApiError(403, `Forbidden: ${what}`);

/** Real descriptions, in one place so tests and handlers agree. */
export const E = {
  chatNotFound: () => badRequest("chat not found"),
  userNotFound: () => badRequest("user not found"),
  participantInvalid: () => badRequest("PARTICIPANT_ID_INVALID"),
  textEmpty: () => badRequest("message text is empty"),
  textTooLong: () => badRequest("message is too long"),
  replyNotFound: () => badRequest("message to be replied not found"),
  threadNotFound: () => badRequest("message thread not found"),
  deleteNotFound: () => badRequest("message to delete not found"),
  cantDelete: () => badRequest("message can't be deleted"),
  cantDeleteForEveryone: () => badRequest("message can't be deleted for everyone"),
  editNotFound: () => badRequest("message to edit not found"),
  cantEdit: () => badRequest("message can't be edited"),
  notModified: () =>
    badRequest(
      "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    ),
  copyNotFound: () => badRequest("message to copy not found"),
  forwardNotFound: () => badRequest("message to forward not found"),
  cantCopy: () => badRequest("message can't be copied"),
  cantForward: () => badRequest("message can't be forwarded"),
  supergroupOnly: () => badRequest("method is available only for supergroups"),
  notEnoughRightsRestrict: () => badRequest("not enough rights to restrict/unrestrict chat member"),
  notEnoughRightsPromote: () => badRequest("not enough rights"),
  notEnoughRightsSend: () => badRequest("not enough rights to send text messages to the chat"),
  chatAdminRequired: () => badRequest("CHAT_ADMIN_REQUIRED"),
  userIsAdmin: () => badRequest("user is an administrator of the chat"),
  cantRemoveOwner: () => badRequest("can't remove chat owner"),
  cantRestrictSelf: () => badRequest("can't restrict self"),
  privateChatStatus: () => badRequest("chat member status can't be changed in private chats"),
  hideRequesterMissing: () => badRequest("HIDE_REQUESTER_MISSING"),
  alreadyParticipant: () => badRequest("USER_ALREADY_PARTICIPANT"),
  queryInvalid: () => badRequest("query is too old and response timeout expired or query ID is invalid"),
  buttonDataInvalid: () => badRequest("BUTTON_DATA_INVALID"),
  commandInvalid: () => badRequest("BOT_COMMAND_INVALID"),
  commandDescriptionInvalid: () => badRequest("BOT_COMMAND_DESCRIPTION_INVALID"),
  cantInitiate: () => forbidden("bot can't initiate conversation with a user"),
  blocked: () => forbidden("bot was blocked by the user"),
  notMember: (type: string) =>
    type === "channel"
      ? badRequest("need administrator rights in the channel chat")
      : forbidden(`bot is not a member of the ${type === "group" ? "group" : "supergroup"} chat`),
  kicked: (type: string) =>
    forbidden(`bot was kicked from the ${type === "group" ? "group" : "supergroup"} chat`),
  unauthorized: () => new ApiError(401, "Unauthorized"),
  notFound: () => new ApiError(404, "Not Found"),
  webhookActive: () =>
    new ApiError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    ),
  pollConflict: () =>
    new ApiError(
      409,
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    ),
};
