"""A client flattened for the index: one light row, its dated facts, its holdings per currency.

These are the shapes the index stores and hands back, and the shapes the domain's rules
read. A parsed file and the cache give the same rows, so every rule is written once, over
rows, whichever way they came.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Iterable, NamedTuple

from rmnotes.periods import LunarMonthDay

if TYPE_CHECKING:  # a warm command reads rows and builds no model class
    from rmnotes.model import Asset, Client


class ClientRow(NamedTuple):
    """What the book-wide views (due, list, coverage, rank, segments) need of one client.

    The index's ``clients`` table has exactly these columns, by these names."""

    id: str
    name: str
    tier: str | None
    status: str
    cadence: str | None  # the client's own cadence as written, e.g. "2w"
    since: date | None
    last_contact: date | None  # the latest T, E, M or S entry
    risk_profile: int | None
    children: int
    asset_types: tuple[str, ...]  # the types of the holdings, valued or not
    tags: tuple[str, ...]
    prefer: tuple[str, ...]
    no_calls: str | None
    best_time: str | None
    marital_status: str | None
    income: Decimal | None
    income_currency: str | None  # ``profile.currency``; None: the base currency

    @property
    def path(self) -> str:
        return f"clients/{self.id}.md"


class ContactRow(NamedTuple):
    """What the agenda and the ranking need of every client: who, whether selected, and
    the last contact; its fields are :class:`ClientRow`'s too, by the same names. (How to
    reach the client, :class:`Reach`, is read only for the rows shown.)"""

    id: str
    name: str
    status: str
    tier: str | None
    cadence: str | None  # the client's own cadence as written, e.g. "2w"
    last_contact: date | None
    since: date | None
    tags: tuple[str, ...]
    risk_profile: int | None  # for rmn list's JSON and CSV, which read no more of a client
    children: int

    @property
    def path(self) -> str:
        return f"clients/{self.id}.md"


class ContactGroup(NamedTuple):
    """Clients who share every value the contact rule reads, and how many they are
    (``tags``: empty unless the agenda selects by tag)."""

    status: str
    tier: str | None
    cadence: str | None
    last_contact: date | None
    since: date | None  # only for clients never contacted (the rules read it then only)
    tags: tuple[str, ...]
    count: int


class FactGroup(NamedTuple):
    """Dated facts of one kind and day, of clients of one status and tier (and tags)."""

    kind: str
    date: date
    status: str
    tier: str | None
    tags: tuple[str, ...]
    count: int


class BirthdayGroup(NamedTuple):
    """Birthdays written alike (the birth date on its calendar, a lunar month-day), of one
    linked client or none, of clients of one status and tier (and tags): all the birthday
    rule reads, so that one answer serves the group."""

    date: date | None
    lunar: bool
    lunar_day: LunarMonthDay | None
    link: str | None
    status: str
    tier: str | None
    tags: tuple[str, ...]
    count: int
    kind: str = "birthday"


class Reach(NamedTuple):
    """How to reach a client: the preferred channels and the hours to avoid calling."""

    prefer: tuple[str, ...] = ()
    no_calls: str | None = None
    best_time: str | None = None


class Fact(NamedTuple):
    """A dated fact the agenda reads. ``kind``: birthday | maturity | premium | follow-up | kyc."""

    kind: str
    date: date | None  # None only for a birthday known by its lunar month-day alone
    detail: str  # the member, asset, policy or promise
    lunar: bool = False  # a birthday kept on the lunar calendar
    relation: str | None = None  # for a family member's birthday; None for the client
    number: int | None = None  # a follow-up's number
    lunar_day: LunarMonthDay | None = None  # a lunar birthday's month-day, when written out
    link: str | None = None  # a family member's own client file (``client:``), for a birthday
    amount: Decimal | None = None  # a maturity's value, a premium's amount
    currency: str | None = None  # of ``amount``; None: the base currency


class Holdings(NamedTuple):
    """A client's valued holdings in one currency, summed exactly per kind."""

    currency: str | None  # None: the base currency
    ours: Decimal  # at this bank
    elsewhere: Decimal  # financial assets anywhere else
    property: Decimal  # property elsewhere (a home is not money that could move here)
    liabilities: Decimal
    first: str  # the first holding in this currency (named when it has no rate)


class Totals(NamedTuple):
    """A client's holdings in the base currency (:func:`rmnotes.domain.money.sum_holdings`,
    the one rule; the index keeps them, under the rates they were worked out with)."""

    assets: Decimal  # everything held, property included
    liabilities: Decimal
    aum: Decimal  # assets at this bank
    elsewhere: Decimal  # financial assets anywhere else (property and liabilities aside)

    @property
    def net_worth(self) -> Decimal:
        return self.assets - self.liabilities


def client_row(client: Client) -> ClientRow:
    return ClientRow(
        id=client.id,
        name=client.name,
        tier=client.tier,
        status=client.status,
        cadence=str(client.cadence) if client.cadence else None,
        since=client.since,
        last_contact=client.last_contact,
        risk_profile=client.risk_profile,
        children=len(client.children),
        asset_types=tuple(sorted({a.type for a in client.assets})),
        tags=client.tags,
        prefer=client.prefer,
        no_calls=client.no_calls,
        best_time=client.best_time,
        marital_status=client.marital_status,
        income=client.income,
        income_currency=income_currency(client),
    )


def income_currency(client: Client) -> str | None:
    """``profile.currency``: the currency of ``income`` when it is not the base currency."""
    profile = client.meta.get("profile")
    cur = profile.get("currency") if isinstance(profile, dict) else None
    return str(cur).strip().upper() if cur not in (None, "") else None


def holdings_of(assets: Iterable[Asset]) -> list[Holdings]:
    """The valued holdings summed per currency, in order of first appearance: at this bank,
    financial elsewhere, property elsewhere, liabilities (what counts where is decided here)."""
    zero = Decimal(0)
    sums: dict[str | None, list] = {}
    for a in assets:
        if a.value is None:
            continue
        acc = sums.get(a.currency)
        if acc is None:
            acc = sums[a.currency] = [zero, zero, zero, zero, a.name]
        if a.is_liability:
            acc[3] += a.value
        elif a.at_our_bank:
            acc[0] += a.value
        elif a.type == "property":
            acc[2] += a.value
        else:
            acc[1] += a.value
    return [Holdings(cur, *acc) for cur, acc in sums.items()]


def facts_of(client: Client) -> list[Fact]:
    out: list[Fact] = []
    if client.birthday or client.lunar_day:
        out.append(Fact("birthday", client.birthday, client.name, client.lunar_birthday,
                        lunar_day=client.lunar_day))
    for m in client.family:
        if m.birthday or m.lunar_day:
            out.append(Fact("birthday", m.birthday, m.name, m.lunar_birthday, m.relation or "other",
                            lunar_day=m.lunar_day, link=m.client))
    for a in client.assets:
        if a.maturity:
            out.append(Fact("maturity", a.maturity, a.name, amount=a.value, currency=a.currency))
    for p in client.policies:
        if p.next_premium:
            out.append(Fact("premium", p.next_premium, p.name, amount=p.premium, currency=p.currency))
    for f in client.followups:
        if not f.done and f.date:
            out.append(Fact("follow-up", f.date, f.text, number=f.number))
    if client.risk_assessed:
        out.append(Fact("kyc", client.risk_assessed, "risk assessment"))
    return out
