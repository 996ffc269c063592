/**
 * Errors the fake Discord API answers with: the real HTTP status, JSON error code and message, so
 * code that reads `DiscordAPIError.code` behaves as it would against Discord.
 */
export class DiscordError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "DiscordError";
  }

  toJSON(): Record<string, unknown> {
    return { message: this.message, code: this.code };
  }
}

export const D = {
  unknownChannel: () => new DiscordError(404, 10003, "Unknown Channel"),
  unknownGuild: () => new DiscordError(404, 10004, "Unknown Guild"),
  unknownMember: () => new DiscordError(404, 10007, "Unknown Member"),
  unknownMessage: () => new DiscordError(404, 10008, "Unknown Message"),
  unknownRole: () => new DiscordError(404, 10011, "Unknown Role"),
  unknownUser: () => new DiscordError(404, 10013, "Unknown User"),
  unknownWebhook: () => new DiscordError(404, 10015, "Unknown Webhook"),
  unknownBan: () => new DiscordError(404, 10026, "Unknown Ban"),
  unknownApplication: () => new DiscordError(404, 10002, "Unknown Application"),
  unknownInteraction: () => new DiscordError(404, 10062, "Unknown interaction"),
  missingAccess: () => new DiscordError(403, 50001, "Missing Access"),
  missingPermissions: () => new DiscordError(403, 50013, "Missing Permissions"),
  cannotDm: () => new DiscordError(403, 50007, "Cannot send messages to this user"),
  alreadyAcknowledged: () => new DiscordError(400, 40060, "Interaction has already been acknowledged."),
  invalidBody: (what: string) => new DiscordError(400, 50035, `Invalid Form Body (${what})`),
  notFound: () => new DiscordError(404, 0, "404: Not Found"),
  unauthorized: () => new DiscordError(401, 0, "401: Unauthorized"),
};
