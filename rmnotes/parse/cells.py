"""Spreadsheet cells as people fill them in Excel -> values a client file holds.

Each reader takes what the sheet reader gave for one cell (text, a float, a bool, a date or
datetime) and returns the value, None for an empty cell, or raises :class:`CellError`,
whose message names the field and says what was read (``birthday "1975/13/01" is not a
date``); the caller puts the cell's place in front. Pure: no I/O.
"""

from __future__ import annotations

import math
from functools import lru_cache
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Sequence

from rmnotes.i18n import _
from rmnotes.parse.dates import DateInputError, read_date
from rmnotes.parse.yamltree import number_in_range

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug aside)


class CellError(ValueError):
    """A cell whose value cannot be read as its column's kind of value."""


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: Any) -> str:
    """A cell's value as the user sees it, for messages."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def text(value: Any) -> str | None:
    """Text as written, outer spaces removed; a whole number as its digits (``5``, not ``5.0``)."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return shown(value) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _nfkc(value: str) -> str:
    """Full-width digits, letters and signs as ASCII (１２３ -> 123), outer spaces removed."""
    return unicodedata.normalize("NFKC", value).strip()


_LIST_SEP = re.compile(r"\s*[、,，;；/／\n]\s*")


def texts(value: Any) -> list[str] | None:
    """A list written in one cell: ``高爾夫、紅酒``, ``golf, wine``, one item per line."""
    t = text(value)
    if t is None:
        return None
    return [item for item in _LIST_SEP.split(t) if item]


# a separator of the list, unless it stands inside brackets: 王小明（2008/9/1）、王小華
_MEMBER_SEP = re.compile(r"\s*[、,，;；/／\n](?![^(（]*[)）])\s*")
_BRACKETS = re.compile(r"\s*[(（]\s*([^()（）]*?)\s*[)）]")
# a name, then brackets only: 王小明（2008/9/1）（長子）
_NAME_THEN_BRACKETS = re.compile(r"[^()（）]+(?:\s*[(（][^()（）]*[)）])*\s*")
# a date as a family cell writes a birthday: three numbers as a date is written (1977-02-03,
# 66/2/3, 1977.2.3, 民國66年2月3日), or six to eight digits (19770203, 0660203) when alone
_DATE = r"(?:民國|民国)?\s*\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_DATE_SHAPED = re.compile(_DATE + r"|\d{6,8}")
_DATE_IN_NAME = re.compile(r"(?<!\d)(?:" + _DATE + r"|\d{8})(?!\d)")


def members(value: Any, label: str) -> list[tuple[str, date | None]]:
    """Family members written in one cell (``林淑芬（1977-02-03）、王小明``), each as
    :func:`member` reads it."""
    t = text(value)
    if t is None:
        return []
    return [member(item, label, t) for item in _MEMBER_SEP.split(t) if item]


def member(item: str, label: str, cell: str | None = None) -> tuple[str, date | None]:
    """One family member of a family cell: a name, then its birthday in brackets when the
    sheet gives one (``林淑芬（1977/2/3）``, in any form a date cell takes). Brackets that
    hold no date (an age, a nickname: ``王小華（17歲）``) are part of the name, as written.
    A date that cannot be (``（1977/13/03）``) is an error, and so is anything that would
    make a member of a piece of a date or of two members: a date outside brackets, a bracket
    left open, two dates, a name after the birthday, no name. The errors quote ``cell``, the
    whole cell, when given."""
    def unreadable() -> CellError:
        return CellError(_('{label} "{value}" is not a list of family members as a sheet writes them: each a name, '
                           'its birthday in brackets after it, separated by 、 (林淑芬（1977-02-03）、王小明)').format(
            label=label, value=item if cell is None else cell))

    opened = sum(item.count(b) for b in "(（")
    if opened != sum(item.count(b) for b in ")）") or opened != len(_BRACKETS.findall(item)):
        raise unreadable()
    dated = [m for m in _BRACKETS.finditer(item) if _DATE_SHAPED.fullmatch(_nfkc(m.group(1)))]
    if len(dated) > 1 or (dated and not _NAME_THEN_BRACKETS.fullmatch(item)):
        raise unreadable()
    name, birthday = item, None
    if dated:
        birthday = day(dated[0].group(1), label)
        name = (item[:dated[0].start()] + item[dated[0].end():]).strip()
    if not any(ch.isalpha() for ch in name) or _DATE_IN_NAME.search(_nfkc(name)):
        raise unreadable()
    return name, birthday


