"""Phone contacts (vCard): the cards of a ``.vcf`` file read into records of front-matter
values, and the stable UID a client's card carries.

A phone's own export is read as phones write it: Apple's grouped properties (``item1.TEL``
with its ``item1.X-ABLabel``), ``TYPE=`` parameters in vCard 3.0 (``TYPE=CELL;TYPE=VOICE``)
and 4.0 (``TYPE="cell,voice"``, ``tel:`` URIs) style, vCard 2.1's bare types (``TEL;CELL``),
folded lines, and the ``CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE`` values of old Android
exports, soft line breaks included. Phone numbers are kept exactly as written.

Reading is total: a card that cannot be read is an issue at its line, and the other cards
are still read. vobject parses each card.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rmnotes.i18n import _
from rmnotes.model import Issue
from rmnotes.names import has_cjk

KeyPath = tuple[str, ...]

# the UID of a card rmn exported: the client id, then a key of the vault it came from
_UID = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]*)\.(?P<vault>[0-9a-f]{12})@rmnotes$")

_MOBILE_WORDS = {"cell", "mobile", "iphone", "手機", "手机", "行動電話", "行动电话", "行動", "移動電話", "移动电话"}
_SKIP_TEL = {"fax", "pager"}
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_BDAY = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$")
_QP_START = re.compile(r"ENCODING=QUOTED-PRINTABLE", re.IGNORECASE)


def vault_key(first_commit: str | None, root: str) -> str:
    """Twelve hex digits naming a vault: from its first commit (the same in every clone),
    else from where it is."""
    return hashlib.sha1((first_commit or root).encode("utf-8")).hexdigest()[:12]


def card_uid(key: str, client_id: str) -> str:
    """The UID of ``client_id``'s card: the same on every export, so a phone that imports
    the file again updates the contact instead of adding a second one."""
    return f"{client_id}.{key}@rmnotes"


def client_of_uid(uid: str | None, key: str) -> str | None:
    """The client id a UID made by :func:`card_uid` for this vault names, else None."""
    m = _UID.match(uid or "")
    return m.group("id") if m and m.group("vault") == key else None


@dataclass(frozen=True)
class ContactRecord:
    """One card: where it starts, the name, the front-matter values it gives (by key path,
    e.g. ``("profile", "mobile")``), the free note, and what it held that has no place in
    a client file (a second mobile, a fax), listed so that nothing goes silently."""

    place: str
    name: str
    values: dict[KeyPath, Any]
    uid: str | None = None
    note: str = ""
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactFile:
    records: tuple[ContactRecord, ...]
    issues: tuple[Issue, ...] = field(default=())


def decode(data: bytes, source: str) -> str:
    """The file's text: UTF-8 (with or without a BOM), which every phone writes today."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        from rmnotes.errors import DataError

        line = data[:exc.start].count(b"\n") + 1
        raise DataError(_("{source}:{line}: not UTF-8 text; export the contacts again as vCard "
                          "(UTF-8)").format(source=source, line=line)) from None


def read_contacts(text: str, source: str) -> ContactFile:
    """Every card of a .vcf file's text as a record; ``source`` names the file in places."""
    records: list[ContactRecord] = []
    issues: list[Issue] = []
    for start, lines in _cards(text):
        place = f"{source}:{start}"
        try:
            record = _record(lines, place)
        except Exception as exc:  # vobject raises many kinds; one bad card stops only itself
            issues.append(Issue(source, start, _("a card that cannot be read: {why}").format(
                why=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)))
            continue
        if record is None:
            issues.append(Issue(source, start, _("a card with no name (FN or N); left out")))
            continue
        records.append(record)
    if not records and not issues:
        issues.append(Issue(source, None, _("no vCard in this file (no BEGIN:VCARD line)")))
    return ContactFile(tuple(records), tuple(issues))


