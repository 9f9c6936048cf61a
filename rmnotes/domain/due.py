"""The agenda (``rmn due``): everything owed to clients, most urgent first.

Reasons (``REASONS``):

- ``cadence``: last contact (latest T/E/M/S entry; N notes do not count) + the client's
  cadence (own ``cadence:``, else its tier's, else ``default_tier``'s), due within the
  lookahead or overdue. Months are calendar months clamped to the month's end.
- ``never``: an active client or prospect with no contact at all, dated ``since``
  (today when ``since`` is unknown).
- ``birthday``: the client's and each family member's birthday within the lookahead;
  Feb 29 falls on Feb 28 in common years; lunar birthdays follow :mod:`rmnotes.domain.lunar`.
- ``holiday``: public holidays of ``region`` within the lookahead (``client`` None), with
  how many active clients to greet.
- ``maturity`` / ``premium``: an asset's maturity / a policy's next premium within the lookahead.
- ``follow-up``: open follow-ups dated within the lookahead, and every overdue one.
- ``kyc``: ``risk.assessed`` + ``kyc_valid`` within the lookahead or past.

Closed clients are never listed. The window is ``[today, today + days]``; a row dated
before ``today`` (negative ``days``) is overdue. Sorted by date (so overdue rows lead),
then reason (promises and KYC before greetings), name, client and detail.

Pure: ``today`` is a parameter, holidays and lunar birthdays come from callables the caller
chooses (cached or not). Two entry points share one set of rules, which work on plain rows
(ISO date strings, no objects) so that a 10,000-client book stays fast:
:func:`agenda` over profiles and facts (from parsed files or anywhere) and
:func:`agenda_from_index`, which asks the SQLite index only for rows that can be due.
With ``limit``, only the most urgent rows are built into :class:`DueItem` (the agenda
still counts them all).
"""

from __future__ import annotations

import heapq
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, NamedTuple, Sequence

from rmnotes.config import Config
from rmnotes.index import Index
from rmnotes.periods import Period, anniversary, is_leap

if TYPE_CHECKING:  # the agenda over parsed files takes these; the index path needs none
    from rmnotes.facts import Fact, Profile

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
LunarBirthdays = Callable[[date, date, date], Sequence[tuple[date, int]]]  # (born, start, end)


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


class Contact(NamedTuple):
    """How to reach a client: what a row needs besides its date."""

    name: str
    prefer: tuple[str, ...] = ()
    no_calls: str | None = None
    best_time: str | None = None


def lunar_occurrences(born: date, start: date, end: date) -> Sequence[tuple[date, int]]:
    from rmnotes.domain.lunar import occurrences

    return occurrences(born, start, end)


# A row before it becomes a DueItem: (date ISO, reason, client id, detail, holiday name).
Row = tuple[str, str, "str | None", str, "str | None"]