def phone(value: Any, label: str, region: str | None = None, mobile: bool = False) -> str | None:
    """A phone number as text. A number cell is its digits; in region TW a mobile of nine
    digits starting with 9 is one whose leading zero Excel dropped (``912345678`` ->
    ``0912345678``). Text, ``+852``/``+86`` forms included, is kept as written."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_('{label} "{value}" is not a phone number').format(label=label, value=value))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_('{label} "{value}" is not a phone number').format(label=label, value=value))
        digits = str(int(value))
    else:
        digits = _nfkc(str(value))
        if not re.fullmatch(r"[+0-9()\-.\s#*ext,;]+", digits, flags=re.IGNORECASE) or not re.search(r"\d", digits):
            raise CellError(_('{label} "{value}" is not a phone number').format(label=label, value=shown(value)))
    if mobile and (region or "").upper() == "TW" and len(digits) == 9 and digits.isdigit() and digits[0] == "9":
        digits = "0" + digits
    return digits


# ---------------------------------------------------------------------- amounts
_UNITS = {"萬": Decimal(10_000), "万": Decimal(10_000), "億": Decimal(100_000_000),
          "亿": Decimal(100_000_000), "千": Decimal(1000), "仟": Decimal(1000), "佰": Decimal(100),
          "百": Decimal(100)}
# currency words and signs as people write them beside an amount
CURRENCY_WORDS: Mapping[str, str] = {
    "NT$": "TWD", "NTD": "TWD", "台幣": "TWD", "臺幣": "TWD", "新台幣": "TWD", "新臺幣": "TWD",
    "US$": "USD", "美元": "USD", "美金": "USD", "HK$": "HKD", "港幣": "HKD", "港币": "HKD",
    "港元": "HKD", "RMB": "CNY", "人民幣": "CNY", "人民币": "CNY", "¥": "CNY", "￥": "CNY",
    "日圓": "JPY", "日元": "JPY", "日幣": "JPY", "歐元": "EUR", "欧元": "EUR", "澳幣": "AUD",
    "澳元": "AUD", "€": "EUR", "£": "GBP", "S$": "SGD", "新加坡幣": "SGD", "$": "",
}
_CODE = re.compile(r"^([A-Za-z]{3})(?=[\d.])|(?<=[\d.萬万億亿千仟佰百])([A-Za-z]{3})$")
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([萬万億亿千仟佰百]*)")


def amount(value: Any, label: str) -> tuple[Decimal, str | None] | None:
    """An amount and the currency written in the cell, if any: ``1,200,000``, ``300萬``,
    ``1.5億``, ``1億2000萬``, ``USD 50,000``, ``50,000 美元``, ``NT$ 3,000``, ``(5,000)``
    is not an amount (liabilities are written positive)."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_('{label} "{value}" is not an amount').format(label=label, value=value))
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_('{label} "{value}" is not an amount').format(label=label, value=value))
        number = Decimal(repr(value))
        return (number.quantize(Decimal(1)) if number == number.to_integral_value() else number), None
    raw = str(value)
    t = _nfkc(raw).replace(",", "").replace("_", "").replace(" ", "")
    currency = None
    for word in sorted(CURRENCY_WORDS, key=len, reverse=True):
        if t.startswith(word) or t.endswith(word):
            currency = CURRENCY_WORDS[word] or None
            t = t[len(word):] if t.startswith(word) else t[: -len(word)]
            break
    m = _CODE.search(t)
    if currency is None and m:
        currency = (m.group(1) or m.group(2)).upper()
        t = (t[: m.start()] + t[m.end():]).strip()
    t = t.removesuffix("元").removesuffix("圓")
    total = _with_units(t)
    if total is None or total < 0 or not number_in_range(total):
        raise CellError(_('{label} "{value}" is not an amount').format(label=label, value=raw.strip()))
    return total, currency


def written_with_unit(value: Any) -> bool:
    """Whether an amount cell says its own unit (``20萬``, ``1.5億``): a unit in the column's
    header (``保額(萬)``) is then not applied a second time."""
    return isinstance(value, str) and any(unit in _UNITS for unit in _nfkc(value))


def _with_units(t: str) -> Decimal | None:
    if not t:
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        pass
    total = Decimal(0)
    pos = 0
    for m in _PART.finditer(t):
        if m.start() != pos:
            return None
        factor = Decimal(1)
        for unit in m.group(2):
            factor *= _UNITS[unit]
        total += Decimal(m.group(1)) * factor
        pos = m.end()
    if pos != len(t) or pos == 0:
        return None
    return total.normalize() if total != total.to_integral_value() else total.quantize(Decimal(1))


