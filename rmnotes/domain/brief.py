"""The brief (``rmn brief``): what a manager reads in the two minutes before a call.

Pure: :func:`build_brief` reads one parsed client, the vault settings, the files of the
client's folder and ``today``, and returns a :class:`Brief`. Every rule it shows is the
rule of the view that owns it, called here, never written again:

- how to reach the client: :func:`rmnotes.domain.due.contact_hint` (``due``);
- what is coming: :func:`rmnotes.domain.due.client_agenda` (``due CLIENT``): birthdays of
  the client and of every family member the file lists (lunar ones too), maturities and
  premiums with their amounts, the KYC re-assessment, promises (overdue ones first, as
  the agenda sorts by date), the next contact;
- where the client stands: :func:`rmnotes.domain.review.build_review` (totals by
  :func:`rmnotes.domain.money.sum_holdings`, the change since the last recorded review),
  :func:`rmnotes.domain.review.suitability` (holdings above the risk profile) and
  :func:`rmnotes.domain.coverage.coverage_of` (the protection gaps).

The brief's own rules are small and stated here:

- **contacts**: the last :data:`CONTACTS` log entries that are contacts (T, E, M, S);
  ``N`` notes are internal and only counted.
- **products discussed**: the ``products:`` attributes of log entries, each product once,
  with the last day it was discussed, most recent first.
- **milestones** of a child (``relation: child`` with a ``birthday``) within the window:
  turning :data:`ADULT_AGE`, and starting university on :data:`SCHOOL_YEAR` (Sept 1) of
  the year the child is :data:`UNIVERSITY_AGE` on that day (a child born on Sept 1 is 18
  that day and starts; one born Sept 2 starts a year later).
- **life events**: log entries of the last :data:`LIFE_EVENT_DAYS` days whose text holds a
  word of :data:`LIFE_EVENT_WORDS` (a marriage, a birth, a move, a new job, retirement,
  illness, a death, school) or one of the tags :data:`LIFE_EVENT_TAGS` (``#life``,
  ``#大事``), newest first, at most :data:`LIFE_EVENTS`.

Privacy: only the client's own file is read. A family member linked to a client file of
their own is a name (and a birthday) in this file; nothing of the linked file appears.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Iterable, Sequence

from rmnotes.config import Config
from rmnotes.domain.coverage import Gap, Rules, age, coverage_of
from rmnotes.domain.due import DueItem, LunarBirthdays, client_agenda, contact_hint, lunar_birthdays
from rmnotes.domain.money import MissingRate, Totals, totals
from rmnotes.domain.review import build_review, suitability
from rmnotes.facts import client_row
from rmnotes.model import Client, Entry, FamilyMember, newest_first
from rmnotes.periods import anniversary
from rmnotes.vault import Document

DAYS = 30  # the default window
CONTACTS = 5
LIFE_EVENTS = 5
LIFE_EVENT_DAYS = 365
ADULT_AGE = 18
UNIVERSITY_AGE = 18
SCHOOL_YEAR = (9, 1)  # month, day a school year starts
LIFE_EVENT_TAGS = ("#life", "#大事")
LIFE_EVENT_WORDS = (
    # Traditional Chinese
    "結婚", "婚禮", "訂婚", "離婚", "懷孕", "生產", "出生", "寶寶", "搬家", "新居", "買房", "購屋",
    "升遷", "升職", "換工作", "轉職", "離職", "退休", "創業", "住院", "出院", "開刀", "手術", "生病",
    "過世", "去世", "往生", "喪禮", "畢業", "考上", "入學", "留學",
    # Simplified Chinese (where it differs)
    "结婚", "婚礼", "订婚", "离婚", "怀孕", "宝宝", "买房", "购房", "升迁", "升职", "换工作",
    "转职", "离职", "创业", "开刀", "手术", "过世", "丧礼", "毕业", "入学",
    # English
    "married", "wedding", "engaged", "divorce", "pregnan", "new baby", "moved house",
    "new home", "promoted", "promotion", "new job", "retire", "hospital", "surgery",
    "passed away", "funeral", "graduat",
)


@dataclass(frozen=True, slots=True)
class Who:
    id: str
    name: str
    age: int | None
    birthday: date | None
    tier: str | None
    status: str
    since: date | None
    occupation: str | None
    employer: str | None
    prefer: tuple[str, ...]
    no_calls: str | None
    best_time: str | None
    hint: str  # how to reach the client (due's contact hint)


@dataclass(frozen=True, slots=True)
class AboveRisk:
    name: str
    risk: int


@dataclass(frozen=True, slots=True)
class Standing:
    currency: str  # the base currency
    totals: Totals | None  # None when an amount has no rate (``problem`` says which)
    problem: str | None
    last_review: date | None  # the last recorded review before today
    change: Decimal | None  # total assets since then
    change_pct: Decimal | None
    risk_profile: int | None
    above_risk: tuple[AboveRisk, ...]
    gaps: tuple[Gap, ...]


@dataclass(frozen=True, slots=True)
class Contact:
    date: date
    time: str | None
    channel: str
    text: str  # the entry's first line
    present: tuple[str, ...]  # ``with:``


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    last: date  # the last day it was discussed


@dataclass(frozen=True, slots=True)
class Said:
    contacts: tuple[Contact, ...]  # newest first
    internal_notes: int  # N entries in the whole log
    products: tuple[Product, ...]


@dataclass(frozen=True, slots=True)
class Child:
    name: str
    age: int | None
    school: str | None
    occupation: str | None


@dataclass(frozen=True, slots=True)
class Milestone:
    date: date
    name: str
    what: str  # "turns-18" | "university"


@dataclass(frozen=True, slots=True)
class LifeEvent:
    date: date
    channel: str
    text: str
    matched: str  # the word or tag that made it one


@dataclass(frozen=True, slots=True)
class Talk:
    hobbies: tuple[str, ...]
    children: tuple[Child, ...]
    milestones: tuple[Milestone, ...]
    life_events: tuple[LifeEvent, ...]


@dataclass(frozen=True, slots=True)
class Brief:
    as_of: date
    until: date
    who: Who
    coming: tuple[DueItem, ...]
    standing: Standing
    said: Said
    talk: Talk
    documents: tuple[Document, ...]


def build_brief(client: Client, config: Config, today: date, documents: Sequence[Document] = (),
                days: int = DAYS, lunar: LunarBirthdays = lunar_birthdays) -> Brief:
    agenda = client_agenda(client, config, today, days=days, lunar=lunar)
    return Brief(
        as_of=today,
        until=agenda.until,
        who=_who(client, today),
        coming=agenda.items,
        standing=standing(client, config, today),
        said=said(client.entries),
        talk=Talk(_words(_profile(client).get("hobbies")), children(client.family, today),
                  milestones(client.family, today, agenda.until), life_events(client.entries, today)),
        documents=tuple(documents),
    )


def _profile(client: Client) -> dict:
    profile = client.meta.get("profile")
    return profile if isinstance(profile, dict) else {}


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _words(value: Any) -> tuple[str, ...]:
    """A list as written (``[高爾夫, 紅酒]``), or one value, as texts."""
    if value in (None, ""):
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if v not in (None, ""))
    return (str(value),)


def _who(client: Client, today: date) -> Who:
    profile = _profile(client)
    return Who(
        id=client.id, name=client.name,
        age=age(client.birthday, today) if client.birthday else None, birthday=client.birthday,
        tier=client.tier, status=client.status, since=client.since,
        occupation=_text(profile.get("occupation")), employer=_text(profile.get("employer")),
        prefer=client.prefer, no_calls=client.no_calls, best_time=client.best_time,
        hint=contact_hint(client.prefer, client.no_calls, client.best_time),
    )


def standing(client: Client, config: Config, today: date) -> Standing:
    """Totals and the change since the last review (the review sheet's), holdings above the
    risk profile, and the coverage sheet's gaps; a missing rate leaves the money out and
    says why, the rest stands."""
    above = tuple(AboveRisk(a.name, a.risk) for a in client.assets
                  if suitability(a, client.risk_profile) is False and a.risk is not None)
    row, _warnings = coverage_of(client_row(client), client.policies, client.family, config,
                                 Rules.from_config(config.coverage), today)
    try:
        sums = totals(config, client)
        sheet = build_review(client, config, today)
    except MissingRate as exc:
        problem = exc.args[0] if exc.args else str(exc)  # a Msg: English in --json, translated on screen
        return Standing(config.base_currency, None, problem, None, None, None,
                        client.risk_profile, above, row.gaps)
    last = sheet.last_review.date if sheet.last_review is not None else None
    return Standing(config.base_currency, sums, None, last, sheet.totals.change,
                    sheet.totals.change_pct, client.risk_profile, above, row.gaps)


def said(entries: Iterable[Entry], contacts: int = CONTACTS) -> Said:
    newest = newest_first(entries)
    recent = tuple(Contact(e.date, e.time, e.channel, _first_line(e.text), _words(e.attrs.get("with")))
                   for e in newest if e.is_contact)[:contacts]
    products: dict[str, date] = {}
    for e in newest:
        for p in _words(e.attrs.get("products")):
            products.setdefault(p, e.date)
    return Said(recent, sum(1 for e in newest if e.channel == "N"),
                tuple(Product(p, d) for p, d in products.items()))


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def children(family: Iterable[FamilyMember], today: date) -> tuple[Child, ...]:
    return tuple(Child(m.name, age(m.birthday, today) if m.birthday else None, m.school, m.occupation)
                 for m in family if m.relation == "child")


def milestones(family: Iterable[FamilyMember], today: date, until: date) -> tuple[Milestone, ...]:
    """A child turning :data:`ADULT_AGE` and starting university within ``[today, until]``."""
    out = []
    for m in family:
        if m.relation != "child" or m.birthday is None:
            continue
        adult = anniversary(m.birthday, m.birthday.year + ADULT_AGE)
        if today <= adult <= until:
            out.append(Milestone(adult, m.name, f"turns-{ADULT_AGE}"))
        start = university_start(m.birthday)
        if today <= start <= until:
            out.append(Milestone(start, m.name, "university"))
    return tuple(sorted(out, key=lambda s: (s.date, s.name)))


def university_start(born: date) -> date:
    """The first day of the school year in which a child born on ``born`` starts university."""
    month, day = SCHOOL_YEAR
    year = born.year + UNIVERSITY_AGE
    if (born.month, born.day) > (month, day):
        year += 1
    return date(year, month, day)


def life_event_word(text: str) -> str | None:
    """The tag or word of the life-event lists that ``text`` holds, if any."""
    lowered = text.lower()
    for word in LIFE_EVENT_TAGS + LIFE_EVENT_WORDS:
        if word in lowered:
            return word
    return None


def life_events(entries: Iterable[Entry], today: date, days: int = LIFE_EVENT_DAYS,
                limit: int = LIFE_EVENTS) -> tuple[LifeEvent, ...]:
    since = today - timedelta(days=days)
    found = []
    for e in newest_first(entries):
        if not since <= e.date <= today:
            continue
        word = life_event_word(e.text)
        if word is not None:  # the line that holds it
            line = next(l for l in e.text.split("\n") if life_event_word(l) == word)
            found.append(LifeEvent(e.date, e.channel, line.strip(), word))
    return tuple(found[:limit])
