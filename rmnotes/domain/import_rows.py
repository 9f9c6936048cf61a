"""Importing, step 1: rows -> records.

The sheets of :mod:`rmnotes.sheets`, each recognised by its headers
(:mod:`rmnotes.domain.columns`), become :class:`ClientRecord` and :class:`ItemRecord`
objects: a client's fields, family, policies and holdings, each value with the cell it came
from. A cell that cannot be read is a :class:`Problem` at that cell, and nothing is written
for that client. Other sources (vCard, :mod:`rmnotes.domain.contacts`) build records
themselves. The plan is made from records by :mod:`rmnotes.domain.importing`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Mapping, Optional, Sequence

from rmnotes import names
from rmnotes.config import Config
from rmnotes.domain import columns as C
from rmnotes.i18n import _, language
from rmnotes.parse import cells, coerce
from rmnotes.sheets import ErrorCell, Table, column_letters

CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


@dataclass(frozen=True, slots=True)
class Cell:
    """A value read from a source, and where it was read (``book.xlsx:客戶資料!C5``)."""

    value: Any
    where: str


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that stops one row (and so its client) from being imported."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ItemRecord:
    """One policy or holding, naming its client."""

    kind: str  # "policies" | "holdings"
    where: str  # its row
    client_id: str | None
    client_name: str | None
    fields: dict[str, Cell]  # key in the policy/asset mapping -> value; "name" always
    notes: list[str] = field(default_factory=list)  # what the reading did (a yearly premium divided)
    imported: dict[str, Cell] = field(default_factory=dict)  # header -> value, kept under the item's imported:

    @property
    def name(self) -> str:
        return str(self.fields["name"].value)


Entry = tuple[str, Cell, Optional[date]]  # a family member of a row: relation, name, birthday


@dataclass
class ClientRecord:
    """One client as a source describes it."""

    where: str  # its row (or card)
    id: str | None = None
    name: str | None = None
    fields: dict[tuple[str, ...], Cell] = field(default_factory=dict)  # front-matter path -> value
    family: list[Entry] = field(default_factory=list)
    notes: Cell | None = None
    imported: dict[str, Cell] = field(default_factory=dict)  # header -> value, kept under imported:
    policies: list[ItemRecord] = field(default_factory=list)
    holdings: list[ItemRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SheetRead:
    """How one sheet was understood, for the preview."""

    table: str  # book.xlsx:客戶資料, or book.csv
    kind: str | None  # None: not recognised, skipped
    header_row: int | None  # 1-based
    rows: int
    unknown: tuple[str, ...] = ()  # headers kept under imported:
    encoding: str | None = None


@dataclass
class Records:
    clients: list[ClientRecord] = field(default_factory=list)
    items: list[ItemRecord] = field(default_factory=list)  # policies and holdings, by client
    problems: list[Problem] = field(default_factory=list)
    sheets: list[SheetRead] = field(default_factory=list)
    # (id, name) of the clients a row had a problem with, so nothing of them is written
    spoiled: set[tuple[str | None, str | None]] = field(default_factory=set)


def read_records(tables: Sequence[Table], config: Config, mapping: Mapping[str, str] | None = None) -> Records:
    """Every recognised sheet's rows as records (see the module's step 1)."""
    out = Records()
    for table in tables:
        layout = C.recognise(table.rows, mapping)
        label = table.source if table.name is None else f"{table.source}:{table.name}"
        if layout is None:
            if any(any(not cells.blank(v) for v in row) for row in table.rows):
                out.sheets.append(SheetRead(label, None, None, 0, encoding=table.encoding))
            continue
        _refuse_twin_columns(layout, label)
        unknown = tuple(h or column_letters(i) for i, (h, c) in enumerate(zip(layout.headers, layout.columns))
                        if c is None and (h or _column_has_values(table, layout, i)))
        n = 0
        # a cell's place is its column's part and its row's number (book.xlsx:客戶資料!C + 14)
        places = [table.where(0, i)[:-1] if table.name is not None else f"{table.source}:"
                  for i in range(len(layout.columns))]
        for r in range(layout.header_row + 1, len(table.rows)):
            row = table.rows[r]
            if all(cells.blank(v) for v in row):
                continue
            n += 1
            _read_row(out, table, layout, r, row, config, places)
        out.sheets.append(SheetRead(label, layout.kind, layout.header_row + 1, n, unknown, table.encoding))
    return out


def _refuse_twin_columns(layout: C.Layout, label: str) -> None:
    """Two columns of one sheet that mean the same field (住家電話 and 公司電話 are both the
    phone): which would the user mean? Refused before anything is read, naming both."""
    from rmnotes.errors import DataError

    seen: dict[str, int] = {}
    for i, column in enumerate(layout.columns):
        if column is None or column.read in ("family", "skip"):  # family columns add members
            continue
        first = seen.setdefault(column.key, i)
        if first != i:
            raise DataError(_(
                "{sheet}: columns {first} ({first_header}) and {second} ({second_header}) both mean {field}; "
                "rename or delete one of them, or leave one out with --map (a line '{second_header}: skip'); "
                "nothing was written").format(
                    sheet=label, first=column_letters(first), first_header=layout.headers[first],
                    second=column_letters(i), second_header=layout.headers[i], field=column.key))


def _column_has_values(table: Table, layout: C.Layout, i: int) -> bool:
    return any(i < len(row) and not cells.blank(row[i]) for row in table.rows[layout.header_row + 1:])


def _read_row(out: Records, table: Table, layout: C.Layout, r: int, row: Sequence[Any], config: Config,
              places: Sequence[str]) -> None:
    problems: list[Problem] = []
    values: dict[str, Cell] = {}
    unknown: dict[str, Cell] = {}
    family: list[Entry] = []
    failed: set[str] = set()  # the columns whose cell shows an Excel error
    number = str(r + 1)
    for i, column in enumerate(layout.columns):
        raw = row[i] if i < len(row) else None
        if raw is None or raw == "" or (type(raw) is str and not raw.strip()):
            continue
        where = places[i] + number
        if column is not None and column.read == "skip":
            continue
        if type(raw) is ErrorCell:  # neither a value nor nothing: the sheet must say which
            failed.add(column.key if column else "")
            problems.append(Problem(where, _("the cell shows Excel's error {code} instead of a value; correct its "
                                             "formula, or clear the cell, in the workbook").format(code=raw.code)))
            continue
        if column is None:
            header = layout.headers[i] if i < len(layout.headers) else ""
            unknown[header or column_letters(i)] = Cell(_as_is(raw), where)
            continue
        try:
            if column.read == "family":
                for name, birthday in cells.members(raw, layout.headers[i]):
                    family.append((column.key, Cell(name, where), birthday))
                continue
            value = read_cell(column, raw, config, layout.headers[i])
        except cells.CellError as exc:
            problems.append(Problem(where, str(exc)))
            continue
        if value is not None:
            values[column.key] = Cell(value, where)
    row_where = table.where(r)
    client_id = values.pop("id").value if "id" in values else None
    if layout.kind == "clients":
        name = values.get("name")
        if name is None and client_id is None and not failed & {"name", "id"}:
            problems.append(Problem(row_where, _("the row names no client: its name cell is empty")))
        if problems:
            _spoil(out, problems, client_id, name.value if name else None)
            return
        record = ClientRecord(row_where, client_id, name.value if name else None)
        for column in C.CLIENT_COLUMNS:
            cell = values.get(column.key)
            if cell is None or not column.path or column.key == "name":
                continue
            if column.read == "amount":
                amount, currency = cell.value
                if currency and currency != config.base_currency:
                    if config.rate(currency) is None:
                        _spoil(out, [Problem(cell.where, _no_rate(currency))], client_id, record.name)
                        return
                    record.fields[("profile", "currency")] = Cell(currency, cell.where)
                cell = Cell(amount, cell.where)
            record.fields[column.path] = cell
        notes = values.get("notes")
        record.notes = notes
        record.family = family
        record.imported = unknown
        out.clients.append(record)
        return
    client_name = values.pop("client").value if "client" in values else None
    if client_name is None and client_id is None and not failed & {"client", "id"}:
        problems.append(Problem(row_where, _("the row names no client: its client name cell is empty")))
    item = _item(layout.kind, row_where, client_id, client_name, values, unknown, problems, config)
    if problems or item is None:
        _spoil(out, problems, client_id, client_name)
        return
    out.items.append(item)


def _item(kind: str, where: str, client_id: str | None, client_name: str | None, values: dict[str, Cell],
          unknown: dict[str, Cell], problems: list[Problem], config: Config) -> ItemRecord | None:
    fields: dict[str, Cell] = {}
    notes: list[str] = []
    vocabulary = "kind" if kind == "policies" else "type"
    if "name" not in values:
        what = values.get(vocabulary)
        if what is None:
            problems.append(Problem(where, _("the row has no name for the policy or holding")))
            return None
        values["name"] = Cell(C.word_for(vocabulary, what.value, "zh_TW"), what.where)
    currency_cell = values.get("currency")
    currency = currency_cell.value if currency_cell else None
    for column in C.COLUMNS[kind]:
        cell = values.get(column.key)
        if cell is None or not column.path:
            continue
        if column.read == "amount":
            amount, written = cell.value
            if written:
                if currency and written != currency:
                    problems.append(Problem(cell.where, _('{label} is in {written} but the currency column says {currency}').format(
                        label=column.key, written=written, currency=currency)))
                    return None
                currency = written
                currency_cell = cell
            cell = Cell(amount, cell.where)
        if column.key == "premium_yearly":
            continue  # below, once the frequency is known
        fields[column.path[0]] = cell
    if currency and currency_cell is not None:
        if config.rate(currency) is None:
            problems.append(Problem(currency_cell.where, _no_rate(currency)))
            return None
        fields["currency"] = Cell(currency, currency_cell.where)
    yearly = values.get("premium_yearly")
    if yearly is not None and "premium" not in fields:
        frequency = fields.get("premium_frequency")
        freq = frequency.value if frequency else "annual"
        amount = yearly.value[0]
        divisor = C.YEARLY_DIVISOR.get(freq, 1)
        per = amount / divisor
        if per * divisor != amount or per != per.quantize(Decimal("0.01")):
            problems.append(Problem(yearly.where, _(
                "yearly premium {amount} does not divide into {n} equal payments of whole cents; "
                "write the premium per payment in a {column} column").format(
                    amount=amount, n=divisor, column=_label("premium"))))
            return None
        per = per.quantize(Decimal(1)) if per == per.to_integral_value() else per.normalize()
        fields["premium"] = Cell(per, yearly.where)
        if divisor != 1:
            notes.append(_("{where}: yearly premium {amount} is {per} per {freq} payment").format(
                where=yearly.where, amount=amount, per=per, freq=C.word_for("frequency", freq, language())))
    return ItemRecord(kind, where, client_id, client_name, fields, notes, dict(unknown))


def _label(key: str) -> str:
    """The header of the policy column ``key`` in the interface language, as export writes it."""
    column = next(c for c in C.POLICY_COLUMNS if c.key == key)
    return column.label(language())


def _no_rate(currency: str) -> str:
    return _('currency {currency} has no rate in rmnotes.yaml; add its rate under fx: (units of the base '
             'currency per one {currency})').format(currency=currency)


def _spoil(out: Records, problems: list[Problem], client_id: str | None, name: str | None) -> None:
    out.problems.extend(problems)
    out.spoiled.add((client_id, name))


def spoil_keys(client_id: str | None, name: str | None, table: names.FoldTable | None = None) -> set[str]:
    """The keys by which rows of a client with a problem are recognised (and left out): its
    id, and its name as names are compared (:func:`rmnotes.names.name_key`)."""
    keys = set()
    if client_id:
        keys.add(f"id:{client_id}")
    if name and names.name_key(name, table):
        keys.add(f"name:{names.name_key(name, table)}")
    return keys


def _as_is(raw: Any) -> Any:
    """A cell of a column nobody recognised, kept as the type it has: text, a whole number,
    an exact decimal, a date, true/false."""
    if isinstance(raw, float):
        number = Decimal(repr(raw))
        return int(number) if number == number.to_integral_value() else number
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, datetime):
        return raw.date() if raw.time() == datetime.min.time() else raw.isoformat(" ")
    if isinstance(raw, (date, bool, int, Decimal)):
        return raw
    return str(raw)  # a time or a duration: as text


def _notes(text: str | None) -> str | None:
    """A notes cell as a new client's free notes: it must not start a section of the file
    (a line ``## Log`` would put the lines under it into the client's contact history)."""
    from rmnotes.parse.body import starts_section

    for line in (text or "").splitlines():
        if starts_section(line) is not None:
            raise cells.CellError(_("the notes hold the line '{line}', which would start a section of the client "
                                    "file; write that line another way").format(line=line.strip()))
    return text


def _tier(text: str | None, config: Config) -> str | None:
    """One of the tiers rmnotes.yaml defines, as it spells it (``c`` and ``Ｃ`` are C): a
    tier it does not define would give the client a cadence nobody chose."""
    if text is None:
        return None
    found = config.tier_named(text)
    if found is None:
        raise cells.CellError(_("tier '{tier}' is not one of the tiers in rmnotes.yaml ({tiers}); use one of them, "
                                "or add '{tier}' under tiers").format(tier=text, tiers=", ".join(config.tiers)))
    return found


_OURS = frozenset(cells.key(w) for w in C.OURS_WORDS)
_SELF = frozenset(cells.key(w) for w in C.SELF_WORDS)
_SELF_HELD = frozenset(cells.key(w) for w in C.SELF_HELD_WORDS)


def read_cell(column: C.Column, raw: Any, config: Config, header: str = "") -> Any:
    """One cell as the value its column holds (raises :class:`cells.CellError`, which names
    the column by its header as the sheet writes it)."""
    label = header or column.key
    kind = column.read
    if kind == "text":
        return cells.text(raw)
    if kind == "notes":
        return _notes(cells.text(raw))
    if kind == "id":
        t = cells.text(raw)
        if t is not None and not CLIENT_ID.match(t):
            raise cells.CellError(_('id "{value}" is not a client id (lower-case letters, digits and dashes, '
                                    'as in the file name clients/ID.md)').format(value=t))
        return t
    if kind == "texts":
        return cells.texts(raw)
    if kind == "tier":
        return _tier(cells.text(raw), config)
    if kind in ("phone", "mobile"):
        return cells.phone(raw, label, config.region, mobile=kind == "mobile")
    if kind == "amount":
        found = cells.amount(raw, label)
        if found is None:
            return None
        note = C.header_note(header)
        amount, currency = found
        if note.factor != 1 and not cells.written_with_unit(raw):  # 20萬 under 保額(萬) is 20萬
            amount = amount * note.factor
            amount = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()
        return amount, currency or note.currency
    if kind == "day":
        return cells.day(raw, label)
    if kind == "risk":
        return cells.risk(raw, label, C.RISK_WORDS)
    if kind == "whole":
        return cells.whole(raw, label)
    if kind == "choice":
        assert column.choices is not None
        allowed = C.ALLOWED[column.choices]
        shown = [C.word_for(column.choices, value, language()) for value in allowed]
        return cells.choice(raw, label, C.WORDS[column.choices], allowed, shown)
    if kind in ("channels", "riders"):  # known words as the format's, others as written
        vocabulary = "channel" if kind == "channels" else "kind"
        out = []
        for t in cells.texts(raw) or []:
            try:
                out.append(cells.choice(t, label, C.WORDS[vocabulary], C.ALLOWED[vocabulary]))
            except cells.CellError:
                out.append(t.lower() if kind == "channels" else t)
        return out or None
    if kind == "currency":
        t = cells.text(raw)
        if t is None:
            return None
        k = t.strip()
        code = cells.CURRENCY_WORDS.get(k) or (k.upper() if re.fullmatch(r"[A-Za-z]{3}", k) else None)
        if not code:
            raise cells.CellError(_('currency "{value}" is not a currency code (TWD, USD, CNY, HKD, ...)').format(value=t))
        return code
    if kind in ("institution", "insured"):  # 本行 is ours, 自有 self (held by the client); 本人 is self
        t = cells.text(raw)
        if t is None:
            return None
        k = cells.key(t)
        if kind == "insured":
            return "self" if k in _SELF else t
        return "ours" if k in _OURS else "self" if k in _SELF_HELD else t
    if kind == "lunar":
        t = cells.text(raw)
        if t is None:
            return None
        if coerce.lunar_month_day(t) is not None:
            return t
        return cells.yes_no(raw, label)
    raise AssertionError(f"no reader {kind!r}")  # pragma: no cover - a vocabulary mistake
