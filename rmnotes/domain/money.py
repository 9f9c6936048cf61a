"""Exact money: Decimal amounts converted to the base currency with ``fx``; a missing rate
is an error naming the holding, never a silent zero."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from rmnotes.config import Config
from rmnotes.errors import DataError

if TYPE_CHECKING:
    from rmnotes.model import Asset, Client

ZERO = Decimal(0)


class MissingRate(DataError):
    pass


def to_base(config: Config, amount: Decimal, currency: str | None, what: str) -> Decimal:
    rate = config.rate(currency)
    if rate is None:
        raise MissingRate(
            f"{what}: currency {currency} has no rate in rmnotes.yaml; add it under fx "
            f"(units of {config.base_currency} per 1 {currency}), e.g. 'fx: {{{currency}: 31.2}}'"
        )
    return amount * rate


def asset_value_base(config: Config, client: Client, asset: Asset) -> Decimal:
    if asset.value is None:
        return ZERO
    return to_base(config, asset.value, asset.currency, f"{client.path}: {client.name} asset '{asset.name}'")


@dataclass(frozen=True, slots=True)
class Totals:
    assets: Decimal
    liabilities: Decimal
    net_worth: Decimal
    aum_ours: Decimal


def totals(config: Config, client: Client) -> Totals:
    """Total assets, liabilities, net worth and assets at this bank, in the base currency."""
    assets = liabilities = ours = ZERO
    for a in client.assets:
        value = asset_value_base(config, client, a)
        if a.is_liability:
            liabilities += value
        else:
            assets += value
            if a.at_our_bank:
                ours += value
    return Totals(assets, liabilities, assets - liabilities, ours)


def money_text(amount: Decimal, places: int = 0) -> str:
    """``1234567.5`` -> ``1,234,568`` (display only; arithmetic stays exact)."""
    return f"{amount:,.{places}f}"
