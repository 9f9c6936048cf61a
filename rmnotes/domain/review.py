"""The asset review sheet: every holding with its holding period, risk and change since the
last recorded review, subtotals, totals, the protection summary and the chart data.

Pure: ``build_review(client, config, today)`` reads one parsed client and the vault
settings and returns a :class:`ReviewSheet`. It never looks at another client's file (a
linked family member is a link, never a shared ledger) and never reads the client's free
notes, tags or log text: only the ``review:`` attributes of log entries, which hold the
numbers of earlier reviews.

Money is exact (Decimal). An amount in a currency without a rate raises
:class:`~rmnotes.domain.money.MissingRate` naming the asset and the currency.

The ``review:`` attribute (written by ``rmn review --record``; see
``schema/log-attributes.schema.json``)::

    - 2026-11-28 M 資產回顧 總資產 25,400,000 TWD
      review:
        total: 25400000          # total assets in the base currency (liabilities excluded)
        assets:                  # every item of `assets:` by name, value in the base currency
          台幣定存: 3000000
          房貸: 6500000          # liabilities too, written positive as in the client file
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Mapping

from rmnotes.config import Config
from rmnotes.domain.coverage import Rules, covers_critical_illness
from rmnotes.domain.money import ZERO, asset_value_base
from rmnotes.domain.money import totals as money_totals
from rmnotes.errors import DataError
from rmnotes.model import ASSET_TYPES, LIABILITY_TYPES, Asset, Client, Entry, Policy
from rmnotes.parse import coerce, yamltree
from rmnotes.periods import holding_period

REVIEW_KEY = "review"
ENTRY_TEXT = "資產回顧"
SMALL_SLICE = Decimal("0.03")  # pie slices under 3% of total assets are grouped
OTHER = "other"
TYPE_ORDER = ASSET_TYPES + LIABILITY_TYPES
_WEIGHT_PLACES = Decimal("0.0001")
_PCT_PLACES = Decimal("0.01")
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One recorded review: the log entry's date and its ``review:`` numbers."""

    date: date
    total: Decimal | None
    assets: Mapping[str, Decimal]
    line: int | None = None


@dataclass(frozen=True, slots=True)
class HoldingRow:
    """One holding on the sheet. Money in ``value`` is in ``currency``; ``*_base`` in the base."""

    key: str  # the name used in `review:` snapshots (the name; "name #2" for a repeat)
    name: str
    type: str
    institution: str | None
    since: date | None
    held: str  # "2y 6m"; "" when `since` is unknown or later than the sheet's date
    maturity: date | None
    risk: int | None
    value: Decimal | None
    currency: str
    value_base: Decimal
    weight: Decimal | None  # share of total assets (0..1, 4 places); None for liabilities
    previous: Decimal | None  # value_base at the last review
    change: Decimal | None
    change_pct: Decimal | None  # percent, 2 places
    new: bool  # not in the last review (there was one)
    suitable: bool | None  # False: product risk above the client's risk profile
    is_liability: bool
    at_our_bank: bool


@dataclass(frozen=True, slots=True)
class Subtotal:
    type: str
    count: int
    value_base: Decimal
    weight: Decimal | None
    is_liability: bool


@dataclass(frozen=True, slots=True)
class ReviewTotals:
    assets: Decimal
    liabilities: Decimal
    net_worth: Decimal
    aum: Decimal  # assets at this bank
    previous: Decimal | None  # total assets at the last review
    change: Decimal | None
    change_pct: Decimal | None


@dataclass(frozen=True, slots=True)
class Removed:
    """Held at the last review, not any more."""

    name: str
    previous: Decimal


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    date: date
    total: Decimal
    recorded: bool  # False for the sheet's own date (not recorded yet)


@dataclass(frozen=True, slots=True)
class PolicyLine:
    name: str
    insurer: str | None
    kind: str
    insured: str
    sum_assured: Decimal | None
    premium: Decimal | None
    premium_frequency: str
    currency: str
    next_premium: date | None
    critical_illness: bool


