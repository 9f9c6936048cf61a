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

import json
from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from itertools import accumulate, compress, islice
from operator import eq, ge, itemgetter
from typing import Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence, overload

from rmnotes.config import Config
from rmnotes.domain.money import ZERO, MissingRate
from rmnotes.domain.segments import Segment, book_totals, select
from rmnotes.index import BookClient, Index, Totals, Unpriced
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
    ids = [cid for cid, _ in steps]
    amounts = [v for _, v in steps]
    if not _in_order(ids, amounts):
        # highest value first, ties by id: a stable sort by value after one by id
        steps = sorted(sorted(steps, key=itemgetter(0)), key=itemgetter(1), reverse=True)
        ids = [cid for cid, _ in steps]
        amounts = [v for _, v in steps]
    positive = amounts if not amounts or amounts[-1] > 0 else [v if v > 0 else ZERO for v in amounts]
    running = list(accumulate(positive))
    total = running[-1] if running else ZERO
    top = 0
    if total > 0:  # the positive values lead, so the running sum reaches the goal among them
        top = bisect_left(running, share * total) + 1
        reached_at = amounts[top - 1]
        while top < len(amounts) and amounts[top] == reached_at:
            top += 1
    tops = [True] * top + [False] * (len(amounts) - top)
    return list(zip(ids, amounts, running, tops)), total, top


def _in_order(ids: list[str], amounts: list[Decimal]) -> bool:
    """Highest value first, ties by id (the ties' ids are compared one by one: few)."""
    if not all(map(ge, amounts, islice(amounts, 1, None))):
        return False
    ties = compress(range(len(amounts) - 1), map(eq, amounts, islice(amounts, 1, None)))
    return all(ids[i] < ids[i + 1] for i in ties)


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
    """The ranked rows, each built (its shares divided and rounded, its name looked up)
    when it is read, so a table of the top 50 of 10,000 clients does not divide 20,000
    times. ``names`` gives the names of a list of ids: the rows read at once (a slice, or
    all of them by iterating) ask once. From :func:`rank_from_index` it asks the index:
    read the rows while the index is open."""

    __slots__ = ("_steps", "_names", "_total")

    def __init__(self, steps: list[Step], names: Callable[[list[str]], Mapping[str, str]], total: Decimal):
        self._steps, self._names, self._total = steps, names, total

    def __len__(self) -> int:
        return len(self._steps)

    @overload
    def __getitem__(self, i: int) -> Ranked: ...
    @overload
    def __getitem__(self, i: slice) -> list[Ranked]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self._rows(range(*i.indices(len(self._steps))))
        if i < 0:
            i += len(self._steps)
        if not 0 <= i < len(self._steps):
            raise IndexError("ranked row out of range")
        return self._rows(range(i, i + 1))[0]

    def __iter__(self) -> Iterator[Ranked]:
        return iter(self._rows(range(len(self._steps))))

    def _rows(self, at: range) -> list[Ranked]:
        steps, total = self._steps, self._total
        names = self._names([steps[i][0] for i in at])
        out = []
        for i in at:
            cid, v, running, top = steps[i]
            out.append(Ranked(i + 1, cid, names[cid], v, *shares(v, running, total), top))
        return out

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
    found = _potential_among(config, clients, today, elsewhere_min, sums)
    names = {c.id: c.name for c in clients}
    return _ranking(by, values, lambda _ids: names, found, elsewhere_min, warnings)


def rank_from_index(index: Index, config: Config, today: date, segment: Segment, by: str = "aum",
                    elsewhere_min: Decimal | None = None) -> Ranking:
    """The same answer as :func:`rank` over the index's clients in ``segment``, with the
    warnings of :func:`~rmnotes.domain.segments.select` first. The holdings measures come
    from the index's totals, read once with a mark of who may be dormant potential (see
    :func:`_scan`); the marked clients are decided by the rules of :func:`potential_of`
    on a few columns each (see :func:`_decide`). ``premium`` reads the policies of every
    client. The rows look their names up in the index when they are read."""
    if by not in MEASURES:
        raise ValueError(f"unknown measure {by!r}; use one of {', '.join(MEASURES)}")
    if by == "premium":
        chosen = select(index.book(totals=config, policies=True, details=segment.needs_details),
                        segment.predicates(config))
        ranking = rank(chosen.clients, config, today, by, elsewhere_min)
        return replace(ranking, warnings=chosen.warnings + ranking.warnings)
    index.fresh_totals(config)
    quiet = _quiet_before(index, config, today)
    scan = _scan(index, segment, by, quiet)
    if elsewhere_min is None:
        elsewhere_min = median(scan.aums)
    rich_elsewhere = [cid for cid, more in scan.elsewhere if elsewhere_min is None or more >= elsewhere_min]
    found, warnings = _decide(index, config, today, elsewhere_min, quiet, scan.marked, rich_elsewhere,
                              scan.unpriced, segment_needs_money=segment.aum is not None)
    return _ranking(by, scan.values, index.names_of, found, elsewhere_min, warnings)


