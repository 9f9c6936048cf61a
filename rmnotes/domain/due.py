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
- ``maturity`` / ``premium``: an asset's maturity / a policy's next premium within the lookahead,
  with its amount (the asset's value, the premium) in its own currency.
- ``follow-up``: open follow-ups dated within the lookahead, and every overdue one.
- ``kyc``: ``risk.assessed`` + ``kyc_valid`` within the lookahead or past.

Closed clients are never listed. The window is ``[today, today + days]``; a row dated
before ``today`` (negative ``days``) is overdue. Sorted by date (so overdue rows lead),
then reason (promises and KYC before greetings), name, client and detail.

Pure: ``today`` is a parameter, holidays and lunar birthdays come from callables the caller
chooses (cached or not). :func:`agenda` decides every row; the book it reads (the index)
only narrows (date windows, month-days) and groups clients and facts by what the rules
read, so that 10,000 clients cost a few hundred decisions.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, NamedTuple, Protocol, Sequence

from rmnotes.config import Config
from rmnotes.domain.cadence import Cadences, latest_start, next_contact
from rmnotes.domain.lunar import occurrences
from rmnotes.facts import BirthdayGroup, ContactGroup, ContactRow, Fact, FactGroup, Reach
from rmnotes.i18n import Msg, N_
from rmnotes.words import period_word, word
from rmnotes.index import Index
from rmnotes.periods import LunarMonthDay, anniversary, is_leap

if TYPE_CHECKING:  # a warm ``rmn due`` builds no model class
    from rmnotes.model import Client

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


class DueItem(NamedTuple):
    client: str | None  # None for a holiday
    name: str  # the client's name, or the holiday's
    reason: str  # one of REASONS
    date: date
    days: int  # date - as-of; negative = overdue
    detail: str  # never depends on the as-of date, so a row keeps its identity across days
    hint: str  # how to reach the client
    amount: Decimal | None = None  # a maturity's value, a premium's amount (not in ``key``:
    currency: str | None = None  # a revalued holding is still the same row)

    @property
    def key(self) -> str:
        """What identifies this row across runs (for calendar UIDs)."""
        if self.client is None:
            return f"{self.name}|{self.reason}|{self.date.isoformat()}|"
        return f"{self.client}|{self.reason}|{self.date.isoformat()}|{self.detail}"


class Agenda(NamedTuple):
    as_of: date
    until: date
    items: tuple[DueItem, ...]  # every row, or the most urgent ``limit`` rows
    total: int  # rows in the whole agenda
    overdue: int  # of which dated before ``as_of``

    @property
    def coming(self) -> int:
        return self.total - self.overdue


def lunar_birthdays(born: date | None, written: LunarMonthDay | None, start: date,
                    end: date) -> Sequence[tuple[date, int | None]]:
    """Lunar birthdays worked out afresh (the CLI passes the cached ones instead)."""
    return occurrences(born, start, end, written)


class AgendaRow(NamedTuple):
    """A row before it becomes a :class:`DueItem`; its fields in the agenda's order, so
    rows sort as they are."""

    date: date
    rank: int  # of the reason: on the same day, promises and compliance first
    name: str  # the client's, or the holiday's
    client: str  # "" for a holiday
    detail: str
    reason: str
    amount: tuple[Decimal, str] | tuple[()] = ()  # (value, currency) of a maturity or premium


class _Rules:
    """The rules of each reason, for one as-of date and window. Each rule reads only the
    values it names, so clients (or facts) that share them share the answer."""

    def __init__(self, config: Config, today: date, days: int | None, reasons: Iterable[str],
                 lunar: LunarBirthdays, holidays: Holidays | None):
        self.config = config
        self.today = today
        self.until = today + timedelta(days=config.lookahead_days if days is None else days)
        self.wanted = frozenset(reasons) or frozenset(REASONS)
        self.lunar = lunar
        self.holidays = holidays
        self.cadences = Cadences(config)

    def contact_due(self, status: str, tier: str | None, cadence: str | None,
                    last_contact: date | None, since: date | None) -> tuple[date, str] | None:
        """The day and reason (``cadence`` or ``never``) of a client's contact row, if due."""
        if last_contact is None:
            if "never" in self.wanted and status in CONTACTABLE:
                day = since or self.today
                if day <= self.until:
                    return day, "never"
        elif "cadence" in self.wanted:
            due = next_contact(self.cadences.of(tier, cadence), last_contact, status)
            if due is not None and due <= self.until:
                return due, "cadence"
        return None

    def contact(self, out: list[AgendaRow], c: ContactRow) -> None:
        found = self.contact_due(c.status, c.tier, c.cadence, c.last_contact, c.since)
        if found is None:
            return
        day, reason = found
        if reason == "never":
            detail = (Msg(N_("no contact logged since {since}"), since=c.since) if c.since
                      else Msg(N_("no contact logged")))
        else:
            detail = Msg(N_("last contact {last}, every {period}"), last=c.last_contact,
                         period=period_word(self.cadences.of(c.tier, c.cadence)))
        out.append(AgendaRow(day, _RANK[reason], c.name, c.id, detail, reason))

    def fact_date(self, kind: str, day: date) -> date | None:
        """The day a dated fact (not a birthday) is on the agenda, if it is."""
        if kind not in self.wanted:
            return None
        if kind == "follow-up":  # every overdue one too
            return day if day <= self.until else None
        if kind == "kyc":
            due = self.config.kyc_valid.after(day)
            return due if due <= self.until else None
        return day if self.today <= day <= self.until else None  # maturity, premium

    def fact(self, out: list[AgendaRow], c: ContactRow, f: Fact) -> None:
        """The rows of one dated fact (a birthday may fall twice in a long window)."""
        kind = f.kind
        if kind == "birthday":
            if kind in self.wanted:
                who = (Msg(N_("{name} ({relation})"), name=f.detail, relation=word(f.relation))
                       if f.relation else f.detail)
                for when, age in self.birthdays(f):
                    if age is None:
                        text = (Msg(N_("{who} birthday (age unknown), lunar"), who=who) if f.lunar
                                else Msg(N_("{who} birthday (age unknown)"), who=who))
                    else:
                        text = (Msg(N_("{who} turns {age}, lunar"), who=who, age=age) if f.lunar
                                else Msg(N_("{who} turns {age}"), who=who, age=age))
                    out.append(AgendaRow(when, _RANK[kind], c.name, c.id, text, kind))
            return
        day = self.fact_date(kind, f.date)
        if day is None:
            return
        if kind == "follow-up":
            detail = f"#{f.number} {f.detail}" if f.number else f.detail
        elif kind == "kyc":
            detail = Msg(N_("risk assessed {assessed}, valid {valid}"), assessed=f.date,
                         valid=period_word(self.config.kyc_valid))
        else:
            detail = f.detail
        amount = (f.amount, f.currency or self.config.base_currency) if f.amount is not None else ()
        out.append(AgendaRow(day, _RANK[kind], c.name, c.id, detail, kind, amount))

    def birthdays(self, f: Fact | BirthdayGroup) -> Sequence[tuple[date, int | None]]:
        """``(day, age)`` of a birthday (a fact, or a group of alike ones) in the window (the age
        None when unknown)."""
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

    def holiday_rows(self, out: list[AgendaRow], active: int) -> None:
        if self.holidays is None or "holiday" not in self.wanted:
            return
        greet = (Msg(N_("greet {n} active client"), n=active) if active == 1
                 else Msg(N_("greet {n} active clients"), n=active))
        for day, name in self.holidays(self.today, self.until):
            out.append(AgendaRow(day, _RANK["holiday"], name, "", greet, "holiday"))


class Book(Protocol):
    """What the agenda asks of a book of clients (the index answers): clients and dated
    facts grouped by what the rules read, the members of some groups, and birthdays. It
    only narrows and groups; the agenda decides every group and every row."""

    def contact_groups(self, by_tags: bool) -> Iterable[ContactGroup]: ...
    def contacts_in(self, groups: Sequence[ContactGroup] | None) -> Iterable[ContactRow]: ...
    def fact_groups(self, kinds: Sequence[str], since: date | None, until: date | None,
                    by_tags: bool) -> Iterable[FactGroup]: ...
    def facts_in(self, groups: Sequence[FactGroup]) -> Iterable[tuple[ContactRow, Fact]]: ...
    def birthday_groups(self, lunar: bool, month_days: Sequence[tuple[str, str]] | None,
                        by_tags: bool) -> Iterable[BirthdayGroup]: ...
    def birthdays_in(self, groups: Sequence[BirthdayGroup]) -> Iterable[tuple[ContactRow, Fact]]: ...
    def own_birthdays(self, ids: Iterable[str]) -> set[str]: ...
    def reach(self, ids: Iterable[str]) -> Mapping[str, Reach]: ...


def _segment(tiers: Sequence[str], tags: Sequence[str]) -> tuple[Callable[..., bool], ...]:
    """The tests of --tier and --tag, as every command's segment options decide them; none
    without either (a plain ``rmn due`` does not import the segments module: ~6.5 ms)."""
    if not tiers and not tags:
        return ()
    from rmnotes.domain.segments import Segment

    return Segment(tiers=tuple(tiers), tags=tuple(tags)).predicates()


def agenda(book: Book, config: Config, today: date, *, days: int | None = None,
           tiers: Sequence[str] = (), tags: Sequence[str] = (), reasons: Sequence[str] = (),
           holidays: Holidays | None = None, lunar: LunarBirthdays = lunar_birthdays,
           limit: int | None = None) -> Agenda:
    """The agenda of ``book`` as of ``today``; with ``limit``, only the most urgent
    ``limit`` rows are built, and every row is counted.

    Clients who share every value the contact rule reads (status, tier, cadence, last
    contact, since) share its answer, and so do facts of one kind and date: the rules
    decide each group once, count its members, and only the groups that hold the most
    urgent rows are opened and decided again row by row."""
    rules = _Rules(config, today, days, reasons, lunar, holidays)
    wanted, until = rules.wanted, rules.until
    by_tags = bool(tags)

    chosen = _segment(tiers, tags)

    def selected(c: ContactRow | ContactGroup | FactGroup | BirthdayGroup) -> bool:
        """Not closed (a closed client is never due), and in the segment."""
        return c.status != "closed" and all(p(c) for p in chosen)

    due: list[tuple[date, int, ContactGroup | FactGroup | BirthdayGroup]] = []  # groups with a row each member
    active = 0
    for g in book.contact_groups(by_tags):
        if not selected(g):
            continue
        if g.status == "active":
            active += g.count
        found = rules.contact_due(g.status, g.tier, g.cadence, g.last_contact, g.since)
        if found is not None:
            due.append((found[0], _RANK[found[1]], g))
    windows = []  # the fact dates that can give a row, per kind (the rules decide)
    if "follow-up" in wanted:
        windows.append((["follow-up"], None, until))
    if "kyc" in wanted:
        windows.append((["kyc"], None, latest_start(config.kyc_valid, until)))
    if "maturity" in wanted or "premium" in wanted:
        windows.append(([k for k in ("maturity", "premium") if k in wanted], today, until))
    for kinds, since, last in windows:
        for g in book.fact_groups(kinds, since, last, by_tags):
            day = rules.fact_date(g.kind, g.date) if selected(g) else None
            if day is not None:
                due.append((day, _RANK[g.kind], g))

    elsewhere = linked_elsewhere(set())
    if "birthday" in wanted:  # a group a row per member and day (a long window holds two)
        solar = month_days(today, until)
        drift = timedelta(days=LUNAR_DRIFT)
        near = month_days(today - drift, until + drift)
        births = [g for lunar_flag, pieces in ((False, solar), (True, near))
                  for g in book.birthday_groups(lunar_flag, None if pieces is None else
                                                [(a, b) for _, a, b in pieces], by_tags)]
        elsewhere = linked_elsewhere(book.own_birthdays({g.link for g in births if g.link}))
        for g in births:
            if selected(g) and not elsewhere(g):
                due += [(day, _RANK["birthday"], g) for day, _age in rules.birthdays(g)]
    rows: list[AgendaRow] = []
    rules.holiday_rows(rows, active)
    total = len(rows) + sum(g.count for _, _, g in due)
    overdue = sum(1 for r in rows if r.date < today) + sum(g.count for day, _, g in due if day < today)

    opened = _most_urgent(due, limit) if limit is not None else due
    contact_groups = [g for _, _, g in opened if isinstance(g, ContactGroup)]
    fact_groups = [g for _, _, g in opened if isinstance(g, FactGroup)]
    birthday_groups = list(dict.fromkeys(g for _, _, g in opened if isinstance(g, BirthdayGroup)))
    if contact_groups:
        for c in book.contacts_in(None if limit is None else contact_groups):
            if selected(c):
                rules.contact(rows, c)
    if fact_groups:
        for c, f in book.facts_in(fact_groups):
            if selected(c):
                rules.fact(rows, c, f)
    if birthday_groups:  # each birthday's rows, every day of the window (the table takes the first)
        for c, f in book.birthdays_in(birthday_groups):
            if selected(c) and not elsewhere(f):
                rules.fact(rows, c, f)
    shown = sorted(rows) if limit is None else heapq.nsmallest(max(limit, 0), rows)
    how = book.reach({r.client for r in shown if r.client})
    items = tuple(_item(r, how, today) for r in shown)
    return Agenda(today, until, items, total, overdue)


def linked_elsewhere(own_birthdays: set[str]) -> Callable[[Fact | BirthdayGroup], bool]:
    """Whether a fact is a family member's birthday that belongs under the member's own file:
    the member is linked (``client:``) to a client of the book, not closed, whose file gives
    a birthday of their own (``own_birthdays``: those clients). That row stands and this one
    is dropped, so a couple who are both clients, each listing the other, have one birthday
    row each. Decided over the whole book, before any filter: the row lives with its person,
    whichever clients are shown."""
    return lambda f: f.kind == "birthday" and f.link is not None and f.link in own_birthdays


def _most_urgent(due: list[tuple[date, int, ContactGroup | FactGroup | BirthdayGroup]], limit: int):
    """The groups that hold the ``limit`` most urgent rows: in (date, reason) order up to
    the group where their members reach ``limit``, and every group tied with that one
    (rows of one date and reason are ordered by name, which only the members know)."""
    if limit <= 0:
        return []
    due = sorted(due, key=lambda d: (d[0], d[1]))
    covered = 0
    for i, (day, rank, g) in enumerate(due):
        covered += g.count
        if covered >= limit:
            end = i + 1
            while end < len(due) and (due[end][0], due[end][1]) == (day, rank):
                end += 1
            return due[:end]
    return due


def _item(row: AgendaRow, how: Mapping[str, Reach], today: date) -> DueItem:
    days = (row.date - today).days
    if not row.client:
        return DueItem(None, row.name, row.reason, row.date, days, row.detail, "")
    r = how.get(row.client, Reach())
    amount, currency = row.amount or (None, None)
    return DueItem(row.client, row.name, row.reason, row.date, days, row.detail,
                   contact_hint(r.prefer, r.no_calls, r.best_time), amount, currency)


# ---------------------------------------------------------------------- from the index
def agenda_from_index(index: Index, config: Config, today: date, **options) -> Agenda:
    """:func:`agenda` over every indexed client (the index is the book)."""
    return agenda(index, config, today, **options)


# ---------------------------------------------------------------------- one client
class ClientBook:
    """One parsed client as a :class:`Book` of its own: what :func:`client_agenda` reads.

    A book of one client: no other file of the book holds a family member's birthday, so
    every birthday this client's file lists (a linked spouse's too, as written here) is a
    row of this client. Nothing is read from a linked member's own file."""

    def __init__(self, client: Client):
        from rmnotes.facts import facts_of

        self.row = ContactRow(client.id, client.name, client.status, client.tier,
                              str(client.cadence) if client.cadence else None,
                              client.last_contact, client.since, client.tags, client.risk_profile,
                              len(client.children))
        self.facts = facts_of(client)
        self.how = Reach(client.prefer, client.no_calls, client.best_time)

    def contact_groups(self, by_tags: bool) -> list[ContactGroup]:
        r = self.row
        return [ContactGroup(r.status, r.tier, r.cadence, r.last_contact,
                             None if r.last_contact else r.since, r.tags if by_tags else (), 1)]

    def contacts_in(self, groups: Sequence[ContactGroup] | None) -> list[ContactRow]:
        return [self.row] if groups is None or groups else []

    def fact_groups(self, kinds: Sequence[str], since: date | None, until: date | None,
                    by_tags: bool) -> list[FactGroup]:
        r = self.row
        counts: dict[tuple[str, date], int] = {}
        for f in self.facts:
            if f.kind in kinds and f.date is not None and (since is None or f.date >= since) \
                    and (until is None or f.date <= until):
                counts[f.kind, f.date] = counts.get((f.kind, f.date), 0) + 1
        return [FactGroup(kind, day, r.status, r.tier, r.tags if by_tags else (), n)
                for (kind, day), n in counts.items()]

    def facts_in(self, groups: Sequence[FactGroup]) -> list[tuple[ContactRow, Fact]]:
        keys = {(g.kind, g.date) for g in groups}
        return [(self.row, f) for f in self.facts if (f.kind, f.date) in keys]

    def birthday_groups(self, lunar: bool, month_days: Sequence[tuple[str, str]] | None,
                        by_tags: bool) -> list[BirthdayGroup]:
        r = self.row
        counts = Counter((f.date, f.lunar_day, f.link) for f in self.facts
                         if f.kind == "birthday" and f.lunar == lunar)
        return [BirthdayGroup(day, lunar, lunar_day, link, r.status, r.tier, r.tags if by_tags else (), n)
                for (day, lunar_day, link), n in counts.items()]

    def birthdays_in(self, groups: Sequence[BirthdayGroup]) -> list[tuple[ContactRow, Fact]]:
        keys = {(g.date, g.lunar, g.lunar_day, g.link) for g in groups}
        return [(self.row, f) for f in self.facts
                if f.kind == "birthday" and (f.date, f.lunar, f.lunar_day, f.link) in keys]

    def own_birthdays(self, ids: Iterable[str]) -> set[str]:
        return set()  # a book of one: a linked member's birthday stays with this client

    def reach(self, ids: Iterable[str]) -> dict[str, Reach]:
        return {self.row.id: self.how} if self.row.id in set(ids) else {}


def client_agenda(client: Client, config: Config, today: date, **options) -> Agenda:
    """:func:`agenda` of one client alone (``rmn due CLIENT``, ``rmn brief``): the same rules,
    over the client's own file; no holidays (they are nobody's)."""
    return agenda(ClientBook(client), config, today, **{**options, "holidays": None})


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
    parts: list[str] = []
    if prefer:
        parts.append(_joined(N_(", "), [word(p) for p in prefer]))
    if no_calls:
        if covers_work_hours(no_calls):
            channel = next((c for c in prefer if c in MESSAGE_CHANNELS), None)
            message = Msg(N_("message ({channel})"), channel=word(channel)) if channel else Msg(N_("message"))
            call = Msg(N_("call {time}"), time=best_time) if best_time else Msg(N_("call outside those hours"))
            parts.append(Msg(N_("no calls {hours}: {message} or {call}"), hours=no_calls,
                             message=message, call=call))
        elif best_time:
            parts.append(Msg(N_("no calls {hours}, best {time}"), hours=no_calls, time=best_time))
        else:
            parts.append(Msg(N_("no calls {hours}"), hours=no_calls))
    elif best_time:
        parts.append(Msg(N_("best {time}"), time=best_time))
    return _joined(N_(" · "), parts)


def _joined(sep: str, parts: Sequence[str]) -> str:
    """``parts`` joined by ``sep``, each part still translatable (a template of no words)."""
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    template = "{sep}".join("{p%d}" % i for i in range(len(parts)))
    args = {"p%d" % i: part for i, part in enumerate(parts)}
    return Msg(template, sep=Msg(sep), **args)
