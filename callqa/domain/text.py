"""Text normalisation shared by phrases, names and transcripts, so that both sides compare equal.

ASR text is often lower case without punctuation, and Persian has several spellings of the same
letters, so matching happens on a normalised form:

- lower case, apostrophes dropped (`can't` -> `cant`, `I'm` -> `im`: ASR writes both ways),
  every other punctuation mark or symbol becomes a space, spaces are collapsed;
- non-speech tags such as `[noise]`, `<unk>`, `[baby]` are removed;
- Unicode NFKD, accents dropped (`josé` -> `jose`; full-width Chinese punctuation and Latin
  letters, Arabic presentation forms);
- Persian: Arabic `ي ى ئ` -> `ی`, Arabic `ك` -> `ک`, `ة ۀ` -> `ه`, `أ إ آ ٱ` -> `ا`, `ؤ` -> `و`,
  diacritics (harakat, superscript alef) and tatweel removed, Persian and Arabic-Indic digits ->
  ASCII; ZWNJ (the half-space) becomes a space and a verb's `می`/`نمی` prefix is split off, so
  that `می‌خواهم`, `میخواهم` and `می خواهم` all read `می خواهم`;
- Chinese: traditional characters are written as their simplified forms (`還有其他問題嗎`
  reads `还有其他问题吗`: Whisper writes either, and phrases are written once), and spaces
  between Chinese characters are removed (matching is by character). The table below holds
  the ~700 traditional characters that differ and occur in everyday speech; both sides of a
  match go through it, so a character it maps onto another word's (著 -> 着) still compares
  equal to itself.

`normalise_many` does the same for a list of texts in one pass (the whole call at once is much
faster than one call per utterance); no step creates or removes a newline, which separates them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fa", "zh")
"""Languages with normalisation, negation cues and a spaCy tokenizer here."""

_NON_SPEECH_TAG = re.compile(r"\[[^\]\n]*\]|<[^>\n]*>")
_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`\u00b4]")
_ASCII_TABLE = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "\n")}
    | dict.fromkeys("'`", None)
)
_RUNS_OF_SPACES = re.compile(r"  +")
_NOT_WORD = re.compile(r"(?:[^\w\n]|_)+")
_PERSIAN_VERB_PREFIX = re.compile(r"(?<!\w)(ن?می)(?=\w\w)")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")

_ZWNJ = "\u200c"
_PERSIAN_LETTERS = {
    "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
    "\u0649": "\u06cc",  # alef maksura -> Persian yeh
    "\u0626": "\u06cc",  # yeh with hamza -> Persian yeh
    "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06c0": "\u0647",  # heh with yeh above -> heh
    "\u0623": "\u0627",  # alef with hamza above -> alef
    "\u0625": "\u0627",  # alef with hamza below -> alef
    "\u0622": "\u0627",  # alef with madda -> alef (ASR and keyboards drop the madda)
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0624": "\u0648",  # waw with hamza -> waw
    _ZWNJ: " ",  # half-space: a word boundary (see the verb prefix rule)
}
_REMOVED = (
    [chr(c) for c in range(0x0300, 0x0370)]  # Latin accents, once decomposed: josé -> jose
    + [chr(c) for c in range(0x064B, 0x0660)]  # harakat, shadda, sukun, hamza and madda marks
    + ["\u0670", "\u0640", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"]
)
_DIGITS = {chr(base + d): str(d) for base in (0x0660, 0x06F0) for d in range(10)}
_TRADITIONAL = (
    "們這個來時為爲說説對會過還麼麽嗎沒關係繫問題請謝電話務幫處辦開號碼帳賬單費錢銀網"
    "絡線機戶資訊歡見聽讓讀寫錄將點兒頭買賣換傳輸發髮現實際應該經歷曆後裡裏與從著長門"
    "間閉體語認識證護權錯誤選擇準備確氣態煩聯繼續紀記計設訂購貨運達遞郵報幾億萬塊圓額"
    "價優質壞斷連蓋導師專業員級組織結構親愛麗華陳黃張劉趙孫楊吳鄭馮韓蔣許葉蕭鄧盧羅鐘"
    "鍾譚龍兩邊麵試驗庫雙總統當難歸隨靜靈憑卻顯寬頻數據遊國簡飛頁熱蘋餘儲層樓區縣鄉鎮"
    "鐵車輛撥轉屬廣東壓鬆緊綁補繳納稅貸債償淨溫濕醫療藥喪禮節遺傷擔憂慮願歲闆別臺颱講"
    "無進誰議論詢詳鎖鍵鏈樂給紅綠約終維頓順須預領類顧風飯館馬騙魚鳥麥齊齒滿漢災烏爭牆"
    "狀獨獲環產畫異盜盡監礙離種稱積穩窮競筆範簽糧練縮績罰義習聖聲職腦舊艱藝蘭蟲術衛裝"
    "製複覺觀規視訴詞譯變讚豐負財責貴賠趕跡躍軟較載輕輪農遠適遲鄰釋針鋪錶閒閱隊階陸陰"
    "陽雖雞雲響頂項顏養餓驚髒鬧黨齡啟啓喚嚴團圖場夠夢奪奮婦媽學寧寶尋屆嶺幣帶廠廢廳強"
    "彈彎徑復徵恆惡慣慶懷戰戲擁擴擾攝敗晉暫曉書條標歐殺決況測濟燈燒營爺牽瑪瓊蘇藍虛襲"
    "課調談諸謀豬貓賽贏踐蹤辭週違鍋險雜飲驅鬥魯鮮龜紙細絕絲緒編緣繩纜聞聰肅脅腳膽臉臨"
    "舉興莊薦蝦襯覽討訓訪診評誠諮謊謹豎貢貼賀賓賴賺贈軍輔輯醜鈔鋼鏡閃閣隱鞏頒頗飽騎鬱"
    "鴻妳於並衝佔佈併僅內冊凍劃劇動勞勢勵協參嘗噸囑圍園壯壽夥奧娛嬰審峽島幹彙徹慘拋掃"
    "掛損搖搶擊擠攜敵斬晝暈棄棟槍樣橋檔檢櫃殘毀匯溝滅漲潔潛澤濃灣煙爐猶獎瑣甦癒盤礎禍"
    "穀竊籃籠純紛緩罷膚艦蒼蓮蘆註銷託瞭衆眾囉喲麪鬍鹽懶懸戀攤敘斃暱櫻歎氾濫瀏燦爛牘獻"
    "瘋癢皺礦禦穌筍糾紐紮絞綜綱綿緝締縫繞繪繡罈羨翹聳脹腎膩臟艙蔥蕩藉蘊蠟衊褲覓詐誇誌"
    "諒諾謎譜譴贊趨踴蹺軌軸輝轟邁鄒醞釀鈴鉤銅鋒錦鍛鎊鑰閘闖陣隸雛霧靂韌頸颳飄餅騷驕鯨"
    "鴨鵝黴齋嚮"
)
_SIMPLIFIED = (
    "们这个来时为为说说对会过还么么吗没关系系问题请谢电话务帮处办开号码账账单费钱银网"
    "络线机户资讯欢见听让读写录将点儿头买卖换传输发发现实际应该经历历后里里与从着长门"
    "间闭体语认识证护权错误选择准备确气态烦联继续纪记计设订购货运达递邮报几亿万块圆额"
    "价优质坏断连盖导师专业员级组织结构亲爱丽华陈黄张刘赵孙杨吴郑冯韩蒋许叶萧邓卢罗钟"
    "钟谭龙两边面试验库双总统当难归随静灵凭却显宽频数据游国简飞页热苹余储层楼区县乡镇"
    "铁车辆拨转属广东压松紧绑补缴纳税贷债偿净温湿医疗药丧礼节遗伤担忧虑愿岁板别台台讲"
    "无进谁议论询详锁键链乐给红绿约终维顿顺须预领类顾风饭馆马骗鱼鸟麦齐齿满汉灾乌争墙"
    "状独获环产画异盗尽监碍离种称积稳穷竞笔范签粮练缩绩罚义习圣声职脑旧艰艺兰虫术卫装"
    "制复觉观规视诉词译变赞丰负财责贵赔赶迹跃软较载轻轮农远适迟邻释针铺表闲阅队阶陆阴"
    "阳虽鸡云响顶项颜养饿惊脏闹党龄启启唤严团图场够梦夺奋妇妈学宁宝寻届岭币带厂废厅强"
    "弹弯径复征恒恶惯庆怀战戏拥扩扰摄败晋暂晓书条标欧杀决况测济灯烧营爷牵玛琼苏蓝虚袭"
    "课调谈诸谋猪猫赛赢践踪辞周违锅险杂饮驱斗鲁鲜龟纸细绝丝绪编缘绳缆闻聪肃胁脚胆脸临"
    "举兴庄荐虾衬览讨训访诊评诚咨谎谨竖贡贴贺宾赖赚赠军辅辑丑钞钢镜闪阁隐巩颁颇饱骑郁"
    "鸿你于并冲占布并仅内册冻划剧动劳势励协参尝吨嘱围园壮寿伙奥娱婴审峡岛干汇彻惨抛扫"
    "挂损摇抢击挤携敌斩昼晕弃栋枪样桥档检柜残毁汇沟灭涨洁潜泽浓湾烟炉犹奖琐苏愈盘础祸"
    "谷窃篮笼纯纷缓罢肤舰苍莲芦注销托了众众啰哟面胡盐懒悬恋摊叙毙昵樱叹泛滥浏灿烂牍献"
    "疯痒皱矿御稣笋纠纽扎绞综纲绵缉缔缝绕绘绣坛羡翘耸胀肾腻脏舱葱荡借蕴蜡蔑裤觅诈夸志"
    "谅诺谜谱谴赞趋踊跷轨轴辉轰迈邹酝酿铃钩铜锋锦锻镑钥闸闯阵隶雏雾雳韧颈刮飘饼骚骄鲸"
    "鸭鹅霉斋向"
)
_TRANSLATION = str.maketrans(
    {**_PERSIAN_LETTERS, **dict.fromkeys(_REMOVED, ""), **_DIGITS}
    | dict(zip(_TRADITIONAL, _SIMPLIFIED, strict=True))
)


def normalise(text: str, language: str) -> str:
    """The matching form of one text (phrase, name or utterance), on one line."""
    return normalise_many([text.replace("\n", " ")], language)[0]


def normalise_many(texts: Sequence[str], language: str) -> list[str]:
    """The matching form of each text; one pass over all of them."""
    if not texts:
        return []
    joined = "\n".join(text.replace("\n", " ") for text in texts)
    if "<" in joined or "[" in joined:
        joined = _NON_SPEECH_TAG.sub(" ", joined)
    if joined.isascii():
        # Most English calls: one translate, rather than regexes that visit every space.
        joined = _RUNS_OF_SPACES.sub(" ", joined.lower().translate(_ASCII_TABLE))
    else:
        joined = unicodedata.normalize("NFKD", joined).translate(_TRANSLATION).casefold()
        joined = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", joined))
        if language == "fa":
            joined = _PERSIAN_VERB_PREFIX.sub(r"\1 ", joined)
        elif language == "zh":
            joined = _SPACE_BETWEEN_CJK.sub("", joined)
    return [part.strip() for part in joined.split("\n")]


UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th"})
"""Languages written without spaces between words: phrases are matched by character."""


def language_of(code: str) -> str:
    """The primary language subtag: `zh-CN` -> `zh`, `EN` -> `en`."""
    return code.strip().lower().split("-")[0].split("_")[0]


def is_spaced(language: str) -> bool:
    """Whether words of `language` (a code such as `en` or `zh-CN`) are separated by spaces."""
    return language_of(language) not in UNSPACED_LANGUAGES


def contains_phrase(text: str, phrase: str, spaced: bool) -> bool:
    """Whether normalised `text` holds normalised `phrase`: as whole words, or by character
    in a language written without spaces."""
    if not spaced:
        return phrase.replace(" ", "") in text.replace(" ", "")
    return f" {phrase} " in f" {text} "


def is_cjk(text: str) -> bool:
    """True when `text` holds Chinese characters (names are then matched by character)."""
    return re.search(f"[{_CJK}]", text) is not None
