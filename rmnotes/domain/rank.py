"""The 80/20 check: clients ranked by what they bring, and the dormant ones with potential.

``value`` is exact (Decimal, base currency). Shares are of the total of the positive values;
the top group is every client down to the one where the cumulative share reaches 80%, plus
any client tied with that one (a tie at the cut never depends on the order of ids).

Dormant potential (the article's 沉睡的潛力客戶): a client with more financial assets
elsewhere than at this bank, and a large sum (property aside: a home is not money that
could move here); a client marked dormant who still holds large assets; or a client not
contacted for two cadences. "Large" defaults to the median AUM of the clients ranked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple, Sequence

from rmnotes.config import Config
from rmnotes.domain.cadence import Cadences, silent_since
from rmnotes.domain.coverage import premiums
from rmnotes.domain.money import ZERO, MissingRate, Totals
from rmnotes.domain.segments import Segment, select_from_index
from rmnotes.facts import ClientRow, ContactRow
from rmnotes.i18n import Msg, N_, _
from rmnotes.index import Index
from rmnotes.periods import Period

if TYPE_CHECKING:  # the model's classes load only with a parsed file
    from rmnotes.model import Policy

MEASURES = ("aum", "assets", "net-worth", "premium")
CUT = Decimal("0.8")
SHARE_PLACES = Decimal("0.0001")


class RankRow(NamedTuple):
    rank: int
    client: str
    name: str
    value: Decimal
    running: Decimal  # the sum of the positive values down to this row
    total: Decimal  # of the positive values of the whole ranking
    top80: bool

    @property
    def share(self) -> Decimal:
        """Of the total, rounded to 4 places (the cut uses exact sums)."""
        return shares(self.value, self.running, self.total)[0]

    @property
    def cumulative(self) -> Decimal:
        return shares(self.value, self.running, self.total)[1]


@dataclass(frozen=True, slots=True)
class Potential:
    """A dormant client with potential, and why: more money elsewhere than here (and a
    large sum), marked dormant yet holding large assets, or silent for two cadences."""

    client: str
    name: str
    status: str
    aum: Decimal | None  # at this bank
    elsewhere: Decimal | None  # financial assets elsewhere, when that is the reason
    dormant_assets: Decimal | None  # all assets of a client marked dormant, when large
    silent_since: date | None  # last contact (or ``since``) when two cadences have passed
    never_contacted: bool
    cadence: Period | None


@dataclass(frozen=True, slots=True)
class Ranking:
    by: str
    total: Decimal
    rows: tuple[RankRow, ...]
    top80_count: int  # the top group is the first top80_count rows
    potential: tuple[Potential, ...]
    elsewhere_min: Decimal | None
    warnings: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.rows)


_FIELDS = {"aum": "aum", "assets": "assets", "net-worth": "net_worth"}


def value_of(totals: Totals, by: str) -> Decimal:
    """A holdings measure (``aum``, ``assets``, ``net-worth``) of a client's totals."""
    return getattr(totals, _FIELDS[by])


def ranked(values: Iterable[tuple[str, str, Decimal]], share: Decimal = CUT) -> tuple[tuple[RankRow, ...], Decimal, int]:
    """``(id, name, value)`` ranked highest value first (ties by id), with each row's share
    and the cumulative share of the positive values; the total of the positive values, and
    the size of the top group: every client down to the one where the cumulative share
    reaches ``share`` of the total, and any tied with that one."""
    order = sorted(values, key=itemgetter(0))  # by id, then (stable) highest value first
    order.sort(key=itemgetter(2), reverse=True)
    running: list[Decimal] = []
    acc = ZERO
    for _id, _name, value in order:
        if value > 0:
            acc += value
        running.append(acc)
    total = acc
    top = 0
    if total > 0:  # the positive values lead, so the running sum reaches the goal among them
        goal = share * total
        top = next(i for i, r in enumerate(running) if r >= goal) + 1
        while top < len(order) and order[top][2] == order[top - 1][2]:
            top += 1
    rows = tuple(RankRow(i + 1, cid, name, value, running[i], total, i < top)
                 for i, (cid, name, value) in enumerate(order))
    return rows, total, top


