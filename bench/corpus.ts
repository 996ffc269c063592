/**
 * Reproducible benchmark corpus: term lists and chat-like messages from a seeded PRNG.
 *
 * Terms and filler are drawn from disjoint pools, so a message contains a term only where one was
 * inserted on purpose (about 2% of messages): Chinese terms use characters from TERM_HANZI and
 * filler uses FILLER_HANZI; every English term contains one of the letters j, q, x, z and filler
 * words never do. The text carries no evasion (no zero-width characters, no separators between CJK
 * characters, no single-letter words), so the naive loop is a valid reference.
 */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TERM_HANZI =
  "爱安把白百办半包保报北被本比边变表别病不才参草层查产长常场车成城程持出除处传创春词从村达打大代带单但当党导到道得德地点电调定东动都读度断对多儿二发法反方放非分风封服府复改感刚高告革格个给根更工公功共构关观管光广规国果过海汉好合和河黑很红后候湖花华化话环黄回会活火机积基级极即集几己计记技际继加家价间见建将江交教接节结解界今金进近京经精究九酒旧就局举具据决军开看康科可克客空口快况矿困拉来劳老乐类离里理力历立利连联良两量料林领六龙路论轮落马买满毛么美门们米密面民名明命模目拿那男南难内能年农女派判跑配朋片品平破普七期齐其奇起气器千前钱强桥亲青轻清情请秋求区取去权全群然让热人认日容如入三色山商上少社身深神生声省师十石时识实史使始士世市示式事是适收手首受书术树数双水说思死四松送素算虽随岁孙所他台太谈汤特提题体天条铁听通同统头图土团推外完万王往望为委卫位文问我无五午物务西希息习系细下先现线乡相想向象小校笑些写谢心新信星行形性兄修需许选学雪血压牙亚烟言研眼演验阳样要也业叶一医依已以艺议易意因音银应英影";
const FILLER_HANZI =
  "啊吧呢哦嗯哈呀喔嘛咯嘿哎咦噢唉咱俺您怎咋啥谁哪这么些样今早晚昨刚才将曾已经正在就都也还又再很太真挺蛮够最更越较稍略比般忙累饿渴困醒睡吃喝玩逛买卖租借还送拿放找丢捡洗刷擦扫煮炒烤蒸炖泡切剥削补缝织绣画唱跳跑走坐站躺趴蹲爬游飞追赶等盼猜估算数测量称称装拆修换摆挂贴钉绑系捆扔抛接投扛抬搬推拉拖扶牵领陪跟随靠挨碰撞踢踩";
// Syllables for term words: each term contains at least one syllable with j, q, x or z.
const MARK_SYLLABLES = ["ja", "jo", "qu", "xa", "xi", "zo", "za", "ze", "ju", "zi", "ox", "ex", "az", "iz"];
const PLAIN_SYLLABLES = ["ba", "be", "bo", "ca", "co", "da", "de", "di", "fa", "fe", "ga", "go", "ha", "he"]
  .concat(["ka", "ki", "la", "le", "li", "lo", "ma", "me", "mi", "mo", "na", "ne", "ni", "no", "pa"])
  .concat(["pe", "pi", "po", "ra", "re", "ri", "ro", "sa", "se", "si", "so", "ta", "te", "ti", "to"])
  .concat(["va", "ve", "vi", "wa", "we", "ya", "yo", "an", "en", "in", "on", "ar", "er", "or", "st"]);
const FILLER_WORDS = (
  "the and that have for not with you this but his from they say her she will one all would there their what " +
  "out about who get which when make can like time just him know take people into year your good some could " +
  "them see other than then now look only come its over think also back after use two how our work first well " +
  "way even new want because any these give day most us hello thanks please channel group message today " +
  "tomorrow price deal free link check great nice morning evening weekend friend photo video"
).split(" ");