def _cards(text: str):
    """(first line number, the card's lines) for each BEGIN:VCARD .. END:VCARD, with
    quoted-printable soft line breaks joined (vobject reads the continuation as a new
    property otherwise)."""
    card: list[str] | None = None
    start = 0
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        number = i + 1
        i += 1
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if card is not None:  # the card before never ended: vobject says so
                yield start, card
            card, start = [line.strip()], number
            continue
        if card is None:
            continue
        if _QP_START.search(line.split(":", 1)[0]):
            while line.endswith("=") and i < len(lines):
                line = line[:-1] + lines[i].lstrip()
                i += 1
        card.append(line)
        if upper == "END:VCARD":
            yield start, card
            card = None
    if card is not None:
        yield start, card


class _Skipped(logging.Handler):
    """The lines vobject skipped in a card (it logs them), to list as left out."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage().split("Failed to parse line: ")[-1])


def _read_card(lines: list[str]):
    """vobject's card, lines it cannot parse skipped (and returned) rather than logged."""
    import vobject

    logger = logging.getLogger("vobject.base")
    skipped = _Skipped()
    handlers, propagate = logger.handlers, logger.propagate
    logger.handlers, logger.propagate = [skipped], False  # vobject's own handler prints them
    try:
        card = vobject.readOne("\r\n".join(lines) + "\r\n", ignoreUnreadable=True)
    finally:
        logger.handlers, logger.propagate = handlers, propagate
    return card, skipped.lines


def _record(lines: list[str], place: str) -> ContactRecord | None:
    card, skipped = _read_card(lines)
    labels = {c.group: _label(c.value) for c in card.getChildren()
              if c.name == "X-ABLABEL" and c.group}
    name = _name(card)
    if not name:
        return None
    values: dict[KeyPath, Any] = {}
    left_out: list[str] = list(skipped)

    phones = [(_types(c, labels), _tel(c.value)) for c in _ordered(card, "TEL")]
    for types, number in phones:
        if not number or types & _SKIP_TEL:
            if number:
                left_out.append(f"TEL {number} ({', '.join(sorted(types))})")
            continue
        mobile = bool(types & _MOBILE_WORDS) or (not types - {"voice", "pref"}
                                                  and ("profile", "mobile") not in values)
        key = ("profile", "mobile") if mobile else ("profile", "phone")
        if key in values:
            left_out.append(f"TEL {number}")
        else:
            values[key] = number
    emails = [str(c.value).strip() for c in _ordered(card, "EMAIL") if str(c.value).strip()]
    if emails:
        values[("profile", "email")] = emails[0]
        left_out += [f"EMAIL {e}" for e in emails[1:]]
    addresses = [a for a in (_address(c) for c in _ordered(card, "ADR")) if a]
    if addresses:
        values[("profile", "address")] = addresses[0]
        left_out += [f"ADR {a}" for a in addresses[1:]]
    bday = _first(card, "BDAY")
    if bday:
        born = _birthday(bday, card.contents["bday"][0].params.get("X-APPLE-OMIT-YEAR", [""])[0])
        if born is not None:
            values[("profile", "birthday")] = born
        else:
            left_out.append(f"BDAY {bday}")
    org = card.contents.get("org")
    if org:
        parts = org[0].value if isinstance(org[0].value, list) else [org[0].value]
        employer = " ".join(p.strip() for p in parts if p and p.strip())
        if employer:
            values[("profile", "employer")] = employer
    title = _first(card, "TITLE") or _first(card, "ROLE")
    if title:
        values[("profile", "occupation")] = title
    nicknames = [n.strip() for c in card.contents.get("nickname", [])
                 for n in str(c.value).split(",") if n.strip() and n.strip() != name]
    if nicknames:
        values[("aliases",)] = nicknames
    return ContactRecord(place=place, name=name, values=values, uid=_first(card, "UID") or None,
                         note=_first(card, "NOTE"), left_out=tuple(left_out))


def _first(card, prop: str) -> str:
    items = card.contents.get(prop.lower())
    return str(items[0].value).strip() if items and items[0].value is not None else ""


