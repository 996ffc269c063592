import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildMatcher } from "../../../src/core/matching/index.js";

// Ordinary sentences with no evasion. Folding must not add matches the naive loop would not find.
const ENGLISH = `
The meeting starts at nine tomorrow morning, so please be on time.
I think we should move the launch to next week because the tests are not done.
Can you send me the photos from the weekend trip?
She said the new cafe near the station makes the best coffee in town.
We are looking for volunteers to help with the community garden this spring.
My brother plays football every Saturday with his friends from school.
The price of the tickets went up again, which is a shame.
Please remember to bring your own water bottle to the hike.
He has been learning to play the guitar for about three years now.
The library will be closed on Monday for the public holiday.
Thanks for the help yesterday, I really appreciate it.
Our team finished the project two days ahead of schedule.
The weather forecast says it will rain all afternoon.
Do you know where I can buy fresh bread around here?
The children were excited to see the animals at the zoo.
I forgot my umbrella at the office again.
Let us meet at the corner of Main Street and Park Avenue.
The book I am reading is about the history of the Roman empire.
If you have any questions, feel free to ask in the group.
The new phone has a much better camera than the old one.
We watched a documentary about whales last night.
Her presentation on climate science was clear and well organised.
Could someone share the link to the shared document?
The train was delayed by twenty minutes because of a signal problem.
I will cook dinner tonight if you do the dishes.
He said he would call back after lunch, but he never did.
The museum has a new exhibition of modern art from Japan.
My favourite season is autumn, when the leaves change colour.
The shop on the corner sells vegetables, fruit and flowers.
Remember to update your password every few months.
The meeting notes are in the folder, under this week.
A good night of sleep makes a big difference.
The movie was longer than I expected, but it was worth it.
We need three more chairs for the party on Friday.
They moved to a small town by the sea last summer.
The teacher asked the students to read chapter five.
I am not sure that is the right answer, let me check.
The bus stop is just across the road from the bank.
This recipe needs two eggs, a cup of milk and some flour.
Please do not post personal information in this chat.
`;

const CHINESE = `
明天早上九点开会，请大家准时到场。
我觉得我们应该把发布推迟到下周，因为测试还没有完成。
你能把周末旅行的照片发给我吗？
她说车站附近新开的咖啡馆是城里最好的。
我们正在寻找志愿者，帮助今年春天的社区花园。
我哥哥每个星期六都和学校的朋友一起踢足球。
票价又涨了，真是太可惜了。
请记得带上自己的水壶去徒步。
他学吉他已经大约三年了。
图书馆星期一因为公共假期闭馆。
谢谢你昨天的帮助，我真的很感激。
我们团队提前两天完成了项目。
天气预报说整个下午都会下雨。
你知道这附近哪里可以买到新鲜面包吗？
孩子们在动物园看到动物非常兴奋。
我又把雨伞忘在办公室了。
我们在主街和公园大道的拐角见面吧。
我正在读的书是关于罗马帝国历史的。
如果有任何问题，欢迎在群里提问。
新手机的摄像头比旧的好多了。
昨天晚上我们看了一部关于鲸鱼的纪录片。
她关于气候科学的报告清楚而且有条理。
有人能分享一下共享文档的链接吗？
因为信号故障，火车晚点了二十分钟。
如果你洗碗，今晚我来做饭。
他说午饭后会回电话，但是一直没有打来。
博物馆有一个来自日本的现代艺术新展览。
我最喜欢的季节是秋天，树叶会变颜色。
拐角的商店卖蔬菜、水果和鲜花。
记得每隔几个月更新一次密码。
会议记录在文件夹里，在本周的目录下。
一夜好觉会带来很大的不同。
这部电影比我想象的长，但是很值得。
星期五的聚会我们还需要三把椅子。
他们去年夏天搬到了海边的一个小镇。
老师让学生们读第五章。
我不确定那是正确答案，让我查一下。
公交车站就在银行的马路对面。
这个菜谱需要两个鸡蛋、一杯牛奶和一些面粉。
请不要在这个聊天里发布个人信息。
`;

// Russian, with many words written only in letters that look Latin (Сор, сахар, Рим, есть, Мы, Вера,
// ТОРТ): they must stay Cyrillic and never hit English terms such as "cop", "caxap" or "top".
const RUSSIAN = `
Сор в комнате надо убрать до прихода гостей.
Мы есть хотим, купи сахар и хлеб по дороге домой.
Рим был построен не за один день.
Встреча переносится на пятницу, в семь часов вечера.
Вера испекла торт, и все попросили добавки.
Кот опять спит на моём рабочем месте.
Сколько стоит кофе в этом кафе?
У меня есть вопрос по новому расписанию поездов.
Море сегодня спокойное, можно выйти на лодке.
Хор репетирует по средам в актовом зале.
Сок и вода стоят в холодильнике на верхней полке.
Оксана сказала, что автобус опаздывает на двадцать минут.
Мы едем к бабушке на выходные, вернёмся в понедельник.
Роса на траве блестела под утренним солнцем.
Рома принёс коробку с новыми книгами для библиотеки.
Сахар кончился, возьми ещё пачку в магазине у дома.
Ехать в аэропорт лучше заранее, на дорогах пробки.
Оса залетела в окно и напугала детей.
Весь отдел работает из дома до конца недели.
Ваша посылка прибыла в пункт выдачи.
Напомните, пожалуйста, адрес ресторана на субботу.
Погода в Москве сегодня тёплая и солнечная.
Дети рисовали морковь, помидоры и огурцы.
Мой брат играет в футбол каждую субботу.
Спасибо за помощь вчера, я очень это ценю.
Наша команда закончила проект на два дня раньше срока.
Библиотека закрыта в понедельник из-за праздника.
Не публикуйте личные данные в этом чате.
Поезд задержался из-за проблемы с сигналом.
В музее новая выставка современного искусства.
Моё любимое время года осень, когда листья меняют цвет.
Нам нужно ещё три стула для вечеринки в пятницу.
Учитель попросил учеников прочитать пятую главу.
Этот рецепт требует два яйца, стакан молока и немного муки.
СРОЧНО: ВСЕ НА СОБРАНИЕ В ТРИ ЧАСА!
ТОРТ ГОТОВ, КОФЕ ТОЖЕ.
Рак на горе свистнет, тогда и поговорим.
Хорошо, что ты пришёл вовремя.
Кора у этого дерева совсем сухая.
Ухо болит уже второй день, запишусь к врачу.
Есть ли у кого-нибудь зарядка для телефона?
Сосед сверху опять делает ремонт, и бой часов не слышно.
Тема собрания: бюджет на следующий год.
`;

