"""Lunar birthdays (農曆生日): when a birthday kept on the Chinese lunar calendar falls this year.

A ``lunar_birthday: true`` client was born on a solar date; that date's lunar month and day
are the birthday, celebrated each lunar year on a different solar date. The rule:

- the birth date is converted to its lunar month and day (``lunardate``, 1900..2099);
- a birthday in a leap month (閏月) is kept in the *ordinary* month of the same number,
  because the leap month itself recurs only every few decades (and most families keep it
  that way);
- day 30 in a year whose month has only 29 days is kept on the 29th, the month's last day;
- the age is counted in lunar years (the occurrence's lunar year minus the birth's).

``lunardate`` is imported only when a conversion is actually computed. :class:`LunarTable`
keeps computed answers in a plain JSON-ready dict so a caller can cache them on disk and
the daily ``rmn due`` does not import it at all.
"""

from __future__ import annotations

from datetime import date
from typing import Any, MutableMapping, NamedTuple

FIRST = date(1900, 1, 31)  # lunar 1900-01-01, the first day lunardate knows
LAST_YEAR = 2099  # the last lunar year lunardate knows


class LunarDay(NamedTuple):
    year: int  # lunar year of the birth
    month: int  # 1..12
    day: int  # 1..30
    leap: bool  # born in a leap month


def lunar_day(born: date) -> LunarDay | None:
    """The lunar date of a solar birth date; None outside 1900-01-31 .. 2099."""
    if born < FIRST:
        return None
    from lunardate import LunarDate

    try:
        d = LunarDate.from_solar_date(born.year, born.month, born.day)
    except ValueError:
        return None
    return LunarDay(d.year, d.month, d.day, bool(d.is_leap_month))


def solar_date(birthday: LunarDay, lunar_year: int) -> date | None:
    """The solar date of ``birthday`` in ``lunar_year``, by the rule in the module docstring."""
    if not 1900 <= lunar_year <= LAST_YEAR:
        return None
    from lunardate import LunarDate

    for day in dict.fromkeys((birthday.day, min(birthday.day, 29))):  # 30 in a short month -> 29
        try:
            return LunarDate(lunar_year, birthday.month, day, False).to_solar_date()
        except ValueError:
            continue
    return None


def occurrences(born: date, start: date, end: date) -> list[tuple[date, int]]:
    """``(solar date, age in lunar years)`` of the lunar birthday of ``born`` in [start, end]."""
    birthday = lunar_day(born)
    if birthday is None:
        return []
    out = []
    # lunar year Y runs from late January/February of solar Y to early next year
    for year in range(start.year - 1, end.year + 1):
        if year <= birthday.year:
            continue
        day = solar_date(birthday, year)
        if day is not None and start <= day <= end:
            out.append((day, year - birthday.year))
    return out


def in_year(born: date, year: int) -> list[tuple[date, int]]:
    """The lunar birthday's occurrences within solar ``year`` (zero, one or, rarely, two)."""
    return occurrences(born, date(year, 1, 1), date(year, 12, 31))


class LunarTable:
    """Lunar birthdays answered from ``data`` (JSON-ready: ``{born: {year: [[iso, age]]}}``),
    computing and recording what is missing. ``changed`` says whether ``data`` grew."""

    def __init__(self, data: MutableMapping[str, Any] | None = None):
        self.data: MutableMapping[str, Any] = data if data is not None else {}
        self.changed = False

    def between(self, born: date, start: date, end: date) -> list[tuple[date, int]]:
        out = []
        for year in range(start.year, end.year + 1):
            for day, age in self._year(born, year):
                if start <= day <= end:
                    out.append((day, age))
        return out

    def _year(self, born: date, year: int) -> list[tuple[date, int]]:
        per_born = self.data.get(born.isoformat())
        if not isinstance(per_born, dict):
            per_born = self.data[born.isoformat()] = {}
        key = str(year)
        rows = per_born.get(key)
        if isinstance(rows, list):
            try:
                return [(date.fromisoformat(d), int(age)) for d, age in rows]
            except (TypeError, ValueError):
                pass  # a damaged entry: compute it again
        found = in_year(born, year)
        per_born[key] = [[d.isoformat(), age] for d, age in found]
        self.changed = True
        return found
