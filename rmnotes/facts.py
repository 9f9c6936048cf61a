"""The dated facts of a client, flattened for the index and the agenda.

``due`` needs, for every client, a handful of dates (birthdays, maturities, premiums,
promises, the KYC assessment, the last contact) and how to reach them. Extracting them
here, next to the model, lets the index store them as plain rows and lets the domain
compute the same answer from a parsed file or from the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rmnotes.model import Client


@dataclass(frozen=True, slots=True)
class Fact:
    """``kind``: birthday | maturity | premium | follow-up | kyc."""

    kind: str
    date: date
    detail: str  # the member, asset, policy or promise
    lunar: bool = False  # a birthday kept on the lunar calendar
    relation: str | None = None  # for a family member's birthday; None for the client
    number: int | None = None  # a follow-up's number


@dataclass(frozen=True, slots=True)
class Profile:
    """What the agenda needs of a client besides its facts."""

    id: str
    name: str
    tier: str | None
    status: str
    cadence: str | None  # the client's own cadence, e.g. "2w"
    since: date | None
    last_contact: date | None
    prefer: tuple[str, ...]
    no_calls: str | None
    best_time: str | None
    tags: tuple[str, ...]


def profile_of(client: Client) -> Profile:
    return Profile(
        id=client.id,
        name=client.name,
        tier=client.tier,
        status=client.status,
        cadence=str(client.cadence) if client.cadence else None,
        since=client.since,
        last_contact=client.last_contact,
        prefer=client.prefer,
        no_calls=client.no_calls,
        best_time=client.best_time,
        tags=client.tags,
    )


def facts_of(client: Client) -> list[Fact]:
    out: list[Fact] = []
    if client.birthday:
        out.append(Fact("birthday", client.birthday, client.name, client.lunar_birthday))
    for m in client.family:
        if m.birthday:
            out.append(Fact("birthday", m.birthday, m.name, m.lunar_birthday, m.relation or "other"))
    for a in client.assets:
        if a.maturity:
            out.append(Fact("maturity", a.maturity, a.name))
    for p in client.policies:
        if p.next_premium:
            out.append(Fact("premium", p.next_premium, p.name))
    for f in client.followups:
        if not f.done and f.date:
            out.append(Fact("follow-up", f.date, f.text, number=f.number))
    if client.risk_assessed:
        out.append(Fact("kyc", client.risk_assessed, "risk assessment"))
    return out
