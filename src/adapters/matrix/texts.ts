import { format, type Language, type Params } from "../../core/i18n/translator.js";

/** Texts only the Matrix adapter says (encrypted rooms, reactions as buttons). */
const en = {
  encryptedUnsupported:
    "This room is end-to-end encrypted, and I cannot read or moderate encrypted rooms, so I am leaving. To moderate an encrypted room, run me behind Pantalaimon (an E2EE-aware proxy), or use an unencrypted room.",
  encryptedReport:
    "⚠️ {room} is end-to-end encrypted, and I cannot read or moderate encrypted rooms: I said so there and left it. To moderate it, run me behind Pantalaimon (an E2EE-aware proxy), or use an unencrypted room and update the configuration.",
  react: "React",
  cannotRedactReaction:
    "⚠️ I refused {name}'s {key} on a review card (only admins decide), but I could not remove the reaction: my power level in this room is too low to remove other members' events. Give me the level that \"Remove messages sent by others\" (redact) needs, 50 by default, so refused reactions do not stay on the cards and mislead you.",
  notConfigured:
    'This room is not part of any community in my configuration, so I will not act here. To protect it, add "{chat}" to a community\'s chats in the config file.',
};

export type MatrixTextKey = keyof typeof en;

const zh: Record<MatrixTextKey, string> = {
  encryptedUnsupported:
    "这个房间启用了端到端加密，我无法读取或管理加密房间，因此我将离开。如需管理加密房间，请通过 Pantalaimon（支持端到端加密的代理）运行我，或使用未加密的房间。",
  encryptedReport:
    "⚠️ {room} 启用了端到端加密，我无法读取或管理加密房间：我已在该房间说明情况并离开。如需管理它，请通过 Pantalaimon（支持端到端加密的代理）运行我，或改用未加密的房间并更新配置。",
  react: "回应",
  cannotRedactReaction:
    "⚠️ 我拒绝了 {name} 在审核卡片上的 {key}（只有管理员可以作出决定），但无法移除这个回应：我在这个房间的权限等级太低，不能移除其他成员的事件。请给我“移除他人发送的消息”（redact）所需的等级（默认 50），以免被拒绝的回应留在卡片上误导你们。",
  notConfigured:
    '这个房间不属于我配置中的任何社区，所以我不会在这里执行任何操作。如需保护它，请在配置文件中把 "{chat}" 加入某个社区的 chats。',
};

/** Every language of the core catalogue has the Matrix texts too (the compiler checks it). */
export const matrixCatalogue: Record<Language, Record<MatrixTextKey, string>> = { en, zh };

export type MatrixTranslate = (key: MatrixTextKey, params?: Params) => string;

export function matrixTexts(language: Language): MatrixTranslate {
  return (key, params) => format(matrixCatalogue[language][key], params);
}
