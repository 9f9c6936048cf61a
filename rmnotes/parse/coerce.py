"""Turn loosely typed YAML values into model fields, reporting what cannot be read.

Wrong *types* are the schema's business (``rmn check`` runs the JSON Schema); these helpers
return None for them quietly, and report only values that look right but are impossible
(a quoted ``"1975-13-01"``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from rmnotes.periods import LunarMonthDay
from rmnotes.parse import yamltree

Report = Callable[[str], None]

_WIKI = re.compile(r"^\s*\[\[([^\]|#]+)(?:[#|][^\]]*)?\]\]\s*$")


def text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, Decimal)):
        return str(value)
    return None


def texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return (str(value),)
    if isinstance(value, list):
        return tuple(t for t in (text(v) for v in value) if t)
    return ()


def day(value: Any, label: str, report: Report) -> date | None:
    if isinstance(value, yamltree.BadDate):
        return None  # reported by the loader, with its line
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        parsed = yamltree.parse_date_text(value)
        if parsed is None and value.strip():
            report(f'{label} "{value}" is not a date (write YYYY-MM-DD)')
        return parsed
    return None


def money(value: Any) -> Decimal | None:
    """An amount: a finite number of reasonable size (:func:`yamltree.number_in_range`);
    ``NaN``, ``Infinity`` and ``1e999999999`` are not amounts."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str) and len(value) <= 4 * yamltree.MAX_DIGITS:
        try:
            number = Decimal(value.replace(",", "").replace("_", "").strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if yamltree.number_in_range(number) else None


def integer(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return None


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_MONTHS = {"正": 1, "元": 1, "冬": 11, "臘": 12, "腊": 12}
_LUNAR_PREFIXES = ("農曆", "农历", "陰曆", "阴历", "舊曆", "旧历")
_DIGITS_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日號号]?$")
_CN_MONTH_DAY = re.compile(r"^(.{1,3}?)月(.{1,3}?)[日號号]?$")


def lunar_birthday(value: Any, report: Report) -> tuple[bool, LunarMonthDay | None]:
    """``lunar_birthday``: ``true`` (the lunar anniversary of the solar ``birthday``) or the
    lunar month and day themselves (``"10-19"``, ``十月十九``, ``閏4-15``). Returns whether
    the birthday is kept on the lunar calendar, and the month-day when written out."""
    if value is True:
        return True, None
    if not isinstance(value, str) or not value.strip():
        return False, None  # false, absent, or another type (the schema's business)
    day = lunar_month_day(value)
    if day is None:
        report(f'lunar_birthday "{value}" is not a lunar month and day: write true (the lunar '
               'anniversary of birthday), or the month and day, e.g. "10-19", 十月十九, 閏4-15')
        return False, None
    return True, day


def lunar_month_day(text: str) -> LunarMonthDay | None:
    """``10-19``, ``10/19``, ``10月19日``, ``十月十九``, ``正月初五``, ``臘月廿三``, with an
    optional 農曆 in front and 閏 for a leap month; None for anything else."""
    t = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    for prefix in _LUNAR_PREFIXES:
        t = t.removeprefix(prefix)
    leap = t[:1] in ("閏", "闰")
    if leap:
        t = t[1:]
    m = _DIGITS_MONTH_DAY.match(t)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
    else:
        m = _CN_MONTH_DAY.match(t)
        if not m:
            return None
        month = _CN_MONTHS.get(m.group(1)) or _cn_number(m.group(1))
        day = _cn_number(m.group(2), allow_chu=True)
        if month is None or day is None:
            return None
    if 1 <= month <= 12 and 1 <= day <= 30:
        return LunarMonthDay(month, day, leap)
    return None


def _cn_number(text: str, allow_chu: bool = False) -> int | None:
    """1..39 in Chinese numerals (十九, 二十, 廿三, 卅), or in digits; 初一..初十 with ``allow_chu``."""
    if allow_chu and text.startswith("初"):
        n = _cn_number(text[1:])
        return n if n is not None and n <= 10 else None
    if text.isascii() and text.isdigit():
        return int(text)
    tens = {"十": 1, "廿": 2, "卅": 3}
    if len(text) == 1:
        return tens[text] * 10 if text in tens else (_CN_DIGITS.get(text) or None)
    if text[0] in tens and len(text) == 2 and text[1] in _CN_DIGITS:
        return tens[text[0]] * 10 + _CN_DIGITS[text[1]]  # 十九, 廿三
    if len(text) in (2, 3) and text[0] in _CN_DIGITS and text[1] == "十":
        rest = text[2:]
        if rest and rest not in _CN_DIGITS:
            return None
        return _CN_DIGITS[text[0]] * 10 + (_CN_DIGITS[rest] if rest else 0)  # 二十, 二十一
    return None


def link(value: Any) -> str | None:
    """A client link: ``lin-shufen``, ``[[lin-shufen]]`` or ``[[lin-shufen|林淑芬]]``."""
    t = text(value)
    if not t:
        return None
    m = _WIKI.match(t)
    if m:
        t = m.group(1)
    t = t.strip()
    if t.endswith(".md"):
        t = t[:-3]
    return t.rsplit("/", 1)[-1] or None


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list:
    return value if isinstance(value, list) else []
