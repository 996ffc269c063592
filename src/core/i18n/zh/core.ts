import type { Catalogue } from "../translator.js";

export const core = {
  unknownCommand: "我不认识命令 /{name}。发送 /help 查看我能做什么。",
  usage: "用法：{usage}",
  usageWithDetail: "用法：{usage}（{detail}）",
  privateOnly: "/{name} 只能在与我的私聊中使用，以免你的资料出现在群里。",
  groupOnly: "/{name} 只能在群聊中使用。",
  adminOnly: "/{name} 仅供本社区管理员使用。",
  privateHint: "发送 /help 查看我能做什么。",
  contactUnexpected: "我现在并不需要联系人信息。",
  helpHeader: "命令：",
  usageHelp: "/help",
  describeHelp: "列出你可以使用的命令",
  usageLanguage: "/language <en|zh>",
  describeLanguage: "选择我与你交流的语言",
  languageSet: "从现在起我会用简体中文与你交流。",
  actionFailed: "⚠️ 我无法{action}：{error}。请检查我的管理员权限。",
  notAllowed: "只有本社区的管理员可以这样做。",
} satisfies Catalogue["core"];