@dataclass(frozen=True, slots=True)
class Protection:
    policies: tuple[PolicyLine, ...]
    critical_illness: bool  # the client is covered (coverage.covers_critical_illness)
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Slice:
    """A pie slice: one asset type, or ``other`` holding the small ones (``members``)."""

    key: str
    value: Decimal
    share: Decimal  # 0..1, 4 places
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReviewSheet:
    client_id: str
    client_name: str
    as_of: date
    currency: str
    risk_profile: int | None
    rows: tuple[HoldingRow, ...]
    subtotals: tuple[Subtotal, ...]
    totals: ReviewTotals
    last_review: Snapshot | None
    removed: tuple[Removed, ...]
    history: tuple[HistoryPoint, ...]
    protection: Protection
    slices: tuple[Slice, ...]
    problems: tuple[str, ...] = ()  # unreadable `review:` attributes, as "path:line: message"
    fx: Mapping[str, Decimal] = field(default_factory=dict)  # the rates used

    @property
    def unsuitable(self) -> tuple[HoldingRow, ...]:
        return tuple(r for r in self.rows if r.suitable is False)


def build_review(client: Client, config: Config, today: date) -> ReviewSheet:
    """The review sheet of ``client`` as of ``today``; raises MissingRate for a missing fx rate."""
    problems: list[str] = []
    snapshots = review_snapshots(client.entries, client.path, problems)
    earlier = [s for s in snapshots if s.date < today]
    last = earlier[-1] if earlier else None

    sums = money_totals(config, client)
    keys = asset_keys(client.assets)
    rows = tuple(_row(client, config, a, k, today, sums.assets, last) for a, k in zip(client.assets, keys))
    subtotals = _subtotals(rows, sums.assets)

    prev_total = last.total if last is not None else None
    change = sums.assets - prev_total if prev_total is not None else None
    review_totals = ReviewTotals(sums.assets, sums.liabilities, sums.net_worth, sums.aum,
                                 prev_total, change, _pct(change, prev_total))
    held = set(keys)
    removed = tuple(Removed(k, v) for k, v in last.assets.items() if k not in held) if last else ()
    history = tuple(HistoryPoint(s.date, s.total, True) for s in earlier if s.total is not None)
    history += (HistoryPoint(today, sums.assets, False),)
    used = {r.currency for r in rows if r.currency != config.base_currency}
    return ReviewSheet(
        client_id=client.id,
        client_name=client.name,
        as_of=today,
        currency=config.base_currency,
        risk_profile=client.risk_profile,
        rows=rows,
        subtotals=subtotals,
        totals=review_totals,
        last_review=last,
        removed=removed,
        history=history,
        protection=protection(client.policies, client.name, config.base_currency,
                              Rules.from_config(config.coverage)),
        slices=pie_slices(rows, sums.assets),
        problems=tuple(problems),
        fx={c: config.fx[c] for c in sorted(used) if c in config.fx},
    )


def asset_keys(assets: Iterable[Asset]) -> list[str]:
    """The snapshot key of each asset: its name; a repeated name gets `` #2``, `` #3``, ..."""
    seen: dict[str, int] = {}
    out = []
    for a in assets:
        n = seen.get(a.name, 0) + 1
        seen[a.name] = n
        out.append(a.name if n == 1 else f"{a.name} #{n}")
    return out


def _row(client: Client, config: Config, asset: Asset, key: str, today: date,
         total_assets: Decimal, last: Snapshot | None) -> HoldingRow:
    value_base = asset_value_base(config, client, asset)
    weight = None
    if not asset.is_liability and total_assets > 0:
        weight = (value_base / total_assets).quantize(_WEIGHT_PLACES)
    previous = last.assets.get(key) if last is not None else None
    change = value_base - previous if previous is not None and asset.value is not None else None
    new = last is not None and previous is None and asset.value is not None
    return HoldingRow(
        key=key,
        name=asset.name,
        type=asset.type,
        institution=asset.institution,
        since=asset.since,
        held=holding_period(asset.since, today) if asset.since else "",
        maturity=asset.maturity,
        risk=asset.risk,
        value=asset.value,
        currency=asset.currency or config.base_currency,
        value_base=value_base,
        weight=weight,
        previous=previous,
        change=change,
        change_pct=_pct(change, previous),
        new=new,
        suitable=suitability(asset, client.risk_profile),
        is_liability=asset.is_liability,
        at_our_bank=asset.at_our_bank,
    )


