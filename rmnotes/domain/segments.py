"""Segments of the book: small predicates over a client, combined with AND.

Each option of ``rmn list`` (and of ``coverage`` and ``rank``) becomes one predicate; a
segment is simply all of them. Options that take several values of one kind (``--tier A
--tier B``) mean "any of these"; ``--tag`` and ``--holds`` mean "all of these", because a
client has one tier but many tags and holdings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Callable, Iterable

from rmnotes.config import Config
from rmnotes.domain.money import ZERO, MissingRate, to_base
from rmnotes.index import BookClient, Totals, Unpriced
from rmnotes.periods import Period

Predicate = Callable[[BookClient], bool]


# ------------------------------------------------------------------ option values
@dataclass(frozen=True, slots=True)
class Range:
    """``3..5``, ``3``, ``..2`` or ``4..``: inclusive bounds, either may be open."""

    low: int | None
    high: int | None

    def __contains__(self, value: int | None) -> bool:
        if value is None:
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def __str__(self) -> str:
        if self.low == self.high:
            return str(self.low)
        return f"{'' if self.low is None else self.low}..{'' if self.high is None else self.high}"


def parse_range(text: str) -> Range:
    """``"3..5"`` -> Range(3, 5); raises ValueError with a hint for anything else."""
    m = re.fullmatch(r"\s*(\d+)?\s*(?:(\.\.|-)\s*(\d+)?)?\s*", text or "")
    if not m or (m.group(1) is None and m.group(3) is None):
        raise ValueError(f"{text!r} is not a range; write 3..5, 3, ..2 or 4..")
    low = int(m.group(1)) if m.group(1) else None
    high = int(m.group(3)) if m.group(3) else (low if m.group(2) is None else None)
    if low is not None and high is not None and low > high:
        raise ValueError(f"{text!r} is an empty range: {low} is above {high}")
    return Range(low, high)


_UNITS = {"k": Decimal(1000), "m": Decimal(1000000), "萬": Decimal(10000), "万": Decimal(10000),
          "億": Decimal(100000000), "亿": Decimal(100000000)}
_OPS = (">=", "<=", "==", "!=", ">", "<", "=")


def parse_amount(text: str) -> Decimal:
    """``1,000,000``, ``1_000_000``, ``1.5m``, ``300k``, ``500萬`` -> an exact Decimal."""
    raw = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    unit = Decimal(1)
    if raw and raw[-1].lower() in _UNITS:
        unit = _UNITS[raw[-1].lower()]
        raw = raw[:-1]
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount; write e.g. 1000000, 1,000,000, 1.5m or 500萬") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not an amount")
    return value * unit


@dataclass(frozen=True, slots=True)
class Condition:
    """An amount test such as ``>=1000000`` or the range ``1m..5m`` (inclusive)."""

    op: str  # one of _OPS, or ".." for a range
    amount: Decimal
    high: Decimal | None = None

    def test(self, value: Decimal) -> bool:
        a = self.amount
        return {
            ">=": value >= a, "<=": value <= a, ">": value > a, "<": value < a,
            "=": value == a, "==": value == a, "!=": value != a,
            "..": self.high is not None and a <= value <= self.high,
        }[self.op]


def parse_condition(text: str) -> Condition:
    """``">=1000000"``, ``"<500k"``, ``"1m..5m"``; a bare amount means ``>=``."""
    s = (text or "").strip()
    if ".." in s:
        low, high = s.split("..", 1)
        return Condition("..", parse_amount(low or "0"), parse_amount(high))
    for op in _OPS:
        if s.startswith(op):
            return Condition(op, parse_amount(s[len(op):]))
    if not s:
        raise ValueError("empty amount condition; write e.g. '>=1000000'")
    return Condition(">=", parse_amount(s))


def parse_asset_type(text: str) -> str:
    """``--holds`` takes one asset type, one word (``fund``, ``deposit``): lower-cased."""
    word = (text or "").strip().lower()
    if not word or any(ch.isspace() for ch in word):
        raise ValueError(f"{text!r} is not an asset type; give one word such as fund, stock or deposit "
                         "(repeat --holds for several)")
    return word


def parse_since(text: str, today: date) -> date:
    """``90d``, ``3m``, ``1y`` before ``today``, or a date ``2026-01-31``: the cut-off day."""
    period = Period.parse(text)
    if period is not None:
        return period.before(today)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is neither a period (90d, 6w, 3m, 1y) nor a date (YYYY-MM-DD)") from None


# ------------------------------------------------------------------ predicates
def tier_in(tiers: Iterable[str]) -> Predicate:
    wanted = frozenset(tiers)
    return lambda c: c.tier in wanted


def status_in(statuses: Iterable[str]) -> Predicate:
    wanted = frozenset(s.lower() for s in statuses)
    return lambda c: c.status in wanted


def has_tag(tag: str) -> Predicate:
    return lambda c: tag in c.tags


def risk_in(rng: Range) -> Predicate:
    return lambda c: c.risk_profile in rng


def holds(asset_type: str) -> Predicate:
    wanted = asset_type.lower()
    return lambda c: wanted in c.asset_types


def has_children() -> Predicate:
    return lambda c: c.children > 0


def no_contact_since(cutoff: date) -> Predicate:
    """No contact (T, E, M or S) on or after ``cutoff``; never contacted counts too."""
    return lambda c: c.last_contact is None or c.last_contact < cutoff


def book_totals(config: Config, client: BookClient) -> Totals:
    """The client's holdings in the base currency (from ``index.book(totals=config)``);
    raises MissingRate naming a holding whose currency has no rate."""
    t = client.totals
    if t is None:
        raise ValueError(f"{client.id}: the index was not asked for totals")
    if isinstance(t, Unpriced):
        to_base(config, ZERO, t.currency, f"{client.path}: {client.name} asset '{t.holding}'")
    return t


def aum(config: Config, client: BookClient) -> Decimal:
    """Assets at this bank in the base currency; raises MissingRate naming the holding."""
    return book_totals(config, client).aum


def aum_matches(condition: Condition, config: Config) -> Predicate:
    return lambda c: condition.test(aum(config, c))


# ------------------------------------------------------------------ a segment
@dataclass(frozen=True, slots=True)
class Segment:
    tiers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    risk: Range | None = None
    holds: tuple[str, ...] = ()
    has_children: bool = False
    no_contact_since: date | None = None  # the cut-off day
    aum: Condition | None = None

    @property
    def needs_details(self) -> bool:
        return bool(self.tags)

    @property
    def needs_totals(self) -> bool:
        return self.aum is not None

    @property
    def is_empty(self) -> bool:
        return self == Segment()

    def where(self) -> tuple[str, list]:
        """The segment as SQL over the index's ``clients`` table (``--aum`` aside: it needs
        exact money, see :meth:`predicates`), with its parameters; the same tests."""
        parts, params = ["1"], []

        def any_of(column: str, values: Iterable[str]) -> None:
            values = list(values)
            parts.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)

        if self.tiers:
            any_of("tier", self.tiers)
        if self.statuses:  # +status: a scan beats the status index for most of the book
            any_of("+status", (s.lower() for s in self.statuses))
        for tag in self.tags:
            parts.append("EXISTS (SELECT 1 FROM json_each(clients.tags) WHERE value = ?)")
            params.append(tag)
        if self.risk is not None:
            parts.append("risk_profile IS NOT NULL")
            if self.risk.low is not None:
                parts.append("risk_profile >= ?")
                params.append(self.risk.low)
            if self.risk.high is not None:
                parts.append("risk_profile <= ?")
                params.append(self.risk.high)
        for asset_type in self.holds:  # asset_types: the types, space-separated
            parts.append("instr(' ' || asset_types || ' ', ?) > 0")
            params.append(f" {asset_type.lower()} ")
        if self.has_children:
            parts.append("children > 0")
        if self.no_contact_since is not None:
            parts.append("(last_contact IS NULL OR last_contact < ?)")
            params.append(self.no_contact_since.isoformat())
        return " AND ".join(parts), params

    def predicates(self, config: Config) -> tuple[Predicate, ...]:
        out: list[Predicate] = []
        if self.tiers:
            out.append(tier_in(self.tiers))
        if self.statuses:
            out.append(status_in(self.statuses))
        out += [has_tag(t) for t in self.tags]
        if self.risk is not None:
            out.append(risk_in(self.risk))
        out += [holds(t) for t in self.holds]
        if self.has_children:
            out.append(has_children())
        if self.no_contact_since is not None:
            out.append(no_contact_since(self.no_contact_since))
        if self.aum is not None:  # last: the only one that converts money
            out.append(aum_matches(self.aum, config))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Selection:
    clients: tuple[BookClient, ...]
    warnings: tuple[str, ...]  # clients left out because a value could not be computed


def select(clients: Iterable[BookClient], predicates: Iterable[Predicate]) -> Selection:
    """The clients every predicate accepts. A client whose money cannot be converted (a
    currency without a rate) is left out and named in a warning, never taken as zero."""
    preds = tuple(predicates)
    kept: list[BookClient] = []
    warnings: list[str] = []
    for c in clients:
        try:
            if all(p(c) for p in preds):
                kept.append(c)
        except MissingRate as exc:
            warnings.append(f"warning: {c.name} ({c.id}) left out: {exc}")
    return Selection(tuple(kept), tuple(warnings))
