"""Exact money: Decimal amounts converted to the base currency with ``fx``; a missing rate
is an error naming the holding, never a silent zero.

:func:`sum_holdings` is the one rule for a client's totals: every view (show, review,
list --aum, rank) gets them from it, over the holdings summed per currency
(:func:`rmnotes.facts.holdings_of`), from a parsed file or from the index.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Iterable

from rmnotes.config import Config
from rmnotes.errors import DataError
from rmnotes.facts import Holdings, Totals, holdings_of
from rmnotes.i18n import Msg, N_

if TYPE_CHECKING:
    from rmnotes.model import Asset, Client

ZERO = Decimal(0)


class MissingRate(DataError):
    pass


def to_base(config: Config, amount: Decimal, currency: str | None, what: str) -> Decimal:
    rate = config.rate(currency)
    if rate is None:
        raise MissingRate(Msg(
            N_("{what}: currency {currency} has no rate in rmnotes.yaml; add a rate for {currency} "
               "under fx in rmnotes.yaml (units of {base} per 1 {currency})"),
            what=what, currency=currency, base=config.base_currency))
    return amount * rate


def asset_value_base(config: Config, client: Client, asset: Asset) -> Decimal:
    if asset.value is None:
        return ZERO
    return to_base(config, asset.value, asset.currency,
                   Msg(N_("{path}: {name} asset '{asset}'"), path=client.path, name=client.name, asset=asset.name))


def rates_key(config: Config) -> str:
    """The rates :func:`sum_holdings` converts with, as one text: totals worked out with other
    rates are not these totals (the index keeps totals under this key)."""
    return ";".join([config.base_currency, *(f"{c}={r}" for c, r in sorted(config.fx.items()))])


def sum_holdings(config: Config, holdings: Iterable[Holdings], who: str) -> Totals:
    """The totals of a client's ``holdings`` (per currency) in the base currency; raises
    MissingRate naming the first holding (``who``: "clients/x.md: 王偉") of a currency with
    no rate."""
    assets = liabilities = aum = elsewhere = ZERO
    for h in holdings:
        rate = config.rate(h.currency)
        if rate is None:
            to_base(config, ZERO, h.currency, Msg(N_("{who} asset '{asset}'"), who=who, asset=h.first))
        ours, away = h.ours * rate, h.elsewhere * rate
        assets += ours + away + h.property * rate
        liabilities += h.liabilities * rate
        aum += ours
        elsewhere += away
    return Totals(assets, liabilities, aum, elsewhere)


def totals(config: Config, client: Client) -> Totals:
    """Total assets, liabilities, net worth and assets at this bank of a parsed client."""
    return sum_holdings(config, holdings_of(client.assets), f"{client.path}: {client.name}")


def money_text(amount: Decimal, places: int = 0) -> str:
    """``1234567.5`` -> ``1,234,568`` (display only; arithmetic stays exact)."""
    return f"{amount:,.{places}f}"


def pct_text(pct: Decimal | None) -> str:
    """A change in percent as every view shows it: `` (+5.3%)``; `` (0.0%)`` for no change;
    empty when unknown."""
    if pct is None:
        return ""
    return f" ({pct:+.1f}%)" if pct else " (0.0%)"