def suitability(asset: Asset, profile: int | None) -> bool | None:
    """False when the product's risk level is above the client's risk profile (KYC);
    None when either is unknown or the item is a liability."""
    if asset.is_liability or asset.risk is None or profile is None:
        return None
    return asset.risk <= profile


def _pct(change: Decimal | None, base: Decimal | None) -> Decimal | None:
    if change is None or base is None or base == 0:
        return None
    return (change / base * _HUNDRED).quantize(_PCT_PLACES)


def _type_rank(kind: str) -> int:
    return TYPE_ORDER.index(kind) if kind in TYPE_ORDER else len(TYPE_ORDER)


def _subtotals(rows: tuple[HoldingRow, ...], total_assets: Decimal) -> tuple[Subtotal, ...]:
    by_type: dict[str, list[HoldingRow]] = {}
    for r in rows:
        by_type.setdefault(r.type, []).append(r)
    out = []
    for kind in sorted(by_type, key=lambda k: (_type_rank(k), k)):
        group = by_type[kind]
        value = sum((r.value_base for r in group), ZERO)
        liability = group[0].is_liability
        weight = None
        if not liability and total_assets > 0:
            weight = (value / total_assets).quantize(_WEIGHT_PLACES)
        out.append(Subtotal(kind, len(group), value, weight, liability))
    return tuple(out)


def pie_slices(rows: Iterable[HoldingRow], total_assets: Decimal, small: Decimal = SMALL_SLICE) -> tuple[Slice, ...]:
    """The asset mix by type (assets only, positive values), largest first; types under
    ``small`` of the total are grouped with ``other`` (a lone small slice stays itself)."""
    values: dict[str, Decimal] = {}
    for r in rows:
        if not r.is_liability and r.value_base > 0:
            values[r.type] = values.get(r.type, ZERO) + r.value_base
    whole = sum(values.values(), ZERO)
    if whole <= 0:
        return ()
    tiny = [k for k, v in values.items() if k != OTHER and v / whole < small]
    if len(tiny) + (OTHER in values) < 2:
        tiny = []
    grouped: dict[str, tuple[Decimal, tuple[str, ...]]] = {}
    for k, v in values.items():
        if k in tiny or k == OTHER:
            old, members = grouped.get(OTHER, (ZERO, ()))
            grouped[OTHER] = (old + v, members + (k,))
        else:
            grouped[k] = (v, (k,))
    order = sorted(grouped, key=lambda k: (k == OTHER, -grouped[k][0], _type_rank(k)))
    return tuple(
        Slice(k, grouped[k][0], (grouped[k][0] / whole).quantize(_WEIGHT_PLACES),
              tuple(sorted(grouped[k][1], key=_type_rank)))
        for k in order
    )


def protection(policies: Iterable[Policy], client_name: str, base_currency: str,
               rules: Rules = Rules()) -> Protection:
    """The policies, each marked when it is critical-illness cover, and whether the client
    is covered: the rule of the coverage sheet (a policy on the client, not on a family
    member; ``coverage.critical_illness_riders`` in rmnotes.yaml counted)."""
    policies = tuple(policies)
    lines = tuple(
        PolicyLine(
            name=p.name,
            insurer=p.insurer,
            kind=p.kind,
            insured=p.insured,
            sum_assured=p.sum_assured,
            premium=p.premium,
            premium_frequency=p.premium_frequency,
            currency=p.currency or base_currency,
            next_premium=p.next_premium,
            critical_illness=rules.is_critical_illness(p),
        )
        for p in policies
    )
    kinds = tuple(sorted({p.kind for p in lines}))
    return Protection(lines, covers_critical_illness(policies, client_name, rules), kinds)


# ---- recorded reviews ------------------------------------------------------------------