export interface Corpus {
  terms: string[];
  messages: string[];
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

const TERM_CHARS = Array.from(TERM_HANZI);
const TERM_SET = new Set(TERM_CHARS);
// the two pools must not share characters, and filler words must not contain j, q, x or z
const FILLER_CHARS = Array.from(new Set(FILLER_HANZI)).filter((c) => !TERM_SET.has(c));
const FILLER = FILLER_WORDS.filter((w) => !/[jqxz]/u.test(w));

function englishTerm(rand: () => number): string {
  const words = rand() < 0.25 ? 2 : 1;
  const parts: string[] = [];
  for (let w = 0; w < words; w++) {
    const syllables = 2 + Math.floor(rand() * 3);
    const markAt = Math.floor(rand() * syllables);
    let word = "";
    for (let s = 0; s < syllables; s++) word += pick(rand, s === markAt ? MARK_SYLLABLES : PLAIN_SYLLABLES);
    parts.push(word);
  }
  return parts.join(" ");
}

function chineseTerm(rand: () => number): string {
  const len = 2 + Math.floor(rand() * 3);
  let s = "";
  for (let i = 0; i < len; i++) s += pick(rand, TERM_CHARS);
  return s;
}

/** `count` distinct terms, half Chinese (2–4 characters), half English words and short phrases. */
export function makeTerms(count: number, seed: number): string[] {
  const rand = mulberry32(seed);
  const seen = new Set<string>();
  const terms: string[] = [];
  while (terms.length < count) {
    const term = terms.length % 2 === 0 ? chineseTerm(rand) : englishTerm(rand);
    if (seen.has(term)) continue;
    seen.add(term);
    terms.push(term);
  }
  return terms;
}

function fillerEnglish(rand: () => number, chars: number): string {
  const words: string[] = [];
  let len = 0;
  while (len < chars) {
    let w = pick(rand, FILLER);
    if (rand() < 0.1) w = w.charAt(0).toUpperCase() + w.slice(1);
    words.push(w);
    len += w.length + 1;
  }
  return words.join(" ");
}

function fillerChinese(rand: () => number, chars: number): string {
  let s = "";
  for (let i = 0; i < chars; i++) {
    s += pick(rand, FILLER_CHARS);
    if (i > 4 && rand() < 0.08) s += pick(rand, ["，", "。", "！", "？"]);
  }
  return s;
}

/** Messages of 20–200 characters; about `hitRate` of them contain one or two terms. */
export function makeMessages(
  count: number,
  terms: readonly string[],
  seed: number,
  hitRate = 0.02,
): string[] {
  const rand = mulberry32(seed);
  const messages: string[] = [];
  for (let m = 0; m < count; m++) {
    const target = 20 + Math.floor(rand() * 181);
    const style = rand();
    let text: string;
    if (style < 0.4) text = fillerEnglish(rand, target);
    else if (style < 0.8) text = fillerChinese(rand, target);
    else
      text = `${fillerChinese(rand, Math.floor(target / 2))} ${fillerEnglish(rand, Math.ceil(target / 2))}`;
    if (rand() < hitRate) {
      const n = rand() < 0.8 ? 1 : 2;
      for (let h = 0; h < n; h++) {
        const term = pick(rand, terms);
        const chinese = /^[\u4e00-\u9fff]/u.test(term);
        const at = Math.floor(rand() * text.length);
        const space = text.indexOf(" ", at);
        if (style >= 0.4 && style < 0.8) {
          // pure Chinese text: anywhere between two characters
          text = chinese
            ? text.slice(0, at) + term + text.slice(at)
            : `${text.slice(0, at)}，${term}，${text.slice(at)}`;
        } else if (space >= 0) {
          // at a word boundary; a Chinese term gets commas so it never touches another term
          text = `${text.slice(0, space)} ${chinese ? `，${term}，` : term}${text.slice(space)}`;
        } else {
          text = `${text} ${chinese ? `，${term}` : term}`;
        }
      }
    }
    messages.push(text.slice(0, 220));
  }
  return messages;
}
