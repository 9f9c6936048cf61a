"""The domain's nouns as frozen dataclasses. Standard library only.

Everything a client file says is here; parse builds these, every other layer reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Mapping

from rmnotes.periods import LunarMonthDay, Period

CHANNELS: Mapping[str, str] = {
    "T": "telephone",
    "E": "email",
    "M": "meeting in person",
    "S": "short message (SMS, LINE, WhatsApp, WeChat)",
    "N": "internal note (not a contact)",
}
CONTACT_CHANNELS = frozenset("TEMS")
STATUSES = ("active", "prospect", "dormant", "closed")
ASSET_TYPES = ("deposit", "fund", "stock", "bond", "wmp", "structured", "insurance",
               "property", "cash", "other")
LIABILITY_TYPES = ("mortgage", "loan")


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem in a file, with its place; renders the way editors make clickable."""

    path: str
    line: int | None
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        place = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{place}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True, slots=True)
class FamilyMember:
    name: str
    relation: str | None = None
    birthday: date | None = None
    lunar_birthday: bool = False  # kept on the lunar calendar (either form of `lunar_birthday`)
    lunar_day: LunarMonthDay | None = None  # the lunar month-day when written out
    occupation: str | None = None
    school: str | None = None
    client: str | None = None  # id of a linked client file (a link, never a shared ledger)
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Asset:
    name: str
    type: str = "other"
    institution: str | None = None
    value: Decimal | None = None
    currency: str | None = None  # None: the vault's base currency
    since: date | None = None
    maturity: date | None = None
    risk: int | None = None
    line: int | None = None

    @property
    def is_liability(self) -> bool:
        return self.type in LIABILITY_TYPES

    @property
    def at_our_bank(self) -> bool:
        return self.institution == "ours"


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    insurer: str | None = None
    kind: str = "other"
    insured: str = "self"
    sum_assured: Decimal | None = None
    premium: Decimal | None = None
    premium_frequency: str = "annual"
    currency: str | None = None
    start: date | None = None
    term_years: int | None = None
    next_premium: date | None = None
    riders: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One log line ``- DATE [HH:MM] CH TEXT`` with its continuation lines and attributes."""

    date: date
    channel: str
    text: str
    time: str | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None

    @property
    def is_contact(self) -> bool:
        return self.channel in CONTACT_CHANNELS

    @property
    def sort_key(self) -> tuple[date, str]:
        return (self.date, self.time or "")


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """Entries newest first: by date and time, then the later in the file first (of one
    day, the one written last)."""
    return sorted(entries, key=lambda e: (e.sort_key, e.line or 0), reverse=True)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A promise to the client: ``- [ ] DATE TEXT``; ``number`` counts from 1 in file order."""

    number: int
    done: bool
    date: date | None
    text: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Client:
    id: str
    path: str
    name: str
    aliases: tuple[str, ...] = ()
    tier: str | None = None
    status: str = "active"
    since: date | None = None
    cadence: Period | None = None
    tags: tuple[str, ...] = ()
    region: str | None = None  # HK, TW, CN ...: the client's own; else the vault's
    birthday: date | None = None  # the solar date of birth
    lunar_birthday: bool = False  # kept on the lunar calendar (either form of `lunar_birthday`)
    lunar_day: LunarMonthDay | None = None  # the lunar month-day when written out
    marital_status: str | None = None
    income: Decimal | None = None
    risk_profile: int | None = None
    risk_assessed: date | None = None
    prefer: tuple[str, ...] = ()
    no_calls: str | None = None
    best_time: str | None = None
    family: tuple[FamilyMember, ...] = ()
    assets: tuple[Asset, ...] = ()
    policies: tuple[Policy, ...] = ()
    notes: str = ""
    followups: tuple[FollowUp, ...] = ()
    entries: tuple[Entry, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)  # the front-matter as written

    @property
    def last_contact(self) -> date | None:
        dates = [e.date for e in self.entries if e.is_contact]
        return max(dates) if dates else None

    @property
    def children(self) -> tuple[FamilyMember, ...]:
        return tuple(m for m in self.family if m.relation == "child")