class _Scan(NamedTuple):
    """One read of the segment's clients: what ranks them, and who may be potential."""

    values: list[tuple[str, Decimal]]  # the priced clients' (id, value), in SQL's order
    aums: list[Decimal]  # the positive AUMs (for the median)
    marked: list[str]  # not closed, and dormant or silent for two cadences (exact); priced or not
    elsewhere: list[tuple[str, Decimal]]  # (id, elsewhere) of those with more elsewhere than here
    unpriced: list[str]  # a holding in a currency with no rate


def _scan(index: Index, segment: Segment, by: str, quiet: tuple[str, list]) -> _Scan:
    """A few columns per client, no objects, no names (the rows shown look theirs up), in
    SQL's floating-point order of the value so that :func:`ordered` finds them (almost
    always) already in order."""
    measure, approx = {"aum": ("", "t.aum"), "assets": (", t.assets", "t.assets"),
                       "net-worth": (", t.assets, t.liabilities", "t.assets - t.liabilities")}[by]
    where, params = segment.where()
    quiet_sql, quiet_params = quiet
    # one column says who may be dormant potential: '' marked (dormant, or silent for two
    # cadences: exact), the sum elsewhere when it is more than here (how large is the
    # caller's to check, in Decimal), NULL for the rest and for closed clients
    rows = index.conn.execute(
        f"SELECT id, t.aum, CASE WHEN status = 'closed' THEN NULL"
        f" WHEN status = 'dormant' OR coalesce(last_contact, since) < {quiet_sql} THEN ''"
        f" WHEN t.more_elsewhere THEN t.elsewhere END{measure}"
        f" FROM clients JOIN totals AS t ON t.client_id = clients.id WHERE {where}"
        f" ORDER BY CAST({approx} AS REAL) DESC, id", quiet_params + params).fetchall()
    unpriced = [r for r in rows if r[1] is None]  # a holding in a currency with no rate
    priced = [r for r in rows if r[1] is not None] if unpriced else rows
    ours = list(map(Decimal, map(itemgetter(1), priced)))
    if segment.aum is not None:  # exact money: tested here, not in SQL
        kept = list(map(segment.aum.test, ours))
        priced, ours = list(compress(priced, kept)), list(compress(ours, kept))
    if by == "aum":
        values = list(zip(map(itemgetter(0), priced), ours))
    elif by == "assets":
        values = [(r[0], Decimal(r[3])) for r in priced]
    else:
        values = [(r[0], Decimal(r[3]) - Decimal(r[4])) for r in priced]
    return _Scan(values, [a for a in ours if a > 0],
                 [r[0] for r in priced if r[2] == ""] + [r[0] for r in unpriced if r[2] == ""],
                 [(r[0], Decimal(r[2])) for r in priced if r[2]],
                 [r[0] for r in unpriced])


