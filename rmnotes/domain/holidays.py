"""Public holidays of the vault's ``region``, for greetings (Chinese New Year, Mid-Autumn, ...).

The dates come from the ``holidays`` package (lunar festivals included), in the region's
own language (春節, 中秋節; English for SG). Building a year costs about 100 ms, mostly
importing the package, so :class:`HolidayTable` keeps each region's year in a plain
JSON-ready dict that the caller saves in the vault's cache folder; a warm ``rmn due`` reads
it instead of importing ``holidays``. An entry is rebuilt after :data:`FRESH_DAYS` days,
so an upgraded package or a newly announced schedule shows up within a month.

A greeting is one row per holiday: days off in lieu ("observed") and swapped working days
(調休) are left out, and a run of consecutive days of the same name (春節 x 3) is one row on
its first day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, MutableMapping

FRESH_DAYS = 30


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
    days: list[tuple[date, str]] = []
    for day in sorted(made):
        for name in made.get_list(day):
            if substituted and name.startswith(substituted[0]) and name.endswith(substituted[1]):
                continue  # a working day swapped for a day off (調休), not a holiday to greet
            days.append((day, name))
    return _first_days(days)


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
