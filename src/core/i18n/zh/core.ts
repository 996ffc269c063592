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
  // Telegram 适配器
  telegramMissingRights: "我需要更多管理员权限才能保护这个群。请把我设为管理员，并开启：{rights}。",
  telegramRightDelete: "删除消息",
  telegramRightRestrict: "封禁用户（禁言也需要此权限）",
  telegramRightInvite: "通过链接邀请用户（处理入群申请需要此权限）",
  telegramPrivacy:
    "我无法读取这里的所有消息：隐私模式已开启，而我不是管理员。请把我设为管理员（或通过 @BotFather 关闭隐私模式后重新添加我）。",
  telegramNotConfigured:
    '这个群不属于我配置中的任何社区，所以我不会在这里执行任何操作。如需保护它，请在配置文件中把 "{chat}" 加入某个社区的 chats。',
  telegramOpenPrivate: "{name}，我有一条消息要发给你。请点击下面的按钮打开与我的私聊。",
  telegramOpenPrivateButton: "打开私聊",
  telegramSomeone: "你好",
  telegramShareContactButton: "分享我的手机号",
  gateReadOnly:
    "你在 {chat} 的消息已被删除：你目前在那里只能阅读。发送 /mydata 查看原因；如认为有误，可发送 /appeal。",
  gateTextOnly: "你在 {chat} 的消息已被删除：你目前在那里只能发送文字，不能发送链接或媒体。",
  gateRate: "你在 {chat} 的消息已被删除：你目前在那里每小时最多只能发送 {cap} 条消息。",
} satisfies Catalogue["core"];
