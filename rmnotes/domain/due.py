"""The agenda (``rmn due``): everything owed to clients, most urgent first.

Reasons (``REASONS``):

- ``cadence``: last contact (latest T/E/M/S entry; N notes do not count) + the client's
  cadence (:mod:`rmnotes.domain.cadence`), due within the lookahead or overdue.
- ``never``: an active client or prospect with no contact at all, dated ``since``
  (today when ``since`` is unknown).
- ``birthday``: the client's and each family member's birthday within the lookahead;
  Feb 29 falls on Feb 28 in common years; lunar birthdays follow :mod:`rmnotes.domain.lunar`
  (a lunar month-day written with no birth date has no age: "birthday (age unknown)").
  A family member linked to a client file of their own (``client:``) has one row, that
  client's own, when that file gives a birthday (:func:`linked_elsewhere`); otherwise the
  row is under the client whose family lists them.
- ``holiday``: public holidays of ``region`` within the lookahead (``client`` None), with
  how many active clients to greet.
- ``maturity`` / ``premium``: an asset's maturity / a policy's next premium within the lookahead.
- ``follow-up``: open follow-ups dated within the lookahead, and every overdue one.
- ``kyc``: ``risk.assessed`` + ``kyc_valid`` within the lookahead or past.

Closed clients are never listed. The window is ``[today, today + days]``; a row dated
before ``today`` (negative ``days``) is overdue. Sorted by date (so overdue rows lead),
then reason (promises and KYC before greetings), name, client and detail.

Pure: ``today`` is a parameter, holidays and lunar birthdays come from callables the caller
chooses (cached or not). :func:`agenda` decides every row, over client rows and their
dated facts from anywhere (parsed files, the index); :func:`agenda_from_index` only asks
the index for the rows that could be due (date windows, month-days) and hands them to it.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterable, Mapping, Sequence

from rmnotes.config import Config
from rmnotes.domain.cadence import Cadences, latest_start, next_contact
from rmnotes.facts import ContactRow, Fact, Reach
from rmnotes.index import Index
from rmnotes.periods import LunarMonthDay, anniversary, is_leap

REASONS = ("cadence", "never", "birthday", "holiday", "maturity", "premium", "follow-up", "kyc")
# on the same day: promises and compliance first, greetings last
_RANK = {r: i for i, r in enumerate(
    ("follow-up", "kyc", "never", "cadence", "maturity", "premium", "birthday", "holiday"))}
CONTACTABLE = ("active", "prospect")  # who is owed a first contact ("never")
WORK_HOURS = (9 * 60, 18 * 60)
MESSAGE_CHANNELS = ("line", "wechat", "sms", "whatsapp", "email")
# days: a lunar birthday falls at most 33 days from the solar anniversary of the birth date
# (every birth date 1900-2030, every year 2000-2060; the extremes are leap-month births)
LUNAR_DRIFT = 40

Holidays = Callable[[date, date], Sequence[tuple[date, str]]]  # (start, end) -> (day, name)
# (born, lunar month-day as written, start, end) -> (day, age in lunar years or None)
LunarBirthdays = Callable[[date | None, LunarMonthDay | None, date, date], Sequence[tuple[date, int | None]]]
Reaches = Callable[[set[str]], Mapping[str, Reach]]  # client ids -> how to reach them


@dataclass(frozen=True, slots=True)
class DueItem:
    client: str | None  # None for a holiday
    name: str  # the client's name, or the holiday's
    reason: str  # one of REASONS
    date: date
    days: int  # date - as-of; negative = overdue
    detail: str  # never depends on the as-of date, so a row keeps its identity across days
    hint: str  # how to reach the client

    @property
    def key(self) -> str:
        """What identifies this row across runs (for calendar UIDs)."""
        if self.client is None:
            return f"{self.name}|{self.reason}|{self.date.isoformat()}|"
        return f"{self.client}|{self.reason}|{self.date.isoformat()}|{self.detail}"


@dataclass(frozen=True, slots=True)
class Agenda:
    as_of: date
    until: date
    items: tuple[DueItem, ...]  # every row, or the most urgent ``limit`` rows
    total: int  # rows in the whole agenda
    overdue: int  # of which dated before ``as_of``

    @property
    def coming(self) -> int:
        return self.total - self.overdue


def lunar_occurrences(born: date | None, written: LunarMonthDay | None, start: date,
                      end: date) -> Sequence[tuple[date, int | None]]:
    from rmnotes.domain.lunar import occurrences

    return occurrences(born, start, end, written)


# A row before it becomes a DueItem, in the agenda's order: (date, rank of the reason, name
# (the client's or the holiday's), client id ("" for a holiday), detail, reason).
_Row = tuple[date, int, str, str, str, str]


class _Rules:
    """The rules of each reason, for one as-of date and window."""

    def __init__(self, config: Config, today: date, days: int | None, reasons: Iterable[str],
                 lunar: LunarBirthdays, holidays: Holidays | None):
        self.config = config
        self.today = today
        self.until = today + timedelta(days=config.lookahead_days if days is None else days)
        self.wanted = frozenset(reasons) or frozenset(REASONS)
        self.lunar = lunar
        self.holidays = holidays
        self.cadences = Cadences(config)

    def contact(self, out: list[_Row], c: ContactRow) -> None:
        """The ``cadence`` or ``never`` row of a client, if due."""
        if c.last_contact is None:
            if "never" in self.wanted and c.status in CONTACTABLE:
                day = c.since or self.today
                if day <= self.until:
                    detail = f"no contact logged since {c.since}" if c.since else "no contact logged"
                    out.append((day, _RANK["never"], c.name, c.id, detail, "never"))
        elif "cadence" in self.wanted:
            cadence = self.cadences.of(c.tier, c.cadence)
            due = next_contact(cadence, c.last_contact, c.status)
            if due is not None and due <= self.until:
                detail = f"last contact {c.last_contact}, every {cadence}"
                out.append((due, _RANK["cadence"], c.name, c.id, detail, "cadence"))

    def fact(self, out: list[_Row], c: ContactRow, f: Fact) -> None:
        """The rows of one dated fact (a birthday may fall twice in a long window)."""
        kind = f.kind
        if kind not in self.wanted:
            return
        rank = _RANK[kind]
        if kind == "follow-up":
            if f.date <= self.until:
                out.append((f.date, rank, c.name, c.id, f"#{f.number} {f.detail}" if f.number else f.detail, kind))
        elif kind == "kyc":
            valid = self.config.kyc_valid
            due = valid.after(f.date)
            if due <= self.until:
                out.append((due, rank, c.name, c.id, f"risk assessed {f.date}, valid {valid}", kind))
        elif kind == "birthday":
            who = f"{f.detail} ({f.relation})" if f.relation else f.detail
            tail = ", lunar" if f.lunar else ""
            for when, age in self.birthdays(f):
                turns = f"turns {age}" if age is not None else "birthday (age unknown)"
                out.append((when, rank, c.name, c.id, f"{who} {turns}{tail}", kind))
        elif self.today <= f.date <= self.until:  # maturity, premium
            out.append((f.date, rank, c.name, c.id, f.detail, kind))

    def birthdays(self, f: Fact) -> Sequence[tuple[date, int | None]]:
        """``(day, age)`` of a birthday fact in the window (the age None when unknown)."""
        if f.lunar:
            return self.lunar(f.date, f.lunar_day, self.today, self.until)
        born = f.date
        if born is None:
            return []
        out: list[tuple[date, int | None]] = []
        for year in range(max(self.today.year, born.year + 1), self.until.year + 1):
            day = anniversary(born, year)
            if self.today <= day <= self.until:
                out.append((day, year - born.year))
        return out

    def holiday_rows(self, out: list[_Row], active: int) -> None:
        if self.holidays is None or "holiday" not in self.wanted:
            return
        greet = f"greet {active} active client{'s' if active != 1 else ''}"
        for day, name in self.holidays(self.today, self.until):
            out.append((day, _RANK["holiday"], name, "", greet, "holiday"))


def agenda(clients: Iterable[ContactRow], facts: Iterable[tuple[str, Fact]], config: Config,
           today: date, *, reach: Reaches = lambda ids: {}, days: int | None = None,
           tiers: Sequence[str] = (), tags: Sequence[str] = (), reasons: Sequence[str] = (),
           holidays: Holidays | None = None, lunar: LunarBirthdays = lunar_occurrences,
           limit: int | None = None) -> Agenda:
    """The agenda of ``clients`` (with their ``(client id, fact)`` pairs) as of ``today``.
    ``reach`` tells how to reach the clients of the rows built; with ``limit``, only the
    most urgent ``limit`` rows are built (all are counted)."""
    rules = _Rules(config, today, days, reasons, lunar, holidays)
    clients = list(clients)
    facts = list(facts)
    people = {c.id: c for c in clients if _selected(c, tiers, tags)}
    elsewhere = linked_elsewhere(clients, facts)
    rows: list[_Row] = []
    for c in people.values():
        rules.contact(rows, c)
    for cid, f in facts:
        c = people.get(cid)
        if c is not None and not elsewhere(f):
            rules.fact(rows, c, f)
    rules.holiday_rows(rows, sum(1 for c in people.values() if c.status == "active"))
    shown = sorted(rows) if limit is None else heapq.nsmallest(max(limit, 0), rows)
    how = reach({r[3] for r in shown if r[3]})
    items = tuple(_item(r, how, today) for r in shown)
    return Agenda(today, rules.until, items, len(rows), sum(1 for r in rows if r[0] < today))


def linked_elsewhere(clients: Iterable[ContactRow], facts: Iterable[tuple[str, Fact]]
                     ) -> Callable[[Fact], bool]:
    """Whether a fact is a family member's birthday that belongs under the member's own file:
    they are linked (``client:``) to a client of the book, not closed, whose file gives a
    birthday of their own. That row stands and this one is dropped, so a couple who are both
    clients, each listing the other, have one birthday row each. Decided over the whole
    book, before any filter: the row lives with its person, whichever clients are shown."""
    live = {c.id for c in clients if c.status != "closed"}
    own = {cid for cid, f in facts if f.kind == "birthday" and f.relation is None and cid in live}
    return lambda f: f.kind == "birthday" and f.link is not None and f.link in own


def _item(row: _Row, how: Mapping[str, Reach], today: date) -> DueItem:
    day, _rank, name, cid, detail, reason = row
    if not cid:
        return DueItem(None, name, reason, day, (day - today).days, detail, "")
    r = how.get(cid, Reach())
    return DueItem(cid, name, reason, day, (day - today).days, detail,
                   contact_hint(r.prefer, r.no_calls, r.best_time))


def _selected(c: ContactRow, tiers: Sequence[str], tags: Sequence[str]) -> bool:
    if c.status == "closed":
        return False
    if tiers and c.tier not in tiers:
        return False
    return not tags or all(t in c.tags for t in tags)


# ---------------------------------------------------------------------- from the index
def agenda_from_index(index: Index, config: Config, today: date, *, days: int | None = None,
                      tiers: Sequence[str] = (), tags: Sequence[str] = (),
                      reasons: Sequence[str] = (), holidays: Holidays | None = None,
                      lunar: LunarBirthdays = lunar_occurrences,
                      limit: int | None = None) -> Agenda:
    """:func:`agenda` over every indexed client. The index only narrows: the facts in each
    kind's date window, birthdays by month-day; :func:`agenda` decides every row."""
    until = today + timedelta(days=config.lookahead_days if days is None else days)
    wanted = frozenset(reasons) or frozenset(REASONS)
    facts: list[tuple[str, Fact]] = []
    if "follow-up" in wanted:  # every overdue one too
        facts += index.facts(["follow-up"], until=until)
    if "kyc" in wanted:
        facts += index.facts(["kyc"], until=latest_start(config.kyc_valid, until))
    dated = [kind for kind in ("maturity", "premium") if kind in wanted]
    if dated:
        facts += index.facts(dated, since=today, until=until)
    if "birthday" in wanted:
        solar = month_days(today, until)
        facts += index.birthdays(False, None if solar is None else [(a, b) for _, a, b in solar])
        drift = timedelta(days=LUNAR_DRIFT)
        near = month_days(today - drift, until + drift)
        facts += index.birthdays(True, None if near is None else [(a, b) for _, a, b in near])
        # the linked members' own birthdays, on any day: whether their own file gives one
        have = {cid for cid, f in facts if f.kind == "birthday" and f.relation is None}
        facts += index.own_birthdays({f.link for _, f in facts if f.link} - have)
    return agenda(index.contacts(), facts, config, today, reach=index.reach, days=days, tiers=tiers,
                  tags=tags, reasons=reasons, holidays=holidays, lunar=lunar, limit=limit)