const SENTENCES = [
  ...ENGLISH.trim().split("\n"),
  ...CHINESE.trim().split("\n"),
  ...RUSSIAN.trim().split("\n"),
];
// a few hundred lines: the sentences, and pairs of them joined as chat messages
const CORPUS = [
  ...SENTENCES,
  ...SENTENCES.map((s, i) => `${s} ${SENTENCES[(i * 7 + 3) % SENTENCES.length] ?? ""}`),
  ...SENTENCES.map((s, i) => `${SENTENCES[(i * 13 + 5) % SENTENCES.length] ?? ""}\n${s}`),
];

const TERMS = (
  "the and you we he she it is are was at on in to of for with this that not but be my me me me " +
  "an as or if no so do go up us am tea cat ear art arm one two ten sun car bus pen map " +
  "time week book town shop rain game news help link photo chat group price water bread " +
  "meme team main park art ace mod pot ant hat " +
  "我们 你们 他们 明天 今天 下午 星期 朋友 学校 城里 咖啡 天气 火车 图书 会议 电影 公园 " +
  "动物 秋天 面包 手机 信息 问题 项目 照片 新鲜 历史 日本 艺术 的人 是城 天早 到场 我的 一个 " +
  "车站 上九 点开 请大 家准 时到 们应 该把 推迟 因为 帮助 大约 鲸鱼 报告 现代 树叶 蔬菜 " +
  "法轮 轮功 中国 干杯 后来 " +
  // English words that Russian words above would spell if their letters were folded to Latin
  "cop caxap pum ectb mbi bepa topt kot kocpe mope xop cok pak oca yxo kopa pom pa po ok ax cop cox " +
  // Russian words, "мои" and "бои" are one letter (й) away from "мой" and "бой" in the corpus
  "сор сахар рим есть мы торт кофе море хор сок рак оса ухо кора рома вера кот дома мои бои"
)
  .split(/\s+/)
  .filter((t, i, all) => t.length > 0 && all.indexOf(t) === i);

const root = resolve(import.meta.dirname, "../../..");
const SHIPPED_TERMS = readdirSync(resolve(root, "config/terms"))
  .filter((file) => file.endsWith(".txt"))
  .flatMap((file) =>
    readFileSync(resolve(root, "config/terms", file), "utf8")
      .split(/\r?\n/)
      .map((line) => line.replace(/#.*$/, "").trim())
      .filter((line) => line !== ""),
  );

describe("matching a clean corpus", () => {
  it(`finds exactly what the naive lowercase includes loop finds (${CORPUS.length} lines, ${TERMS.length} terms)`, () => {
    expect(CORPUS.length).toBeGreaterThan(200);
    const matcher = buildMatcher(TERMS.map((term, id) => ({ term, id })));
    let naiveHits = 0;
    const differences: string[] = [];
    for (const line of CORPUS) {
      const lower = line.toLowerCase();
      const naive = TERMS.flatMap((t, id) => (lower.includes(t) ? [id] : []));
      naiveHits += naive.length;
      const folded = [...new Set(matcher.find(line).map((m) => m.id))].sort((a, b) => a - b);
      if (folded.join() !== naive.join()) {
        const extra = folded.filter((id) => !naive.includes(id)).map((id) => TERMS[id]);
        const missing = naive.filter((id) => !folded.includes(id)).map((id) => TERMS[id]);
        differences.push(`${JSON.stringify(line)} extra=${extra.join("|")} missing=${missing.join("|")}`);
      }
    }
    expect(naiveHits).toBeGreaterThan(500); // the term list really does hit the corpus
    expect(differences).toEqual([]);
  });

  it("has no hit of the shipped term lists (config/terms) in clean English, Chinese or Russian", () => {
    expect(SHIPPED_TERMS.length).toBeGreaterThan(20);
    const matcher = buildMatcher(SHIPPED_TERMS.map((term, id) => ({ term, id })));
    const hits = CORPUS.flatMap((line) =>
      matcher.find(line).map((m) => `${m.term} in ${JSON.stringify(line)}`),
    );
    expect(hits).toEqual([]);
  });
});
