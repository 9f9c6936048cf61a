"""Holiday and lunar-birthday answers kept in ``.rmnotes/calendar.json``, so that a warm
``rmn due`` imports neither ``holidays`` nor ``lunardate``.

The file holds data only, and none of it is believed before it is checked: a file that is
not JSON, of another version, or with one value of another shape than this module writes
is ignored as a whole and rebuilt. Failing to write it is not an error::

    {"version": 3,
     "holidays": {"TW": {"2026": {"made": "2026-11-28", "days": [["2026-12-25", "行憲紀念日"]]}}},
     "lunar": {"1962-08-15": {"2026": [["2026-09-05", 64]]},
               "10-25": {"2026": [["2026-12-03", null]]}}}

A holiday year may also hold ``"error"`` (the region is unknown); see
:class:`~rmnotes.domain.holidays.HolidayTable` and :class:`~rmnotes.domain.lunar.LunarTable`
for what the entries mean.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from rmnotes.periods import LunarMonthDay

CACHE_FILE = "calendar.json"
CACHE_VERSION = 3  # bump when the holiday or lunar rules change: old entries are dropped


class CalendarCache:
    """The calendar answers of one vault, read on first use and saved by :meth:`save`."""

    def __init__(self, path: Path, clock: date):
        self.path = path
        self.clock = clock  # the real date (not --as-of): it ages holiday entries
        self._data: dict[str, Any] | None = None
        self._holidays = None
        self._lunar = None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            try:
                data = json.loads(self.path.read_bytes())
            except (OSError, ValueError, RecursionError):  # missing, not JSON, nested past reason
                data = None
            if not well_formed(data):
                data = {"version": CACHE_VERSION, "holidays": {}, "lunar": {}}
            self._data = data
        return self._data

    def holidays(self, region: str) -> Callable[[date, date], list[tuple[date, str]]]:
        """``(start, end) -> [(day, name)]`` for ``region``; reads the cache on first use."""

        def between(start: date, end: date) -> list[tuple[date, str]]:
            if self._holidays is None:
                from rmnotes.domain.holidays import HolidayTable

                self._holidays = HolidayTable(region, self.clock, self.data["holidays"])
            return self._holidays.between(start, end)

        return between

    def lunar(self, born: date | None, written: LunarMonthDay | None, start: date,
              end: date) -> list[tuple[date, int | None]]:
        """Lunar birthdays, as :meth:`rmnotes.domain.lunar.LunarTable.between` answers them."""
        if self._lunar is None:
            from rmnotes.domain.lunar import LunarTable

            self._lunar = LunarTable(self.data["lunar"])
        return self._lunar.between(born, start, end, written)

    def problems(self) -> list[str]:
        return list(self._holidays.problems) if self._holidays is not None else []

    def save(self) -> None:
        """Write the file if an answer was added; years before last year are dropped."""
        if not any(t is not None and t.changed for t in (self._holidays, self._lunar)):
            return
        from rmnotes.vault import atomic_write

        oldest = self.clock.year - 1
        for section in ("holidays", "lunar"):
            for per_key in self.data[section].values():
                for year in [y for y in per_key if int(y) < oldest]:
                    del per_key[year]
        try:
            atomic_write(self.path, json.dumps(self.data, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # a cache we cannot write is only slower next time


def well_formed(data: Any) -> bool:
    """Whether ``data`` is a calendar cache of this version, in every value's shape."""
    if type(data) is not dict or data.keys() != {"version", "holidays", "lunar"}:
        return False
    if type(data["version"]) is not int or data["version"] != CACHE_VERSION:
        return False
    return (_per_key_and_year(data["holidays"], _is_text, _is_holiday_year)
            and _per_key_and_year(data["lunar"], _is_lunar_key, _is_lunar_year))


def _per_key_and_year(section: Any, key_ok: Callable[[Any], bool], entry_ok: Callable[[Any], bool]) -> bool:
    """``{key: {"YYYY": entry}}`` with every key and entry as expected."""
    return type(section) is dict and all(
        key_ok(key) and type(years) is dict
        and all(_is_year(year) and entry_ok(entry) for year, entry in years.items())
        for key, years in section.items()
    )


def _is_holiday_year(entry: Any) -> bool:
    """``{"made": day, "days": [[day, name], ...], "error"?: text}``"""
    return (type(entry) is dict and entry.keys() in ({"made", "days"}, {"made", "days", "error"})
            and _is_day(entry["made"]) and _is_text(entry.get("error", ""))
            and _is_rows(entry["days"], _is_text))


def _is_lunar_key(value: Any) -> bool:
    """A key :func:`rmnotes.domain.lunar.table_key` writes: ``1955-12-02``, ``10-19``,
    ``閏4-15 1955-12-02``."""
    if type(value) is not str:
        return False
    from rmnotes.periods import LunarMonthDay

    head, _, born = value.partition(" ")
    if _is_day(head) and not born:
        return True
    written = LunarMonthDay.of_text(head)
    return written is not None and str(written) == head and (not born or _is_day(born))


def _is_lunar_year(entry: Any) -> bool:
    """``[[day, age in lunar years or null], ...]``"""
    return _is_rows(entry, lambda age: type(age) is int or age is None)


def _is_rows(rows: Any, second_ok: Callable[[Any], bool]) -> bool:
    return type(rows) is list and all(
        type(row) is list and len(row) == 2 and _is_day(row[0]) and second_ok(row[1]) for row in rows
    )


def _is_text(value: Any) -> bool:
    return type(value) is str


def _is_year(value: Any) -> bool:
    return type(value) is str and 1 <= len(value) <= 4 and value.isascii() and value.isdigit()


def _is_day(value: Any) -> bool:
    """An ISO date written as :meth:`date.isoformat` writes it (``2026-12-25``)."""
    if type(value) is not str or len(value) != 10:
        return False
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False