def month_days(start: date, end: date) -> list[tuple[int, str, str]] | None:
    """The window [start, end] as ``(year, from MM-DD, to MM-DD)`` pieces, one per calendar
    year, in date order: the solar birthdays in the window are exactly the birth dates of
    an earlier year whose month-day is in a piece (born Feb 29: Feb 28 in a common year).
    None for a window of a year or more, where every birth date has a birthday."""
    if (end - start).days >= 365:
        return None
    if start.year == end.year:
        pieces = [(start.year, start.strftime("%m-%d"), end.strftime("%m-%d"))]
    else:
        pieces = [(start.year, start.strftime("%m-%d"), "12-31"), (end.year, "01-01", end.strftime("%m-%d"))]
    return [(year, a, "02-29" if b == "02-28" and not is_leap(year) else b)
            for year, a, b in pieces]


# ---------------------------------------------------------------------- hints
_RANGE = re.compile(r"^\s*(\d{1,2})[:：.](\d{2})\s*[-–~〜至到]\s*(\d{1,2})[:：.](\d{2})\s*$")


def covers_work_hours(no_calls: str) -> bool:
    """Whether ``no_calls`` (``"09:00-18:00"``) overlaps working hours (09:00-18:00);
    text that is not a time range counts as yes (a note like "at work" is about them)."""
    m = _RANGE.match(no_calls)
    if not m:
        return True
    h1, m1, h2, m2 = map(int, m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    work_start, work_end = WORK_HOURS
    if start <= end:
        return start < work_end and end > work_start
    return start < work_end or end > work_start  # overnight, e.g. 22:00-10:00


def contact_hint(prefer: Sequence[str], no_calls: str | None, best_time: str | None) -> str:
    """``line, email · no calls 09:00-18:00: message (line) or call 12:00-13:30``."""
    parts = []
    if prefer:
        parts.append(", ".join(prefer))
    if no_calls:
        if covers_work_hours(no_calls):
            channel = next((c for c in prefer if c in MESSAGE_CHANNELS), None)
            message = f"message ({channel})" if channel else "message"
            call = f"call {best_time}" if best_time else "call outside those hours"
            parts.append(f"no calls {no_calls}: {message} or {call}")
        else:
            parts.append(f"no calls {no_calls}" + (f", best {best_time}" if best_time else ""))
    elif best_time:
        parts.append(f"best {best_time}")
    return " · ".join(parts)