def _label(value) -> str:
    """Apple's ``_$!<Mobile>!$_`` -> ``mobile``; a label the user typed, as typed."""
    text = str(value).strip()
    m = _APPLE_LABEL.match(text)
    return (m.group(1) if m else text).lower()


def _types(prop, labels: dict[str, str]) -> set[str]:
    """The property's types, lower case, from ``TYPE=a,b``, repeated ``TYPE=``, vCard 2.1's
    bare ``;CELL`` and an Apple label of the same group."""
    types: set[str] = set()
    for value in prop.params.get("TYPE", []):
        types.update(t.strip().strip('"').lower() for t in value.split(","))
    types.update(t.lower() for t in prop.singletonparams)
    if prop.group and prop.group in labels:
        types.add(labels[prop.group])
    types.discard("")
    return types


def _preferred(prop) -> bool:
    return "pref" in {t.lower() for v in prop.params.get("TYPE", []) for t in v.split(",")} \
        or "PREF" in prop.params or "PREF" in {s.upper() for s in prop.singletonparams}


def _ordered(card, prop: str) -> list:
    """The card's ``prop`` properties, the preferred one first, else in file order."""
    items = list(card.contents.get(prop.lower(), []))
    return sorted(items, key=lambda p: not _preferred(p))


def _tel(value) -> str:
    text = str(value).strip()
    return text[4:] if text.lower().startswith("tel:") else text


def _name(card) -> str:
    fn = _first(card, "FN")
    if fn:
        return fn
    n = card.contents.get("n")
    if not n:
        return ""
    v = n[0].value
    family, given = str(getattr(v, "family", "") or "").strip(), str(getattr(v, "given", "") or "").strip()
    if has_cjk(family + given):
        return family + given
    return " ".join(p for p in (given, family) if p)


def _address(prop) -> str:
    """One line as people write the address: Chinese ones largest place first with no
    spaces between parts (台中市西屯區市政路 100 號), others street first."""
    v = prop.value
    if isinstance(v, str):
        return v.strip()

    def text(part) -> str:
        return " ".join(part).strip() if isinstance(part, list) else str(part or "").strip()

    street, city, region, code, country = (text(v.street), text(v.city), text(v.region),
                                           text(v.code), text(v.country))
    extended, box = text(v.extended), text(v.box)
    if has_cjk(street + city + region):  # 407台中市西屯區市政路 100 號
        return "".join(p for p in (code, region, city, street, extended) if p)
    place = " ".join(p for p in (region, code) if p)
    return ", ".join(p for p in (box, extended, street, city, place, country) if p)


def _birthday(text: str, omitted_year: str = "") -> date | None:
    """A vCard birthday with a year (``1980-01-02``, ``19800102``, ``1980-01-02T00:00:00Z``);
    None for one without a year (``--0612``, or Apple's ``X-APPLE-OMIT-YEAR=1604`` on
    ``1604-06-12``) or not a date."""
    m = _BDAY.match(text.strip())
    if not m or m.group(1) == omitted_year:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def import_records(text: str, source: str, key: str):
    """The cards as the import pipeline's records (:mod:`rmnotes.domain.importing`), to be
    planned in its contacts mode (fill empty fields only, new clients as prospects). A card
    this vault exported names its client by its UID (``key``: :func:`vault_key`); its note
    (the tier) is not a note about the person. What a card holds that has no place in a
    client file is kept under ``imported: {vcard: ...}``."""
    from rmnotes.domain.import_rows import Cell, ClientRecord, Problem, Records

    read = read_contacts(text, source)
    out = Records(problems=[Problem(f"{i.path}:{i.line}" if i.line else i.path, i.message)
                            for i in read.issues])
    for card in read.records:
        client_id = client_of_uid(card.uid, key)
        record = ClientRecord(card.place, client_id, card.name)
        record.fields = {path: Cell(value, card.place) for path, value in card.values.items()}
        if card.note and client_id is None:
            record.notes = Cell(card.note, card.place)
        if card.left_out:
            record.imported = {"vcard": Cell("; ".join(card.left_out), card.place)}
        out.clients.append(record)
    return out
