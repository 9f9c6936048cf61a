"""A screen safe to share (``--redact``): the one place that masks phone numbers, emails,
addresses, ID-like numbers and amounts in what rmn prints.

Every view calls it where a sensitive value becomes text: :func:`money` for an amount,
:func:`contact` for a phone, email or address field, :func:`text` for free text (notes,
log lines, follow-ups, search hits, the agenda's details), which may hold any of them, and
:func:`json_value` for a whole JSON answer (``--redact-json``). With masking off (the
default) each returns what it was given.

The switch is set once per run by the root command (:func:`use`), as the interface
language is. Files written for someone (review PDFs and charts, workbooks, calendars,
contact cards) are never masked: their renderers are marked :func:`for_a_file`.
"""

from __future__ import annotations

import contextlib
import functools
import re
from decimal import Decimal
from typing import Any, Callable, Iterator, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

MASK = "•••"

_screen = False
_json = False


def use(screen: bool, json: bool = False) -> None:
    """Mask what is printed (``screen``) and the JSON answers (``json``) from now on."""
    global _screen, _json
    _screen, _json = bool(screen), bool(json)


def active() -> bool:
    return _screen


def json_active() -> bool:
    return _json


@contextlib.contextmanager
def unmasked() -> Iterator[None]:
    """Nothing masked inside (a review PDF is for the client: it shows everything)."""
    global _screen, _json
    saved = _screen, _json
    _screen = _json = False
    try:
        yield
    finally:
        _screen, _json = saved


def for_a_file(render: Callable[P, R]) -> Callable[P, R]:
    """A renderer whose output is a file for someone (a PDF, a workbook, a calendar):
    it runs with nothing masked, whatever the run's switch."""
    @functools.wraps(render)
    def unmasked_render(*args: P.args, **kwargs: P.kwargs) -> R:
        with unmasked():
            return render(*args, **kwargs)

    return unmasked_render


def money(text: str) -> str:
    """An amount as the view formatted it (``3,000,000``, ``300萬``, ``+12,000``)."""
    return MASK if _screen and text not in ("", "?", "—") else text


def contact(value: Any) -> str:
    """A phone number, email or address field, whole."""
    shown = "" if value is None else str(value)
    return MASK if _screen and shown else shown


# ---- free text ---------------------------------------------------------------------

_UNITS = r"(?:[萬万億亿千]+)"  # not k or m: "cadence 3m" is a period
_CURRENCY = r"(?:NT\$|US\$|HK\$|NTD|TWD|USD|HKD|CNY|RMB|EUR|JPY|SGD|[$¥€£])"
_MONEY_WORD = r"(?:元|塊|美元|美金|港幣|港币|港元|人民幣|人民币|台幣|台币|新台幣|新台币|日圓|日元|歐元|欧元)"
_NUMBER = r"\d[\d,]*(?:\.\d+)?"

