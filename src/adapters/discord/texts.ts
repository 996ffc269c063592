import { format, type Language, type Params } from "../../core/i18n/translator.js";

/** Texts only the Discord adapter says (the verification form, start-up problems told to admins). */
const en = {
  formTitle: "Verify for {community}",
  fieldName: "Legal name (as on your ID document)",
  fieldId: "ID number",
  fieldPhone: "Phone number (international, e.g. +44 …)",
  roleMissing:
    "The {what} role {role} configured for this server does not exist (any more). Create it, or fix discord.guilds.{guild}.{field} in the config.",
  roleTooHigh:
    "I cannot give or take the {what} role {role}: it sits at or above my own highest role. In Server Settings → Roles, drag my role above it.",
  notInGuild:
    "The bot is not in the configured Discord server {guild}: invite it with the link in docs/discord.md.",
  channelMissing:
    "The verification channel {channel} configured for this server does not exist or I cannot see it: fix discord.guilds.{guild}.verification_channel.",
  verifyHere:
    "New here? Press the button to verify for {community}: a short form opens, only you see the answers.",
  reportMenu: "Report message",
  reportTitle: "Report this message to the admins",
  reportReason: "Reason (optional)",
  reportHowTo:
    "To report a message, right-click it (on a phone: press and hold it), then Apps → Report message. Only the admins see your report.",
  reportGone: "That message is gone (deleted, or I cannot read it): there is nothing to report any more.",
  reportNotMember: "That message was posted by a bot or a webhook, not by a member: tell an admin directly.",
};

export type DiscordTextKey = keyof typeof en;

const zh: Record<DiscordTextKey, string> = {
  formTitle: "{community} 身份验证",
  fieldName: "真实姓名（与证件一致）",
  fieldId: "证件号码",
  fieldPhone: "手机号（国际格式，如 +86 …）",
  roleMissing:
    "本服务器配置的{what}角色 {role} 不存在（或已被删除）。请创建它，或修改配置中的 discord.guilds.{guild}.{field}。",
  roleTooHigh:
    "我无法授予或移除{what}角色 {role}：它不低于我自己的最高角色。请在 服务器设置 → 身份组 中把我的角色拖到它上面。",
  notInGuild: "机器人不在配置的 Discord 服务器 {guild} 中：请用 docs/discord.md 中的链接邀请它。",
  channelMissing:
    "本服务器配置的验证频道 {channel} 不存在或我无权查看：请修改 discord.guilds.{guild}.verification_channel。",
  verifyHere: "新成员？请点击按钮完成 {community} 的身份验证：会弹出一个简短的表单，答案只有你能看到。",
  reportMenu: "举报消息",
  reportTitle: "向管理员举报这条消息",
  reportReason: "原因（可不填）",
  reportHowTo: "要举报一条消息，请右键点击它（手机上长按），然后选择 应用 → 举报消息。举报只有管理员能看到。",
  reportGone: "这条消息已不存在（已删除，或我无权读取），无需再举报。",
  reportNotMember: "这条消息由机器人或 Webhook 发送，不是成员发的：请直接告诉管理员。",
};

/** Every language of the core catalogue has the Discord texts too (the compiler checks it). */
export const discordCatalogue: Record<Language, Record<DiscordTextKey, string>> = { en, zh };

export type DiscordTranslate = (key: DiscordTextKey, params?: Params) => string;

export function discordTexts(language: Language): DiscordTranslate {
  return (key, params) => format(discordCatalogue[language][key], params);
}
