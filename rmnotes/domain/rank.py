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

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Iterable, NamedTuple

from rmnotes.domain.coverage import premiums
from rmnotes.domain.money import ZERO, MissingRate
from rmnotes.domain.segments import book_totals
from rmnotes.index import BookClient, Totals
from rmnotes.model import Config
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
    rows: tuple[Ranked, ...]
    top80_count: int
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
        yearly, _single, problems = premiums(config, client)
        return yearly, problems
    t = totals or book_totals(config, client)
    return {"aum": t.aum, "assets": t.assets, "net-worth": t.net_worth}[by], ()


Row = tuple[str, Decimal, Decimal, Decimal, bool]  # id, value, share, cumulative, in the top


def cut(values: Iterable[tuple[str, Decimal]], share: Decimal = CUT) -> tuple[list[Row], Decimal, int]:
    """Rank ``(id, value)`` pairs: rows ``(id, value, share, cumulative, top)``, the total
    and the size of the top group. Highest value first, ties by id."""
    # highest value first, ties by id: a stable sort by value after one by id
    ordered = sorted(sorted(values, key=itemgetter(0)), key=itemgetter(1), reverse=True)
    total = sum((v for _, v in ordered if v > 0), ZERO)
    rows = []
    running = ZERO
    reached_at: Decimal | None = None
    count = 0
    for cid, v in ordered:
        positive = v > 0
        if positive:
            running += v
        if total > 0 and positive and (reached_at is None or v == reached_at):
            top = True
            if reached_at is None and running >= share * total:
                reached_at = v
        else:
            top = False
        count += top
        s = (v / total if positive and total > 0 else ZERO).quantize(SHARE_PLACES)
        c = (running / total if total > 0 else ZERO).quantize(SHARE_PLACES)
        rows.append((cid, v, s, c, top))
    return rows, total, count


def rank(clients: Iterable[BookClient], config: Config, today: date, by: str = "aum",
         elsewhere_min: Decimal | None = None) -> Ranking:
    """Rank ``clients`` by ``by`` and find the dormant potential among them.

    ``elsewhere_min``: how much money counts as large potential; by default what a typical
    client holds at this bank (the median AUM).
    """
    if by not in MEASURES:
        raise ValueError(f"unknown measure {by!r}; use one of {', '.join(MEASURES)}")
    clients = list(clients)
    names = {c.id: c.name for c in clients}
    sums: dict[str, Totals | MissingRate] = {}
    for c in clients:
        try:
            sums[c.id] = book_totals(config, c)
        except MissingRate as exc:
            sums[c.id] = exc
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
            warnings.append(f"warning: {c.name} ({c.id}) left out of the ranking: {exc}")
            continue
        values.append((c.id, value))
        if problems:
            warnings += [f"warning: {m}" for m in problems]
    rows, total, count = cut(values)
    ranked = tuple(Ranked(i, cid, names[cid], v, s, cum, top)
                   for i, (cid, v, s, cum, top) in enumerate(rows, 1))

    if elsewhere_min is None:
        elsewhere_min = median([t.aum for t in sums.values() if not isinstance(t, MissingRate) and t.aum > 0])
    cadences: dict = {}
    found = [p for p in (potential_of(config, c, today, elsewhere_min, sums[c.id], cadences) for c in clients)
             if p is not None]
    found.sort(key=lambda p: (-(max(p.elsewhere or ZERO, p.dormant_assets or ZERO)),
                              p.silent_since or today, p.client))
    return Ranking(by, total, ranked, count, tuple(found), elsewhere_min, tuple(warnings))


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