# compiled on first use: most runs mask nothing (compiling costs ~8 ms of every start)
_PATTERN = "|".join((
    # kept as they are: dates and times are not amounts or phone numbers, nor is a
    # follow-up's number (#1 美元定存: the 1 is what `rmn done` takes)
    r"(?P<keep>\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b"
    r"|\b\d{1,2}/\d{1,2}\b|\b\d{4}\s*年|#\d{1,3}(?![\d,.萬万億亿千]))",
    r"(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
    # ID-like: Taiwan (A123456789), Hong Kong (A123456(7)), mainland (18 digits)
    r"(?P<id>\b[A-Z][12]\d{8}\b|\b[A-Z]{1,2}\d{6}\s*\(?[\dA]\)|\b\d{17}[\dXx]\b)",
    # an address: a road or street, then a number ending in 號 (市政路 100 號, 二段 51 號 3 樓)
    r"(?P<address>[\u4e00-\u9fff]*[路街道巷弄段](?:\s*[\d一二三四五六七八九十]+\s*[段巷弄])*"
    r"\s*\d+(?:-\d+)?\s*[號号](?:\s*\d+\s*[樓楼F])?)",
    # amounts: with a currency, a unit (萬, 億) or a money word, or thousands separators
    rf"(?P<amount>{_CURRENCY}\s*{_NUMBER}(?:\s*{_UNITS})?"
    rf"|{_NUMBER}\s*{_UNITS}\s*{_MONEY_WORD}?|{_NUMBER}\s*{_MONEY_WORD}"
    rf"|{_NUMBER}\s*(?:NTD|TWD|USD|HKD|CNY|RMB|EUR|JPY|SGD)\b"
    # in Chinese numerals: 一千萬, 四萬美元, 兩萬, 一千多萬 (not 萬華, not 千萬不要)
    rf"|[一二三四五六七八九十兩两幾几][零〇一二三四五六七八九十兩两百千]*多?[萬万億亿]多?{_MONEY_WORD}?"
    r"|\b\d{1,3}(?:,\d{3})+(?:\.\d+)?)",
    # phone numbers as people write them: +886 912 345 678, (02) 2700-1234, 0912345678
    r"(?P<phone>\+?\(?\d[\d\s\-()]{5,}\d)",
    r"(?P<digits>\d{5,})",  # account numbers, amounts written plain
))


@functools.cache
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _mask_match(m: re.Match) -> str:
    if m.lastgroup == "keep":
        return m.group(0)
    found = m.group(0)
    if m.lastgroup == "phone":
        if sum(c.isdigit() for c in found) < 7:  # "3 4 5", "(4)": not a phone number
            return re.sub(r"\d{5,}", MASK, found)
        return MASK + found[len(found.rstrip()):]
    return MASK


def text(value: str) -> str:
    """Free text with every phone number, email, address, ID-like number and amount in it
    masked; dates and times stay."""
    return _masked_text(value) if _screen else value


def _masked_text(value: str) -> str:
    return _compiled(_PATTERN).sub(_mask_match, value) if value else value


# ---- JSON --------------------------------------------------------------------------

CONTACT_KEYS = frozenset({"mobile", "phone", "email", "address"})
# numbers under these keys (and anything nested in them) are amounts
AMOUNT_KEYS = (
    r"^(?:value|value_base|sum_assured|\w*sums|premium\w*|income|assets|liabilities|net_worth"
    r"|aum\w*|elsewhere|total\w*|previous|change|dormant_assets|amount|review|single\w*)$")
# numbers that are never amounts, wherever they are
PLAIN_KEYS = frozenset({
    "risk", "risk_profile", "profile", "count", "rank", "days", "children", "term_years",
    "share", "cumulative", "weight", "change_pct", "line", "number", "top80", "overdue",
})


def json_value(value: Any, key: str | None = None, in_amount: bool = False) -> Any:
    """A JSON answer (plain values, dicts and lists) with the same things masked as on the
    screen: contact fields whole, amounts (numbers under an amount key), and free text."""
    if not _json:
        return value
    return _json_value(value, key, in_amount)


def _json_value(value: Any, key: str | None, in_amount: bool) -> Any:
    if isinstance(value, dict):
        inner = in_amount or _amount_key(key)
        return {k: _json_value(v, str(k), inner) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        inner = in_amount or _amount_key(key)
        return [_json_value(v, None, inner) for v in value]
    if key in CONTACT_KEYS and value not in (None, ""):
        return MASK
    if isinstance(value, bool) or value is None or key in PLAIN_KEYS:
        return value
    if isinstance(value, Decimal) or (isinstance(value, (int, float, str)) and _numeric(value)
                                      and (in_amount or _amount_key(key))):
        return MASK
    if isinstance(value, str):
        return _masked_text(value)
    return value


def _amount_key(key: str | None) -> bool:
    return key is not None and _compiled(AMOUNT_KEYS).match(key) is not None


def _numeric(value: Any) -> bool:
    if isinstance(value, (int, float)):
        return True
    return bool(re.fullmatch(r"-?\d+(?:\.\d+)?", value))
