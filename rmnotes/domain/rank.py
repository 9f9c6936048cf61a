"""The 80/20 check: clients ranked by what they bring, and the dormant ones with potential.

``value`` is exact (Decimal, base currency). Shares are of the total of the positive values;
the top group is every client down to the one where the cumulative share reaches 80%, plus
any client tied with that one (a tie at the cut never depends on the order of ids).

Dormant potential (the article's 沉睡的潛力客戶): a client with more financial assets
elsewhere than at this bank, and a large sum (property aside: a home is not money that
could move here); a client marked dormant who still holds large assets; or a client not
contacted for two cadences. "Large" defaults to the median AUM of the book.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from itertools import accumulate, pairwise
from operator import itemgetter
from typing import Iterable, Mapping, NamedTuple, Sequence, overload

from rmnotes.config import Config
from rmnotes.domain.money import ZERO, MissingRate
from rmnotes.domain.segments import Segment, book_totals, select
from rmnotes.index import BookClient, Index, Totals
from rmnotes.periods import Period

MEASURES = ("aum", "assets", "net-worth", "premium")
CUT = Decimal("0.8")
SHARE_PLACES = Decimal("0.0001")


class Ranked(NamedTuple):
    rank: int
    client: str
    name: str
    value: Decimal
    share: Decimal  # of the total, rounded to 4 places (the cut uses exact sums)
    cumulative: Decimal
    top80: bool


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
    rows: Sequence[Ranked]  # built row by row when read (see RankedRows)
    top80_count: int  # the top group is the first top80_count rows
    potential: tuple[Potential, ...]
    elsewhere_min: Decimal | None
    warnings: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.rows)


def value_of(config: Config, client: BookClient, by: str,
             totals: Totals | None = None) -> tuple[Decimal, tuple[str, ...]]:
    """The client's ``by`` measure in the base currency, and any problems (a premium of
    unknown frequency, left out). Raises MissingRate."""
    if by == "premium":
        from rmnotes.domain.coverage import premiums

        yearly, _single, problems = premiums(config, client)
        return yearly, problems
    t = totals or book_totals(config, client)
    return {"aum": t.aum, "assets": t.assets, "net-worth": t.net_worth}[by], ()


Row = tuple[str, Decimal, Decimal, Decimal, bool]  # id, value, share, cumulative, in the top
Step = tuple[str, Decimal, Decimal, bool]  # id, value, running sum of the positive values, in the top


def ordered(values: Iterable[tuple[str, Decimal]], share: Decimal = CUT) -> tuple[list[Step], Decimal, int]:
    """``(id, value)`` pairs highest value first (ties by id), each with the running sum
    of the positive values and whether it is in the top group; the total of the positive
    values and the size of the top group: every client down to the one where the running
    sum reaches ``share`` of the total, and any tied with that one."""
    steps = list(values)
    if not all(a[1] > b[1] or (a[1] == b[1] and a[0] < b[0]) for a, b in pairwise(steps)):
        # highest value first, ties by id: a stable sort by value after one by id
        steps = sorted(sorted(steps, key=itemgetter(0)), key=itemgetter(1), reverse=True)
    ids = [cid for cid, _ in steps]
    amounts = [v for _, v in steps]
    running = list(accumulate((v if v > 0 else ZERO for v in amounts), initial=ZERO))[1:]
    total = running[-1] if running else ZERO
    count = 0
    if total > 0:  # the positive values lead, so the running sum reaches the goal among them
        count = bisect_left(running, share * total) + 1
        reached_at = amounts[count - 1]
        while count < len(amounts) and amounts[count] == reached_at:
            count += 1
    tops = [True] * count + [False] * (len(amounts) - count)
    return list(zip(ids, amounts, running, tops)), total, count


def shares(value: Decimal, running: Decimal, total: Decimal) -> tuple[Decimal, Decimal]:
    """A row's share of ``total`` and the cumulative share, rounded to 4 places."""
    s = (value / total if value > 0 and total > 0 else ZERO).quantize(SHARE_PLACES)
    c = (running / total if total > 0 else ZERO).quantize(SHARE_PLACES)
    return s, c


