import type { ChatPermissions } from "grammy/types";
import { SimulatedWorld } from "../../src/adapters/console/world.js";
import { levelOf } from "../../src/adapters/telegram/permissions.js";
import type { PlatformDecision } from "../../src/core/decisions.js";
import type { AccountKey, ChatKey } from "../../src/core/ids.js";
import type { MessageRef } from "../../src/core/model/content.js";
import { startExecutor } from "../adapters/telegram/executor-support.js";
import { executorContract, type ExecutorWorld } from "./executor.contract.js";

executorContract("console world", async () => {
  const world = new SimulatedWorld();
  const chat = "console:lobby" as ChatKey;
  let n = 0;
  return {
    executor: world,
    chat,
    async member({ privateOpen = true } = {}) {
      const account = `console:member${++n}` as AccountKey;
      if (!privateOpen) world.closedPrivate.add(account);
      return account;
    },
    post: async (author, text) => world.post(chat, author, text).ref,
    async requestJoin(account) {
      world.pendingJoins.add(`${chat}|${account}`);
    },
    async revokeRights() {
      world.withoutRights.add(chat);
    },
    failNext: (kind, code) => world.failNext(kind, { code, retryable: true }),
    visible: async (ref) => world.find(ref.chat, ref.id)?.deleted === false,
    text: async (ref) => world.find(ref.chat, ref.id)?.text,
    level: async (account) => world.levelOf(chat, account),
    banned: async (account) => world.isBanned(chat, account),
    privateTexts: async (account) =>
      world
        .privateMessages(account)
        .filter((m) => m.author === "bot")
        .map((m) => m.text),
    async close() {},
  } satisfies ExecutorWorld;
});

/** The Bot API method that carries out each kind first, for injected failures. */
const METHOD: Partial<Record<PlatformDecision["kind"], string>> = {
  restrict: "restrictChatMember",
  lift: "restrictChatMember",
  send: "sendMessage",
  send_private: "sendMessage",
  post_card: "sendMessage",
  update_card: "editMessageText",
  repost: "sendMessage",
  delete: "deleteMessage",
  ban: "banChatMember",
  unban: "unbanChatMember",
  kick: "banChatMember",
  approve_join: "approveChatJoinRequest",
  decline_join: "declineChatJoinRequest",
};

executorContract("telegram over the fake Bot API", async () => {
  const rig = await startExecutor();
  const { tg, group } = rig;
  const chat = `telegram:${group.id}` as ChatKey;
  const idOf = (account: AccountKey) => Number(account.slice("telegram:".length));
  const stored = (ref: MessageRef) => tg.message(Number(ref.chat.slice("telegram:".length)), Number(ref.id));
  return {
    executor: rig.executor,
    chat,
    async member({ privateOpen = true, inChat = true } = {}) {
      const user = tg.addUser({ first_name: "Member" });
      if (inChat) tg.setMember(group.id, user.id, "member");
      if (privateOpen) tg.userStartsBot(user.id);
      return `telegram:${user.id}` as AccountKey;
    },
    async post(author, text) {
      const m = tg.userSends(group.id, idOf(author), text);
      return { chat, id: String(m.message_id) };
    },
    async requestJoin(account) {
      tg.setMember(group.id, idOf(account), "left");
      tg.userRequestsJoin(group.id, idOf(account));
    },
    async revokeRights() {
      tg.demote(group.id, tg.botUser.id);
    },
    failNext(kind, code) {
      const method = METHOD[kind];
      if (!method) throw new Error(`no Bot API method for ${kind}`);
      tg.failNext(
        method,
        code === "rate_limited"
          ? { error_code: 429, retry_after: 1, description: "Too Many Requests: retry after 1" }
          : { error_code: 502, description: "Bad Gateway" },
      );
    },
    visible: async (ref) => {
      const m = stored(ref);
      return m !== undefined && !m.deleted;
    },
    text: async (ref) => {
      const m = stored(ref)?.message;
      return m?.text ?? m?.caption;
    },
    level: async (account) => {
      const member = tg.member(group.id, idOf(account));
      return member.status === "restricted" ? levelOf(member as unknown as ChatPermissions) : "full";
    },
    banned: async (account) => tg.member(group.id, idOf(account)).status === "kicked",
    privateTexts: async (account) => tg.botMessages(idOf(account)).map((m) => m.message.text ?? ""),
    close: () => rig.close(),
  } satisfies ExecutorWorld;
});
