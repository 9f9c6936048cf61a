"""The open index and the named questions the domain asks it.

Every query returns rows built by column name (:class:`~rmnotes.facts.ClientRow`, the
model's dataclasses, :class:`TextHit`); none of them decides a business rule. Where a
query narrows (a date window, the month-days of birthdays), the domain's rule still
decides every row it returns.
"""

from __future__ import annotations

import functools
import inspect
import json
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple, Sequence

from rmnotes.errors import DataError
from rmnotes.facts import (BirthdayGroup, ClientRow, ContactGroup, ContactRow, Fact, FactGroup, Holdings, Reach,
                           Totals)
from rmnotes.i18n import _
from rmnotes.index import build, schema
from rmnotes.index.schema import DB_NAME, InUse, connect, unpack
from rmnotes.periods import LunarMonthDay
from rmnotes.vault import CACHE_DIR, DIR_MODE, Vault

if TYPE_CHECKING:
    from rmnotes.model import Entry, FamilyMember, FollowUp, Issue, Policy
    from rmnotes.names import FoldTable

MAX_EXPANSION = 400  # trigrams a two-character needle may expand to before a plain scan


class Skipped(NamedTuple):
    """A client file that could not be read: the first error says why."""

    path: str
    issue: Issue

    def warning(self) -> str:
        return _("warning: skipped {problem}; run 'rmn check' for details").format(problem=self.issue)


class TextHit(NamedTuple):
    """One searchable line of a client file: ``kind`` is name | alias | family | note |
    follow-up | log (``channel``: the log letter, the follow-up's box, the member's relation)."""

    client_id: str
    kind: str
    text: str
    date: date | None = None
    time: str | None = None
    channel: str | None = None
    line: int | None = None
    folded: str | None = None  # the text with Traditional characters as Simplified, if it differs


