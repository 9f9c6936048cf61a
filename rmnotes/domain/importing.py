"""Importing a book kept elsewhere (an Excel workbook, CSV files, a phone's contacts).

A pipeline of four steps, each usable on its own:

1. **rows -> records** (:mod:`rmnotes.domain.import_rows`): the sheets' rows become
   client and item records, each value with the cell it came from; a cell that cannot be
   read is a problem at that cell. Other sources (vCard) build records themselves.
2. **records -> plan** (this module, :func:`make_plan`): each client is matched in the
   vault by id, then name, then mobile (an ambiguous match is a problem); names are
   compared as CLIENT arguments compare them (:func:`rmnotes.names.name_key`: 陈美玲 is
   陳美玲), and the file's spelling of a name is kept (only a row matched by id renames,
   and only to another name, not the same name in the other script); the plan says which
   clients are new, which are updated (each field's old -> new value), which are
   unchanged. The :class:`Mode` decides what may change: everything the sheet says, or
   (for contacts) only fields the file leaves empty, never the status.
3. **plan -> bytes** (:mod:`rmnotes.domain.import_files`): a new client's file as a person
   writes one by hand, or an existing file edited in place by the one front-matter editor
   (:mod:`rmnotes.fmedit`), every other byte kept.
4. **apply**: the command writes all files under one lock in one commit
   (:meth:`rmnotes.app.App.write_files`).

Import never removes: a client missing from the sheet, an empty cell, a family member's
details the sheet has no column for, all stay as the file has them. The notes (備註) of a
new client become its free notes; a later change to that cell is shown, never applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Mapping, Protocol, Sequence

from rmnotes import names
from rmnotes.config import Config
from rmnotes.domain.import_rows import Cell, ClientRecord, Entry, ItemRecord, Problem, Records, SheetRead, spoil_keys
from rmnotes.i18n import _
from rmnotes.model import Client
from rmnotes.parse import cells, coerce, yamltree

Progress = Callable[[int, int], None]  # (done, of): a long plan or write reports how far it is


class Book(Protocol):
    """What planning needs of the vault."""

    def ids(self) -> set[str]: ...

    def names(self) -> Mapping[str, str]:
        """id -> name of every client that reads."""
        ...

    def client(self, client_id: str) -> Client | None:
        """The client parsed fresh from its file; None when the file does not read."""
        ...

    def mobiles(self) -> Mapping[str, str]:
        """id -> mobile of every client that has one (asked only when a row matches no
        client by id or name)."""
        ...

    def fold_table(self) -> names.FoldTable:
        """Traditional -> Simplified, the table names are compared with
        (:func:`rmnotes.names.name_key`)."""
        ...


class VaultBook:
    """:class:`Book` over a vault and its index: names from the index, clients parsed
    fresh from their files (the source of truth), mobiles read once when first asked."""

    def __init__(self, vault, index) -> None:
        self.vault = vault
        self.index = index
        self._clients: dict[str, Client | None] = {}
        self._mobiles: dict[str, str] | None = None

    def ids(self) -> set[str]:
        return {rel[len("clients/"):-3] for rel, _, _ in self.vault.stamps()}

    def names(self) -> Mapping[str, str]:
        return self.index.names()

    def client(self, client_id: str) -> Client | None:
        if client_id not in self._clients:
            from rmnotes.index import read_and_parse

            try:
                parsed = read_and_parse(self.vault, f"clients/{client_id}.md")
                self._clients[client_id] = parsed.client
            except Exception:  # unreadable: not UTF-8, too big, gone
                self._clients[client_id] = None
        return self._clients[client_id]

    def mobiles(self) -> Mapping[str, str]:
        if self._mobiles is None:
            self._mobiles = {}
            for cid in self.names():
                c = self.client(cid)
                mobile = coerce.text(coerce.mapping(c.meta.get("profile")).get("mobile")) if c else None
                if mobile:
                    self._mobiles[cid] = mobile
        return self._mobiles

    def fold_table(self) -> names.FoldTable:
        return self.index.fold_table()


# ---------------------------------------------------------------------- the plan
@dataclass(frozen=True, slots=True)
class Mode:
    """What an import may change: ``fill_only`` fills fields the file leaves empty and
    never changes one (contacts from a phone); ``status`` is what a new client's status is
    (None: the sheet's, else active, as ``rmn new`` writes it); ``keep_status`` never
    changes an existing client's status."""

    fill_only: bool = False
    new_status: str | None = None
    keep_status: bool = False


SHEET = Mode()
CONTACTS = Mode(fill_only=True, new_status="prospect", keep_status=True)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One value the import sets: its place (``profile.mobile``, ``policies[終身壽險].premium``),
    the file's value (None: absent) and the new one, and the cell it comes from."""

    field: str
    old: Any
    new: Any
    where: str


@dataclass
class ClientPlan:
    action: str  # "new" | "updated" | "unchanged"
    client_id: str
    name: str
    where: str
    matched_by: str | None = None  # "id" | "name" | "mobile" | None (new)
    changes: list[FieldChange] = field(default_factory=list)
    edits: list = field(default_factory=list)  # rmnotes.fmedit changes, in order (an update)
    document: dict = field(default_factory=dict)  # a new client's front-matter, in order
    notes: str | None = None  # a new client's free notes
    held_back: list[FieldChange] = field(default_factory=list)  # shown, not applied (the notes)
    counts: dict[str, int] = field(default_factory=dict)  # new client: policies, holdings, family

    @property
    def rel(self) -> str:
        return f"clients/{self.client_id}.md"


@dataclass
class Plan:
    clients: list[ClientPlan]
    problems: list[Problem]
    sheets: list[SheetRead]
    notes: list[str]

    def of(self, action: str) -> list[ClientPlan]:
        return [c for c in self.clients if c.action == action]

    @property
    def writes(self) -> list[ClientPlan]:
        return [c for c in self.clients if c.action in ("new", "updated")]


class _Target:
    """A client the import touches: its record (merged from every row that names it)."""

    def __init__(self, record: ClientRecord, client_id: str | None, matched_by: str | None):
        self.record = record
        self.client_id = client_id
        self.matched_by = matched_by
        self.dropped = False  # given more than one row: nothing of it is written


def make_plan(records: Records, book: Book, config: Config, mode: Mode = SHEET, today: date | None = None,
              progress: Progress | None = None) -> Plan:
    """The plan of an import: records matched to the vault's clients and compared."""
    today = today or date.today()
    problems = list(records.problems)
    notes: list[str] = []
    ids = book.ids()
    table = book.fold_table()
    keys: dict[str, str] = {}

    def key(name: str) -> str:  # names compared as CLIENT arguments are; a book repeats them
        k = keys.get(name)
        if k is None:
            k = keys[name] = names.name_key(name, table)
        return k

    by_name: dict[str, list[str]] = {}
    for cid, name in book.names().items():
        by_name.setdefault(key(name), []).append(cid)
    matcher = _Matcher(book, ids, by_name, key)
    spoiled: set[str] = set()
    for client_id, name in records.spoiled:
        spoiled |= spoil_keys(client_id, name, table)
    targets: list[_Target] = []
    by_key: dict[str, _Target] = {}  # name key / id of clients in this import -> target

    for record in records.clients:
        key_name = key(record.name) if record.name else None
        if spoil_keys(record.id, record.name, table) & spoiled:
            continue
        found = matcher.match(record.id, record.name, _mobile_of(record))
        if isinstance(found, Problem):
            problems.append(Problem(record.where, found.message))
            records.spoiled.add((record.id, record.name))
            spoiled |= spoil_keys(record.id, record.name, table)
            continue
        client_id, how = found
        if (how == "mobile" and not mode.fill_only and record.name
                and not _same_person(record.name, client_id, book, key, table)):
            # the phone of another name: a relative sharing it, or the client renamed? A sheet
            # would write every value of the row; never guessed (a phone's card, which only
            # fills empty fields, may know a client by a nickname)
            other = book.names().get(client_id, client_id)
            problems.append(Problem(record.where, _(
                "{name} has the mobile of {other} ({id}) but another name: a relative sharing the phone, or "
                "{other} renamed? Add a 客戶代號 (id) column saying {id} for {other}, or a new id (such as "
                "{new}) for a new client").format(name=record.name, other=other, id=client_id,
                                                  new=names.slug(record.name) or "new-client")))
            records.spoiled.add((record.id, record.name))
            spoiled |= spoil_keys(record.id, record.name, table)
            continue
        ident = client_id or record.id  # rows with ids are told apart by them, others by name
        twin = by_key.get(f"id:{ident}") if ident else (by_key.get(f"name:{key_name}") if key_name else None)
        if twin is not None:  # rows that disagree or not, none is written: which would the user mean?
            problems.append(Problem(record.where, _("the same client as {where}; keep one row per client").format(
                where=twin.record.where)))
            twin.dropped = True
            continue
        target = _Target(record, client_id, how)
        targets.append(target)
        if client_id:
            by_key[f"id:{client_id}"] = target
        if key_name:
            by_key.setdefault(f"name:{key_name}", target)
        if record.id and not client_id:
            by_key[f"id:{record.id}"] = target

    for item in records.items:
        key_name = key(item.client_name) if item.client_name else None
        if spoil_keys(item.client_id, item.client_name, table) & spoiled:
            continue
        target = (by_key.get(f"id:{item.client_id}") if item.client_id else None) or (
            by_key.get(f"name:{key_name}") if key_name else None)
        if target is None:
            found = matcher.match(item.client_id, item.client_name, None)
            if isinstance(found, Problem):
                problems.append(Problem(item.where, found.message))
                continue
            client_id, how = found
            if client_id is None and records.clients:  # a client sheet was read, and does not name it
                known = [t.record.name for t in targets if t.record.name] + list(book.names().values())
                problems.append(Problem(item.where, _not_on_the_client_sheet(item, known)))
                continue
            target = by_key.get(f"id:{client_id}") if client_id else None
            if target is None:
                target = _Target(ClientRecord(item.where, item.client_id if not client_id else None,
                                              item.client_name or (book.names().get(client_id) if client_id else None)),
                                 client_id, how)
                targets.append(target)
                if client_id:
                    by_key[f"id:{client_id}"] = target
                if key_name:
                    by_key[f"name:{key_name}"] = target
        if target.dropped:
            continue
        (target.record.policies if item.kind == "policies" else target.record.holdings).append(item)
        notes.extend(item.notes)

    taken = set(ids)
    out: list[ClientPlan] = []
    targets = [t for t in targets if not t.dropped]
    for n, target in enumerate(targets, 1):
        if progress is not None:
            progress(n, len(targets))
        try:
            if target.client_id is None:
                plan = _plan_new(target.record, taken, config, mode, today, key)
                taken.add(plan.client_id)
            else:
                client = book.client(target.client_id)
                if client is None:
                    problems.append(Problem(target.record.where, _(
                        "clients/{id}.md does not read; fix it first ('rmn check' says where)").format(id=target.client_id)))
                    continue
                plan = _plan_update(target.record, client, config, mode, target.matched_by, key)
        except _RowProblem as exc:
            problems.append(exc.problem)
            continue
        out.append(plan)
    return Plan(out, problems, list(records.sheets), notes)


def _not_on_the_client_sheet(item: ItemRecord, known: Sequence[str]) -> str:
    """Why a policy or holding row naming a client neither the client sheet nor the vault
    knows is not made a client of its own: it is most likely a slip (王衛 for 王偉)."""
    import difflib

    named = item.client_name or item.client_id or ""
    close = difflib.get_close_matches(named, list(dict.fromkeys(known)), n=1, cutoff=0.5)
    if close:
        return _("{name} is neither on the client sheet nor in the book: did you mean {close}? Write the name as "
                 "the client sheet does, or add {name} there").format(name=named, close=close[0])
    return _("{name} is neither on the client sheet nor in the book: write the name as the client sheet does, or "
             "add {name} there").format(name=named)


def _same_person(name: str, client_id: str, book: Book, key: Callable[[str], str], table: names.FoldTable) -> bool:
    """Whether a row's name names the client its mobile matched, as a CLIENT argument would:
    the name in either script, an alias, its pinyin or passport spelling (Wang Wei is 王偉);
    not a relative's name (王小偉 shares 王偉's phone, and is someone else)."""
    client = book.client(client_id)
    if client is None:
        return False
    typed = names.normalise(name)
    return (key(name) == key(client.name) or typed in names.client_keys(client_id, client.name, client.aliases, table=table)
            or typed in names.cantonese_keys(client.name, client.aliases, table))


class _RowProblem(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


class _Matcher:
    def __init__(self, book: Book, ids: set[str], by_name: dict[str, list[str]], key: Callable[[str], str]):
        self.book = book
        self.ids = ids
        self.by_name = by_name  # name key -> ids
        self.key = key

    def match(self, client_id: str | None, name: str | None, mobile: str | None) -> tuple[str | None, str | None] | Problem:
        """(id, how) of the vault's client, (None, None) for a new one, or a Problem."""
        if client_id and client_id in self.ids:
            return client_id, "id"
        if name:
            found = self.by_name.get(self.key(name), [])
            if len(found) == 1:
                return found[0], "name"
            if len(found) > 1:
                listed = ", ".join(f"{name} ({cid})" for cid in sorted(found))
                return Problem("", _("{name} matches {n} clients: {listed}; add a 客戶代號 (id) column to say which").format(
                    name=name, n=len(found), listed=listed))
        if mobile and not client_id:  # a row that gives its own id is matched by it alone, or is new
            key = _phone_key(mobile)
            found = sorted(cid for cid, m in self.book.mobiles().items() if _phone_key(m) == key)
            if len(found) == 1:
                return found[0], "mobile"
            if len(found) > 1:
                return Problem("", _("mobile {mobile} is the mobile of {n} clients: {listed}; add a 客戶代號 (id) column to say which").format(
                    mobile=mobile, n=len(found), listed=", ".join(found)))
        return None, None


def _mobile_of(record: ClientRecord) -> str | None:
    cell = record.fields.get(("profile", "mobile"))
    return str(cell.value) if cell else None


def _phone_key(text: str) -> str:
    """A phone number as compared: its digits, a leading + kept."""
    t = str(text).strip()
    return ("+" if t.startswith("+") else "") + re.sub(r"\D", "", t)


# ---------------------------------------------------------------------- comparing values
_PHONES = {("profile", "mobile"), ("profile", "phone")}
_DATES = {"since", "birthday", "assessed", "start", "next_premium", "maturity"}
_NUMBERS = {"income", "sum_assured", "premium", "value", "profile", "risk", "term_years"}
_WORDS = {"status", "kind", "type", "premium_frequency", "marital_status"}


def same(path: tuple[str, ...], old: Any, new: Any, base_currency: str) -> bool:
    """Whether the file's ``old`` value already says what the sheet's ``new`` one does (so
    nothing is written): phone numbers by their digits, dates and amounts by value, words
    in any case, lists as sets, the base currency and no currency alike."""
    last = path[-1]
    if last == "currency":
        return (coerce.text(old) or base_currency).upper() == (new or base_currency).upper()
    if old is None or (isinstance(old, str) and not old.strip()) or old == []:
        return False
    if path in _PHONES:
        return _phone_key(str(old)) == _phone_key(str(new))
    if isinstance(new, date):
        if isinstance(old, date):
            return old == new
        return isinstance(old, str) and yamltree.parse_date_text(old.strip()) == new
    if isinstance(new, bool) or isinstance(old, bool):
        return old == new
    if isinstance(new, (int, Decimal)):
        number = coerce.money(old)
        return number is not None and number == new
    if isinstance(new, list):
        olds = coerce.texts(old)
        return sorted(str(x).strip() for x in olds) == sorted(str(x).strip() for x in new)
    if last in _WORDS:
        return str(old).strip().lower() == str(new).strip().lower()
    return str(old).strip() == str(new).strip()


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def _get(meta: Mapping, path: Sequence[str]) -> Any:
    """The value at ``path`` of a parsed front-matter, None where there is none."""
    from rmnotes.fmedit import lookup

    return lookup(meta, tuple(path))[1]


# the keys of a new policy or holding, in the order a person writes them
POLICY_KEYS = ("name", "insurer", "kind", "insured", "sum_assured", "premium", "premium_frequency", "currency",
               "start", "term_years", "next_premium", "riders")
ASSET_KEYS = ("name", "type", "institution", "value", "currency", "since", "maturity", "risk")


def _plan_update(record: ClientRecord, client: Client, config: Config, mode: Mode, how: str | None,
                 name_key: Callable[[str], str]) -> ClientPlan:
    from rmnotes.fmedit import Append, Named, Set

    meta = client.meta
    plan = ClientPlan("unchanged", client.id, client.name, record.where, how)
    base = config.base_currency

    def change(path: tuple, shown: str, old: Any, cell: Cell) -> None:
        plan.changes.append(FieldChange(shown, old, cell.value, cell.where))
        plan.edits.append(Set(path, cell.value))

    sheet_name = (record.name or "").strip()
    if sheet_name and name_key(sheet_name) != name_key(client.name):
        # another name: a row matched by id renames the client; matched by mobile, the name
        # is shown and left as the file has it (the sheet may name a relative sharing a phone)
        if how == "id" and not mode.fill_only:
            change(("name",), "name", client.name, Cell(sheet_name, record.where))
        elif how == "mobile":
            plan.held_back.append(FieldChange("name", client.name, sheet_name, record.where))
    # the same name in another script (陈美玲 for 陳美玲) or spacing: the file's spelling stays
    for path, cell in record.fields.items():
        if path == ("status",) and mode.keep_status:
            continue
        old = _get(meta, path)
        if mode.fill_only and not _empty(old):
            continue
        if same(path, old, cell.value, base):
            continue
        if path[-1] == "currency" and cell.value == base and old is None:
            continue
        if (path == ("profile", "birthday") and old is not None and ("profile", "lunar_birthday") not in record.fields
                and _get(meta, ("profile", "lunar_birthday")) not in (None, False, "")):
            # the file keeps the birthday on the lunar calendar, which the sheet cannot say:
            # a new date is shown, not applied, as a family member's is
            plan.held_back.append(FieldChange("profile.birthday", old, cell.value, cell.where))
            continue
        change(path, ".".join(path), old, cell)
    _plan_family(plan, record, meta, mode, name_key)
    for kind, items, keys in (("policies", record.policies, POLICY_KEYS), ("assets", record.holdings, ASSET_KEYS)):
        existing: dict[str, list[dict]] = {}
        for x in coerce.items(meta.get(kind)):
            if isinstance(x, dict):
                existing.setdefault(name_key(str(x.get("name", ""))), []).append(x)
        seen: dict[str, ItemRecord] = {}
        for item in items:
            k = name_key(item.name)
            if k in seen:
                raise _RowProblem(Problem(item.where, _("{client} has two {what} named {name} in this import (also {where})").format(
                    client=client.name, what=_what(kind), name=item.name, where=seen[k].where)))
            seen[k] = item
            same_name = existing.get(k, [])
            if len(same_name) > 1:
                raise _RowProblem(Problem(item.where, _("{file} has {n} {what} named {name}; rename one so the import knows which").format(
                    file=client.path, n=len(same_name), what=_what(kind), name=item.name)))
            if not same_name:
                value = _item_mapping(item, keys, base)
                plan.edits.append(Append((kind,), value))
                plan.changes.append(FieldChange(f"{kind}[{item.name}]", None, value, item.where))
                continue
            current = same_name[0]
            exact = current.get("name")
            for key in keys:
                cell = item.fields.get(key)
                if cell is None or key == "name":
                    continue
                old = current.get(key)
                if mode.fill_only and not _empty(old):
                    continue
                if same((kind, key), old, cell.value, base):
                    continue
                if key == "currency" and cell.value == base and old is None:
                    continue
                plan.changes.append(FieldChange(f"{kind}[{exact}].{key}", old, cell.value, cell.where))
                plan.edits.append(Set((kind, Named(exact), key), cell.value))
            kept = coerce.mapping(current.get("imported"))
            for header, cell in item.imported.items():
                old = kept.get(header)
                if (mode.fill_only and not _empty(old)) or (not _empty(old) and _same_imported(old, cell.value)):
                    continue
                plan.changes.append(FieldChange(f"{kind}[{exact}].imported.{header}", old, cell.value, cell.where))
                plan.edits.append(Set((kind, Named(exact), "imported", header), cell.value))
    for header, cell in record.imported.items():
        old = _get(meta, ("imported", header))
        if mode.fill_only and not _empty(old):
            continue
        if not _empty(old) and _same_imported(old, cell.value):
            continue
        change(("imported", header), f"imported.{header}", old, cell)
    if record.notes is not None and record.notes.value.strip() != client.notes.strip():
        plan.held_back.append(FieldChange("notes", client.notes.strip(), record.notes.value, record.notes.where))
    if plan.edits:
        plan.action = "updated"
    return plan


def _same_imported(old: Any, new: Any) -> bool:
    if isinstance(new, (int, Decimal)) and not isinstance(new, bool):
        number = coerce.money(old)
        return number is not None and number == new
    if isinstance(new, date):
        return old == new or (isinstance(old, str) and yamltree.parse_date_text(old) == new)
    return str(old).strip() == str(new).strip()


def _what(kind: str) -> str:
    return _("policies") if kind == "policies" else _("holdings")


def _plan_family(plan: ClientPlan, record: ClientRecord, meta: Mapping, mode: Mode,
                 name_key: Callable[[str], str]) -> None:
    """The row's family members against the file's (see :func:`_match_family`): a new one
    is appended; a known one gets the relation when the file has none, the sheet's birthday
    when it differs (held back for one whose birthday the file keeps on the lunar calendar,
    which no sheet says), and a name without the birthday that an import before birthdays
    were read left in it (the date moved to ``birthday:`` when the member has none). The
    known members are edited before any is appended, each by name where the file has one
    of that name, else by position."""
    from rmnotes.fmedit import Append, Named, Set

    family = [(i, m) for i, m in enumerate(coerce.items(meta.get("family"))) if isinstance(m, dict)]
    names = [coerce.text(m.get("name")) or "" for _i, m in family]
    appends, renames = [], []
    for (relation, cell, birthday), found in _match_family(_family_once(record, name_key), family, name_key, plan.name):
        if found is None:
            value = _member(cell.value, relation, birthday)
            appends.append(Append(("family",), value))
            plan.changes.append(FieldChange(f"family[{cell.value}]", None, value, cell.where))
            continue
        i, member = found
        name = coerce.text(member.get("name")) or ""
        at = ("family", Named(name) if names.count(name) == 1 else i)
        shown = f"family[{name}]"
        bare, written = _bare_member(name)
        if birthday is None and written is not None and _empty(member.get("birthday")):
            birthday = written  # the date the name held, kept as the birthday
        if _empty(member.get("relation")) and relation != "other":
            plan.edits.append(Set((*at, "relation"), relation))
            plan.changes.append(FieldChange(f"{shown}.relation", None, relation, cell.where))
        old = member.get("birthday")
        if birthday is None or (mode.fill_only and not _empty(old)) or same(("family", "birthday"), old, birthday, ""):
            pass
        elif member.get("lunar_birthday") not in (None, False, ""):  # the sheet cannot say lunar
            plan.held_back.append(FieldChange(f"{shown}.birthday", old, birthday, cell.where))
        else:
            plan.edits.append(Set((*at, "birthday"), birthday))
            plan.changes.append(FieldChange(f"{shown}.birthday", old, birthday, cell.where))
        if bare != name:
            renames.append(Set((*at, "name"), bare))
            plan.changes.append(FieldChange(f"{shown}.name", name, bare, cell.where))
    plan.edits += renames + appends


def _match_family(entries: list[Entry], family: list[tuple[int, Mapping]], name_key: Callable[[str], str],
                  client: str) -> list[tuple[Entry, tuple[int, Mapping] | None]]:
    """Each of the row's family members with the file's member it is (its position and
    mapping), or None for a new one; each file member is matched once, whatever the order
    of the columns. In rounds: the same name, relation and birthday (an entry without a
    birthday: any); then the same name and relation (several the row would change are an
    error: the file must name them apart); then the same name alone, for a member the file
    gives no relation, or for an entry of the sheet's 其他家人 (other) column, whose birthday
    does not say otherwise: each such member goes to the one entry that wants it, or to the
    one of several whose birthday is its own. A member's
    birthday is its ``birthday:``, or the date an older import left in its name."""
    free = dict(family)
    keys = {i: _member_key(m, name_key) for i, m in family}
    born = {i: m.get("birthday") if not _empty(m.get("birthday")) else _bare_member(coerce.text(m.get("name")) or "")[1]
            for i, m in family}
    out: dict[int, tuple[int, Mapping]] = {}

    def relation_of(m: Mapping) -> str:
        return coerce.text(m.get("relation")) or "other"

    def same_day(i: int, birthday: date | None) -> bool:
        return birthday is None or same(("family", "birthday"), born[i], birthday, "")

    def candidates(k: int, fits) -> list[int]:
        relation, cell, birthday = entries[k]
        return [i for i in free if keys[i] == name_key(cell.value) and fits(i, relation, birthday)]

    for k in range(len(entries)):  # the same name, relation and birthday
        found = candidates(k, lambda i, r, b: relation_of(free[i]) == r and same_day(i, b))
        if found:
            out[k] = (found[0], free.pop(found[0]))
    for k in range(len(entries)):  # the same name and relation
        if k in out:
            continue
        found = candidates(k, lambda i, r, b: relation_of(free[i]) == r)
        if len(found) > 1:
            raise _RowProblem(Problem(entries[k][1].where, _(
                "{client} has {n} family members named {name}; rename one so the import knows which").format(
                client=client, n=len(found), name=entries[k][1].value)))
        if found:
            out[k] = (found[0], free.pop(found[0]))
    wanting: dict[int, list[int]] = {}  # a member without a relation -> the entries it may be
    for k in range(len(entries)):
        if k not in out:
            found = candidates(k, lambda i, r, b: (_empty(free[i].get("relation")) or r == "other")
                               and (born[i] is None or same_day(i, b)))
            if entries[k][0] == "other" and len(found) > 1:  # 其他家人 naming one of two of that name
                dated = [i for i in found if entries[k][2] is not None and born[i] is not None]
                if len(dated) != 1:
                    raise _RowProblem(Problem(entries[k][1].where, _(
                        "{client} has {n} family members named {name}; rename one so the import knows which").format(
                        client=client, n=len(found), name=entries[k][1].value)))
                found = dated
            for i in found:
                wanting.setdefault(i, []).append(k)
    for i, ks in wanting.items():  # the same name alone
        dated = [k for k in ks if entries[k][2] is not None]  # whose birthday is the member's own
        k = ks[0] if len(ks) == 1 else dated[0] if len(dated) == 1 and born[i] is not None else None
        if k is not None and k not in out:
            out[k] = (i, free.pop(i))
    return [(entry, out.get(k)) for k, entry in enumerate(entries)]


def _family_once(record: ClientRecord, name_key: Callable[[str], str]) -> list[Entry]:
    """The row's family members, a member written twice (two cells, or one cell twice:
    the same name and relation, the birthday the same or given once) once."""
    out: list[Entry] = []
    for relation, cell, birthday in record.family:
        twin = next((k for k, (r, c, b) in enumerate(out) if r == relation and name_key(c.value) == name_key(cell.value)
                     and (b is None or birthday is None or b == birthday)), None)
        if twin is None:
            out.append((relation, cell, birthday))
        elif out[twin][2] is None:
            out[twin] = (relation, out[twin][1], birthday)
    return out


def _bare_member(name: str) -> tuple[str, date | None]:
    """A family member's name without the birthday in brackets that an import before
    birthdays were read kept in it (``林淑芬（1977-02-03）``), and that date."""
    try:
        return cells.member(name, "name")
    except cells.CellError:
        return name, None


def _member_key(member: Mapping, name_key: Callable[[str], str]) -> str:
    """A family member of the file as the sheet's names are compared: by its bare name."""
    return name_key(_bare_member(coerce.text(member.get("name")) or "")[0])


def _member(name: str, relation: str, birthday: date | None) -> dict:
    """A new family member as a person writes one: name, relation, then the birthday."""
    return {"name": name, "relation": relation, **({"birthday": birthday} if birthday else {})}


def _item_mapping(item: ItemRecord, keys: Sequence[str], base: str) -> dict:
    out: dict[str, Any] = {}
    for key in keys:
        cell = item.fields.get(key)
        if cell is None:
            continue
        if key == "currency" and cell.value == base:
            continue  # a person writes no currency for the base currency
        out[key] = cell.value
    if item.imported:
        out["imported"] = {header: cell.value for header, cell in item.imported.items()}
    return out


def _plan_new(record: ClientRecord, taken: set[str], config: Config, mode: Mode, today: date,
              name_key: Callable[[str], str]) -> ClientPlan:
    name = (record.name or "").strip()
    if not name:
        raise _RowProblem(Problem(record.where, _("no client {id} in the vault, and the row gives no name to create it with").format(
            id=record.id)))
    client_id = record.id if record.id and record.id not in taken else names.unique_id(taken, name)
    plan = ClientPlan("new", client_id, name, record.where)
    base = config.base_currency
    fields = dict(record.fields)
    if mode.new_status:
        fields[("status",)] = Cell(mode.new_status, record.where)
    if config.new_client_tier is not None:
        fields.setdefault(("tier",), Cell(config.new_client_tier, record.where))
    fields.setdefault(("status",), Cell("active", record.where))
    fields.setdefault(("since",), Cell(today, record.where))
    document: dict[str, Any] = {"name": name}
    ordered = [p for p in _NEW_ORDER if p in fields] + [p for p in fields if p not in _NEW_ORDER]
    for path in ordered:
        cell = fields[path]
        if path[-1] == "currency" and cell.value == base:
            continue
        _put(document, path, cell.value)
        plan.changes.append(FieldChange(".".join(path), None, cell.value, cell.where))
    family = _family_once(record, name_key)
    for relation, cell, birthday in family:  # each item also a change, as for a client updated
        value = _member(cell.value, relation, birthday)
        document.setdefault("family", []).append(value)
        plan.changes.append(FieldChange(f"family[{cell.value}]", None, value, cell.where))
    for kind, items, keys in (("assets", record.holdings, ASSET_KEYS), ("policies", record.policies, POLICY_KEYS)):
        names_seen: dict[str, ItemRecord] = {}
        for item in items:
            k = name_key(item.name)
            if k in names_seen:
                raise _RowProblem(Problem(item.where, _("{client} has two {what} named {name} in this import (also {where})").format(
                    client=name, what=_what(kind), name=item.name, where=names_seen[k].where)))
            names_seen[k] = item
            value = _item_mapping(item, keys, base)
            document.setdefault(kind, []).append(value)
            plan.changes.append(FieldChange(f"{kind}[{item.name}]", None, value, item.where))
    for header, cell in record.imported.items():
        _put(document, ("imported", header), cell.value)
    plan.document = document
    plan.notes = record.notes.value.strip() if record.notes is not None else None
    plan.counts = {"family": len(family), "holdings": len(record.holdings), "policies": len(record.policies)}
    return plan


def _put(document: dict, path: Sequence[str], value: Any) -> None:
    here = document
    for key in path[:-1]:
        here = here.setdefault(key, {})
    here[path[-1]] = value


# the front-matter of a new client, in the order of the format's example (and of `rmn new`)
_NEW_ORDER: tuple[tuple[str, ...], ...] = (
    ("aliases",), ("tier",), ("status",), ("since",), ("tags",),
    ("profile", "mobile"), ("profile", "phone"), ("profile", "email"), ("profile", "address"),
    ("profile", "birthday"), ("profile", "lunar_birthday"), ("profile", "occupation"),
    ("profile", "employer"), ("profile", "income"), ("profile", "currency"), ("profile", "hobbies"),
    ("profile", "marital_status"), ("risk", "profile"), ("risk", "assessed"),
    ("contact", "prefer"), ("contact", "no_calls"), ("contact", "best_time"),
)


def commit_message(source: str, plan: Plan) -> str:
    """``import: book.xlsx: 38 new, 2 updated`` (not translated: the history's own words)."""
    new, updated = len(plan.of("new")), len(plan.of("updated"))
    lines = [f"import: {source}: {new} new, {updated} updated", ""]
    lines += [f"new: {c.name} ({c.client_id})" for c in plan.of("new")]
    lines += [f"updated: {c.name} ({c.client_id}): {', '.join(ch.field for ch in c.changes)}" for c in plan.of("updated")]
    return "\n".join(lines).rstrip() + "\n"