def cut(values: Iterable[tuple[str, Decimal]], share: Decimal = CUT) -> tuple[list[Row], Decimal, int]:
    """Rank ``(id, value)`` pairs: rows ``(id, value, share, cumulative, top)``, the total
    and the size of the top group. Highest value first, ties by id."""
    steps, total, count = ordered(values, share)
    return [(cid, v, *shares(v, running, total), top) for cid, v, running, top in steps], total, count


class RankedRows(Sequence[Ranked]):
    """The ranked rows, each built (its shares divided and rounded) when it is read, so a
    table of the top 50 of 10,000 clients does not divide 20,000 times."""

    __slots__ = ("_steps", "_names", "_total")

    def __init__(self, steps: list[Step], names: Mapping[str, str], total: Decimal):
        self._steps, self._names, self._total = steps, names, total

    def __len__(self) -> int:
        return len(self._steps)

    @overload
    def __getitem__(self, i: int) -> Ranked: ...
    @overload
    def __getitem__(self, i: slice) -> list[Ranked]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._steps)))]
        if i < 0:
            i += len(self._steps)
        if not 0 <= i < len(self._steps):
            raise IndexError("ranked row out of range")
        cid, v, running, top = self._steps[i]
        return Ranked(i + 1, cid, self._names[cid], v, *shares(v, running, self._total), top)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"RankedRows({len(self)} rows)"


def rank(clients: Iterable[BookClient], config: Config, today: date, by: str = "aum",
         elsewhere_min: Decimal | None = None) -> Ranking:
    """Rank ``clients`` by ``by`` and find the dormant potential among them.

    ``elsewhere_min``: how much money counts as large potential; by default what a typical
    client holds at this bank (the median AUM).
    """
    if by not in MEASURES:
        raise ValueError(f"unknown measure {by!r}; use one of {', '.join(MEASURES)}")
    clients = list(clients)
    sums = _sums(config, clients)
    values: list[tuple[str, Decimal]] = []
    warnings: list[str] = []
    field = {"aum": "aum", "assets": "assets", "net-worth": "net_worth"}.get(by)
    for c in clients:
        t = sums[c.id]
        try:
            if field is not None:  # a holdings measure: already summed
                if isinstance(t, MissingRate):
                    raise t
                values.append((c.id, getattr(t, field)))
                continue
            value, problems = value_of(config, c, by)
        except MissingRate as exc:
            warnings.append(_left_out(c, exc))
            continue
        values.append((c.id, value))
        if problems:
            warnings += [f"warning: {m}" for m in problems]
    if elsewhere_min is None:
        elsewhere_min = median([t.aum for t in sums.values() if not isinstance(t, MissingRate) and t.aum > 0])
    found = _potential(config, clients, today, elsewhere_min, sums)
    return _ranking(by, values, {c.id: c.name for c in clients}, found, elsewhere_min, warnings)


def rank_from_index(index: Index, config: Config, today: date, segment: Segment, by: str = "aum",
                    elsewhere_min: Decimal | None = None) -> Ranking:
    """The same answer as :func:`rank` over the index's clients in ``segment``, with the
    warnings of :func:`~rmnotes.domain.segments.select` first. The holdings measures come
    from the index's totals (one narrow row per client, no client objects); the index
    narrows the dormant potential to clients that may have it (dormant, silent, or more
    money elsewhere), and :func:`potential_of` decides each. ``premium`` reads the
    policies of every client."""
    if by not in MEASURES:
        raise ValueError(f"unknown measure {by!r}; use one of {', '.join(MEASURES)}")
    if by == "premium":
        chosen = select(index.book(totals=config, policies=True, details=segment.needs_details),
                        segment.predicates(config))
        ranking = rank(chosen.clients, config, today, by, elsewhere_min)
        return replace(ranking, warnings=chosen.warnings + ranking.warnings)
    index.fresh_totals(config)
    where, params = segment.where()
    joined = f"FROM clients JOIN totals AS t ON t.client_id = clients.id WHERE {where}"
    values, names, aums = _measures(index, joined, params, segment, by)
    maybe, elsewhere, unpriced = _maybe_potential(index, joined, params, *_quiet_before(index, config, today))
    left_out, warnings = [], []
    for c in index.book(totals=config, details=False, ids=unpriced):
        try:
            book_totals(config, c)
        except MissingRate as exc:
            if segment.aum is not None:  # the segment needed its money: not selected
                left_out.append(f"warning: {c.name} ({c.id}) left out: {exc}")
            else:
                names[c.id] = c.name
                warnings.append(_left_out(c, exc))
    if elsewhere_min is None:
        elsewhere_min = median(aums)
    maybe += [cid for cid, more in elsewhere if elsewhere_min is None or more >= elsewhere_min]
    candidates = index.book(totals=config, details=False, ids=[cid for cid in maybe if cid in names])
    found = _potential(config, candidates, today, elsewhere_min, _sums(config, candidates))
    return _ranking(by, values, names, found, elsewhere_min, left_out + warnings)


