"""Segments of the book: small predicates over a client, combined with AND.

Each option of ``rmn list`` (and of ``coverage`` and ``rank``) becomes one predicate; a
segment is simply all of them. Options that take several values of one kind (``--tier A
--tier B``) mean "any of these"; ``--tag`` and ``--holds`` mean "all of these", because a
client has one tier but many tags and holdings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from rmnotes.config import Config
from rmnotes.domain.money import MissingRate, Totals, rates_key, sum_holdings
from rmnotes.facts import ClientRow, ContactRow, Holdings
from rmnotes.i18n import Msg, N_, _
from rmnotes.periods import Period

if TYPE_CHECKING:
    from rmnotes.index import Index

Predicate = Callable[[ClientRow | ContactRow], bool]  # the predicates of a Segment that reads no profile take either

# the clients the book-wide views (coverage, rank) show unless --status asks for others
OPEN_STATUSES = ("active", "prospect", "dormant")


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
        raise ValueError(_("{text} is not a range; write 3..5, 3, ..2 or 4..").format(text=repr(text)))
    low = int(m.group(1)) if m.group(1) else None
    high = int(m.group(3)) if m.group(3) else (low if m.group(2) is None else None)
    if low is not None and high is not None and low > high:
        raise ValueError(_("{text} is an empty range: {low} is above {high}").format(text=repr(text), low=low, high=high))
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
        raise ValueError(_("{text} is not an amount; write e.g. 1000000, 1,000,000, 1.5m or 500萬")
                         .format(text=repr(text))) from None
    if not value.is_finite():
        raise ValueError(_("{text} is not an amount").format(text=repr(text)))
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
        raise ValueError(_("empty amount condition; write e.g. '>=1000000'"))
    return Condition(">=", parse_amount(s))


def parse_asset_type(text: str) -> str:
    """``--holds`` takes one asset type: its code (``fund``) or a word for it, as the
    screen shows it or a sheet writes it (基金, 定存)."""
    return _coded("type", text)


def parse_status(text: str) -> str:
    """``--status`` takes one status: its code (``active``) or a word for it (往來中)."""
    return _coded("status", text)


def _coded(vocabulary: str, text: str) -> str:
    """The code ``text`` names in ``vocabulary``, as a whole word: the code (any case), the
    word the screen shows for it, or a word a sheet writes for it (a filter never reads a
    part: 不活躍 is not 活躍); a ValueError listing the words the screen shows otherwise."""
    from rmnotes.domain import columns
    from rmnotes.i18n import language, tr
    from rmnotes.parse import cells
    from rmnotes.words import word

    allowed = columns.ALLOWED[vocabulary]
    shown = [tr(word(v)) for v in allowed]
    words = {cells.key(w): meant for w, meant in (*columns.WORDS[vocabulary], *zip(shown, allowed),
                                                  *zip(allowed, allowed))}
    found = words.get(cells.key(text or ""))
    if found is None:
        key = "status" if vocabulary == "status" else "type"
        label = next(c for c in (*columns.CLIENT_COLUMNS, *columns.HOLDING_COLUMNS) if c.key == key).label(language())
        raise ValueError(_('{label} "{value}" is not one of: {allowed}').format(
            label=label, value=text, allowed=", ".join(shown)))
    return found


def parse_since(text: str, today: date) -> date:
    """``90d``, ``3m``, ``1y`` before ``today``, or a date as people write it (``2026-01-31``,
    ``115/1/31``, ``1/31``: :func:`rmnotes.parse.dates.read_date`): the cut-off day."""
    from rmnotes.parse.dates import DateInputError, read_date

    period = Period.parse(text)
    if period is not None:
        return period.before(today)
    try:
        return read_date(text, today=today)
    except DateInputError as exc:
        raise ValueError(_("{text!r} is neither a period (90d, 6w, 3m, 1y) nor a date: {problem}")
                         .format(text=text, problem=exc)) from None


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


def aum_matches(condition: Condition, totals: Mapping[str, Totals | MissingRate]) -> Predicate:
    """Assets at this bank (base currency) pass ``condition``; raises MissingRate, naming
    the holding, for a client whose money cannot be converted."""

    def test(c: ClientRow | ContactRow) -> bool:
        t = totals[c.id]
        if isinstance(t, MissingRate):
            raise t
        return condition.test(t.aum)

    return test


def totals_by_client(config: Config, clients: Iterable[ClientRow | ContactRow],
                holdings: Mapping[str, Sequence[Holdings]]) -> dict[str, Totals | MissingRate]:
    """Each client's totals (:func:`~rmnotes.domain.money.sum_holdings`), or the
    MissingRate that names its unpriced holding."""
    out: dict[str, Totals | MissingRate] = {}
    for c in clients:
        try:
            out[c.id] = sum_holdings(config, holdings.get(c.id, ()), f"{c.path}: {c.name}")
        except MissingRate as exc:
            out[c.id] = exc
    return out


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
    def needs_totals(self) -> bool:
        return self.aum is not None

    @property
    def reads_profile(self) -> bool:
        """Whether a predicate reads more of a client than a ContactRow holds."""
        return self.risk is not None or bool(self.holds) or self.has_children

    @property
    def is_empty(self) -> bool:
        return self == Segment()

    def predicates(self, totals: Mapping[str, Totals | MissingRate] | None = None
                   ) -> tuple[Predicate, ...]:
        """One predicate per option; ``totals`` (by client id) are needed for ``--aum``."""
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
        if self.aum is not None:  # last: the only one that needs money
            if totals is None:
                raise ValueError("an --aum segment needs the clients' totals")
            out.append(aum_matches(self.aum, totals))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Selection:
    clients: tuple[ClientRow | ContactRow, ...]
    warnings: tuple[str, ...]  # clients left out because a value could not be computed
    totals: Mapping[str, Totals | MissingRate] = field(default_factory=dict)  # when asked for


def select(clients: Iterable[ClientRow | ContactRow], segment: Segment,
           totals: Mapping[str, Totals | MissingRate] | None = None) -> Selection:
    """The clients every predicate of ``segment`` accepts. A client whose money cannot be
    converted (a currency without a rate) is left out and named in a warning, never taken
    as zero."""
    preds = segment.predicates(totals)
    kept: list[ClientRow | ContactRow] = []
    warnings: list[str] = []
    for c in clients:
        try:
            if all(p(c) for p in preds):
                kept.append(c)
        except MissingRate as exc:
            warnings.append(Msg(N_("warning: {name} ({id}) left out: {problem}"), name=c.name, id=c.id,
                                problem=exc.args[0] if exc.args else str(exc)))
    return Selection(tuple(kept), tuple(warnings), totals or {})


def select_from_index(index: Index, config: Config, segment: Segment, *,
                      with_totals: bool = False, contacts: bool = False) -> Selection:
    """The index's clients in ``segment``, by id; with ``with_totals`` (or an ``--aum``
    segment) also every selected client's totals. With ``contacts`` the clients may come
    as ContactRows (a caller that reads no more of them), unless the segment reads more."""
    clients = index.contacts() if contacts and not segment.reads_profile else index.clients()
    totals = None
    if with_totals or segment.needs_totals:
        totals = totals_from_index(index, config, clients)
    return select(clients, segment, totals)


def totals_from_index(index: Index, config: Config, clients: Sequence[ClientRow | ContactRow]
                      ) -> dict[str, Totals | MissingRate]:
    """:func:`totals_by_client` of ``clients``, kept in the index for the next run: only
    clients whose file changed (or all, when the rates in rmnotes.yaml did) are summed
    again. A client with an unpriced holding is summed every time, so the MissingRate
    always names the holding as the file has it now."""
    key = rates_key(config)
    saved = index.saved_totals(key)
    fresh = [c for c in clients if c.id not in saved]
    summed: dict[str, Totals | MissingRate] = {}
    if fresh:
        ids = None if len(fresh) == len(clients) else [c.id for c in fresh]
        summed = totals_by_client(config, fresh, index.holdings(ids))
        index.save_totals(key, {cid: t for cid, t in summed.items() if isinstance(t, Totals)})
    return {c.id: saved[c.id] if c.id in saved else summed[c.id] for c in clients}
