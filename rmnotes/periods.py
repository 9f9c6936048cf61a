"""Calendar arithmetic shared by every layer: cadences like ``1m``, month-end-safe addition,
and the lunar month-day a birthday may be written as."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

_PERIOD = re.compile(r"^\s*(\d{1,6})\s*([dwmy])\s*$", re.IGNORECASE)
_MOST = {"d": 36525, "w": 5218, "m": 1200, "y": 100}  # 100 years: past that, dates overflow


@dataclass(frozen=True, slots=True)
class Period:
    """A cadence such as ``3m``: ``count`` units of ``d`` days, ``w`` weeks, ``m`` months or ``y`` years."""

    count: int
    unit: str

    @classmethod
    def parse(cls, text: object) -> Period | None:
        """``"1m"`` -> Period(1, "m"); anything else -> None."""
        if not isinstance(text, str):
            return None
        m = _PERIOD.match(text)
        if not m:
            return None
        count, unit = int(m.group(1)), m.group(2).lower()
        if not 0 < count <= _MOST[unit]:
            return None
        return cls(count, unit)

    def after(self, start: date) -> date:
        return add_period(start, self)

    def before(self, end: date) -> date:
        return add_period(end, Period(-self.count, self.unit))

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


def is_leap(year: int) -> bool:
    """Whether ``year`` has a Feb 29 (the rule of :func:`calendar.isleap`, without
    importing calendar and locale on every command)."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def add_months(start: date, months: int) -> date:
    """Calendar months, clamped to the month's end: Jan 31 + 1 month = Feb 28 (or 29)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    day = min(start.day, days_in_month(year, month))
    return date(year, month, day)


@lru_cache(maxsize=8192)  # a book of 10,000 clients has a few hundred distinct last-contact days
def add_period(start: date, period: Period) -> date:
    if period.unit == "d":
        return start + timedelta(days=period.count)
    if period.unit == "w":
        return start + timedelta(weeks=period.count)
    if period.unit == "m":
        return add_months(start, period.count)
    return add_months(start, 12 * period.count)


def anniversary(born: date, year: int) -> date:
    """The solar anniversary of ``born`` in ``year``; Feb 29 falls on Feb 28 in common years."""
    if born.month == 2 and born.day == 29 and not is_leap(year):
        return date(year, 2, 28)
    return born.replace(year=year)


def holding_period(start: date, end: date) -> str:
    """``2y 6m`` between two dates (whole months), ``0m`` for under a month, ``""`` if end < start."""
    if end < start:
        return ""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    years, months = divmod(months, 12)
    if years and months:
        return f"{years}y {months}m"
    if years:
        return f"{years}y"
    return f"{months}m"


class LunarMonthDay(NamedTuple):
    """A birthday's day of the lunar year, as the client states it (``lunar_birthday: 十月十九``)."""

    month: int  # 1..12
    day: int  # 1..30
    leap: bool = False  # in a leap month (閏月)

    def __str__(self) -> str:
        """``10-19``, or ``閏4-15`` in a leap month: the form :meth:`of_text` reads back."""
        return f"{'閏' if self.leap else ''}{self.month}-{self.day}"

    @classmethod
    def of_text(cls, text: str) -> LunarMonthDay | None:
        """The month-day that :meth:`__str__` wrote; None for any other text."""
        leap = text.startswith("閏")
        month, sep, day = text[1:].partition("-") if leap else text.partition("-")
        if not (sep and month.isascii() and month.isdigit() and day.isascii() and day.isdigit()):
            return None
        m, d = int(month), int(day)
        return cls(m, d, leap) if 1 <= m <= 12 and 1 <= d <= 30 else None