def _measures(index: Index, joined: str, params: list, segment: Segment, by: str
              ) -> tuple[list[tuple[str, Decimal]], dict[str, str], list[Decimal]]:
    """The priced clients' ``(id, value)`` pairs, their names and their positive AUMs (for
    the median): a few columns per client, no objects, in SQL's floating-point order of the
    value so that :func:`ordered` finds them (almost always) already in order."""
    measure, approx = {"aum": ("", "t.aum"), "assets": (", t.assets", "t.assets"),
                       "net-worth": (", t.assets, t.liabilities", "t.assets - t.liabilities")}[by]
    rows = index.conn.execute(f"SELECT id, name, t.aum{measure} {joined} AND t.holding IS NULL"
                              f" ORDER BY CAST({approx} AS REAL) DESC, id", params).fetchall()
    ours = list(map(Decimal, (r[2] for r in rows)))
    if segment.aum is not None:  # exact money: tested here, not in SQL
        kept = [i for i, a in enumerate(ours) if segment.aum.test(a)]
        rows, ours = [rows[i] for i in kept], [ours[i] for i in kept]
    if by == "aum":
        values = list(zip((r[0] for r in rows), ours))
    elif by == "assets":
        values = [(r[0], Decimal(r[3])) for r in rows]
    else:
        values = [(r[0], Decimal(r[3]) - Decimal(r[4])) for r in rows]
    return values, {r[0]: r[1] for r in rows}, [a for a in ours if a > 0]


def _maybe_potential(index: Index, joined: str, params: list, quiet: str, quiet_params: list
                     ) -> tuple[list[str], list[tuple[str, Decimal]], list[str]]:
    """Who the rules may call dormant potential: the ids marked dormant or silent (exact),
    ``(id, elsewhere)`` of those with more elsewhere than here (how much is the caller's
    to check), and the ids with a currency that has no rate."""
    flagged: list[str] = []
    elsewhere: list[tuple[str, Decimal]] = []
    unpriced: list[str] = []
    for cid, holding, marked, more in index.conn.execute(
            f"SELECT id, t.holding, status != 'closed' AND (status = 'dormant'"
            f" OR coalesce(last_contact, since) < {quiet}), CASE WHEN t.more_elsewhere THEN t.elsewhere END"
            f" {joined} AND (t.holding IS NOT NULL OR (status != 'closed' AND (status = 'dormant'"
            f" OR t.more_elsewhere OR coalesce(last_contact, since) < {quiet})))",
            quiet_params + params + quiet_params):
        if holding is not None:
            unpriced.append(cid)
        if marked:
            flagged.append(cid)
        elif more is not None and holding is None:
            elsewhere.append((cid, Decimal(more)))
    return flagged, elsewhere, unpriced


