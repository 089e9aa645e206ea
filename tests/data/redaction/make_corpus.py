"""Build the labelled redaction corpus: tests/data/redaction/{en,fa,zh}.jsonl.

    .venv/bin/python tests/data/redaction/make_corpus.py

Each line is one short exchange: {"id", "language", "split", "source", "utterances":
[{"speaker", "text"}], "spans": [{"utterance", "start", "end", "kind"}]}; `kind` is a tag
name (PCI:CARD...) or KEEP (a look-alike that must survive). Hand-written lines come from
hand.py; the rest are generated here from templates with seeded random numbers (valid card,
id and IBAN check digits), said the ways people say them: digits, digit words, pairs
('forty five thirty two'), 'double five', 'oh', Persian and Arabic-Indic digits, Persian
number words, Chinese digits with 幺 and 两. The split is fixed by a hash of the id (30 %
held out), and hand lines written after the rules (the last part of each list) are held out.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 16
GENERATED = {"en": 240, "fa": 240, "zh": 240}
HAND_HELD_OUT = {"en": 50, "fa": 35, "zh": 34}
"""Hand lines from this index on were written after the rules, and are held out."""
KINDS = {"CARD": "PCI:CARD", "CVV": "PCI:CVV", "EXP": "PCI:EXPIRY", "DOB": "PII:DOB",
         "PHONE": "PII:PHONE", "EMAIL": "PII:EMAIL", "IBAN": "PII:IBAN",
         "ACCT": "PII:ACCOUNT", "POST": "PII:POSTCODE", "NID": "PII:NATIONAL_ID",
         "KEEP": "KEEP"}
_MARK = re.compile(r"\{([A-Z]+):([^{}]*)\}")


def parse(markup: str) -> tuple[list[dict[str, str]], list[dict[str, object]]]:
    """Utterances and labelled spans of one markup line."""
    utterances: list[dict[str, str]] = []
    spans: list[dict[str, object]] = []
    for index, part in enumerate(markup.split(" | ")):
        who, _, said = part.partition(": ")
        speaker = {"A": "agent", "C": "customer"}[who.strip()]
        text = ""
        cursor = 0
        for m in _MARK.finditer(said):
            text += said[cursor:m.start()]
            start = len(text)
            text += m.group(2)
            spans.append({"utterance": index, "start": start, "end": len(text),
                          "kind": KINDS[m.group(1)]})
            cursor = m.end()
        text += said[cursor:]
        utterances.append({"speaker": speaker, "text": text})
    return utterances, spans


# -- numbers with valid check digits ---------------------------------------------------------

def luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        candidate = body + check
        total = 0
        for i, c in enumerate(reversed(candidate)):
            d = int(c)
            if i % 2:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return candidate
    raise AssertionError


CARD_PREFIXES = {
    "en": [("4", 16), ("4", 16), ("51", 16), ("53", 16), ("2221", 16), ("37", 15),
           ("6011", 16), ("4", 16)],
    "fa": [("6037", 16), ("6104", 16), ("6219", 16), ("5022", 16), ("6274", 16),
           ("6362", 16), ("6393", 16), ("5892", 16)],
    "zh": [("622202", 19), ("621700", 19), ("6228", 16), ("6222", 16), ("62", 16),
           ("4", 16), ("5", 16)],
}


def card(rng: random.Random, language: str) -> str:
    prefix, length = rng.choice(CARD_PREFIXES[language])
    return luhn_complete(rng, prefix, length)


def iranian_id(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(9))
    total = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return body + str(total if total < 2 else 11 - total)


def chinese_id(rng: random.Random) -> str:
    area = rng.choice(["110105", "310115", "440304", "510107", "320102", "330106"])
    birth = f"{rng.randint(1955, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = area + birth + f"{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(body[i]) * weights[i] for i in range(17)) % 11]


def iban(rng: random.Random, country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{country}{98 - number % 97:02d}{bban}"


def digits(rng: random.Random, n: int, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def groups(number: str, sizes: list[int]) -> list[str]:
    out, i = [], 0
    for size in sizes:
        if i < len(number):
            out.append(number[i:i + size])
            i += size
    if i < len(number):
        out.append(number[i:])
    return out


def card_groups(number: str) -> list[str]:
    if len(number) == 15:
        return groups(number, [4, 6, 5])
    return groups(number, [4, 4, 4, 4, 3])


# -- saying numbers --------------------------------------------------------------------------

EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen"]
EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
           "ninety"]


def en_digit_words(group: str, rng: random.Random, oh: bool) -> str:
    words: list[str] = []
    i = 0
    while i < len(group):
        d = group[i]
        word = ("oh" if oh else "zero") if d == "0" else EN_UNITS[int(d)]
        run = 1
        while i + run < len(group) and group[i + run] == d and run < 3:
            run += 1
        if run >= 2 and rng.random() < 0.6:
            words.append(("double " if run == 2 else "triple ") + word)
            i += run
            continue
        words.append(word)
        i += 1
    return " ".join(words)


def en_pair(pair: str, oh: bool) -> str:
    if len(pair) == 1:
        return EN_UNITS[int(pair)]
    a, b = int(pair[0]), int(pair[1])
    if a == 0:
        return ("oh " if oh else "zero ") + (EN_UNITS[b] if b else ("oh" if oh else "zero"))
    if a == 1:
        return EN_TEENS[b]
    return EN_TENS[a] + (f" {EN_UNITS[b]}" if b else "")


def say_en(number: str, rng: random.Random, parts: list[str] | None = None,
           style: str | None = None) -> str:
    parts = parts or [number]
    style = style or rng.choice(["digits", "digits", "words", "words", "pairs", "dashed",
                                 "plain", "mixed", "spaced"])
    oh = rng.random() < 0.6
    comma = rng.choice([", ", " ", ", "])
    if style == "digits":
        return " ".join(parts)
    if style == "dashed":
        return "-".join(parts)
    if style == "plain":
        return number
    if style == "spaced":
        return comma.join(" ".join(p) for p in parts)
    if style == "words":
        return comma.join(en_digit_words(p, rng, oh) for p in parts)
    if style == "pairs":
        return comma.join(" ".join(en_pair(p[i:i + 2], oh) for i in range(0, len(p), 2))
                          for p in parts)
    return comma.join(p if rng.random() < 0.5 else en_digit_words(p, rng, oh) for p in parts)


FA_UNITS = ["صفر", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه"]
FA_TEENS = ["ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده",
            "نوزده"]
FA_TENS = ["", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"]
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def fa_pair(pair: str) -> str:
    if len(pair) == 1 or pair[0] == "0":
        return " ".join(FA_UNITS[int(c)] for c in pair)
    a, b = int(pair[0]), int(pair[1])
    if a == 1:
        return FA_TEENS[b]
    return FA_TENS[a] + (f" و {FA_UNITS[b]}" if b else "")


def say_fa(number: str, rng: random.Random, parts: list[str] | None = None,
           style: str | None = None) -> str:
    parts = parts or [number]
    style = style or rng.choice(["fa_digits", "fa_digits", "ascii", "words", "words",
                                 "pairs", "arabic", "fa_plain"])
    comma = rng.choice(["، ", " ", "، "])
    if style == "fa_digits":
        return " ".join(parts).translate(FA_DIGITS)
    if style == "fa_plain":
        return number.translate(FA_DIGITS)
    if style == "ascii":
        return " ".join(parts)
    if style == "arabic":
        return " ".join(parts).translate(AR_DIGITS)
    if style == "words":
        return comma.join(" ".join(FA_UNITS[int(c)] for c in p) for p in parts)
    return comma.join("، ".join(fa_pair(p[i:i + 2]) for i in range(0, len(p), 2))
                      for p in parts)


ZH_UNITS = "零一二三四五六七八九"


def say_zh(number: str, rng: random.Random, parts: list[str] | None = None,
           style: str | None = None, yao: bool = False) -> str:
    parts = parts or [number]
    style = style or rng.choice(["chars", "chars", "chars_spaced", "ascii", "ascii_spaced",
                                 "mixed"])

    def chars(p: str) -> str:
        return "".join(("幺" if yao and c == "1" else ZH_UNITS[int(c)]) for c in p)

    if style == "chars":
        return chars(number)
    if style == "chars_spaced":
        return " ".join(chars(p) for p in parts)
    if style == "ascii":
        return number
    if style == "ascii_spaced":
        return " ".join(parts)
    return " ".join(chars(p) if rng.random() < 0.5 else p for p in parts)


SAY: dict[str, Callable[..., str]] = {"en": say_en, "fa": say_fa, "zh": say_zh}

# -- dates -----------------------------------------------------------------------------------

EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
EN_ORD = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
          "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
          "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"]


def en_ordinal(day: int) -> str:
    if day <= 20:
        return EN_ORD[day - 1]
    tens, unit = divmod(day, 10)
    return EN_TENS[tens] + (" " + EN_ORD[unit - 1] if unit else "ieth").replace("yieth",
                                                                              "tieth")


def en_year(year: int, rng: random.Random) -> str:
    if year >= 2000 and rng.random() < 0.5:
        rest = year - 2000
        return "two thousand" + (f" and {say_small_en(rest)}" if rest else "")
    return f"{en_pair(str(year)[:2], True)} {en_pair(str(year)[2:], True)}"


def say_small_en(n: int) -> str:
    return en_pair(f"{n:02d}", True) if n >= 10 else EN_UNITS[n]


def en_dob(rng: random.Random) -> str:
    y, m, d = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
    style = rng.randrange(6)
    if style == 0:
        return f"{d:02d}/{m:02d}/{y}"
    if style == 1:
        return f"the {en_ordinal(d)} of {EN_MONTHS[m - 1]} {en_year(y, rng)}"
    if style == 2:
        return f"{EN_MONTHS[m - 1]} {en_ordinal(d)}, {en_year(y, rng)}"
    if style == 3:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(d % 10 if d not in (11, 12, 13) else 0, "th")
        return f"{d}{suffix} {EN_MONTHS[m - 1]} {y}"
    if style == 4:
        return f"{say_small_en(d)} {say_small_en(m)} {en_pair(str(y)[2:], True)}"
    return f"{d} {EN_MONTHS[m - 1][:3]} {str(y)[2:]}"


def en_expiry(rng: random.Random) -> str:
    m, y = rng.randint(1, 12), rng.randint(25, 31)
    style = rng.randrange(6)
    if style == 0:
        return f"{m:02d}/{y}"
    if style == 1:
        return f"{en_pair(f'{m:02d}', True)} {en_pair(str(y), True)}"
    if style == 2:
        return f"{EN_MONTHS[m - 1]} {en_pair(str(y), True)}"
    if style == 3:
        return f"{EN_MONTHS[m - 1]} 20{y}"
    if style == 4:
        return f"{m:02d}{y}"
    return f"{say_small_en(m)} {en_pair(str(y), True)}"


FA_MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر",
             "دی", "بهمن", "اسفند"]
FA_ORD = ["یکم", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم", "دهم", "یازدهم",
          "دوازدهم", "سیزدهم", "چهاردهم", "پانزدهم", "شانزدهم", "هفدهم", "هجدهم", "نوزدهم",
          "بیستم"]


def fa_number(n: int) -> str:
    if n >= 1000:
        thousands, rest = divmod(n, 1000)
        head = "هزار" if thousands == 1 else f"{fa_number(thousands)} هزار"
        return head + (f" و {fa_number(rest)}" if rest else "")
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        words = ["", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد",
                 "نهصد"][hundreds]
        return words + (f" و {fa_number(rest)}" if rest else "")
    if n >= 20:
        tens, unit = divmod(n, 10)
        return FA_TENS[tens] + (f" و {FA_UNITS[unit]}" if unit else "")
    if n >= 10:
        return FA_TEENS[n - 10]
    return FA_UNITS[n]


def fa_dob(rng: random.Random) -> str:
    y, m, d = rng.randint(1320, 1385), rng.randint(1, 12), rng.randint(1, 29)
    style = rng.randrange(4)
    if style == 0:
        return f"{y}/{m:02d}/{d:02d}".translate(FA_DIGITS)
    if style == 1:
        day = FA_ORD[d - 1] if d <= 20 else fa_number(d) + "م"
        return f"{day} {FA_MONTHS[m - 1]} {fa_number(y)}"
    if style == 2:
        return f"{d} {FA_MONTHS[m - 1]} {str(y)[2:]}".translate(FA_DIGITS)
    return f"{fa_number(d)} {FA_MONTHS[m - 1]} {fa_number(y % 100)}"


def fa_expiry(rng: random.Random) -> str:
    y, m = rng.randint(1403, 1409), rng.randint(1, 12)
    style = rng.randrange(4)
    if style == 0:
        return f"{str(y)[2:]}/{m:02d}".translate(FA_DIGITS)
    if style == 1:
        return f"{y}/{m:02d}".translate(FA_DIGITS)
    if style == 2:
        return f"{FA_MONTHS[m - 1]} {fa_number(y % 100)}"
    return f"{fa_number(y % 100)}، {fa_number(m)}"


def zh_digits(s: str) -> str:
    return "".join(ZH_UNITS[int(c)] for c in s)


def zh_number(n: int) -> str:
    if n < 10:
        return ZH_UNITS[n]
    tens, unit = divmod(n, 10)
    return ("" if tens == 1 else ZH_UNITS[tens]) + "十" + (ZH_UNITS[unit] if unit else "")


def zh_dob(rng: random.Random) -> str:
    y, m, d = rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)
    style = rng.randrange(3)
    if style == 0:
        return f"{y}年{m}月{d}日"
    if style == 1:
        return f"{zh_digits(str(y))}年{zh_number(m)}月{zh_number(d)}号"
    return f"{y}-{m:02d}-{d:02d}"


def zh_expiry(rng: random.Random) -> str:
    m, y = rng.randint(1, 12), rng.randint(25, 31)
    style = rng.randrange(3)
    if style == 0:
        return f"{m:02d}/{y}"
    if style == 1:
        return f"{zh_digits(str(y))}年{zh_number(m)}月"
    return zh_digits(f"{m:02d}{y}")


# -- templates -------------------------------------------------------------------------------

EN_TEMPLATES = {
    "CARD": [
        "C: the card number is {X}", "C: yeah it's {X}", "C: it's a visa, {X}",
        "A: Can I take the long number on the card please? | C: {X}",
        "A: could you read me the card number? | C: sure, it's {X}",
        "C: my debit card number is {X}", "C: OK the card is {X}, that's the credit card",
        "A: what's the sixteen digit number on the front? | C: {X}",
    ],
    "CVV": [
        "A: and the three digits on the back? | C: {X}", "C: the CVV is {X}",
        "C: security code {X}", "A: the security code please | C: it's {X}",
        "C: the code on the back is {X}", "A: And the CVV number? | C: uh {X}",
        "C: CVC {X}, I think",
    ],
    "EXP": [
        "C: it expires {X}", "C: expiry date {X}", "A: and the expiry date? | C: {X}",
        "C: valid until {X}", "A: when does the card expire? | C: {X}",
        "C: the expiration is {X}",
    ],
    "DOB": [
        "C: my date of birth is {X}", "A: can you confirm your date of birth? | C: {X}",
        "C: I was born on {X}", "C: date of birth, {X}", "C: my DOB is {X}",
    ],
    "PHONE": [
        "C: you can call me on {X}", "C: my mobile is {X}", "C: my phone number is {X}",
        "A: what's the best number to reach you on? | C: {X}",
        "C: ring me back on {X}", "A: and a contact number? | C: it's {X}",
        "C: my number is {X}",
    ],
    "EMAIL": ["C: my email is {X}", "C: send it to {X}", "A: and your email address? | C: {X}",
              "C: the email address is {X}"],
    "IBAN": ["C: my IBAN is {X}", "C: the IBAN, {X}", "A: can I have the IBAN? | C: {X}"],
    "ACCT": ["C: my account number is {X}", "C: account number {X}",
             "A: and the account number? | C: {X}", "C: sort code {X}"],
    "POST": ["C: the postcode is {X}", "A: and the postcode? | C: {X}", "C: my zip code is {X}",
             "C: post code {X}"],
    "NID": ["C: my social security number is {X}", "C: national insurance number {X}",
            "A: I'll need your social security number | C: {X}", "C: SSN is {X}"],
}

EN_KEEP = [
    "C: my order number is {K}", "C: the reference is {K}", "C: order {K} never arrived",
    "C: it cost me {K}", "C: I was charged {K} pounds", "C: the bill was {K} dollars",
    "C: I'll be free at {K}", "C: I called at {K} this morning", "C: I've got {K} items here",
    "C: I called on {K} and nobody answered", "C: my ticket number is {K}",
    "C: the tracking number is {K}", "C: extension {K} please", "C: that was {K} minutes ago",
    "C: invoice {K} is wrong", "A: your case number is {K}",
    "C: I've been a customer since {K}", "C: room {K}",
]


def en_secret(kind: str, rng: random.Random) -> str:
    if kind == "CARD":
        number = card(rng, "en")
        return say_en(number, rng, card_groups(number))
    if kind == "CVV":
        code = digits(rng, rng.choice([3, 3, 3, 4]), "0123456789")
        return say_en(code, rng, style=rng.choice(["digits", "words", "words", "spaced"]))
    if kind == "EXP":
        return en_expiry(rng)
    if kind == "DOB":
        return en_dob(rng)
    if kind == "PHONE":
        style = rng.randrange(4)
        if style == 0:  # UK mobile
            number = "07" + digits(rng, 9, "0123456789")
            return say_en(number, rng, [number[:5], number[5:]])
        if style == 1:  # UK landline
            number = "0" + rng.choice(["20", "161", "121", "113"]) + digits(rng, 7)
            number = number[:11]
            return say_en(number, rng, groups(number, [3, 4, 4]))
        if style == 2:  # US
            number = digits(rng, 3, "23456789") + digits(rng, 3, "23456789") + digits(rng, 4)
            return say_en(number, rng, groups(number, [3, 3, 4]))
        number = "7" + digits(rng, 9, "0123456789")
        return ("+44 " if rng.random() < 0.5 else "plus four four ") + say_en(
            number, rng, groups(number, [4, 3, 3]))
    if kind == "EMAIL":
        first = rng.choice(["john", "sarah", "mike", "priya", "tom", "emma", "a", "j"])
        last = rng.choice(["smith", "jones", "patel", "brown", "wilson", "khan"])
        domain = rng.choice(["gmail", "hotmail", "yahoo", "outlook", "btinternet"])
        tld = rng.choice(["com", "co dot uk", "net"])
        if rng.random() < 0.4:
            return f"{first}.{last}@{domain}.{tld.replace(' dot ', '.')}"
        joiner = rng.choice([" dot ", " underscore ", " "])
        tail = rng.choice(["", f" {say_small_en(rng.randint(1, 99))}"])
        return f"{first}{joiner}{last}{tail} at {domain} dot {tld}"
    if kind == "IBAN":
        code = iban(rng, "GB", rng.choice(["WEST", "BUKB", "NWBK", "LOYD"]) + digits(rng, 14))
        spaced = " ".join(code[i:i + 4] for i in range(0, len(code), 4))
        return spaced if rng.random() < 0.7 else code
    if kind == "ACCT":
        if rng.random() < 0.3:
            code = digits(rng, 6, "0123456789")
            return "-".join(groups(code, [2, 2, 2]))
        return say_en(digits(rng, 8), rng)
    if kind == "POST":
        if rng.random() < 0.3:
            return digits(rng, 5)
        area = rng.choice(["SW1A", "M1", "B33", "NW1", "EC1A", "LS6", "G2", "CF10"])
        inward = str(rng.randint(1, 9)) + rng.choice("ABDEFGHJLNPQRSTUWXYZ") + rng.choice(
            "ABDEFGHJLNPQRSTUWXYZ")
        if rng.random() < 0.3:
            spelled = " ".join(EN_UNITS[int(c)] if c.isdigit() else c for c in area + inward)
            return spelled
        return f"{area} {inward}"
    if kind == "NID":
        if rng.random() < 0.5:
            ssn = digits(rng, 3, "12345678") + digits(rng, 2) + digits(rng, 4)
            return rng.choice([f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}", say_en(ssn, rng, groups(
                ssn, [3, 2, 4]), "words")])
        return (rng.choice(["AB", "QQ", "JK", "NE"]) + f" {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)} {rng.randint(10, 99)} " + rng.choice("ABCD"))
    raise ValueError(kind)


def en_keep(rng: random.Random, template: str) -> str:
    if "order" in template or "reference" in template or "ticket" in template or (
            "invoice" in template or "case" in template):
        n = digits(rng, rng.choice([6, 7, 8, 9, 10]))
        return say_en(n, rng, style=rng.choice(["plain", "digits", "words", "pairs"]))
    if "tracking" in template:
        return "1Z " + digits(rng, 3) + " " + "".join(rng.choice("ABCDEF") for _ in range(2)) \
            + digits(rng, 2) + " " + digits(rng, 4)
    if "cost" in template:
        said = f"{say_small_en(rng.randint(11, 99))} {say_small_en(rng.randint(10, 99))}"
        return rng.choice([f"£{rng.randint(5, 400)}.{rng.randint(0, 99):02d}", said])
    if "pounds" in template or "dollars" in template:
        return rng.choice([str(rng.randint(12, 2500)), f"{EN_UNITS[rng.randint(1, 9)]} hundred "
                           f"and {say_small_en(rng.randint(11, 99))}"])
    if " at " in template:
        h, m = rng.randint(1, 12), rng.choice([0, 15, 30, 45])
        said = f"{say_small_en(h)} " + (say_small_en(m) if m else "o'clock")
        return rng.choice([f"{h}:{m:02d}", said])
    if "items" in template or "minutes" in template:
        return rng.choice([str(rng.randint(2, 40)), say_small_en(rng.randint(2, 40))])
    if "called on" in template:
        return rng.choice([f"the {en_ordinal(rng.randint(1, 28))} of "
                           f"{EN_MONTHS[rng.randint(0, 11)]}",
                           f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026"])
    if "extension" in template or "room" in template:
        return digits(rng, rng.choice([3, 4]))
    return str(rng.randint(2005, 2025))


FA_TEMPLATES = {
    "CARD": ["C: شماره کارتم {X} هست", "A: شماره کارت رو بفرمایید | C: {X}",
             "C: کارت بانکیم {X}", "A: شماره شانزده رقمی روی کارت؟ | C: {X}",
             "C: شماره کارت {X}"],
    "CVV": ["C: سی وی وی دو {X}", "A: کد امنیتی کارت رو بفرمایید | C: {X}",
            "C: رمز دوم نمیدم ولی سی وی وی {X} هست", "C: کد سه رقمی پشت کارت {X}",
            "A: cvv2 لطفا | C: {X}"],
    "EXP": ["C: تاریخ انقضا {X}", "A: تاریخ انقضای کارت؟ | C: {X}", "C: انقضاش {X} هست"],
    "DOB": ["C: تاریخ تولدم {X}", "A: تاریخ تولدتون رو بفرمایید | C: {X}",
            "C: متولد {X} هستم"],
    "PHONE": ["C: شماره موبایلم {X}", "C: شماره تماس {X}", "A: شماره تماستون؟ | C: {X}",
              "C: با این شماره تماس بگیرید {X}", "C: تلفنم {X} هست"],
    "EMAIL": ["C: ایمیلم {X}", "A: ایمیلتون؟ | C: {X}", "C: آدرس ایمیل {X} هست"],
    "IBAN": ["C: شماره شبا {X}", "A: شبا رو بفرمایید | C: {X}"],
    "ACCT": ["C: شماره حسابم {X}", "A: شماره حساب؟ | C: {X}"],
    "POST": ["C: کد پستی {X}", "A: کدپستی رو بفرمایید | C: {X}"],
    "NID": ["C: کد ملیم {X}", "A: کد ملی تون؟ | C: {X}", "C: کد ملی {X} هست"],
}
FA_KEEP = [
    "C: شماره سفارش {K} هست", "C: کد پیگیری {K}", "C: قیمتش {K} تومان بود",
    "C: مبلغ {K} ریال کم شد", "C: ساعت {K} تماس گرفتم", "C: {K} تا سفارش دادم",
    "C: شماره فاکتور {K}", "C: {K} دقیقه پشت خط بودم", "C: از سال {K} مشتری هستم",
    "C: کد رهگیری مرسوله {K} هست",
]


def fa_secret(kind: str, rng: random.Random) -> str:
    if kind == "CARD":
        number = card(rng, "fa")
        return say_fa(number, rng, card_groups(number))
    if kind == "CVV":
        return say_fa(digits(rng, rng.choice([3, 3, 4]), "0123456789"), rng,
                      style=rng.choice(["fa_digits", "words", "words", "ascii"]))
    if kind == "EXP":
        return fa_expiry(rng)
    if kind == "DOB":
        return fa_dob(rng)
    if kind == "PHONE":
        if rng.random() < 0.7:
            number = "09" + rng.choice("0123") + digits(rng, 8, "0123456789")
            return say_fa(number, rng, groups(number, [4, 3, 4]))
        number = "021" + digits(rng, 8)
        return say_fa(number, rng, groups(number, [3, 4, 4]))
    if kind == "EMAIL":
        name = rng.choice(["ali", "reza", "maryam", "sara", "hossein", "neda"])
        family = rng.choice(["ahmadi", "rezaei", "karimi", "hosseini", "mohammadi"])
        if rng.random() < 0.6:
            return f"{name}.{family}@{rng.choice(['gmail.com', 'yahoo.com', 'chmail.ir'])}"
        return f"{name} dot {family} at gmail dot com"
    if kind == "IBAN":
        code = iban(rng, "IR", "0" + digits(rng, 21, "0123456789"))
        if rng.random() < 0.5:
            return " ".join(code[i:i + 4] for i in range(0, len(code), 4))
        return code[2:].translate(FA_DIGITS)
    if kind == "ACCT":
        return say_fa(digits(rng, rng.choice([10, 12, 13])), rng)
    if kind == "POST":
        number = digits(rng, 10)
        return say_fa(number, rng, groups(number, [5, 5]))
    if kind == "NID":
        number = iranian_id(rng)
        return say_fa(number, rng, groups(number, [3, 6, 1]))
    raise ValueError(kind)


def fa_keep(rng: random.Random, template: str) -> str:
    if "سفارش" in template or "پیگیری" in template or "فاکتور" in template or (
            "رهگیری" in template):
        return say_fa(digits(rng, rng.choice([6, 8, 10])), rng,
                      style=rng.choice(["fa_plain", "ascii", "words"]))
    if "قیمت" in template or "مبلغ" in template:
        return rng.choice([str(rng.randint(50, 900) * 1000).translate(FA_DIGITS),
                           fa_number(rng.randint(20, 900)) + " هزار"])
    if "ساعت" in template:
        return rng.choice([f"{rng.randint(1, 12)}:{rng.choice(['00', '30'])}".translate(
            FA_DIGITS), fa_number(rng.randint(1, 12)) + " و نیم"])
    if "سال" in template:
        return str(rng.randint(1385, 1403)).translate(FA_DIGITS)
    return rng.choice([fa_number(rng.randint(2, 30)), str(rng.randint(2, 30)).translate(
        FA_DIGITS)])


ZH_TEMPLATES = {
    "CARD": ["C: 我的卡号是{X}", "A: 请提供一下银行卡号 | C: {X}", "C: 信用卡号{X}",
             "C: 卡号是{X}，麻烦您查一下"],
    "CVV": ["C: 安全码{X}", "A: 卡背面的三位数是多少 | C: {X}", "C: CVV是{X}",
            "A: 请告诉我安全码 | C: {X}"],
    "EXP": ["C: 有效期{X}", "A: 卡的有效期是 | C: {X}", "C: 到期时间是{X}"],
    "DOB": ["C: 我的出生日期是{X}", "A: 请问您的生日 | C: {X}", "C: 出生于{X}"],
    "PHONE": ["C: 我的手机号是{X}", "C: 电话{X}", "A: 您的联系方式 | C: {X}",
              "C: 打我手机{X}就行"],
    "EMAIL": ["C: 我的邮箱是{X}", "A: 您的邮箱地址 | C: {X}"],
    "IBAN": ["C: IBAN是{X}"],
    "ACCT": ["C: 账号是{X}", "A: 请提供您的银行账户 | C: {X}"],
    "POST": ["C: 邮编{X}", "C: 邮政编码是{X}"],
    "NID": ["C: 身份证号是{X}", "A: 请提供身份证号码 | C: {X}"],
}
ZH_KEEP = [
    "C: 订单号是{K}", "C: 快递单号{K}", "C: 价格是{K}元", "C: 一共{K}块钱",
    "C: 我{K}点打过电话", "C: 买了{K}件", "C: 工单编号{K}", "C: 等了{K}分钟",
    "C: 我{K}年就开始用了", "C: 发票号{K}",
]


def zh_secret(kind: str, rng: random.Random) -> str:
    if kind == "CARD":
        number = card(rng, "zh")
        return say_zh(number, rng, card_groups(number))
    if kind == "CVV":
        return say_zh(digits(rng, 3, "0123456789"), rng, style=rng.choice(["chars", "ascii"]))
    if kind == "EXP":
        return zh_expiry(rng)
    if kind == "DOB":
        return zh_dob(rng)
    if kind == "PHONE":
        if rng.random() < 0.75:
            number = "1" + rng.choice("35789") + digits(rng, 9, "0123456789")
            return say_zh(number, rng, groups(number, [3, 4, 4]), yao=rng.random() < 0.7)
        number = rng.choice(["010", "021", "0755"]) + digits(rng, 8)
        return say_zh(number, rng, [number[:-8], number[-8:]], style="ascii_spaced")
    if kind == "EMAIL":
        if rng.random() < 0.5:
            return digits(rng, rng.choice([8, 9, 10])) + "@qq.com"
        name = rng.choice(["zhangwei", "li.na", "wangfang", "liuyang", "chenjie"])
        return rng.choice([f"{name}@163.com", f"{name} 艾特 163 点 com", f"{name}@gmail.com"])
    if kind == "IBAN":
        return iban(rng, "DE", digits(rng, 18, "0123456789"))
    if kind == "ACCT":
        return say_zh(digits(rng, rng.choice([12, 16, 19])), rng, style="ascii")
    if kind == "POST":
        return say_zh(digits(rng, 6), rng, style=rng.choice(["ascii", "chars"]))
    if kind == "NID":
        code = chinese_id(rng)
        if rng.random() < 0.5:
            return code
        return zh_digits(code[:17]) + ("叉" if code[17] == "X" else zh_digits(code[17]))
    raise ValueError(kind)


def zh_keep(rng: random.Random, template: str) -> str:
    if "订单" in template or "单号" in template or "编号" in template or "发票" in template:
        return digits(rng, rng.choice([8, 10, 12, 14]))
    if "价格" in template or "块钱" in template:
        return rng.choice([str(rng.randint(9, 5000)), zh_number(rng.randint(11, 99))])
    if "点" in template:
        return zh_number(rng.randint(1, 12))
    if "年" in template:
        return str(rng.randint(2005, 2024))
    return rng.choice([zh_number(rng.randint(2, 40)), str(rng.randint(2, 40))])


LANGUAGES = {
    "en": (EN_TEMPLATES, EN_KEEP, en_secret, en_keep),
    "fa": (FA_TEMPLATES, FA_KEEP, fa_secret, fa_keep),
    "zh": (ZH_TEMPLATES, ZH_KEEP, zh_secret, zh_keep),
}
KIND_WEIGHTS = {"CARD": 6, "CVV": 5, "EXP": 3, "DOB": 3, "PHONE": 4, "EMAIL": 2, "IBAN": 1,
                "ACCT": 2, "POST": 2, "NID": 2}


def generate(language: str, count: int, rng: random.Random) -> list[str]:
    templates, keeps, secret, keep = LANGUAGES[language]
    kinds = [k for k, w in KIND_WEIGHTS.items() for _ in range(w) if k in templates]
    lines: list[str] = []
    while len(lines) < count:
        roll = rng.random()
        if roll < 0.22:  # a look-alike alone
            template = rng.choice(keeps)
            lines.append(template.replace("{K}", "{KEEP:" + keep(rng, template) + "}"))
            continue
        kind = rng.choice(kinds)
        template = rng.choice(templates[kind])
        line = template.replace("{X}", "{" + kind + ":" + secret(kind, rng) + "}")
        if roll < 0.45:  # with a look-alike in the same call
            extra = rng.choice(keeps)
            line += " | " + extra.replace("{K}", "{KEEP:" + keep(rng, extra) + "}")
        elif roll < 0.55 and kind == "CARD":  # the card, then the codes
            follow = rng.choice(templates["EXP"])
            line += " | " + follow.replace("{X}", "{EXP:" + secret("EXP", rng) + "}")
            follow = rng.choice(templates["CVV"])
            line += " | " + follow.replace("{X}", "{CVV:" + secret("CVV", rng) + "}")
        lines.append(line)
    return lines


def split_of(record_id: str, held_out: bool) -> str:
    if held_out:
        return "heldout"
    digest = hashlib.sha256(record_id.encode()).digest()[0]
    return "heldout" if digest % 10 < 3 else "dev"


def build(language: str) -> list[dict[str, object]]:
    from hand import HAND_EN, HAND_FA, HAND_ZH  # type: ignore[import-not-found]

    hand = {"en": HAND_EN, "fa": HAND_FA, "zh": HAND_ZH}[language]
    rng = random.Random(f"{SEED}-{language}")
    records: list[dict[str, object]] = []
    lines = [("hand", i, line) for i, line in enumerate(hand)] + [
        ("generated", i, line) for i, line in enumerate(generate(language, GENERATED[language],
                                                                 rng))]
    for source, i, line in lines:
        record_id = f"{language}-{source[0]}{i:03d}"
        utterances, spans = parse(line)
        held_out = source == "hand" and i >= HAND_HELD_OUT[language]
        records.append({"id": record_id, "language": language,
                        "split": split_of(record_id, held_out), "source": source,
                        "utterances": utterances, "spans": spans})
    return records


def main() -> None:
    import sys

    sys.path.insert(0, str(HERE))
    for language in LANGUAGES:
        records = build(language)
        with (HERE / f"{language}.jsonl").open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        held = sum(r["split"] == "heldout" for r in records)
        print(f"{language}: {len(records)} records ({held} held out)")


if __name__ == "__main__":
    main()
