import type { Catalogue } from "../catalogue.js";

/** 内容规则模块的文字。 */
export const rules = {
  matchTerm: "词语“{rule}”（原文写作“{matched}”）",
  matchPattern: "规则 /{rule}/（匹配到“{matched}”）",
  matchDomain: "链接域名 {rule}",
  card: "⏸ 待审核：上面这条消息，来自 {member}，发在 {chat}。\n类别：{category}；{match}。\n确认则记录一次违规（{points} 分），放行则重新发出。",
  cardConfirmed: "✅ {admin} 已确认违规：{member} 在 {chat} 的消息。类别：{category}。",
  cardReleased: "↩️ {admin} 已放行：{member} 的消息已在 {chat} 重新发出。",
  cardRepostFailed: "⚠️ 重新发出失败；再按一次“放行”重试。",
  cardRepostUnknown: "⚠️ 重新发出这条消息时我重启了：它可能已在群里，也可能缺失。若缺失，请再按一次“放行”。",
  buttonConfirm: "确认违规",
  buttonRelease: "放行",
  alreadyDecided: "这条暂扣的消息已经处理过了。",
  memberHeld: "你在 {chat} 的消息正在等待审核：它触及了本社区关于{category}的规则。管理员会尽快查看。",
  repostAttribution: "{name} 写道（审核后放行）：",
  reasonReleased: "审核后放行（{reason}）",
  memberReleased: "你在 {chat} 的消息已经审核并重新发出（案件 #{case}）。",
  rulesHeader: "{community} 的内容规则。涉及以下类别的消息会被删除或暂扣审核：",
  rulesNone: "{community} 没有设置内容规则。",
  usageRules: "/rules",
  describeRules: "查看社区的内容规则类别",
  nameTerrorism: "恐怖主义",
  nameViolence: "暴力",
  namePornography: "色情",
  nameSlander: "诽谤与谣言",
  nameSpam: "垃圾广告",
} satisfies Catalogue["rules"];