def _quiet_before(index: Index, config: Config, today: date) -> tuple[str, list]:
    """SQL for the day two of a client's cadences before ``today`` (its own cadence, else
    its tier's, else the default's; NULL without one), and its parameters: a client not
    contacted since that day is silent (see :func:`potential_of`)."""
    own = [r[0] for r in index.conn.execute("SELECT DISTINCT cadence FROM clients WHERE cadence IS NOT NULL")]

    def two_before(period: Period | None) -> str | None:
        return Period(period.count * 2, period.unit).before(today).isoformat() if period else None

    tiers = [(tier, two_before(config.cadence_for(tier))) for tier in config.tiers]
    default = two_before(config.cadence_for(None))
    owns = [(cadence, two_before(Period.parse(cadence))) for cadence in own]
    by_tier = (f"CASE tier {' '.join(['WHEN ? THEN ?'] * len(tiers))} ELSE ? END" if tiers else "?")
    by_own = f"CASE cadence {' '.join(['WHEN ? THEN ?'] * len(owns))} END" if owns else "NULL"
    params = [x for pair in tiers for x in pair] + [default] + [x for pair in owns for x in pair]
    return f"(CASE WHEN cadence IS NULL THEN {by_tier} ELSE {by_own} END)", params


def _sums(config: Config, clients: Iterable[BookClient]) -> dict[str, Totals | MissingRate]:
    """Each client's totals, or the MissingRate that names its unpriced holding."""
    out: dict[str, Totals | MissingRate] = {}
    for c in clients:
        try:
            out[c.id] = book_totals(config, c)
        except MissingRate as exc:
            out[c.id] = exc
    return out


def _left_out(client: BookClient, exc: MissingRate) -> str:
    return f"warning: {client.name} ({client.id}) left out of the ranking: {exc}"


def _potential(config: Config, clients: Iterable[BookClient], today: date, large: Decimal | None,
               sums: dict[str, Totals | MissingRate]) -> tuple[Potential, ...]:
    """The dormant potential among ``clients``, the largest sums first."""
    cadences: dict = {}
    found = [p for p in (potential_of(config, c, today, large, sums[c.id], cadences) for c in clients)
             if p is not None]
    found.sort(key=lambda p: (-(max(p.elsewhere or ZERO, p.dormant_assets or ZERO)),
                              p.silent_since or today, p.client))
    return tuple(found)


def _ranking(by: str, values: list[tuple[str, Decimal]], names: dict[str, str],
             potential: tuple[Potential, ...], elsewhere_min: Decimal | None,
             warnings: list[str]) -> Ranking:
    steps, total, count = ordered(values)
    return Ranking(by, total, RankedRows(steps, names, total), count, potential, elsewhere_min,
                   tuple(warnings))


def median(values: list[Decimal]) -> Decimal | None:
    values = sorted(values)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def potential_of(config: Config, client: BookClient, today: date, large: Decimal | None,
                 totals: Totals | MissingRate | None = None,
                 cadences: dict | None = None) -> Potential | None:
    """Why ``client`` is dormant potential, or None. Closed clients never are.

    ``large``: the least amount that counts as large (None: any amount above zero);
    ``cadences``: a cache of each (tier, own cadence)'s period and the day two of them
    before ``today``, shared across clients.
    """
    if client.status == "closed":
        return None

    def is_large(amount: Decimal) -> bool:
        return amount > 0 and (large is None or amount >= large)

    elsewhere = dormant = ours = None
    if totals is None:
        try:
            totals = book_totals(config, client)
        except MissingRate as exc:
            totals = exc
    if not isinstance(totals, MissingRate):  # a missing rate is named in the ranking's warnings
        ours = totals.aum
        if is_large(totals.elsewhere) and totals.elsewhere > ours:
            elsewhere = totals.elsewhere
        if client.status == "dormant" and is_large(totals.assets):
            dormant = totals.assets
    key = (client.tier, client.cadence)
    known = cadences.get(key) if cadences is not None else None
    if known is None:
        cadence = config.cadence_for(key[0], Period.parse(key[1]) if key[1] else None)
        # silent for two cadences: no contact on or after this day
        known = (cadence, Period(cadence.count * 2, cadence.unit).before(today) if cadence else None)
        if cadences is not None:
            cadences[key] = known
    cadence, quiet_before = known
    silent: date | None = None
    never = False
    if quiet_before is not None:
        ref = client.last_contact or client.since
        if ref is not None and ref < quiet_before:
            silent = ref
            never = client.last_contact is None
    if elsewhere is None and dormant is None and silent is None:
        return None
    return Potential(client.id, client.name, client.status, ours, elsewhere, dormant,
                     silent, never, cadence)
