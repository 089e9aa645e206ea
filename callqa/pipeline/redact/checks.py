"""Check digits: the arithmetic that tells a card, an IBAN or a national id from any other
number of the same length."""

from __future__ import annotations

import re

IBAN_LENGTHS = {"GB": 22, "IR": 26, "DE": 22, "FR": 27, "NL": 18, "IE": 22, "ES": 24,
                "IT": 27, "BE": 16, "CH": 21, "AE": 23, "TR": 26, "SA": 24, "AT": 20}
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def plausible_card(digits: str) -> bool:
    """13-19 digits, an issuer's first digit (2-6: Mastercard, Amex, Visa, Discover, JCB,
    UnionPay, Iranian Shetab cards) and a valid Luhn check."""
    return 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn_valid(digits)


def iban_valid(text: str) -> bool:
    """ISO 13616: country, two check digits, the account; mod 97 of the rearranged number
    is 1."""
    code = re.sub(r"[\s-]", "", text).upper()
    if not _IBAN_SHAPE.match(code):
        return False
    length = IBAN_LENGTHS.get(code[:2])
    if length is not None and len(code) != length:
        return False
    rearranged = code[4:] + code[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def iranian_id_valid(digits: str) -> bool:
    """کد ملی: ten digits, the last a check over the first nine."""
    if len(digits) != 10 or len(set(digits)) == 1:
        return False
    total = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    check = int(digits[9])
    return check == total if total < 2 else check == 11 - total


_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"


def chinese_id_valid(code: str) -> bool:
    """居民身份证号码 (GB 11643): 17 digits, then a check character (0-9 or X)."""
    code = code.upper()
    if len(code) != 18 or not code[:17].isdigit():
        return False
    total = sum(int(code[i]) * _CN_WEIGHTS[i] for i in range(17))
    return _CN_CHECK[total % 11] == code[17]


def ssn_shaped(digits: str) -> bool:
    """A US social security number that could be issued (no 000, 666 or 9xx area, no 00
    group, no 0000 serial)."""
    return (len(digits) == 9 and digits[:3] not in ("000", "666") and digits[0] != "9"
            and digits[3:5] != "00" and digits[5:] != "0000")
