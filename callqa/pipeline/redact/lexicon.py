"""What the redactor knows about each language: number words and the cues people say
before a secret ("CVV", "کد امنیتی", "安全码").

Number words read into digits (`callqa.pipeline.redact.numbers`); cues are regular
expressions over the raw text (case-insensitive), each naming the kind of secret that
follows it. A `KEEP` cue announces something that looks like a secret but is not one (an
order number, a price, a time): the number after it survives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """A kind of secret, written into the transcript as its tag: `[PCI:CARD]`."""

    CARD = "PCI:CARD"
    CVV = "PCI:CVV"
    EXPIRY = "PCI:EXPIRY"
    PHONE = "PII:PHONE"
    EMAIL = "PII:EMAIL"
    DOB = "PII:DOB"
    IBAN = "PII:IBAN"
    ACCOUNT = "PII:ACCOUNT"
    POSTCODE = "PII:POSTCODE"
    NATIONAL_ID = "PII:NATIONAL_ID"

    @property
    def tag(self) -> str:
        return f"[{self.value}]"


PCI_KINDS = frozenset({Kind.CARD, Kind.CVV, Kind.EXPIRY})
KEEP = "KEEP"
"""The cue kind of a look-alike: order, reference, ticket numbers, prices, times, counts."""


@dataclass(frozen=True)
class NumberWord:
    """How a word reads as a number. `role`: unit (0-9), teen (10-19), tens (20-90),
    hundreds (a multiple of 100 said as one word), hundred and thousand (multipliers),
    repeat ('double', 'triple'), and (joins parts of one number), weak (a unit only next to
    another number word: 'oh', Persian 'نه' which is also 'no')."""

    role: str
    value: int = 0


def _words(role: str, words: dict[str, int]) -> dict[str, NumberWord]:
    return {w: NumberWord(role, v) for w, v in words.items()}


_EN_UNITS = {"zero": 0, "nought": 0, "naught": 0, "nil": 0, "one": 1, "two": 2,
             "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_EN_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
             "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
            "seventy": 70, "eighty": 80, "ninety": 90}
EN_NUMBERS: dict[str, NumberWord] = {
    **_words("unit", _EN_UNITS), **_words("teen", _EN_TEENS), **_words("tens", _EN_TENS),
    "hundred": NumberWord("hundred", 100), "thousand": NumberWord("thousand", 1000),
    "double": NumberWord("repeat", 2), "triple": NumberWord("repeat", 3),
    "treble": NumberWord("repeat", 3), "and": NumberWord("and"),
    # 'oh' is zero in a digit sequence and a sigh elsewhere; ASR writes 'for' and 'to'
    # for four and two between digits.
    "oh": NumberWord("weak", 0), "o": NumberWord("weak", 0), "for": NumberWord("weak", 4),
    "to": NumberWord("weak", 2), "too": NumberWord("weak", 2),
}

_FA_UNITS = {"صفر": 0, "یک": 1, "یه": 1, "دو": 2, "سه": 3, "چهار": 4, "چار": 4, "پنج": 5,
             "شش": 6, "شیش": 6, "هفت": 7, "هشت": 8}
_FA_TEENS = {"ده": 10, "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15,
             "پونزده": 15, "شانزده": 16, "شونزده": 16, "هفده": 17, "هجده": 18, "هیجده": 18,
             "نوزده": 19}
_FA_TENS = {"بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70,
            "هشتاد": 80, "نود": 90}
_FA_HUNDREDS = {"صد": 100, "یکصد": 100, "دویست": 200, "سیصد": 300, "چهارصد": 400,
                "پانصد": 500, "پونصد": 500, "ششصد": 600, "شیشصد": 600, "هفتصد": 700,
                "هشتصد": 800, "نهصد": 900}
FA_NUMBERS: dict[str, NumberWord] = {
    **_words("unit", _FA_UNITS), **_words("teen", _FA_TEENS), **_words("tens", _FA_TENS),
    **_words("hundreds", _FA_HUNDREDS), "هزار": NumberWord("thousand", 1000),
    "و": NumberWord("and"), "نه": NumberWord("weak", 9),
}

ZH_DIGITS = {"零": 0, "〇": 0, "洞": 0, "一": 1, "幺": 1, "么": 1, "二": 2, "两": 2, "三": 3,
             "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ZH_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
ZH_ID_CHECK_X = frozenset({"x", "X", "叉"})
"""The check character 10 of a Chinese resident id, written X and said 'cha'."""

NUMBER_WORDS: dict[str, dict[str, NumberWord]] = {"en": EN_NUMBERS, "fa": FA_NUMBERS}

FILLERS: dict[str, frozenset[str]] = {
    "en": frozenset({"uh", "um", "umm", "er", "erm", "ah", "hmm", "mm", "slash", "dash",
                     "hyphen", "stroke"}),
    "fa": frozenset({"اِ", "ام", "اوم", "خب"}),
    "zh": frozenset({"呃", "嗯", "额", "啊"}),
}
"""Hesitations and spoken punctuation that do not end a digit sequence ('four five, uh,
three two', 'oh eight slash twenty nine')."""

SEPARATORS = frozenset({",", ".", "-", "–", "—", "/", "،", "，", "、", "。", "‐", "…", "(",
                        ")", " "})
"""Punctuation ASR writes inside a number said in groups ('4532-0151', '4, 5, 3')."""

ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th", "ام", "م", "号", "日", "號"})

EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
FA_ORDINALS = {"اول": 1, "یکم": 1, "دوم": 2, "سوم": 3, "چهارم": 4, "پنجم": 5, "ششم": 6,
               "هفتم": 7, "هشتم": 8, "نهم": 9, "دهم": 10, "یازدهم": 11, "دوازدهم": 12,
               "سیزدهم": 13, "چهاردهم": 14, "پانزدهم": 15, "شانزدهم": 16, "هفدهم": 17,
               "هجدهم": 18, "نوزدهم": 19, "بیستم": 20, "سی‌ام": 30, "سیم": 30}

MONTHS: dict[str, frozenset[str]] = {
    "en": frozenset({
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
        "jul", "aug", "sep", "sept", "oct", "nov", "dec"}),
    "fa": frozenset({
        "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "ابان",
        "آذر", "اذر", "دی", "بهمن", "اسفند", "ژانویه", "فوریه", "مارس", "آوریل", "مه",
        "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر", "ماه", "سال"}),
    "zh": frozenset({"年", "月", "日", "号", "號", "底", "初"}),
}
"""Month names, and words that belong inside a date ('ماه', '年')."""

DATE_GLUE: dict[str, frozenset[str]] = {
    "en": frozenset({"of", "the", "in"}),
    "fa": frozenset(),
    "zh": frozenset(),
}

TLDS = frozenset({"com", "net", "org", "uk", "ir", "cn", "io", "edu", "gov", "co", "info",
                  "biz", "me", "de", "fr", "ca", "au", "us", "ie", "in", "ai", "کام", "نت",
                  "ارگ"})
EMAIL_AT = frozenset({"at", "@", "ات", "اَت", "ادساین", "اتساین", "艾特", "爱特"})
EMAIL_DOT = frozenset({"dot", ".", "دات", "点", "點"})
EMAIL_JOIN = frozenset({"underscore", "dash", "hyphen", "_", "-", "آندرلاین", "خط", "下划线",
                        "杠", "横杠"})
EMAIL_NOT_LOCAL = frozenset({
    "is", "its", "it's", "my", "email", "e-mail", "mail", "address", "the", "me", "it",
    "yes", "yeah", "sure", "ok", "okay", "that", "thats", "send", "to", "on", "and", "or",
    "ایمیل", "ایمیلم", "آدرس", "هست", "است", "من", "邮箱", "是", "我", "的", "电子", "邮件"})


@dataclass(frozen=True)
class Cue:
    kind: str
    """A Kind value, or KEEP."""
    pattern: re.Pattern[str]


def _cue(kind: str, *phrases: str) -> Cue:
    return Cue(kind, re.compile("|".join(phrases), re.IGNORECASE))


def _fa_cue(kind: str, *phrases: str) -> Cue:
    """Persian cues stand as whole words ('تا' is no cue inside 'تاریخ')."""
    return Cue(kind, re.compile(
        rf"(?<![^\W\d_])(?:{'|'.join(phrases)})(?:{_FA_SUFFIXES})?(?![^\W\d_])",
        re.IGNORECASE))


_FA_SUFFIXES = "م|ت|ش|مون|تون|شون|مان|تان|شان|ی|ه|ها|های|ای"
"""Possessive and plural endings: 'تولدتون' (your birth), 'انقضاش' (its expiry)."""


_B = r"(?<![^\W\d_])"  # a word starts here (letters only: '4532cvv' still has a cue)
_E = r"(?![^\W\d_])"

CUES: dict[str, tuple[Cue, ...]] = {
    "en": (
        _cue(Kind.CARD, rf"{_B}(?:card|visa|master ?card|amex|american express|"
             rf"debit|credit|long number)(?: number| no)?{_E}"),
        _cue(Kind.CVV, rf"{_B}(?:cvv2?|cvc2?|cv2|csc|cid|c v v|c v c|c[bdv][bcdv]|"
             rf"see vee (?:vee|see)|see me see|see me(?= \d)|security (?:code|number"
             rf"|digits)|verification (?:code|number)|(?:three|3|four|4) digits?(?: code| "
             rf"number)? (?:on|at|from) the back|(?:digits|number|code) on the back|"
             rf"on the back|(?:last|final) (?:three|3) digits|code on the){_E}"),
        _cue(Kind.EXPIRY, rf"{_B}(?:expiry|expiration|expires?|expiring|exp|valid "
             rf"(?:until|till|thru|through|to)|end date){_E}"),
        _cue(Kind.DOB, rf"{_B}(?:date (?:of|on|a) birth|birth ?date|birthday|born|"
             rf"d\.? ?o\.? ?b\.?|dob){_E}"),
        _cue(Kind.IBAN, rf"{_B}(?:iban|i ban|international bank account){_E}"),
        _cue(Kind.ACCOUNT, rf"{_B}(?:a?c?count (?:number|no|num)|bank account|sort code|"
             rf"routing(?: number)?|acct(?: number| no)?){_E}"),
        _cue(Kind.PHONE, rf"{_B}(?:phone|mobile|cell|telephone|landline|contact number|"
             rf"call me (?:\w+ )?(?:on|at)|reach me (?:on|at)|text me (?:on|at)|"
             rf"number to call|best number|home number|work number|my number|"
             rf"whatsapp){_E}"),
        _cue(Kind.POSTCODE, rf"{_B}(?:post ?code|postal code|zip(?: code)?|zipcode){_E}"),
        _cue(Kind.NATIONAL_ID, rf"{_B}(?:social security(?: number)?|ssn|s s n|social|"
             rf"national insurance(?: number)?|ni number|n i number|national id"
             rf"(?: number)?|passport number|tax id){_E}"),
        _cue(KEEP, rf"{_B}(?:order|ref|reference|ticket|invoice|tracking|confirmation|"
             rf"case (?:number|no|id|reference|ref)|booking|claim|parcel|since|item|items|"
             rf"model|serial|extension|ext|ending "
             rf"(?:in|with)|ends (?:in|with)|last (?:four|4)|price|cost|costs|total|"
             rf"balance|charged|refund|fee|bill|pounds|dollars|euros|"
             rf"quid|bucks|cents|pence|minutes|hours|days|weeks|months|years|o'clock|"
             rf"am|pm|a\.m\.|p\.m\.|room|flat|apartment|suite|floor|aisle|gate|"
             rf"version|plan|package|code word|times|percent|gb|mb)(?: number| no| id)?{_E}"),
    ),
    "fa": (
        _fa_cue(Kind.CARD, r"(?:شماره ?)?کارت(?:م| بانکی| اعتباری)?|شانزده رقم|۱۶ رقم"),
        _fa_cue(Kind.CVV, r"cvv ?2?|سی ?وی ?وی ?(?:۲|2|دو)?|کد امنیتی|رمز دوم|کد سه رقمی|"
             r"سه رقم پشت|(?:کد|رقم)(?:های)? پشت کارت|کد cvv"),
        _fa_cue(Kind.EXPIRY, r"تاریخ انقضا(?:ی|ء)?|انقضا(?:ی|ء)?|تاریخ اعتبار|اعتبار کارت|"
             r"تاریخ انقضای کارت"),
        _fa_cue(Kind.DOB, r"تاریخ تولد|متولد|تولدم|تولد"),
        _fa_cue(Kind.IBAN, r"شبا|شماره شبا|iban|آیبان"),
        _fa_cue(Kind.ACCOUNT, r"شماره حساب|حساب(?:م)?(?: بانکی)?"),
        _fa_cue(Kind.PHONE, r"شماره (?:تماس|تلفن|موبایل|همراه)|تلفن|موبایل(?:م)?|همراه(?:م)?|"
             r"شماره(?:م)? (?:اینه|اینه که)|باهام تماس|زنگ بزنید|تماس بگیرید"),
        _fa_cue(Kind.POSTCODE, r"کد ?پستی|کدپستی"),
        _fa_cue(Kind.NATIONAL_ID, r"کد ?ملی|کدملی|شماره ملی|شماره شناسنامه"),
        _fa_cue(KEEP, r"(?:شماره )?(?:سفارش|پیگیری|رهگیری|فاکتور|قبض|مرسوله|درخواست|تیکت)|"
             r"کد پیگیری|قیمت|مبلغ|تومان|تومن|ریال|هزار تومان|ساعت|دقیقه|روز|ماه پیش|"
             r"عدد|تا|قسط|بسته|طرح|اتاق|طبقه|واحد|پلاک|درصد|گیگ|مگ|بار"),
    ),
    "zh": (
        _cue(Kind.CARD, r"卡号|银行卡|信用卡|借记卡|储蓄卡|卡的号码|卡上的号码|卡片号码"),
        _cue(Kind.CVV, r"CVV2?|CVC|安全码|卡背面|背面的?三位|背后的?三位|校验码|后三位数字"),
        _cue(Kind.EXPIRY, r"有效期(?:至|到)?|到期(?:日|时间)?|过期时间|失效日期"),
        _cue(Kind.DOB, r"出生日期|出生年月|出生于|出生在|生日|出生"),
        _cue(Kind.IBAN, r"IBAN|国际银行账号"),
        _cue(Kind.ACCOUNT, r"账号|帐号|账户号码?|帐户号码?|银行账户|开户账号"),
        _cue(Kind.PHONE, r"电话(?:号码)?|手机(?:号码?)?|联系方式|座机|打我|微信"),
        _cue(Kind.POSTCODE, r"邮编|邮政编码"),
        _cue(Kind.NATIONAL_ID, r"身份证(?:号码?)?|证件号码?|护照号码?"),
        _cue(KEEP, r"订单(?:号|编号)?|单号|快递单|物流|工单|编号|流水号|发票|价格|价钱|"
             r"一共|总共|金额|元|块钱|块|点钟|点半|分钟|小时|天|个月|月份|件|个|张|台|次|"
             r"房间|楼|层|套餐|分机|尾号|最后四位"),
    ),
}

AFTER_KEEP: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"^\s*(?:%|pounds?|dollars?|euros?|quid|bucks|cents?|pence|p\b|"
                     r"minutes?|mins?|hours?|days?|weeks?|months?|years?|items?|times?|"
                     r"o'clock|am\b|pm\b|a\.m\.|p\.m\.|gb|mb|percent|people|calls?|"
                     r"units?|pieces?|boxes|bags|tickets|k\b)", re.IGNORECASE),
    "fa": re.compile(r"^\s*(?:تومان|تومن|ریال|هزار تومان|میلیون|درصد|دقیقه|ساعت|روز|"
                     r"هفته|ماه|سال|تا|عدد|بار|قسط|گیگ|نفر)"),
    "zh": re.compile(r"^\s*(?:元|块|圆|角|毛|分钟|分|点|小时|天|周|个|件|张|台|次|岁|"
                     r"年前|月前|号线|%|％|楼|层|人|G|M)"),
}
"""A number followed by one of these is an amount, a time or a count: it survives."""
BEFORE_KEEP = re.compile(r"[$£€¥￥]\s*$")