def _decide(index: Index, config: Config, today: date, large: Decimal | None, quiet: tuple[str, list],
            marked: list[str], rich_elsewhere: list[str], unpriced: list[str], segment_needs_money: bool
            ) -> tuple[tuple[Potential, ...], list[str]]:
    """The dormant potential among the ``marked`` and ``rich_elsewhere`` clients, by the
    rules of :func:`potential_of` on a few columns of theirs (silence is decided in SQL, by
    the same days), and the warnings that name the ``unpriced`` clients' holding (a silent
    one may still be potential; with ``segment_needs_money`` one is left out instead)."""
    found: list[Potential] = []
    left_out: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    cadences: dict = {}
    flagged = set(marked)
    quiet_sql, quiet_params = quiet
    ids = json.dumps([*marked, *rich_elsewhere, *unpriced])
    for row in index.conn.execute(
            f"SELECT id, name, tier, status, cadence, since, last_contact,"
            f" coalesce(last_contact, since) < {quiet_sql}, t.assets, t.aum, t.elsewhere, t.unpriced, t.holding"
            f" FROM clients JOIN totals AS t ON t.client_id = clients.id"
            f" WHERE id IN (SELECT value FROM json_each(?))", [*quiet_params, ids]):
        cid, name, tier, status, cadence, since, last_contact, silent, assets, aum, away, currency, holding = row
        money = None
        if holding is not None:  # a currency with no rate: named, never counted as zero
            client = BookClient(row[:7], Unpriced(currency, holding))
            try:
                book_totals(config, client)
            except MissingRate as exc:
                if segment_needs_money:  # the segment needed its money: not selected
                    left_out.append((cid, f"warning: {name} ({cid}) left out: {exc}"))
                    continue
                warnings.append((cid, _left_out(client, exc)))
            if cid not in flagged:
                continue
        else:
            money = (Decimal(aum), Decimal(away), Decimal(assets))
        quiet_since = date.fromisoformat(last_contact or since) if silent else None
        p = _potential(cid, name, status, money, quiet_since, last_contact is None,
                       _cadence(config, tier, cadence, today, cadences)[0], large)
        if p is not None:
            found.append(p)
    # by id, as select() and rank() name them (the book is read in id order)
    return _by_size(found, today), [text for _, text in sorted(left_out) + sorted(warnings)]


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


def _potential_among(config: Config, clients: Iterable[BookClient], today: date, large: Decimal | None,
                     sums: dict[str, Totals | MissingRate]) -> tuple[Potential, ...]:
    """The dormant potential among ``clients``, the largest sums first."""
    cadences: dict = {}
    found = [p for p in (potential_of(config, c, today, large, sums[c.id], cadences) for c in clients)
             if p is not None]
    return _by_size(found, today)


def _by_size(found: list[Potential], today: date) -> tuple[Potential, ...]:
    """The largest sums first, then the longest silent, then by id."""
    found.sort(key=lambda p: (-(max(p.elsewhere or ZERO, p.dormant_assets or ZERO)),
                              p.silent_since or today, p.client))
    return tuple(found)


def _ranking(by: str, values: list[tuple[str, Decimal]], names: Callable[[list[str]], Mapping[str, str]],
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
    if totals is None:
        try:
            totals = book_totals(config, client)
        except MissingRate as exc:
            totals = exc
    money = None if isinstance(totals, MissingRate) else (totals.aum, totals.elsewhere, totals.assets)
    cadence, quiet_before = _cadence(config, client.tier, client.cadence, today,
                                     {} if cadences is None else cadences)
    ref = client.last_contact or client.since
    silent = ref if quiet_before is not None and ref is not None and ref < quiet_before else None
    return _potential(client.id, client.name, client.status, money, silent, client.last_contact is None,
                      cadence, large)


def _cadence(config: Config, tier: str | None, own: str | None, today: date,
             cache: dict) -> tuple[Period | None, date | None]:
    """The client's cadence, and the day two of them before ``today``: silent for two
    cadences is no contact on or after that day (:func:`_quiet_before` says it in SQL)."""
    known = cache.get((tier, own))
    if known is None:
        cadence = config.cadence_for(tier, Period.parse(own) if own else None)
        known = cache[tier, own] = (cadence, Period(cadence.count * 2, cadence.unit).before(today)
                                    if cadence else None)
    return known


def _potential(cid: str, name: str, status: str, money: tuple[Decimal, Decimal, Decimal] | None,
               silent: date | None, never_contacted: bool, cadence: Period | None,
               large: Decimal | None) -> Potential | None:
    """The rules of :func:`potential_of` on a client's fields: ``money`` is its AUM, its
    financial assets elsewhere and all its assets (None: a currency with no rate, named in
    the ranking's warnings); ``silent``: its last contact (or ``since``) when two cadences
    have passed since."""
    if status == "closed":
        return None
    elsewhere = dormant = ours = None
    if money is not None:
        ours, away, assets = money
        if away > 0 and (large is None or away >= large) and away > ours:
            elsewhere = away
        if status == "dormant" and assets > 0 and (large is None or assets >= large):
            dormant = assets
    if elsewhere is None and dormant is None and silent is None:
        return None
    return Potential(cid, name, status, ours, elsewhere, dormant, silent,
                     silent is not None and never_contacted, cadence)
