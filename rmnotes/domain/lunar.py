"""Lunar birthdays (農曆生日): when a birthday kept on the Chinese lunar calendar falls this year.

A birthday kept on the lunar calendar is a lunar month and day, celebrated each lunar year
on a different solar date. It is written one of two ways: ``lunar_birthday: true``, the
lunar anniversary of the solar ``birthday``, or the lunar month-day itself
(``lunar_birthday: 十月十九``), when that is what the client knows. The rule:

- the month and day are the ones written, else the solar birth date's (``lunardate``,
  1900..2099);
- a birthday in a leap month (閏月) is kept in the *ordinary* month of the same number,
  because the leap month itself recurs only every few decades (and most families keep it
  that way);
- day 30 in a year whose month has only 29 days is kept on the 29th, the month's last day;
- the age is counted in lunar years (the occurrence's lunar year minus that of the solar
  birth date); with no birth date there is no age (None).

``lunardate`` is imported only when a conversion is actually computed. :class:`LunarTable`
keeps computed answers in a plain JSON-ready dict so a caller can cache them on disk and
the daily ``rmn due`` does not import it at all.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, MutableMapping, NamedTuple

if TYPE_CHECKING:
    from rmnotes.periods import LunarMonthDay

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


def occurrences(born: date | None, start: date, end: date,
                written: LunarMonthDay | None = None) -> list[tuple[date, int | None]]:
    """``(solar date, age in lunar years)`` of the lunar birthday in [start, end]: the
    ``written`` month-day, else that of ``born``; the age is None without ``born``."""
    birth = lunar_day(born) if born is not None else None
    if written is not None:
        birthday = LunarDay(birth.year if birth else 0, written.month, written.day, written.leap)
    elif birth is not None:
        birthday = birth
    else:
        return []
    out: list[tuple[date, int | None]] = []
    # lunar year Y runs from late January/February of solar Y to early next year
    for year in range(start.year - 1, end.year + 1):
        if birth is not None and year <= birth.year:
            continue
        day = solar_date(birthday, year)
        if day is not None and start <= day <= end:
            out.append((day, year - birth.year if birth is not None else None))
    return out


def in_year(born: date | None, year: int, written: LunarMonthDay | None = None) -> list[tuple[date, int | None]]:
    """The lunar birthday's occurrences within solar ``year`` (zero, one or, rarely, two)."""
    return occurrences(born, date(year, 1, 1), date(year, 12, 31), written)


def table_key(born: date | None, written: LunarMonthDay | None) -> str:
    """What a :class:`LunarTable` files a birthday under: ``1955-12-02`` (the lunar
    anniversary of a birth date), ``10-19`` (a month-day alone) or ``10-19 1955-12-02``."""
    parts = [str(written)] if written is not None else []
    if born is not None:
        parts.append(born.isoformat())
    return " ".join(parts)


class LunarTable:
    """Lunar birthdays answered from ``data`` (JSON-ready: ``{key: {year: [[iso, age]]}}``,
    the key by :func:`table_key`, the age null when unknown), computing and recording what
    is missing. ``changed`` says whether ``data`` grew."""

    def __init__(self, data: MutableMapping[str, Any] | None = None):
        self.data: MutableMapping[str, Any] = data if data is not None else {}
        self.changed = False

    def between(self, born: date | None, start: date, end: date,
                written: LunarMonthDay | None = None) -> list[tuple[date, int | None]]:
        out = []
        for year in range(start.year, end.year + 1):
            for day, age in self._year(born, written, year):
                if start <= day <= end:
                    out.append((day, age))
        return out

    def _year(self, born: date | None, written: LunarMonthDay | None, year: int) -> list[tuple[date, int | None]]:
        key = table_key(born, written)
        per_key = self.data.get(key)
        if not isinstance(per_key, dict):
            per_key = self.data[key] = {}
        rows = per_key.get(str(year))
        if isinstance(rows, list):
            try:
                return [(date.fromisoformat(d), None if age is None else int(age)) for d, age in rows]
            except (TypeError, ValueError):
                pass  # a damaged entry: compute it again
        found = in_year(born, year, written)
        per_key[str(year)] = [[d.isoformat(), age] for d, age in found]
        self.changed = True
        return found
