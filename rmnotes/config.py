"""The vault's settings (``rmnotes.yaml``) as a frozen dataclass. Standard library only.

Apart from the client nouns in :mod:`rmnotes.model`, so that a warm command, which needs
the settings but no client object, does not build every model class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from rmnotes.periods import Period


@dataclass(frozen=True, slots=True)
class Config:
    """``rmnotes.yaml``: the vault's settings."""

    owner: str | None = None
    base_currency: str = "TWD"
    fx: Mapping[str, Decimal] = field(default_factory=dict)
    tiers: Mapping[str, Period] = field(default_factory=dict)
    default_tier: str | None = None
    region: str | None = None
    lookahead_days: int = 14
    kyc_valid: Period = Period(1, "y")
    coverage: Mapping[str, Any] = field(default_factory=dict)
    language: str | None = None  # zh_TW, zh_HK, zh_CN or en; None: the locale variables'
    date_style: str = "iso"  # iso | roc: how human output shows dates (files keep ISO)

    def rate(self, currency: str | None) -> Decimal | None:
        """Units of base currency per unit of ``currency``; None when no rate is known."""
        if currency is None or currency == self.base_currency:
            return Decimal(1)
        return self.fx.get(currency)

    def tier_named(self, text: str) -> str | None:
        """The tier ``text`` names, as the settings spell it (``c`` and ``Ｃ`` are C; any
        text while no tiers are set); None for a tier the settings do not define, which
        would give a client a cadence nobody chose."""
        if not self.tiers:
            return text
        import unicodedata

        wanted = unicodedata.normalize("NFKC", text).strip().casefold()
        return next((t for t in self.tiers if unicodedata.normalize("NFKC", t).casefold() == wanted), None)

    @property
    def new_client_tier(self) -> str | None:
        """The tier a new client is given: ``default_tier``; else B, where no tiers are set
        or B is one of them; else none (a tier the settings do not define would give the
        client a cadence nobody chose)."""
        if self.default_tier is not None:
            return self.default_tier
        return "B" if not self.tiers or "B" in self.tiers else None

    def cadence_for(self, tier: str | None, own: Period | None = None) -> Period | None:
        if own is not None:
            return own
        if tier is not None and tier in self.tiers:
            return self.tiers[tier]
        if self.default_tier is not None:
            return self.tiers.get(self.default_tier)
        return None