def review_snapshots(entries: Iterable[Entry], path: str = "", problems: list[str] | None = None) -> list[Snapshot]:
    """The ``review:`` attributes of the log, by date; of two on one day the later entry
    (in file order) wins, as a correction is a new entry. Unreadable ones are skipped and
    described in ``problems``."""
    by_date: dict[date, Snapshot] = {}
    for e in sorted(entries, key=lambda e: (e.date, e.time or "", e.line or 0)):
        if REVIEW_KEY not in e.attrs:
            continue
        snap = _snapshot(e, path, problems if problems is not None else [])
        if snap is not None:
            by_date[e.date] = snap
    return [by_date[d] for d in sorted(by_date)]


def _snapshot(entry: Entry, path: str, problems: list[str]) -> Snapshot | None:
    place = f"{path}:{entry.line}" if entry.line else path
    raw = entry.attrs.get(REVIEW_KEY)
    if not isinstance(raw, dict):
        problems.append(f"{place}: review: must be a mapping with 'total:' and 'assets:'; "
                        "this review is ignored")
        return None
    total = None
    if raw.get("total") is not None:
        total = _number(raw["total"])
        if total is None:
            problems.append(f"{place}: review total {raw['total']!r} is not a number; "
                            "this review is left out of the history chart")
    assets: dict[str, Decimal] = {}
    listed = raw.get("assets")
    if listed is not None and not isinstance(listed, dict):
        problems.append(f"{place}: review assets: must map each asset name to its value")
        listed = {}
    for name, value in (listed or {}).items():
        amount = _number(value)
        if amount is None:
            problems.append(f"{place}: review value of '{name}' ({value!r}) is not a number; "
                            "its change is not shown")
            continue
        assets[str(name)] = amount
    return Snapshot(entry.date, total, assets, entry.line)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, str) and not value.strip():
        return None
    return coerce.money(value)


def record_lines(sheet: ReviewSheet, channel: str = "M") -> list[str]:
    """The log entry ``rmn review --record`` appends: its line and the ``review:`` attribute
    (values exact, in the base currency; whole numbers written as integers). Whatever it
    writes parses back as the sheet's keys and values; a name that cannot be written so
    raises DataError before anything is written."""
    lines = [f"- {sheet.as_of.isoformat()} {channel} {ENTRY_TEXT} 總資產 "
             f"{sheet.totals.assets:,.0f} {sheet.currency}",
             "  review:",
             f"    total: {number_text(sheet.totals.assets)}"]
    valued = [r for r in sheet.rows if r.value is not None]
    seen: set[str] = set()
    for r in valued:
        if r.key in seen:  # assets "a", "a" and "a #2": the second "a" is keyed "a #2" too
            raise DataError(f"{sheet.client_id}: two assets would be recorded as '{r.key}'; "
                            f"rename one in the client file (rmn edit {sheet.client_id}), then record")
        seen.add(r.key)
    if valued:
        lines.append("    assets:")
        for r in valued:
            key = yaml_key(r.key)
            if len(key) < _SIMPLE_KEY_MAX:
                lines.append(f"      {key}: {number_text(r.value_base)}")
            else:  # YAML reads a `key:` of at most 1024 characters; longer: `? key` / `: value`
                lines += [f"      ? {key}", f"      : {number_text(r.value_base)}"]
    else:
        lines.append("    assets: {}")
    return lines


_SIMPLE_KEY_MAX = 1000


def number_text(value: Decimal) -> str:
    """Exact, with no exponent and no rounding: ``93600000.0`` -> ``93600000``; ``38518.272``
    stays as written; ``0.50`` -> ``0.5``."""
    if value == value.to_integral_value():
        return str(int(value))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def yaml_key(name: str) -> str:
    """``name`` as a YAML mapping key on one line: plain when it reads back as itself, else
    double-quoted with everything YAML would not keep as written escaped. A name that no file
    can hold (a lone surrogate) raises DataError."""
    if name and name == name.strip() and "\t" not in name and all(
            yamltree._kept_as_written(ord(ch)) for ch in name):
        loaded = yamltree.load(f"{name}: 0")
        if not loaded.problems and isinstance(loaded.value, dict) and list(loaded.value) == [name]:
            return name
    try:
        return yamltree.quoted(name)
    except ValueError:
        raise DataError(f"asset name {name!r} cannot be written: it holds a character no UTF-8 "
                        "file can hold; fix the name in the client file") from None
