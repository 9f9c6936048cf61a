"""The contact calendar: clients down, days across, the channel letters of each day's contacts.

Internal notes (``N``) are not contacts and stay out of the grid.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Sequence

from rmnotes.errors import RmnotesError
from rmnotes.domain.segments import Segment
from rmnotes.facts import ClientRow
from rmnotes.i18n import _
from rmnotes.model import Entry

MAX_DAYS = 366


class RangeError(RmnotesError):
    """A calendar range that is not one."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One client's contacts on one day, in time order."""

    entries: tuple[Entry, ...]

    @property
    def letters(self) -> str:
        return "".join(e.channel for e in self.entries)

    def note(self) -> str:
        """The entries' text, one per line: ``T 14:30 基金到期續作``."""
        lines = []
        for e in self.entries:
            head = f"{e.channel} {e.time} " if e.time else f"{e.channel} "
            lines.append(head + e.text.replace("\n", " / "))
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class CalendarRow:
    client_id: str
    label: str  # the name, or "name (id)" when two rows share a name
    tier: str | None
    last_contact: date | None
    cells: dict[date, Cell]

    @property
    def count(self) -> int:
        return sum(len(c.entries) for c in self.cells.values())


@dataclass(frozen=True, slots=True)
class ContactGrid:
    start: date
    end: date
    rows: tuple[CalendarRow, ...]

    @property
    def contacted(self) -> int:
        """How many rows have a contact in the range."""
        return sum(1 for r in self.rows if r.cells)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def month_range(month: str) -> tuple[date, date]:
    """``"2026-11"`` -> (2026-11-01, 2026-11-30); also ``2026/11``, ``2026.11``,
    ``2026年11月`` and, where 民國 years are written (:mod:`rmnotes.parse.dates`), ``115/11``
    and ``民國115年11月``: a date's year and month, read as dates are."""
    first = _first_day(month)
    if first is None:
        raise RangeError(_("--month {month} is not a month; write YYYY-MM, e.g. 2026-11").format(month=repr(month)))
    return first, first.replace(day=_calendar.monthrange(first.year, first.month)[1])


def _first_day(month: str) -> date | None:
    """The first day of the month ``month`` names, or None."""
    import re

    from rmnotes.parse.dates import DateInputError, normalise, read_date

    text = normalise(month)
    numbers = re.fullmatch(r"\d{3,4}([-/.])\d{1,2}", text)  # a year of three or four digits first
    if numbers:
        text = f"{text}{numbers.group(1)}1"
    elif re.fullmatch(r"(?:民國|民国|西元|公元)?\d{1,4}年\d{1,2}月", text):
        text = f"{text}1日"
    else:
        return None
    try:
        return read_date(text)  # a four-digit year first reads alike everywhere
    except DateInputError:
        return None


def date_range(today: date, month: str | None = None, since: date | None = None,
               until: date | None = None) -> tuple[date, date]:
    """The range asked for: ``--month``, ``--from/--to`` (either end defaulting to the
    month around the other), else the month of ``today``."""
    if month and (since or until):
        raise RangeError(_("give either --month or --from/--to, not both"))
    if month:
        return month_range(month)
    if since is None and until is None:
        return month_range(f"{today.year}-{today.month}")
    if since is None:
        since = until.replace(day=1)
    if until is None:
        until = month_range(f"{since.year}-{since.month}")[1]
    if until < since:
        raise RangeError(_("--to {until} is before --from {since}").format(until=until, since=since))
    if (until - since).days >= MAX_DAYS:
        raise RangeError(_("{since} to {until} is more than {n} days; pick a shorter range").format(
            since=since, until=until, n=MAX_DAYS))
    return since, until


def contact_grid(clients: Iterable[ClientRow], entries: Iterable[tuple[str, Entry]],
                 start: date, end: date, tiers: Sequence[str] = (),
                 tags: Sequence[str] = (), every: bool = False) -> ContactGrid:
    """Rows for the clients with a contact in ``start..end`` (and the tiers/tags asked for),
    sorted by id; with ``every``, also a row for each active client nobody contacted (the
    ones a manager most needs to see). ``entries`` are ``(client id, entry)`` pairs in any
    order."""
    chosen = Segment(tiers=tuple(tiers), tags=tuple(tags)).predicates()  # --tier, --tag as everywhere
    wanted = {p.id: p for p in clients if all(f(p) for f in chosen)}
    by_client: dict[str, dict[date, list[Entry]]] = {}
    if every:
        by_client = {cid: {} for cid, p in wanted.items() if p.status == "active"}
    for cid, e in entries:
        if cid in wanted and e.is_contact and start <= e.date <= end:
            by_client.setdefault(cid, {}).setdefault(e.date, []).append(e)
    names: dict[str, int] = {}
    for cid in by_client:
        names[wanted[cid].name] = names.get(wanted[cid].name, 0) + 1
    rows = []
    for cid in sorted(by_client):
        p = wanted[cid]
        label = p.name if names[p.name] == 1 else f"{p.name} ({cid})"
        cells = {d: Cell(tuple(sorted(es, key=lambda e: (e.time or "", e.line or 0))))
                 for d, es in sorted(by_client[cid].items())}
        rows.append(CalendarRow(cid, label, p.tier, p.last_contact, cells))
    return ContactGrid(start, end, tuple(rows))