class _Rules:
    """The rules, on plain values: ISO date strings compare like dates."""

    def __init__(self, config: Config, today: date, days: int | None, reasons: Iterable[str],
                 lunar: LunarBirthdays, holidays: Holidays | None):
        self.config = config
        self.today = today
        self.until = today + timedelta(days=config.lookahead_days if days is None else days)
        self.today_iso = today.isoformat()
        self.until_iso = self.until.isoformat()
        self.wanted = frozenset(reasons) or frozenset(REASONS)
        self.lunar = lunar
        self.holidays = holidays
        self._periods: dict[tuple[str | None, str | None], tuple[Period, str, str] | None] = {}

    def period(self, cadence: str | None, tier: str | None) -> tuple[Period, str, str] | None:
        """The client's effective cadence, the latest last contact (ISO) that is due by
        ``until``, and the cadence as text; None when the client has no cadence."""
        key = (cadence, tier)
        if key not in self._periods:
            period = self.config.cadence_for(tier, Period.parse(cadence))
            self._periods[key] = (
                (period, latest_start(period, self.until).isoformat(), str(period)) if period else None)
        return self._periods[key]

    def contact(self, out: list[Row], cid: str, status: str, tier: str | None, cadence: str | None,
                last: str | None, since: str | None) -> None:
        """The ``cadence`` or ``never`` row of a client, if due (``last``/``since``: ISO)."""
        if last is None:
            if "never" in self.wanted and status in CONTACTABLE:
                day = since or self.today_iso
                if day <= self.until_iso:
                    out.append((day, "never", cid, f"no contact logged since {since}" if since
                                else "no contact logged", None))
        elif "cadence" in self.wanted:
            found = self.period(cadence, tier)
            if found is not None and last <= found[1]:
                due = found[0].after(date.fromisoformat(last)).isoformat()
                out.append((due, "cadence", cid, f"last contact {last}, every {found[0]}", None))

    def fact(self, out: list[Row], cid: str, kind: str, day: str, detail: str, lunar: bool,
             relation: str | None, number: int | None) -> None:
        """The rows of one dated fact (a birthday may fall twice in a long window)."""
        if kind not in self.wanted:
            return
        if kind == "follow-up":
            if day <= self.until_iso:
                out.append((day, kind, cid, f"#{number} {detail}" if number else detail, None))
        elif kind == "kyc":
            valid = self.config.kyc_valid
            due = valid.after(date.fromisoformat(day)).isoformat()
            if due <= self.until_iso:
                out.append((due, kind, cid, f"risk assessed {day}, valid {valid}", None))
        elif kind == "birthday":
            who = f"{detail} ({relation})" if relation else detail
            tail = ", lunar" if lunar else ""
            for when, age in self.birthdays(date.fromisoformat(day), lunar):
                out.append((when.isoformat(), kind, cid, f"{who} turns {age}{tail}", None))
        elif self.today_iso <= day <= self.until_iso:  # maturity, premium
            out.append((day, kind, cid, detail, None))

    def birthdays(self, born: date, lunar: bool) -> Sequence[tuple[date, int]]:
        if lunar:
            return self.lunar(born, self.today, self.until)
        out = []
        for year in range(max(self.today.year, born.year + 1), self.until.year + 1):
            day = anniversary(born, year)
            if self.today <= day <= self.until:
                out.append((day, year - born.year))
        return out

    def holiday_rows(self, out: list[Row], active: int) -> None:
        if self.holidays is None or "holiday" not in self.wanted:
            return
        greet = f"greet {active} active client{'s' if active != 1 else ''}"
        for day, name in self.holidays(self.today, self.until):
            out.append((day.isoformat(), "holiday", None, greet, name))

    def finish(self, rows: list[Row], contacts: Callable[[set[str]], Mapping[str, Contact]],
               limit: int | None) -> Agenda:
        """Count every row, build the most urgent ``limit`` (all when None) into DueItems."""
        today_iso = self.today_iso
        overdue = sum(1 for r in rows if r[0] < today_iso)
        total = len(rows)
        if limit is not None and total > limit:
            if limit <= 0:
                rows = []
            else:
                cut = heapq.nsmallest(limit, rows, key=itemgetter(0))[-1][0]
                rows = [r for r in rows if r[0] <= cut]  # ties at the cut are sorted in full below
        who = contacts({r[2] for r in rows if r[2] is not None})
        hints: dict[tuple, str] = {}
        items = []
        today = self.today
        for day_iso, reason, cid, detail, holiday in rows:
            day = date.fromisoformat(day_iso)
            if cid is None:
                items.append(DueItem(None, holiday or "", reason, day, (day - today).days, detail, ""))
                continue
            c = who[cid]
            key = (c.prefer, c.no_calls, c.best_time)
            hint = hints.get(key)
            if hint is None:
                hint = hints[key] = contact_hint(*key)
            items.append(DueItem(cid, c.name, reason, day, (day - today).days, detail, hint))
        items.sort(key=lambda i: (i.date, _RANK[i.reason], i.name, i.client or "", i.detail))
        if limit is not None:
            del items[limit:]
        return Agenda(today, self.until, tuple(items), total, overdue)


