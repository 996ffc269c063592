import { format, type Language, type Params } from "../../core/i18n/translator.js";

/** Texts only the Matrix adapter says (encrypted rooms, reactions as buttons). */
const en = {
  encryptedUnsupported:
    "This room is end-to-end encrypted, and I cannot read or moderate encrypted rooms, so I am leaving. To moderate an encrypted room, run me behind Pantalaimon (an E2EE-aware proxy), or use an unencrypted room.",
  encryptedReport:
    "⚠️ {room} is end-to-end encrypted, and I cannot read or moderate encrypted rooms: I said so there and left it. To moderate it, run me behind Pantalaimon (an E2EE-aware proxy), or use an unencrypted room and update the configuration.",
  react: "React",
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
  notConfigured:
    '这个房间不属于我配置中的任何社区，所以我不会在这里执行任何操作。如需保护它，请在配置文件中把 "{chat}" 加入某个社区的 chats。',
};

/** Every language of the core catalogue has the Matrix texts too (the compiler checks it). */
export const matrixCatalogue: Record<Language, Record<MatrixTextKey, string>> = { en, zh };

export type MatrixTranslate = (key: MatrixTextKey, params?: Params) => string;

export function matrixTexts(language: Language): MatrixTranslate {
  return (key, params) => format(matrixCatalogue[language][key], params);
}
