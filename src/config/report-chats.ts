import type { ConfigProblem } from "./errors.js";
import type { RawConfig } from "./schema.js";

/**
 * A community's review chat shows held posts, their review cards and members' real names (`/whois`); its
 * mod-log chat shows every case with names and reasons. Either one being a chat the bot moderates (of
 * this community or another) would publish all of that to the group, so the loader refuses it.
 */
export function checkReportChats(raw: RawConfig, problems: ConfigProblem[], warnings: ConfigProblem[]) {
  const moderated = new Map<string, { path: string; community: string }>();
  raw.communities.forEach((c, i) =>
    c.chats.forEach((chat, j) => {
      if (!moderated.has(chat.id))
        moderated.set(chat.id, { path: `communities[${i}].chats[${j}]`, community: c.id });
    }),
  );
  raw.communities.forEach((c, i) => {
    const fields = [
      ["review_chat", c.review_chat, "held posts, their review cards and members' real names"],
      ["modlog_chat", c.modlog_chat, "every case with members' names and the reasons"],
    ] as const;
    for (const [field, chat, what] of fields) {
      const group = chat === undefined ? undefined : moderated.get(chat);
      if (!group) continue;
      problems.push({
        path: `communities[${i}].${field}`,
        message:
          `expected a private admins' chat, got ${JSON.stringify(chat)}, which is a moderated chat of community ` +
          `${JSON.stringify(group.community)} (${group.path}): ${what} would appear in a public group`,
      });
    }
    if (c.review_chat !== undefined && c.review_chat === c.modlog_chat)
      warnings.push({
        path: `communities[${i}].modlog_chat`,
        message: `same chat as review_chat (${JSON.stringify(c.review_chat)}): review cards and the audit trail mix in one chat; a separate mod-log chat keeps both readable`,
      });
  });
}