# ---------------------------------------------------------------------- dates
def day(value: Any, label: str) -> date | None:
    """A date: an Excel date cell, an Excel serial number (a date cell that lost its
    format), ``19750612`` or ROC ``640612`` / ``0640612`` typed as digits, or text that
    :func:`rmnotes.parse.dates.read_date` reads (``1975/6/12``, ``64/06/12``, ``民國64年6月12日``)."""
    if blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(_('{label} "{value}" is not a date').format(label=label, value=value))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(_('{label} "{value}" is not a date').format(label=label, value=shown(value)))
        n = int(value)
        if 1 <= n < 100_000:  # an Excel serial: 1900-01-01 .. 2173
            return EXCEL_EPOCH + timedelta(days=n)
        try:  # 19750612, or ROC 640612 typed as a number
            return day(str(n), label)
        except CellError:
            raise CellError(_('{label} "{value}" is not a date').format(label=label, value=n)) from None
    t = _nfkc(str(value))
    if t.isdigit() and len(t) == 6:  # 640612: a ROC date (YYMMDD) in Taiwan, as 64/06/12
        t = f"{t[:2]}/{t[2:4]}/{t[4:]}"
    if len(re.findall(r"\d+", t)) < 3 and not (t.isdigit() and len(t) in (7, 8)):
        # a cell is a whole date: no month-day alone, no 明天
        raise CellError(_('{label} "{value}" is not a date (write the year too, e.g. 1975-06-12)').format(
            label=label, value=shown(value)))
    try:
        return read_date(t, whole_year=True)
    except DateInputError as exc:
        raise CellError(_('{label} "{value}" is not a date ({why})').format(
            label=label, value=shown(value), why=exc)) from None


# ---------------------------------------------------------------------- words
def key(value: str) -> str:
    """How words are compared: NFKC, lower case, without spaces, dashes and underscores."""
    return re.sub(r"[\s\-_]+", "", _nfkc(value).lower())


def choice(value: Any, label: str, words: Sequence[tuple[str, str]], allowed: Sequence[str],
           shown: Sequence[str] | None = None) -> str | None:
    """One of ``allowed`` (written as itself, any case) or a word for it: ``words`` are
    ``(word, value)`` pairs tried in order, first as the whole cell, then as a part of it
    (``終身壽險`` is life), so more specific words come first. An error lists ``shown``
    (the words the reader knows them by), else ``allowed``."""
    t = text(value)
    if t is None:
        return None
    k = key(t)
    whole, parts = _keyed(tuple(words), tuple(allowed))
    if k in whole:
        return whole[k]
    for word, meant in parts:
        if word in k:
            return meant
    raise CellError(_('{label} "{value}" is not one of: {allowed}').format(
        label=label, value=t, allowed=", ".join(shown or allowed)))


@lru_cache(maxsize=64)
def _keyed(words: tuple[tuple[str, str], ...], allowed: tuple[str, ...]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A vocabulary as compared: whole cells (the values themselves first), and parts."""
    whole: dict[str, str] = {}
    for item in allowed:
        whole.setdefault(key(item), item)
    for word, meant in words:
        whole.setdefault(key(word), meant)
    return whole, [(key(word), meant) for word, meant in words]


_RISK = re.compile(r"^(?:rr|r|c|kyc)?([1-5])(?:級|级|型)?$")


def risk(value: Any, label: str, words: Sequence[tuple[str, int]]) -> int | None:
    """A risk level 1..5: ``3``, ``RR3``, ``R3``, ``C3``, or a word (保守型 1, 穩健型 3, 積極型 5)."""
    if blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= int(value) <= 5:
            return int(value)
    else:
        k = key(str(value))
        m = _RISK.match(k)
        if m:
            return int(m.group(1))
        for word, level in words:
            if key(word) == k or key(word) in k:
                return level
    raise CellError(_('{label} "{value}" is not a risk level (1 to 5, RR1..RR5, or 保守型, 穩健型, 積極型)').format(
        label=label, value=shown(value)))


def whole(value: Any, label: str) -> int | None:
    """A whole number: ``20``, ``20年``, ``２０``."""
    if blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    t = _nfkc(str(value)).removesuffix("年").removesuffix("years").removesuffix("yrs").strip()
    if t.isdigit():
        return int(t)
    raise CellError(_('{label} "{value}" is not a whole number').format(label=label, value=shown(value)))


_YES = {"true", "yes", "y", "是", "有", "v", "✓", "✔", "1", "o", "農曆", "农历"}
_NO = {"false", "no", "n", "否", "無", "无", "0", "x", "國曆", "国历"}


def yes_no(value: Any, label: str) -> bool | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    k = key(shown(value))
    if k in _YES:
        return True
    if k in _NO:
        return False
    raise CellError(_('{label} "{value}" is not yes or no').format(label=label, value=shown(value)))