def _day(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def _dec(s: str | None) -> Decimal | None:
    return Decimal(s) if s is not None else None


_ZERO = Decimal(0)


def _amount(s: str) -> Decimal:
    return _ZERO if s == "0" else Decimal(s)  # most sums are zero: no Decimal parsed


_CLIENT_COLUMNS = ", ".join(ClientRow._fields)  # the clients table has a column per field


def _client_row(raw: tuple) -> ClientRow:
    """A row of :data:`_CLIENT_COLUMNS` (the fields of ClientRow, in order), decoded."""
    (cid, name, tier, status, cadence, since, last_contact, risk_profile, children, asset_types,
     tags, prefer, no_calls, best_time, marital_status, income, income_currency) = raw
    return ClientRow(cid, name, tier, status, cadence, _day(since), _day(last_contact), risk_profile,
                     children, unpack(asset_types), unpack(tags), unpack(prefer), no_calls, best_time,
                     marital_status, _dec(income), income_currency)


def _contact(raw: Sequence) -> ContactRow:
    """A row of ``Index._CONTACT`` (the fields of ContactRow, in order), decoded."""
    cid, name, status, tier, cadence, last, since, tags, risk, children = raw
    day = date.fromisoformat
    return ContactRow(cid, name, status, tier, cadence, last and day(last), since and day(since), unpack(tags),
                      risk, children)


def _between(column: str, since: date | None, until: date | None) -> tuple[str, list]:
    """`` AND column >= ? AND column <= ?`` for the bounds given, and their parameters."""
    sql, params = "", []
    if since is not None:
        sql += f" AND {column} >= ?"
        params.append(since.isoformat())
    if until is not None:
        sql += f" AND {column} <= ?"
        params.append(until.isoformat())
    return sql, params


def _in(values: Sequence) -> str:
    return f"({','.join('?' * len(values))})"


def _answers(method):
    """A question asked of the index: damage the file shows (a malformed page, a value that
    does not decode) rebuilds the index from the client files, once, and asks again."""

    @functools.wraps(method)
    def asked(self: Index, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except _READ_ERRORS as exc:
            trouble = _trouble(exc)
            if trouble != "damaged":
                raise _cannot_update(exc) from None
            if self._rebuilt:
                if isinstance(exc, sqlite3.DatabaseError):
                    raise _damaged_again(exc) from None
                raise
        self._rebuild()
        return method(self, *args, **kwargs)

    return asked


def _asking(cls: type) -> type:
    """Every public method of ``cls`` but opening and closing is a question (:func:`_answers`)."""
    for name, value in list(vars(cls).items()):
        if inspect.isfunction(value) and not name.startswith("_") and name != "close":
            setattr(cls, name, _answers(value))
    return cls


@_asking
class Index:
    """An open, fresh index. Use :meth:`open`.

    A file changed behind rmn's back is rebuilt when it opens (:func:`schema.foreign`), but
    damage may also come while it is in use, or from the disk itself, and show only when a
    query reads the damaged page (``PRAGMA quick_check`` at every open would find some of
    it, but costs 130 ms at 10,000 clients, most of a warm ``rmn due``). So every public
    method is a question that rebuilds the index once when SQLite, or decoding a value,
    finds damage, and asks again.

    ``unsaved`` says why the index lives in memory for this run only (None: it is saved in
    ``.rmnotes/``; empty: another rmn reads a file that must be built anew, which the next
    run does).
    """

    def __init__(self, vault: Vault, conn: sqlite3.Connection, unsaved: str | None = None,
                 progress: Callable[[int], build.Progress | None] | None = None):
        self.vault = vault
        self.unsaved = unsaved
        self._conn = conn
        self._progress = progress
        self._rebuilt = False

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, vault: Vault, progress: Callable[[int], build.Progress | None] | None = None) -> Index:
        """Open (creating or rebuilding as needed) and refresh the index of ``vault``; an
        index that cannot be written in ``.rmnotes/`` is built in memory (see ``unsaved``).

        ``progress(total)`` may return a callback for a long refresh.
        """
        return cls(vault, *_connected(vault, progress), progress=progress)

    def _rebuild(self) -> None:
        schema.close(self._conn, self._path, seal=False)
        self._conn, self.unsaved = _connected(self.vault, self._progress, anew=True)
        self._rebuilt = True

    def refresh(self, progress: Callable[[int], build.Progress | None] | None = None) -> int:
        """Re-read the files that changed since the index was opened; returns how many."""
        return build.refresh(self._conn, self.vault, progress, parallel=self.unsaved is None)

    def close(self) -> None:
        """Close the index; a command's last act (see :func:`rmnotes.index.schema.close`)."""
        schema.close(self._conn, self._path)

    @property
    def _path(self) -> Path | None:
        return self.vault.cache_dir / DB_NAME if self.unsaved is None else None

    def _rows(self, sql: str, params: Sequence = ()) -> list[sqlite3.Row]:
        cursor = self._conn.cursor()
        cursor.row_factory = sqlite3.Row  # every row read by column name
        return cursor.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ files
    def skipped(self) -> list[Skipped]:
        out = []
        for r in self._rows("SELECT path, issues FROM files WHERE ok = 0 ORDER BY path"):
            first = next((i for i in _issues(r["path"], r["issues"]) if i.is_error), None)
            if first is not None:
                out.append(Skipped(r["path"], first))
        return out

    def issues(self) -> list[Issue]:
        out: list[Issue] = []
        for r in self._rows("SELECT path, issues FROM files ORDER BY path"):
            out.extend(_issues(r["path"], r["issues"]))
        return out

    # ------------------------------------------------------------------ names
    def client_ids(self) -> list[str]:
        return [r["id"] for r in self._rows("SELECT id FROM clients ORDER BY id")]

    def keys(self) -> Iterator[tuple[str, str]]:
        """``(normalised key, client id)`` pairs: id, name, aliases and pinyin."""
        return ((r["key"], r["client_id"]) for r in self._rows("SELECT key, client_id FROM keys"))

    def lookup(self, key: str, prefix: bool = False) -> list[str]:
        """The clients with ``key`` (or a key starting with it); a Cantonese key counts for a
        client of HK or MO: its own ``region``, else the vault's."""
        from rmnotes.names import CANTONESE_REGIONS

        region = "(region IS NULL OR region IN ('HK', 'MO')" + (" OR region = '')" if (
            (self.vault.settings[0].region or "").upper() in CANTONESE_REGIONS) else ")")
        if prefix:
            rows = self._rows(f"SELECT DISTINCT client_id FROM keys WHERE key >= ? AND key < ? AND {region}"
                              " ORDER BY client_id", (key, key + "\U0010ffff"))
        else:
            rows = self._rows(f"SELECT DISTINCT client_id FROM keys WHERE key = ? AND {region}"
                              " ORDER BY client_id", (key,))
        return [r["client_id"] for r in rows]

    def fold(self, text: str) -> str:
        """``text`` with Traditional characters as Simplified, by the table the index was
        built with (:func:`rmnotes.names.fold_table`): no OpenCC import on a query."""
        table = None if all(ord(c) < 0x3400 for c in text) else build.stored_fold_table(self._conn)
        return text if table is None else text.translate(table)  # None: no file read yet, none to find

    def fold_table(self) -> FoldTable:
        """The whole Traditional -> Simplified table the index was built with, for a caller
        that folds many names at once (an import) and compares them with
        :func:`rmnotes.names.name_key`. (An index that never read a file has none yet:
        OpenCC's, computed.)"""
        table = build.stored_fold_table(self._conn)
        if table is not None:
            return table
        from rmnotes.names import fold_table

        return fold_table()

    def relatives(self, key: str) -> list[tuple[str, str, str | None]]:
        """``(client id, member name, relation)`` of each family member whose folded,
        normalised name is ``key``."""
        return [(r["client_id"], r["name"], r["relation"]) for r in self._rows(
            "SELECT client_id, name, relation FROM family WHERE key = ? ORDER BY client_id, rowid", (key,))]

    def names(self) -> dict[str, str]:
        return {r["id"]: r["name"] for r in self._rows("SELECT id, name FROM clients")}

    # ------------------------------------------------------------------ clients
    def clients(self) -> list[ClientRow]:
        """Every client, by id."""
        return list(map(_client_row, self._conn.execute(f"SELECT {_CLIENT_COLUMNS} FROM clients ORDER BY id")))

    def contacts(self) -> list[ContactRow]:
        """Every client, by id, as ``rank`` and ``list`` read them: 10 columns of the 17
        (reading and decoding 10,000 clients: ~55 ms against ~95 ms)."""
        return [_contact(r) for r in self._conn.execute(f"SELECT {self._CONTACT} FROM clients ORDER BY id")]

    # ------------------------------------------------------------------ the agenda's book
    # (see rmnotes.domain.due.Book: groups and narrowing only, the agenda decides)
    _CONTACT = "id, name, status, tier, cadence, last_contact, since, tags, risk_profile, children"

    def contact_groups(self, by_tags: bool) -> list[ContactGroup]:
        """Clients that are not closed, grouped by status, tier, own cadence, last contact,
        ``since`` for those never contacted (None for the others: only then do the rules
        read it) and tags (``by_tags``), with how many there are in each group."""
        tags, by = ("tags", ", 6") if by_tags else ("''", "")  # without tags, in the index's order
        day = date.fromisoformat
        return [ContactGroup(status, tier, cadence, last and day(last), since and day(since), unpack(t), n)
                for status, tier, cadence, last, since, t, n in self._conn.execute(
                    "SELECT status, tier, cadence, last_contact,"
                    f" CASE WHEN last_contact IS NULL THEN since END, {tags}, count(*) FROM clients"
                    f" WHERE status != 'closed' GROUP BY 1, 2, 3, 4, 5{by}")]

    def contacts_in(self, groups: Sequence[ContactGroup] | None) -> list[ContactRow]:
        """The members of ``groups`` (None: every client that is not closed)."""
        sql, params = f"SELECT {self._CONTACT} FROM clients WHERE status != 'closed'", []
        if groups is not None:
            keys = {(g.status, g.tier, g.cadence, g.last_contact, g.since) for g in groups}
            dates = [g.last_contact for g in groups if g.last_contact is not None]
            if dates:  # narrowing by the days only; the keys pick the members
                sql += " AND (last_contact IS NULL OR last_contact BETWEEN ? AND ?)"
                params += [min(dates).isoformat(), max(dates).isoformat()]
            else:
                sql += " AND last_contact IS NULL"
        rows = [_contact(r) for r in self._conn.execute(sql, params)]
        if groups is None:
            return rows
        return [c for c in rows if (c.status, c.tier, c.cadence, c.last_contact,
                                    None if c.last_contact else c.since) in keys]

    def fact_groups(self, kinds: Sequence[str], since: date | None, until: date | None,
                    by_tags: bool) -> list[FactGroup]:
        """The facts of ``kinds`` dated in ``[since, until]`` (either bound open) of clients
        that are not closed, grouped by kind, date, the client's status and tier (and tags)."""
        where, params = self._fact_window(kinds, since, until)
        if by_tags:
            sql = ("SELECT f.kind, f.date, f.status, f.tier, c.tags, count(*) FROM facts AS f"
                   f" JOIN clients AS c ON c.id = f.client_id WHERE {where} GROUP BY 1, 2, 3, 4, 5")
        else:  # the (kind, date, status, tier) index answers alone
            sql = f"SELECT f.kind, f.date, f.status, f.tier, '', count(*) FROM facts AS f WHERE {where} GROUP BY 1, 2, 3, 4"
        day = date.fromisoformat
        return [FactGroup(kind, day(when), status, tier, unpack(t), n)
                for kind, when, status, tier, t, n in self._conn.execute(sql, params)]

    def facts_in(self, groups: Sequence[FactGroup]) -> list[tuple[ContactRow, Fact]]:
        """The facts of ``groups`` with their clients."""
        if not groups:
            return []
        keys = {(g.kind, g.date) for g in groups}
        dates = [g.date for g in groups]
        where, params = self._fact_window(sorted({g.kind for g in groups}), min(dates), max(dates))
        return [(c, f) for c, f in self._client_facts(where, params) if (f.kind, f.date) in keys]

    def birthday_groups(self, lunar: bool, month_days: Sequence[tuple[str, str]] | None,
                        by_tags: bool) -> list[BirthdayGroup]:
        """Birthdays on the solar or the ``lunar`` calendar, grouped as :class:`BirthdayGroup`
        says; with ``month_days``, only birth dates whose ``MM-DD`` is in one of the
        ``(from, to)`` ranges, and every birthday written as a lunar month-day."""
        where, params = "f.kind = 'birthday' AND f.lunar = ?", [int(lunar)]
        if month_days is None:
            return self._birthday_groups(where, params, lunar, by_tags)
        # two searches of the birthdays index: dated ones by month-day, then the written-out lunar ones
        ranges = " OR ".join(["f.md BETWEEN ? AND ?"] * len(month_days)) or "0"
        dated = self._birthday_groups(f"{where} AND f.lunar_day IS NULL AND ({ranges})",
                                      params + [x for pair in month_days for x in pair], lunar, by_tags)
        return dated + self._birthday_groups(f"{where} AND f.lunar_day IS NOT NULL", params, lunar, by_tags)

    def _birthday_groups(self, where: str, params: Sequence, lunar: bool, by_tags: bool) -> list[BirthdayGroup]:
        if by_tags:
            sql = ("SELECT f.date, f.lunar_day, f.link, f.status, f.tier, c.tags, count(*) FROM facts AS f"
                   f" JOIN clients AS c ON c.id = f.client_id WHERE {where} GROUP BY 1, 2, 3, 4, 5, 6")
        else:
            sql = (f"SELECT f.date, f.lunar_day, f.link, f.status, f.tier, '', count(*) FROM facts AS f"
                   f" WHERE {where} GROUP BY 1, 2, 3, 4, 5")
        day, written = date.fromisoformat, LunarMonthDay.of_text
        return [BirthdayGroup(when and day(when), lunar, lunar_day and written(lunar_day), link, status, tier,
                              unpack(t), n)
                for when, lunar_day, link, status, tier, t, n in self._conn.execute(sql, params)]

    def birthdays_in(self, groups: Sequence[BirthdayGroup]) -> list[tuple[ContactRow, Fact]]:
        """The birthdays of ``groups`` with their clients."""
        if not groups:
            return []
        keys = {(g.date, g.lunar, g.lunar_day, g.link, g.status, g.tier) for g in groups}
        dates = sorted({g.date.isoformat() for g in groups if g.date is not None})
        where = f"f.kind = 'birthday' AND (f.date IN {_in(dates)}"
        if any(g.date is None for g in groups):
            where += " OR f.date IS NULL"
        return [(c, f) for c, f in self._client_facts(where + ")", dates)
                if (f.date, f.lunar, f.lunar_day, f.link, c.status, c.tier) in keys]

    def own_birthdays(self, ids: Iterable[str]) -> set[str]:
        """Which of the clients ``ids`` (not closed) have a birthday of their own in their file."""
        return {r["client_id"] for r in self._rows(
            "SELECT DISTINCT f.client_id FROM json_each(?) AS j CROSS JOIN facts AS f"
            " ON f.client_id = j.value WHERE f.kind = 'birthday' AND f.relation IS NULL",
            (json.dumps(sorted(ids)),))}

    @staticmethod
    def _fact_window(kinds: Sequence[str], since: date | None, until: date | None) -> tuple[str, list]:
        where, params = _between("f.date", since, until)
        return f"f.kind IN {_in(kinds)}{where}", [*kinds, *params]

    def _client_facts(self, where: str, params: Sequence) -> list[tuple[ContactRow, Fact]]:
        day = date.fromisoformat
        columns = ", ".join(f"c.{name}" for name in self._CONTACT.split(", "))
        written = LunarMonthDay.of_text
        return [(_contact(r), Fact(kind, when and day(when), detail, bool(lunar), relation, number,
                                   lunar_day and written(lunar_day), link, _dec(amount), currency))
                for *r, kind, when, detail, lunar, relation, number, lunar_day, link, amount, currency
                in self._conn.execute(
                    f"SELECT {columns}, f.kind, f.date, f.detail, f.lunar, f.relation, f.number,"
                    f" f.lunar_day, f.link, f.amount, f.currency FROM facts AS f"
                    f" JOIN clients AS c ON c.id = f.client_id"
                    f" WHERE {where}", params)]

    def reach(self, ids: Iterable[str]) -> dict[str, Reach]:
        """How to reach each of ``ids``."""
        return {r["id"]: Reach(unpack(r["prefer"]), r["no_calls"], r["best_time"]) for r in self._rows(
            "SELECT id, prefer, no_calls, best_time FROM clients WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(ids)),))}

    def holdings(self, ids: Iterable[str] | None = None) -> dict[str, list[Holdings]]:
        """Each client's (or each of ``ids``') valued holdings summed per currency (clients
        with none are absent)."""
        out: dict[str, list[Holdings]] = {}
        sql = "SELECT client_id, currency, ours, elsewhere, property, liabilities, first FROM holdings"
        params: tuple = ()
        if ids is not None:
            sql += " WHERE client_id IN (SELECT value FROM json_each(?))"
            params = (json.dumps(list(ids)),)
        for cid, currency, ours, elsewhere, prop, liabilities, first in self._conn.execute(
                sql + " ORDER BY rowid", params):
            out.setdefault(cid, []).append(Holdings(currency, _amount(ours), _amount(elsewhere),
                                                    _amount(prop), _amount(liabilities), first))
        return out

    def saved_totals(self, rates: str) -> dict[str, Totals]:
        """The totals kept for each client under ``rates`` (:func:`rmnotes.domain.money.rates_key`);
        a client whose file changed since, or whose totals were worked out with other rates,
        is absent."""
        return {cid: Totals(_amount(a), _amount(l), _amount(u), _amount(e)) for cid, a, l, u, e in
                self._conn.execute("SELECT client_id, assets, liabilities, aum, elsewhere FROM totals"
                                   " WHERE rates = ?", (rates,))}

    def save_totals(self, rates: str, totals: dict[str, Totals]) -> None:
        """Keep ``totals``, worked out with ``rates``, for the next run. Only a cache: when
        another rmn is writing the index, or it cannot be written, nothing is kept and
        nothing waits."""
        if not totals:
            return
        rows = [(cid, rates, str(t.assets), str(t.liabilities), str(t.aum), str(t.elsewhere))
                for cid, t in totals.items()]
        self._conn.execute("PRAGMA busy_timeout = 0")
        try:
            with self._conn:
                self._conn.executemany("INSERT OR REPLACE INTO totals VALUES (?,?,?,?,?,?)", rows)
        except sqlite3.OperationalError as exc:
            if _trouble(exc) == "damaged":
                raise
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {int(schema.BUSY_TIMEOUT * 1000)}")

    def policies(self) -> dict[str, list[Policy]]:
        """Each client's policies, in file order (their dates left out)."""
        from rmnotes.model import Policy

        out: dict[str, list[Policy]] = {}
        for r in self._rows("SELECT * FROM policies ORDER BY rowid"):
            out.setdefault(r["client_id"], []).append(Policy(
                name=r["name"], insurer=r["insurer"], kind=r["kind"], insured=r["insured"],
                sum_assured=_dec(r["sum_assured"]), premium=_dec(r["premium"]),
                premium_frequency=r["frequency"], currency=r["currency"],
                riders=unpack(r["riders"]), line=r["line"]))
        return out

    def family(self) -> dict[str, list[FamilyMember]]:
        """Each client's family: name, relation, link and birthday."""
        from rmnotes.model import FamilyMember

        out: dict[str, list[FamilyMember]] = {}
        for r in self._rows("SELECT * FROM family ORDER BY rowid"):
            out.setdefault(r["client_id"], []).append(FamilyMember(
                r["name"], relation=r["relation"], birthday=_day(r["birthday"]), client=r["client"],
                line=r["line"]))
        return out

    def tag_counts(self) -> list[tuple[str, int]]:
        """Every tag with the number of clients carrying it, most used first."""
        counts: dict[str, int] = {}
        for r in self._rows("SELECT tags FROM clients"):
            for tag in set(unpack(r["tags"])):
                counts[tag] = counts.get(tag, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    # ------------------------------------------------------------------ log and follow-ups
    def entries(self, client_id: str | None = None, since: date | None = None,
                until: date | None = None) -> list[tuple[str, Entry]]:
        """``(client id, entry)`` pairs in date and time order."""
        from rmnotes.model import Entry

        sql, params = "SELECT * FROM entries WHERE 1", []
        if client_id is not None:
            sql += " AND client_id = ?"
            params.append(client_id)
        window, dates = _between("date", since, until)
        sql += window + " ORDER BY date, coalesce(time, ''), client_id, line"
        return [(r["client_id"], Entry(date.fromisoformat(r["date"]), r["channel"], r["text"], r["time"],
                                       json.loads(r["attrs"]) if r["attrs"] else {}, r["line"]))
                for r in self._rows(sql, params + dates)]

    def followups(self, client_id: str | None = None, open_only: bool = False) -> list[tuple[str, FollowUp]]:
        from rmnotes.model import FollowUp

        sql, params = "SELECT * FROM followups WHERE 1", []
        if client_id is not None:
            sql += " AND client_id = ?"
            params.append(client_id)
        if open_only:
            sql += " AND done = 0"
        sql += " ORDER BY client_id, number"
        return [(r["client_id"], FollowUp(r["number"], bool(r["done"]), _day(r["date"]), r["text"], r["line"]))
                for r in self._rows(sql, params)]

    # ------------------------------------------------------------------ full text
    def search(self, needles: Sequence[str], limit: int | None = None) -> tuple[list[TextHit], int]:
        """Lines holding every needle (case-insensitive), and how many there are in all.

        Needles of three characters or more are phrases for the FTS5 trigram index. The
        trigram index cannot match shorter ones (and ``LIKE`` on a trigram table silently
        finds nothing on SQLite 3.40), so a two-character needle is expanded through the
        index's vocabulary to the trigrams that start with it (every line ends with an end
        mark, so each occurrence starts one), and a one-character needle, or one that would
        expand too far, is a substring scan (``LIKE``, wildcards escaped) of the plain table.
        """
        needles = [self.fold(n) for n in (x.strip() for x in needles) if n]  # as the index holds them
        if not needles:
            return [], 0
        build.ensure_fts(self._conn)
        terms: list[str] = []  # FTS5 query parts, all required
        scans: list[str] = []
        for n in needles:
            if len(n) >= 3:
                terms.append(_phrase(n))
                continue
            grams = self._grams(n) if len(n) == 2 else None
            if grams is None:
                scans.append(n)
            elif not grams:
                return [], 0  # the index holds no line with it
            else:
                terms.append("(" + " OR ".join(_phrase(g) for g in grams) + ")")
        where: list[str] = []
        params: list = []
        if terms:
            where.append("id IN (SELECT rowid FROM texts_fts WHERE texts_fts MATCH ?)")
            params.append(" AND ".join(terms))
        for n in scans:  # LIKE: case-insensitive for ASCII letters, exact for the rest
            where.append("coalesce(folded, text) LIKE ? ESCAPE '\\'")
            escaped = n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{escaped}%")
        cond = " AND ".join(where)
        total = self._rows(f"SELECT count(*) AS n FROM texts WHERE {cond}", params)[0]["n"]
        sql = (f"SELECT * FROM texts WHERE {cond}"
               " ORDER BY CASE kind WHEN 'name' THEN 0 WHEN 'alias' THEN 1 WHEN 'family' THEN 2"
               " WHEN 'note' THEN 3 WHEN 'follow-up' THEN 4 ELSE 5 END,"
               " coalesce(date, '') DESC, coalesce(time, '') DESC, client_id, id")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_hit(r) for r in self._rows(sql, params)], total

    def _grams(self, pair: str) -> list[str] | None:
        """The indexed trigrams starting with ``pair`` (folded as the index folds case);
        None when there are too many to be worth it."""
        low = pair.lower()
        rows = self._rows("SELECT term FROM texts_vocab WHERE term >= ? AND term < ? LIMIT ?",
                          (low, low + "\U0010ffff", MAX_EXPANSION + 1))
        if len(rows) > MAX_EXPANSION:
            return None
        return [r["term"] for r in rows]

    def name_texts(self, client_ids: Iterable[str]) -> list[TextHit]:
        """The name line of each of ``client_ids`` (what a pinyin query matched)."""
        ids = list(client_ids)
        if not ids:
            return []
        return [_hit(r) for r in self._rows(
            f"SELECT * FROM texts WHERE kind = 'name' AND client_id IN {_in(ids)} ORDER BY client_id", ids)]


def _hit(r: sqlite3.Row) -> TextHit:
    return TextHit(r["client_id"], r["kind"], r["text"], _day(r["date"]), r["time"], r["channel"], r["line"],
                   r["folded"])


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _issues(path: str, blob: str) -> list[Issue]:
    from rmnotes.model import Issue

    return [Issue(path, line, message, severity) for line, severity, message in json.loads(blob)]


# What went wrong with the index, by SQLite's primary result code.
_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED: another rmn holds it
_UNWRITABLE = {3, 8, 10, 13, 14}  # SQLITE_PERM, _READONLY, _IOERR, _FULL, _CANTOPEN
# What reading a damaged file may raise: SQLite's errors, and Python's for a value that does
# not decode (a text that is not UTF-8, a date or a number that is not one).
_READ_ERRORS = (sqlite3.DatabaseError, ValueError, TypeError, ArithmeticError)


def _trouble(exc: BaseException) -> str:
    """``busy`` (another rmn holds the index: keep it), ``unwritable`` (this folder cannot
    hold it) or ``damaged`` (build it anew)."""
    if isinstance(exc, sqlite3.IntegrityError):
        return "busy"  # two first builds at once: the other one's rows are already in
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11 on
    if code is not None:
        code &= 0xFF
        return "busy" if code in _BUSY else "unwritable" if code in _UNWRITABLE else "damaged"
    if isinstance(exc, sqlite3.OperationalError) and "decode" not in str(exc):
        return "busy"  # no code to tell (Python 3.10): keep the file
    return "damaged"


def _connected(vault: Vault, progress, anew: bool = False) -> tuple[sqlite3.Connection, str | None]:
    """A refreshed connection to the index of ``vault``, and why it is in memory (None: it
    is the file in ``.rmnotes/``). A damaged file is built anew, as is any file with ``anew``;
    a folder that cannot hold it, or a file to build anew while another rmn reads it, gives
    an index in memory, built from every client file."""
    path = vault.cache_dir / DB_NAME
    try:
        vault.cache_dir.mkdir(mode=DIR_MODE, exist_ok=True)
        if not anew:
            try:
                return _refreshed(vault, path, progress), None
            except _READ_ERRORS as exc:
                if _trouble(exc) != "damaged":
                    raise
        # damaged or foreign bytes: the cache is disposable, build it anew
        return _refreshed(vault, path, progress, anew=True), None
    except InUse:
        unsaved = ""  # for this run only: the next one builds it anew, nothing to tell
    except OSError as exc:  # .rmnotes is a file, or cannot be written
        unsaved = exc.strerror or str(exc)
    except _READ_ERRORS as exc:
        trouble = _trouble(exc)
        if trouble == "busy":
            # the cache is fine: it must not be deleted under the other process
            raise _cannot_update(exc) from None
        if trouble == "damaged":
            if isinstance(exc, sqlite3.DatabaseError):
                raise _damaged_again(exc) from None
            raise
        unsaved = str(exc)
    return _refreshed(vault, None, progress), unsaved


def _refreshed(vault: Vault, path: Path | None, progress, anew: bool = False) -> sqlite3.Connection:
    conn = connect(path, anew=anew)
    try:
        build.refresh(conn, vault, progress, parallel=path is not None)
    except BaseException:
        schema.close(conn, path, seal=False)
        raise
    return conn


def _cannot_update(exc: BaseException) -> DataError:
    return DataError(_("{file}: the index cannot be updated ({why}); if another rmn is building it, try again "
                       "in a moment").format(file=f"{CACHE_DIR}/{DB_NAME}", why=exc))


def _damaged_again(exc: sqlite3.DatabaseError) -> DataError:
    return DataError(_("{file}: the index was damaged again right after it was built ({why}); the disk may be "
                       "failing: check it, and copy the vault elsewhere").format(file=f"{CACHE_DIR}/{DB_NAME}", why=exc))
