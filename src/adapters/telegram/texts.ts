import { format, type Language, type Params } from "../../core/i18n/translator.js";

/** Texts only the Telegram adapter says (about Telegram's rights, privacy mode, keyboards). */
const en = {
  missingRights:
    "I need more admin rights in this chat to protect it. Please make me an admin with: {rights}.",
  rightDelete: "Delete messages",
  rightRestrict: "Ban users (also needed to mute)",
  rightInvite: "Invite users via link (needed to accept join requests)",
  privacy:
    "I cannot read every message here: privacy mode is on and I am not an admin. Make me an admin (or turn privacy mode off with @BotFather and add me again).",
  notConfigured:
    'This chat is not part of any community in my configuration, so I will not act here. To protect it, add "{chat}" to a community\'s chats in the config file.',
  shareContactButton: "Share my phone number",
};

export type TelegramTextKey = keyof typeof en;

const zh: Record<TelegramTextKey, string> = {
  missingRights: "我需要更多管理员权限才能保护这个群。请把我设为管理员，并开启：{rights}。",
  rightDelete: "删除消息",
  rightRestrict: "封禁用户（禁言也需要此权限）",
  rightInvite: "通过链接邀请用户（处理入群申请需要此权限）",
  privacy:
    "我无法读取这里的所有消息：隐私模式已开启，而我不是管理员。请把我设为管理员（或通过 @BotFather 关闭隐私模式后重新添加我）。",
  notConfigured:
    '这个群不属于我配置中的任何社区，所以我不会在这里执行任何操作。如需保护它，请在配置文件中把 "{chat}" 加入某个社区的 chats。',
  shareContactButton: "分享我的手机号",
};

/** Every language of the core catalogue has the Telegram texts too (the compiler checks it). */
export const telegramCatalogue: Record<Language, Record<TelegramTextKey, string>> = { en, zh };

export type TelegramTranslate = (key: TelegramTextKey, params?: Params) => string;

export function telegramTexts(language: Language): TelegramTranslate {
  return (key, params) => format(telegramCatalogue[language][key], params);
}
