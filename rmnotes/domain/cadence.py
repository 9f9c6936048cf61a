"""The contact cadence: when a client is next due for a contact, and when a client has gone
silent. Each rule is one function here; ``due``, ``log`` and ``rank`` all ask them.

A client's cadence is its own ``cadence:``, else its tier's in rmnotes.yaml, else the
``default_tier``'s. Months are calendar months clamped to the month's end (Jan 31 + 1m =
Feb 28). Only T, E, M and S entries are contacts; N notes are not.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from rmnotes.config import Config
from rmnotes.periods import Period

CLOSED = "closed"


class Cadences:
    """Each client's cadence from its tier and its own ``cadence:`` (as written), worked out
    once per distinct pair: a book has a handful."""

    def __init__(self, config: Config):
        self.config = config
        self._known: dict[tuple[str | None, str | None], Period | None] = {}

    def of(self, tier: str | None, own: str | None) -> Period | None:
        key = (tier, own)
        if key not in self._known:
            self._known[key] = self.config.cadence_for(tier, Period.parse(own) if own else None)
        return self._known[key]


def next_contact(cadence: Period | None, last_contact: date | None, status: str) -> date | None:
    """The day the client is next due for a contact: the last contact plus the cadence.
    None without a cadence, without any contact yet (due now), or for a closed client."""
    if cadence is None or last_contact is None or status == CLOSED:
        return None
    return cadence.after(last_contact)


def silent_since(cadence: Period | None, last_contact: date | None, since: date | None,
                 today: date) -> date | None:
    """The last contact (or ``since``, never contacted) when two cadences have passed since
    it by ``today``; None while the client is not silent, or has no cadence."""
    ref = last_contact or since
    if cadence is None or ref is None:
        return None
    return ref if ref < _two_before(cadence, today) else None


@lru_cache(maxsize=64)  # a book has a handful of cadences: 10,000 clients, a few computations
def _two_before(cadence: Period, today: date) -> date:
    return Period(cadence.count * 2, cadence.unit).before(today)


def latest_start(period: Period, until: date) -> date:
    """The latest date ``d`` with ``period.after(d) <= until`` (month ends clamp, so this is
    not simply ``period.before(until)``: Jan 29, 30 and 31 + 1m are all Feb 28)."""
    d = period.before(until)
    while period.after(d) > until:
        d -= timedelta(days=1)
    while period.after(d + timedelta(days=1)) <= until:
        d += timedelta(days=1)
    return d
