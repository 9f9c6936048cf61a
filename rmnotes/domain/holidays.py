"""Public holidays of the vault's ``region``, for greetings (Chinese New Year, Mid-Autumn, ...).

The dates come from the ``holidays`` package, in the region's own language (春節, 中秋節;
English for SG). Building a year costs about 100 ms, mostly importing the package, so
:class:`HolidayTable` keeps each region's year in a plain JSON-ready dict that the caller
saves in the vault's cache folder; a warm ``rmn due`` reads it instead of importing
``holidays``. An entry is rebuilt after :data:`FRESH_DAYS` days, so an upgraded package or
a newly announced schedule shows up within a month.

A greeting is one row per holiday: days off in lieu ("observed") and swapped working days
(調休) are left out, and a run of consecutive days of the same name (春節 x 3) is one row on
its first day.

The lunar festivals a region keeps (:data:`FESTIVALS`: 除夕, 春節, 元宵, 端午, 中秋, and
重陽 in Hong Kong) are greeted on the festival's own day, from the lunar calendar
(``lunardate``): 除夕 is the last day of the lunar year, whatever days off surround it.
The package's days named for a festival (Taiwan's day off before 除夕, Hong Kong's second
to fourth day of the new year) give way to that one row; every other public holiday,
such as Hong Kong's 中秋節翌日, stays as the package has it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, MutableMapping, NamedTuple

from rmnotes.domain.lunar import FIRST, LAST_YEAR

FRESH_DAYS = 30
EVE = (0, 0)  # the festival on the last day of the lunar year (its 12th month has 29 or 30 days)


class Festival(NamedTuple):
    name: str  # in the region's language
    month: int  # lunar month and day, or EVE
    day: int
    aliases: tuple[str, ...] = ()  # the holidays package's names for the festival's days off


# country -> the lunar festivals greeted there (重陽 only where it is a public holiday)
FESTIVALS: dict[str, tuple[Festival, ...]] = {
    "TW": (Festival("農曆除夕", *EVE, ("農曆除夕",)), Festival("春節", 1, 1, ("春節",)),
           Festival("元宵節", 1, 15), Festival("端午節", 5, 5, ("端午節",)),
           Festival("中秋節", 8, 15, ("中秋節",))),
    "HK": (Festival("除夕", *EVE),
           Festival("農曆年初一", 1, 1, ("農曆年初一", "農曆年初二", "農曆年初三", "農曆年初四")),
           Festival("元宵節", 1, 15), Festival("端午節", 5, 5, ("端午節",)), Festival("中秋節", 8, 15),
           Festival("重陽節", 9, 9, ("重陽節",))),
    "CN": (Festival("农历除夕", *EVE, ("农历除夕",)), Festival("春节", 1, 1, ("春节",)),
           Festival("元宵节", 1, 15), Festival("端午节", 5, 5, ("端午节",)),
           Festival("中秋节", 8, 15, ("中秋节",))),
}


class UnknownRegion(ValueError):
    pass


def public_holidays(region: str, year: int) -> list[tuple[date, str]]:
    """``(first day, name)`` of each public holiday of ``region`` in ``year``, by date.

    ``region`` is a country code (``TW``) or country and subdivision (``MY-KUL``).
    Raises :class:`UnknownRegion` when the ``holidays`` package does not know it.
    """
    import holidays

    country, _, subdiv = region.strip().upper().partition("-")
    try:
        probe = holidays.country_holidays(country, subdiv=subdiv or None)
        made = holidays.country_holidays(
            country, subdiv=subdiv or None, years=year, observed=False,
            language=getattr(probe, "default_language", None),
        )
    except (NotImplementedError, KeyError) as exc:
        raise UnknownRegion(
            f"region {region!r} is not a country the holidays package knows "
            f"(TW, CN, HK, SG, MY, ...): {exc}"
        ) from None
    substituted = _label_pattern(made, "substituted_label")
    # in the years both the package (for the region) and lunardate know
    festivals = FESTIVALS.get(country, ()) if made and FIRST.year <= year <= LAST_YEAR else ()
    theirs = {alias for f in festivals for alias in f.aliases}
    days: list[tuple[date, str]] = []
    for day in sorted(made):
        for name in made.get_list(day):
            if substituted and name.startswith(substituted[0]) and name.endswith(substituted[1]):
                continue  # a working day swapped for a day off (調休), not a holiday to greet
            if name in theirs:
                continue  # greeted on the festival's own day, below
            days.append((day, name))
    days = _first_days(days) + [(festival_day(f, year), f.name) for f in festivals]
    return sorted(days, key=lambda d: d[0])


def festival_day(festival: Festival, year: int) -> date:
    """The solar date of a lunar festival in solar ``year`` (lunar year ``year``'s, and for 除夕
    the day before its first day)."""
    from lunardate import LunarDate

    if (festival.month, festival.day) == EVE:
        return LunarDate(year, 1, 1).to_solar_date() - timedelta(days=1)
    return LunarDate(year, festival.month, festival.day).to_solar_date()


def _label_pattern(made: Any, attribute: str) -> tuple[str, str] | None:
    label = getattr(made, attribute, None)
    if not label:
        return None
    text = made.tr(label) if callable(getattr(made, "tr", None)) else label
    prefix, sep, suffix = text.partition("%s")
    return (prefix, suffix) if sep else None


def _first_days(days: list[tuple[date, str]]) -> list[tuple[date, str]]:
    """A run of consecutive days with the same name becomes its first day."""
    last_seen: dict[str, date] = {}
    out = []
    for day, name in days:
        previous = last_seen.get(name)
        last_seen[name] = day
        if previous is not None and day - previous == timedelta(days=1):
            continue
        out.append((day, name))
    return out


class HolidayTable:
    """Holidays of ``region`` answered from ``data`` (JSON-ready:
    ``{region: {year: {"made": iso, "days": [[iso, name]], "error": str?}}}``), building a
    year with :func:`public_holidays` when it is missing or older than :data:`FRESH_DAYS`
    days on ``clock`` (the real date, not ``--as-of``). ``changed`` says whether ``data``
    changed; ``problems`` holds messages for the user (an unknown region)."""

    def __init__(self, region: str, clock: date, data: MutableMapping[str, Any] | None = None):
        self.region = region.strip().upper()
        self.clock = clock
        self.data: MutableMapping[str, Any] = data if data is not None else {}
        self.changed = False
        self.problems: list[str] = []

    def between(self, start: date, end: date) -> list[tuple[date, str]]:
        out = []
        for year in range(start.year, end.year + 1):
            out.extend((d, n) for d, n in self._year(year) if start <= d <= end)
        return out

    def _year(self, year: int) -> list[tuple[date, str]]:
        per_region = self.data.get(self.region)
        if not isinstance(per_region, dict):
            per_region = self.data[self.region] = {}
        entry = per_region.get(str(year))
        cached = self._read(entry)
        if cached is not None:
            return cached
        try:
            days = public_holidays(self.region, year)
            per_region[str(year)] = {"made": self.clock.isoformat(),
                                     "days": [[d.isoformat(), n] for d, n in days]}
        except UnknownRegion as exc:
            per_region[str(year)] = {"made": self.clock.isoformat(), "days": [], "error": str(exc)}
            days = []
            self._problem(str(exc))
        self.changed = True
        return days

    def _read(self, entry: Any) -> list[tuple[date, str]] | None:
        if not isinstance(entry, dict):
            return None
        try:
            made = date.fromisoformat(entry["made"])
            if not (self.clock - timedelta(days=FRESH_DAYS) <= made <= self.clock):
                return None
            days = [(date.fromisoformat(d), str(n)) for d, n in entry["days"]]
        except (KeyError, TypeError, ValueError):
            return None  # damaged: build it again
        if entry.get("error"):
            self._problem(str(entry["error"]))
        return days

    def _problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)
