import { D } from "./errors.js";
import { memberPayload, rolePayload, userPayload } from "./payloads.js";
import { guildOf, id, need, outranks, P, type RouteContext, type RouteTable } from "./route-kit.js";

/** Guild routes: roles, members (timeouts, roles, kicks) and bans, with Discord's permission and hierarchy checks. */

function memberTarget(ctx: RouteContext) {
  const g = guildOf(ctx);
  const member = g.members.get(ctx.params[1] ?? "");
  if (!member) throw D.unknownMember();
  return { g, member };
}

function changeRole(ctx: RouteContext, add: boolean): undefined {
  const { g, member } = memberTarget(ctx);
  const roleId = ctx.params[2] ?? "";
  const role = g.roles.get(roleId);
  if (!role) throw D.unknownRole();
  need(ctx, g, P.ManageRoles);
  if (ctx.state.topPosition(g, ctx.state.bot.id) <= role.position) throw D.missingPermissions();
  if (add && !member.roles.includes(roleId)) member.roles.push(roleId);
  if (!add) member.roles = member.roles.filter((r) => r !== roleId);
  return undefined;
}

export const guildRoutes: RouteTable = [
  [
    "listRoles",
    "GET",
    `/guilds/${id}/roles`,
    (ctx) => [...guildOf(ctx).roles.values()].map((r) => rolePayload(r)),
  ],
  [
    "getMember",
    "GET",
    `/guilds/${id}/members/${id}`,
    (ctx) => memberPayload(ctx.state, memberTarget(ctx).member),
  ],
  [
    "editMember",
    "PATCH",
    `/guilds/${id}/members/${id}`,
    (ctx) => {
      const { g, member } = memberTarget(ctx);
      if ("communication_disabled_until" in ctx.body) {
        need(ctx, g, P.ModerateMembers);
        outranks(ctx, g, member.userId);
        const until = ctx.body["communication_disabled_until"];
        if (typeof until === "string" && Date.parse(until) - Date.now() > 28 * 86_400_000 + 60_000)
          throw D.invalidBody("communication_disabled_until: at most 28 days ahead");
        member.communication_disabled_until = typeof until === "string" ? until : null;
      }
      if (Array.isArray(ctx.body["roles"])) {
        need(ctx, g, P.ManageRoles);
        member.roles = (ctx.body["roles"] as string[]).filter((r) => g.roles.has(r) && r !== g.id);
      }
      if ("nick" in ctx.body) member.nick = (ctx.body["nick"] as string | null) ?? null;
      return memberPayload(ctx.state, member);
    },
  ],
  [
    "kickMember",
    "DELETE",
    `/guilds/${id}/members/${id}`,
    (ctx) => {
      const { g, member } = memberTarget(ctx);
      need(ctx, g, P.KickMembers);
      outranks(ctx, g, member.userId);
      g.members.delete(member.userId);
      return undefined;
    },
  ],
  ["addMemberRole", "PUT", `/guilds/${id}/members/${id}/roles/${id}`, (ctx) => changeRole(ctx, true)],
  ["removeMemberRole", "DELETE", `/guilds/${id}/members/${id}/roles/${id}`, (ctx) => changeRole(ctx, false)],
  [
    "getBan",
    "GET",
    `/guilds/${id}/bans/${id}`,
    (ctx) => {
      const ban = guildOf(ctx).bans.get(ctx.params[1] ?? "");
      const user = ctx.state.users.get(ctx.params[1] ?? "");
      if (!ban || !user) throw D.unknownBan();
      return { user: userPayload(user), reason: ban.reason };
    },
  ],
  [
    "banMember",
    "PUT",
    `/guilds/${id}/bans/${id}`,
    (ctx) => {
      const g = guildOf(ctx);
      const userId = ctx.params[1] ?? "";
      if (!ctx.state.users.has(userId)) throw D.unknownUser();
      need(ctx, g, P.BanMembers);
      if (g.members.has(userId)) outranks(ctx, g, userId);
      const seconds = Number(ctx.body["delete_message_seconds"] ?? 0);
      g.bans.set(userId, { reason: ctx.reason, deleteMessageSeconds: seconds });
      g.members.delete(userId);
      return undefined;
    },
  ],
  [
    "unbanMember",
    "DELETE",
    `/guilds/${id}/bans/${id}`,
    (ctx) => {
      const g = guildOf(ctx);
      need(ctx, g, P.BanMembers);
      if (!g.bans.delete(ctx.params[1] ?? "")) throw D.unknownBan();
      return undefined;
    },
  ],
];