def shares(value: Decimal, running: Decimal, total: Decimal) -> tuple[Decimal, Decimal]:
    """A row's share of ``total`` and the cumulative share, rounded to 4 places."""
    s = (value / total if value > 0 and total > 0 else ZERO).quantize(SHARE_PLACES)
    c = (running / total if total > 0 else ZERO).quantize(SHARE_PLACES)
    return s, c


def rank(clients: Sequence[ClientRow | ContactRow], totals: Mapping[str, Totals | MissingRate], config: Config,
         today: date, by: str = "aum", elsewhere_min: Decimal | None = None,
         policies: Mapping[str, Sequence[Policy]] | None = None) -> Ranking:
    """Rank ``clients`` by ``by`` and find the dormant potential among them.

    ``totals``: each client's (or the MissingRate naming its unpriced holding);
    ``policies``: each client's, for ``by="premium"``. ``elsewhere_min``: how much money
    counts as large potential; by default what a typical client holds at this bank (the
    median AUM).
    """
    if by not in MEASURES:
        raise ValueError(_("unknown measure {by}; use one of {known}").format(by=repr(by), known=", ".join(MEASURES)))
    values: list[tuple[str, str, Decimal]] = []
    warnings: list[str] = []
    for c in clients:
        try:
            if by == "premium":
                yearly, _single, problems = premiums(config, c, (policies or {}).get(c.id, ()))
                warnings += [Msg(N_("warning: {problem}"), problem=m) for m in problems]
                values.append((c.id, c.name, yearly))
            else:
                t = totals[c.id]
                if isinstance(t, MissingRate):
                    raise t
                values.append((c.id, c.name, value_of(t, by)))
        except MissingRate as exc:
            warnings.append(Msg(N_("warning: {name} ({id}) left out of the ranking: {problem}"),
                                name=c.name, id=c.id, problem=exc.args[0] if exc.args else str(exc)))
    if elsewhere_min is None:
        elsewhere_min = median([t.aum for c in clients if isinstance(t := totals[c.id], Totals) and t.aum > 0])
    cadences = Cadences(config)
    found = [p for c in clients if (p := potential_of(c, totals[c.id], cadences.of(c.tier, c.cadence),
                                                       today, elsewhere_min)) is not None]
    found.sort(key=lambda p: (-(max(p.elsewhere or ZERO, p.dormant_assets or ZERO)),
                              p.silent_since or today, p.client))
    rows, total, top = ranked(values)
    return Ranking(by, total, rows, top, tuple(found), elsewhere_min, tuple(warnings))


def rank_from_index(index: Index, config: Config, today: date, segment: Segment, by: str = "aum",
                    elsewhere_min: Decimal | None = None) -> Ranking:
    """:func:`rank` over the index's clients in ``segment``, with the warnings of the
    selection first."""
    chosen = select_from_index(index, config, segment, with_totals=True, contacts=True)
    policies = index.policies() if by == "premium" else None
    ranking = rank(chosen.clients, chosen.totals, config, today, by, elsewhere_min, policies)
    return Ranking(ranking.by, ranking.total, ranking.rows, ranking.top80_count, ranking.potential,
                   ranking.elsewhere_min, chosen.warnings + ranking.warnings)


def median(values: list[Decimal]) -> Decimal | None:
    values = sorted(values)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def potential_of(client: ClientRow | ContactRow, totals: Totals | MissingRate, cadence: Period | None, today: date,
                 large: Decimal | None) -> Potential | None:
    """Why ``client`` is dormant potential, or None. Closed clients never are.

    ``totals``: the client's, or the MissingRate of an unpriced holding (then only silence
    can make it potential); ``cadence``: the client's; ``large``: the least amount that
    counts as large (None: any amount above zero).
    """
    if client.status == "closed":
        return None
    elsewhere = dormant = ours = None
    if isinstance(totals, Totals):
        ours, away = totals.aum, totals.elsewhere
        if away > 0 and (large is None or away >= large) and away > ours:
            elsewhere = away
        if client.status == "dormant" and totals.assets > 0 and (large is None or totals.assets >= large):
            dormant = totals.assets
    silent = silent_since(cadence, client.last_contact, client.since, today)
    if elsewhere is None and dormant is None and silent is None:
        return None
    return Potential(client.id, client.name, client.status, ours, elsewhere, dormant, silent,
                     silent is not None and client.last_contact is None, cadence)