def agenda(profiles: Iterable[Profile], facts: Iterable[tuple[str, Fact]], config: Config,
           today: date, *, days: int | None = None, tiers: Sequence[str] = (),
           tags: Sequence[str] = (), reasons: Sequence[str] = (),
           holidays: Holidays | None = None, lunar: LunarBirthdays = lunar_occurrences,
           limit: int | None = None) -> Agenda:
    """The agenda of ``profiles`` (with their ``(client id, fact)`` pairs) as of ``today``."""
    rules = _Rules(config, today, days, reasons, lunar, holidays)
    people = {p.id: p for p in profiles if _selected(p, tiers, tags)}
    rows: list[Row] = []
    for p in people.values():
        rules.contact(rows, p.id, p.status, p.tier, p.cadence, _iso(p.last_contact), _iso(p.since))
    for cid, f in facts:
        if cid in people:
            rules.fact(rows, cid, f.kind, f.date.isoformat(), f.detail, f.lunar, f.relation, f.number)
    rules.holiday_rows(rows, sum(1 for p in people.values() if p.status == "active"))

    def contacts(ids: set[str]) -> dict[str, Contact]:
        return {i: Contact(people[i].name, people[i].prefer, people[i].no_calls, people[i].best_time)
                for i in ids}

    return rules.finish(rows, contacts, limit)


def _selected(p: Profile, tiers: Sequence[str], tags: Sequence[str]) -> bool:
    if p.status == "closed":
        return False
    if tiers and p.tier not in tiers:
        return False
    return not tags or all(t in p.tags for t in tags)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# ---------------------------------------------------------------------- from the index
def agenda_from_index(index: Index, config: Config, today: date, *, days: int | None = None,
                      tiers: Sequence[str] = (), tags: Sequence[str] = (),
                      reasons: Sequence[str] = (), holidays: Holidays | None = None,
                      lunar: LunarBirthdays = lunar_occurrences,
                      limit: int | None = None) -> Agenda:
    """The same answer as :func:`agenda` over every indexed client. The index only narrows
    (date windows, the ``MM-DD`` of birthdays, the most urgent rows first); the shared rules
    decide every row. With ``limit``, rows past the most urgent ``limit`` are counted in SQL
    and never built."""
    rules = _Rules(config, today, days, reasons, lunar, holidays)
    book = _Book(index.conn, rules, tiers, tags)
    if limit is not None and "cadence" in rules.wanted:
        index.cadence_dues(config)
    if limit is None:
        return _everything(book)
    return _most_urgent(book, max(limit, 0))


_FACT_COLUMNS = "SELECT client_id, kind, date, detail, lunar, relation, number FROM facts WHERE "


