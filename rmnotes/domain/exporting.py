"""The book as the three sheets people keep (client information, insurance policies,
holdings): rows of typed values under headers in the vault's language.

Every header and word written here is one :mod:`rmnotes.domain.importing` reads back to
the same value, so exporting and importing again changes nothing. Each client's own data
only: a family member who is a client appears by name, never with their file's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import AbstractSet, Any, Iterable, Mapping, Sequence

from rmnotes.config import Config
from rmnotes.domain import columns as C
from rmnotes.model import Client
from rmnotes.fmedit import lookup
from rmnotes.parse import coerce, yamltree

LIST_SEPARATOR = {"zh_TW": "、", "zh_HK": "、", "zh_CN": "、", "en": ", "}
YES = {"zh_TW": "是", "zh_HK": "是", "zh_CN": "是", "en": "true"}


@dataclass(frozen=True, slots=True)
class SheetRows:
    """One sheet: its kind, title (the sheet's name), headers, and rows of values (text,
    int, Decimal, date or None); ``formats[i]`` says what column ``i`` holds: ``text``,
    ``date``, ``amount`` or ``number``."""

    kind: str
    title: str
    headers: list[str]
    formats: list[str]
    rows: list[list[Any]]


_FORMAT = {"day": "date", "amount": "amount", "risk": "number", "whole": "number"}


def _fmt(column: C.Column) -> str:
    return _FORMAT.get(column.read, "text")


def book_sheets(clients: Iterable[Client], config: Config, lang: str,
                own_birthdays: AbstractSet[str] = frozenset()) -> list[SheetRows]:
    """The three sheets of ``clients`` (in the order given), headers and words in ``lang``.
    ``own_birthdays``: the clients of the book (not closed) whose file gives a birthday of
    their own (see :func:`_member_cell`)."""
    clients = list(clients)
    return [client_sheet(clients, config, lang, own_birthdays), item_sheet("policies", clients, config, lang),
            item_sheet("holdings", clients, config, lang)]


def _title(kind: str, lang: str) -> str:
    return C.pick(C.SHEET_TITLES[kind], lang)


def client_sheet(clients: Sequence[Client], config: Config, lang: str,
                 own_birthdays: AbstractSet[str] = frozenset()) -> SheetRows:
    columns = [c for c in C.CLIENT_COLUMNS]
    extra: list[str] = []  # imported: keys, as extra columns at the end
    for client in clients:
        for key in coerce.mapping(client.meta.get("imported")):
            if str(key) not in extra:
                extra.append(str(key))
    headers = [c.label(lang) for c in columns] + extra
    formats = [_fmt(c) for c in columns] + ["text"] * len(extra)
    rows = []
    for client in clients:
        row = [_client_cell(client, column, config, lang, own_birthdays) for column in columns]
        imported = coerce.mapping(client.meta.get("imported"))
        row += [_plain(imported.get(key)) for key in extra]
        rows.append(row)
    return SheetRows("clients", _title("clients", lang), headers, formats, rows)


def _client_cell(client: Client, column: C.Column, config: Config, lang: str,
                 own_birthdays: AbstractSet[str] = frozenset()) -> Any:
    if column.key == "id":
        return client.id
    if column.key == "name":
        return client.name
    if column.read == "family":
        members = [_member_cell(m, lang, own_birthdays) for m in client.family if (m.relation or "other") == column.key
                   or (column.key == "other" and m.relation not in C.FAMILY_RELATIONS)]
        return LIST_SEPARATOR[lang].join(members) or None
    if column.key == "notes":
        return client.notes.strip() or None
    value = _get(client.meta, column.path)
    cell = _cell(column, value, config, lang)
    if column.key == "income" and isinstance(cell, (int, Decimal)):
        currency = coerce.text(_get(client.meta, ("profile", "currency")))
        if currency and currency.upper() != config.base_currency:
            return f"{currency.upper()} {cell}"  # the sheet has no currency column of its own
    return cell


def _member_cell(member, lang: str, own_birthdays: AbstractSet[str]) -> str:
    """A family member in a family cell: the name, and the birthday in brackets when the
    file gives one (``林淑芬（1977-02-03）``), as ``rmn import`` reads it back. Named alone,
    so that a book imported anew from the sheet greets nobody twice or on the wrong day: a
    member linked (``client:``) to a client whose own file gives the birthday (in
    ``own_birthdays``: the agenda shows that row, not this one, and the sheet has no place
    for the link), and a member whose birthday is kept on the lunar calendar (the sheet has
    no place to say so)."""
    if (member.birthday is None or member.client in own_birthdays or member.lunar_birthday
            or member.lunar_day is not None):
        return member.name
    return f"{member.name}（{member.birthday.isoformat()}）" if lang != "en" else f"{member.name} ({member.birthday.isoformat()})"


def _get(meta: Mapping, path: Sequence[str]) -> Any:
    """The value at ``path`` of a parsed front-matter, None where there is none."""
    return lookup(meta, tuple(path))[1]


def _cell(column: C.Column, value: Any, config: Config, lang: str) -> Any:
    """A front-matter value as the cell that reads back as it."""
    if value is None or value == "" or value == []:
        return None
    read = column.read
    if read == "day":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        parsed = yamltree.parse_date_text(str(value).strip())
        return parsed if parsed is not None else str(value)
    if read == "amount":
        number = coerce.money(value)
        return _number(number) if number is not None else str(value)
    if read in ("risk", "whole"):
        number = coerce.integer(value)
        return number if number is not None else str(value)
    if read == "choice":
        text = coerce.text(value)
        return C.word_for(column.choices or "", text.lower(), lang) if text else None
    if read == "channels":
        return LIST_SEPARATOR[lang].join(C.word_for("channel", t.lower(), lang) for t in coerce.texts(value)) or None
    if read == "riders":
        return LIST_SEPARATOR[lang].join(C.word_for("kind", t.lower(), lang) if t.lower() in C.ALLOWED["kind"] else t
                                         for t in coerce.texts(value)) or None
    if read == "texts":
        return LIST_SEPARATOR[lang].join(coerce.texts(value)) or None
    if read in ("institution", "insured"):
        text = coerce.text(value)
        if read == "institution":
            labels = {"ours": C.OURS_LABEL, "self": C.SELF_HELD_LABEL}.get(text or "")
            return C.pick(labels, lang) if labels else text
        return C.pick(C.SELF_LABEL, lang) if text == "self" else text
    if read == "lunar":
        if value is True:
            return YES[lang]
        return None if value is False else str(value)
    if read == "currency":
        text = coerce.text(value)
        return text.upper() if text else None
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return _number(Decimal(value))
    if isinstance(value, (date, str)):
        return value
    if value is None:
        return None
    return str(value)


def _number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def item_sheet(kind: str, clients: Sequence[Client], config: Config, lang: str) -> SheetRows:
    """Policies or holdings, one row each, naming the client by id and name."""
    columns = [c for c in C.COLUMNS[kind] if c.key != "premium_yearly"]
    rows = []
    meta_key = "policies" if kind == "policies" else "assets"
    items = [(client, item) for client in clients for item in coerce.items(client.meta.get(meta_key))
             if isinstance(item, dict) and coerce.text(item.get("name")) is not None]
    extra: list[str] = []  # the items' imported: keys, as extra columns at the end
    for _client, item in items:
        for key in coerce.mapping(item.get("imported")):
            if str(key) not in extra:
                extra.append(str(key))
    for client, item in items:
        row = []
        for column in columns:
            if column.key == "id":
                row.append(client.id)
            elif column.key == "client":
                row.append(client.name)
            elif column.key == "currency":
                row.append((coerce.text(item.get("currency")) or config.base_currency).upper())
            else:
                row.append(_cell(column, item.get(column.path[0]), config, lang))
        imported = coerce.mapping(item.get("imported"))
        rows.append(row + [_plain(imported.get(key)) for key in extra])
    return SheetRows(kind, _title(kind, lang), [c.label(lang) for c in columns] + extra,
                     [_fmt(c) for c in columns] + ["text"] * len(extra), rows)
