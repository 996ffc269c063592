import type { AccountKey, ChatKey } from "../../src/core/ids.js";
import type { MessageRef } from "../../src/core/model/content.js";
import { startDiscord } from "../adapters/discord/support.js";
import { executorContract, type ExecutorWorld } from "./executor.contract.js";

/** The REST route that carries out each kind first, for injected failures. */
const ROUTE: Partial<Record<string, string>> = {
  restrict: "editMember",
  lift: "getMember",
  send: "createMessage",
  send_private: "createDm",
  post_card: "createMessage",
  update_card: "editMessage",
  delete: "deleteMessage",
  ban: "banMember",
  unban: "unbanMember",
  kick: "kickMember",
};

executorContract("discord over the fake Discord", async () => {
  let textOnly = "";
  const rig = await startDiscord({ executor: { restrictionRoles: () => ({ text_only: textOnly }) } });
  const { discord, guild } = rig;
  textOnly = discord.addRole(guild.id, { name: "text only", position: 1 });
  discord.addRole(guild.id, { name: "helper", position: 2 });
  const chat = `discord:${guild.id}/${guild.general}` as ChatKey;
  const idOf = (account: AccountKey) => account.slice("discord:".length);
  const live = (ref: MessageRef) => {
    const m = discord.state.messages.get(ref.id);
    return m && !m.deleted ? m : undefined;
  };
  return {
    executor: rig.executor,
    chat,
    async member({ privateOpen = true, inChat = true } = {}) {
      const user = discord.addUser({ username: "member" });
      if (inChat) discord.addMember(guild.id, user.id);
      if (!privateOpen) discord.closeDms(user.id);
      return `discord:${user.id}` as AccountKey;
    },
    async post(author, text) {
      const m = discord.postMessage(guild.general, idOf(author), text);
      return { chat, id: m.id };
    },
    async requestJoin(account) {
      // Discord has no join requests: the applicant is a member waiting for the member role.
      if (!discord.member(guild.id, idOf(account))) discord.addMember(guild.id, idOf(account));
    },
    async revokeRights() {
      const role = discord.guild(guild.id).roles.get(guild.botRole);
      if (role) role.permissions = "0";
    },
    failNext(kind, code) {
      const route = ROUTE[kind];
      if (!route) throw new Error(`no Discord route for ${kind}`);
      if (code === "rate_limited") discord.failNext(route, { status: 429, retryAfter: 60 });
      // discord.js retries a 5xx three times before it gives up
      else discord.failNext(route, { status: 502, code: 0, message: "Bad Gateway" }, 4);
    },
    visible: async (ref) => live(ref) !== undefined,
    text: async (ref) => live(ref)?.content,
    level: async (account) => {
      const m = discord.member(guild.id, idOf(account));
      if (!m) return "full";
      const until = m.communication_disabled_until;
      if (until && Date.parse(until) > Date.now()) return "read_only";
      return m.roles.includes(textOnly) ? "text_only" : "full";
    },
    banned: async (account) => discord.guild(guild.id).bans.has(idOf(account)),
    privateTexts: async (account) => {
      const dm = discord.dmChannelOf(idOf(account));
      return dm ? discord.messagesIn(dm).map((m) => m.content) : [];
    },
    close: () => rig.close(),
  } satisfies ExecutorWorld;
});