class _Book:
    """The index seen through the selection (not closed, ``--tier``, ``--tag``)."""

    def __init__(self, conn, rules: _Rules, tiers: Sequence[str], tags: Sequence[str]):
        self.conn = conn
        self.rules = rules
        where, params = "status != 'closed'", []
        if tiers:
            where += f" AND tier IN ({','.join('?' * len(tiers))})"
            params += list(tiers)
        for tag in tags:
            where += " AND EXISTS (SELECT 1 FROM json_each(clients.tags) WHERE value = ?)"
            params.append(tag)
        self.where, self.params = where, params

    def selection(self) -> tuple[int, int, set[str]]:
        """(clients kept, active ones among them (for holiday greetings), ids left out)."""
        conn = self.conn
        if not self.params:  # closed clients only: the status index answers
            counts = dict(conn.execute("SELECT status, count(*) FROM clients GROUP BY status").fetchall())
            excluded = {r[0] for r in conn.execute("SELECT id FROM clients WHERE status = 'closed'")}
            return sum(counts.values()) - len(excluded), counts.get("active", 0), excluded
        sel = f"coalesce(({self.where}), 0)"
        kept, active, left_out = conn.execute(
            f"SELECT coalesce(sum({sel}), 0), coalesce(sum({sel} AND status = 'active'), 0),"
            f" group_concat(CASE WHEN NOT {sel} THEN id END, char(10)) FROM clients",
            self.params * 3).fetchone()
        return kept, active, set(left_out.split("\n")) if left_out else set()

    def contacts(self, ids: set[str]) -> dict[str, Contact]:
        found = self.conn.execute(
            "SELECT id, name, prefer, no_calls, best_time FROM clients"
            " WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(ids)),))
        decode = _Decoder()
        return {r[0]: Contact(r[1], decode(r[2]), r[3], r[4]) for r in found}

    def birthday_rows(self, keep: Callable[[str], bool], solar: bool = True) -> list[Row]:
        """Birthday rows: solar birth dates whose month and day fall in the window (unless
        ``solar`` is False: :class:`_SolarBirthdays` counts and reads those), lunar ones
        within :data:`LUNAR_DRIFT` days of it; the rules decide."""
        rules = self.rules
        if "birthday" not in rules.wanted:
            return []
        out: list[Row] = []
        drift = timedelta(days=LUNAR_DRIFT)
        windows = [(1, rules.today - drift, rules.until + drift)]
        if solar:
            windows.insert(0, (0, rules.today, rules.until))
        for lunar, start, end in windows:
            pieces = month_days(start, end)
            if pieces is None:
                queries = [(_FACT_COLUMNS + "kind = 'birthday' AND lunar = ?", [lunar])]
            else:  # the (kind, lunar, md) index: reads only the matching rows
                queries = [(_FACT_COLUMNS + "kind = 'birthday' AND lunar = ? AND md BETWEEN ? AND ?",
                            [lunar, a, b]) for _, a, b in pieces]
            for query in queries:
                for cid, kind, day, detail, lunar_flag, relation, number in self.conn.execute(*query):
                    if keep(cid):
                        rules.fact(out, cid, kind, day, detail, lunar_flag, relation, number)
        return out


def _everything(book: _Book) -> Agenda:
    """Every row: one pass over the selected clients and the facts in their windows."""
    rules, conn = book.rules, book.conn
    rows: list[Row] = []
    chosen: set[str] = set()
    active = 0
    contact = rules.contact
    for cid, status, tier, cadence, last, since in conn.execute(
            f"SELECT id, status, tier, cadence, last_contact, since FROM clients WHERE {book.where}",
            book.params):
        chosen.add(cid)
        if status == "active":
            active += 1
        contact(rows, cid, status, tier, cadence, last, since)
    fact = rules.fact
    sources = _fact_sources(rules)
    for source in sources:
        for cid, kind, day, detail, lunar_flag, relation, number in source.rows(conn):
            if cid in chosen:
                fact(rows, cid, kind, day, detail, lunar_flag, relation, number)
    rows += book.birthday_rows(chosen.__contains__, solar=not _reads_solar(sources))
    rules.holiday_rows(rows, active)
    return rules.finish(rows, book.contacts, None)


class _FactSource:
    """Facts of some kinds whose row date grows with the fact's date, so the index's
    (kind, date) order is the rows' order: counted in SQL, read only as far as needed."""

    def __init__(self, kinds: tuple[str, ...], first: str | None, last: str, late: str | None):
        # fact dates in [first, last] yield a row; up to `late`, an overdue one
        self.kinds, self.first, self.last, self.late = kinds, first, last, late

    def _where(self) -> tuple[str, list]:
        sql = f"kind IN ({','.join('?' * len(self.kinds))}) AND date <= ?"
        params: list = [*self.kinds, self.last]
        if self.first is not None:
            sql += " AND date >= ?"
            params.append(self.first)
        return sql, params

    def rows(self, conn) -> Iterable[tuple]:
        """The facts in the order of their rows' dates."""
        sql, params = self._where()
        return conn.execute(_FACT_COLUMNS + sql + " ORDER BY date", params)

    @staticmethod
    def add(rules: _Rules, out: list[Row], row: tuple) -> None:
        rules.fact(out, *row)

    def count(self, conn) -> tuple[int, int]:
        """(rows, overdue rows) of every client, from the index alone."""
        sql, params = self._where()
        overdue = "sum(date <= ?)" if self.late is not None else "0"
        head = [self.late] if self.late is not None else []
        total, late = conn.execute(f"SELECT count(*), coalesce({overdue}, 0) FROM facts WHERE {sql}",
                                   head + params).fetchone()
        return total, late

    def tally(self, facts: Iterable[tuple[str, str, int, str]]) -> tuple[int, int]:
        """(rows, overdue rows) among ``(kind, date, lunar, md)`` facts."""
        total = late = 0
        for kind, day, _, _ in facts:
            if kind in self.kinds and day <= self.last and (self.first is None or day >= self.first):
                total += 1
                if self.late is not None and day <= self.late:
                    late += 1
        return total, late


class _SolarBirthdays:
    """Solar birthdays in a window shorter than a year: each birth date has at most one,
    and the month-day order (piece by piece, see :func:`month_days`) is the rows' order,
    so they too are counted in SQL and read only as far as needed."""

    def __init__(self, pieces: list[tuple[int, str, str]]):
        # (before, from, to): born before Jan 1 of the piece's year, month-day in [from, to]
        self.pieces = [(f"{year:04d}-01-01", a, b) for year, a, b in pieces]

    @staticmethod
    def _where(piece: tuple[str, str, str]) -> tuple[str, list]:
        before, a, b = piece
        return "kind = 'birthday' AND lunar = 0 AND md BETWEEN ? AND ? AND date < ?", [a, b, before]

    def rows(self, conn) -> Iterable[tuple]:
        for piece in self.pieces:
            sql, params = self._where(piece)
            yield from conn.execute(_FACT_COLUMNS + sql + " ORDER BY md", params)

    add = staticmethod(_FactSource.add)

    def count(self, conn) -> tuple[int, int]:
        total = 0
        for piece in self.pieces:
            sql, params = self._where(piece)
            total += conn.execute("SELECT count(*) FROM facts WHERE " + sql, params).fetchone()[0]
        return total, 0  # never overdue: the window starts today

    def tally(self, facts: Iterable[tuple[str, str, int, str]]) -> tuple[int, int]:
        total = sum(1 for kind, day, lunar, md in facts if kind == "birthday" and not lunar
                    for before, a, b in self.pieces if a <= md <= b and day < before)
        return total, 0


class _Cadences:
    """The cadence rows: the index keeps each client's next contact date (see
    :meth:`Index.cadence_dues`), so they are counted in SQL and read in date order too."""

    def __init__(self, until: str, late: str):
        self.until, self.late = until, late  # due by `until`; up to `late`, overdue

    def rows(self, conn) -> Iterable[tuple]:
        return conn.execute(
            "SELECT c.id, c.status, c.tier, c.cadence, c.last_contact, c.since"
            " FROM cadence AS d CROSS JOIN clients AS c ON c.id = d.client_id"
            " WHERE d.due <= ? ORDER BY d.due", (self.until,))

    @staticmethod
    def add(rules: _Rules, out: list[Row], row: tuple) -> None:
        rules.contact(out, *row)

    def count(self, conn) -> tuple[int, int]:
        return conn.execute("SELECT count(*), coalesce(sum(due <= ?), 0) FROM cadence WHERE due <= ?",
                            (self.late, self.until)).fetchone()

    def tally(self, facts: Iterable[tuple[str, str, int, str]]) -> tuple[int, int]:
        dues = [day for kind, day, _, _ in facts if kind == "cadence" and day <= self.until]
        return len(dues), sum(1 for day in dues if day <= self.late)


Source = "_FactSource | _SolarBirthdays | _Cadences"


def _reads_solar(sources: Sequence[Source]) -> bool:
    """Whether ``sources`` read the solar birthdays (a window shorter than a year)."""
    return any(isinstance(s, _SolarBirthdays) for s in sources)


def _fact_sources(rules: _Rules) -> list[Source]:
    """One source per reason that comes from a dated fact (birthdays are apart: not monotone)."""
    wanted, today = rules.wanted, rules.today
    yesterday = (today - timedelta(days=1)).isoformat()
    out = []
    if "follow-up" in wanted:
        out.append(_FactSource(("follow-up",), None, rules.until_iso, yesterday))
    if "kyc" in wanted:
        valid = rules.config.kyc_valid
        out.append(_FactSource(("kyc",), None, latest_start(valid, rules.until).isoformat(),
                               latest_start(valid, today - timedelta(days=1)).isoformat()))
    for kind in ("maturity", "premium"):
        if kind in wanted:
            out.append(_FactSource((kind,), rules.today_iso, rules.until_iso, None))
    if "birthday" in wanted:
        pieces = month_days(today, rules.until)
        if pieces is not None:
            out.append(_SolarBirthdays(pieces))
    return out


def _most_urgent(book: _Book, limit: int) -> Agenda:
    """The ``limit`` most urgent rows, exactly as :func:`_everything` sorts them, and the
    counts of all rows. Each source yields its own most urgent ``limit`` rows (with ties);
    the ``limit``-th date among them all is the cut; only rows up to the cut are built."""
    rules, conn = book.rules, book.conn
    kept, active, excluded = book.selection()

    def keep(cid: str) -> bool:
        return cid not in excluded

    total = overdue = 0
    pool: list[Row] = []  # candidate rows, all dated

    never: list[Row] = []  # clients with no contact yet: few, read by the last-contact index
    if "never" in rules.wanted:
        for r in conn.execute("SELECT id, status, tier, cadence, last_contact, since FROM clients"
                              " WHERE last_contact IS NULL"):
            if keep(r[0]):
                rules.contact(never, *r)
    total += len(never)
    overdue += sum(1 for r in never if r[0] < rules.today_iso)
    pool += never

    # dated rows: counted in SQL, read in date order only as far as the limit (and ties)
    sources = _fact_sources(rules)
    if "cadence" in rules.wanted:
        sources.append(_Cadences(rules.until_iso, (rules.today - timedelta(days=1)).isoformat()))
    if len(excluded) > kept:  # most clients left out: count the rows of those kept
        ids = [r[0] for r in conn.execute(f"SELECT id FROM clients WHERE {book.where}", book.params)]
        some = _facts_of(conn, ids)
        counts = [s.tally(some) for s in sources]
    else:  # count every client's in the index, less those left out
        some = _facts_of(conn, sorted(excluded)) if excluded else []
        counts = []
        for s in sources:
            (n, late), (less, less_late) = s.count(conn), s.tally(some)
            counts.append((n - less, late - less_late))
    for source, (n, late) in zip(sources, counts):
        total += n
        overdue += late
        taken: list[Row] = []
        nth = None  # the date of the limit-th row: read on through its ties, then stop
        for row in source.rows(conn):
            if not keep(row[0]):
                continue
            before = len(taken)
            source.add(rules, taken, row)
            if nth is not None and len(taken) > before and taken[-1][0] > nth:
                taken.pop()
                break
            if nth is None and len(taken) >= limit:
                nth = taken[-1][0]
        pool += taken

    birthdays = book.birthday_rows(keep, solar=not _reads_solar(sources))
    holidays: list[Row] = []
    rules.holiday_rows(holidays, active)
    total += len(birthdays) + len(holidays)
    pool += birthdays + holidays

    if limit == 0:
        return Agenda(rules.today, rules.until, (), total, overdue)
    agenda = rules.finish(pool, book.contacts, limit)
    return Agenda(agenda.as_of, agenda.until, agenda.items, total, overdue)


def _facts_of(conn, ids: list[str]) -> list[tuple[str, str]]:
    """``(kind, date, lunar, md)`` of every fact of the clients ``ids`` (by the client index),
    with their next contact dates as ``("cadence", due, 0, "")``."""
    return conn.execute(
        "SELECT f.kind, f.date, f.lunar, f.md FROM json_each(?1) AS r CROSS JOIN facts AS f"
        " WHERE f.client_id = r.value UNION ALL"
        " SELECT 'cadence', d.due, 0, '' FROM json_each(?1) AS r CROSS JOIN cadence AS d"
        " WHERE d.client_id = r.value AND d.due IS NOT NULL", (json.dumps(ids),)).fetchall()


def latest_start(period: Period, until: date) -> date:
    """The latest date ``d`` with ``period.after(d) <= until`` (month ends clamp, so this is
    not simply ``period.before(until)``: Jan 29, 30 and 31 + 1m are all Feb 28)."""
    d = period.before(until)
    while period.after(d) > until:
        d -= timedelta(days=1)
    while period.after(d + timedelta(days=1)) <= until:
        d += timedelta(days=1)
    return d


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


class _Decoder:
    """JSON lists of strings to tuples, each distinct text decoded once."""

    def __init__(self):
        self.seen: dict[str | None, tuple[str, ...]] = {}

    def __call__(self, text: str | None) -> tuple[str, ...]:
        value = self.seen.get(text)
        if value is None:
            value = self.seen[text] = tuple(json.loads(text)) if text else ()
        return value


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
