"""The SQLite cache in ``.rmnotes/``: never a source of truth, always safe to delete.

Besides profiles and dated facts (birthdays also by month-day) it keeps each client's next
contact date for the cadences last asked for, per client and currency the sums of its
holdings at this bank and elsewhere (financial, property) and of its liabilities (exact
decimal text), those sums in the base currency for the rates last asked for, its
policies, and every searchable line (names, aliases, family, notes, follow-ups, log
entries) in a plain table mirrored by an FTS5 trigram index, so the book-wide views
(coverage, rank, segments, find) answer from the cache.

Each client file is stamped with its mtime and size; a command re-parses only the files
whose stamp changed, in one transaction (the whole stamp list is also kept as one blob, so
a warm command compares it in one piece). A missing, old-version or damaged cache is
rebuilt by itself.
"""

from __future__ import annotations

import json
import marshal
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple, Sequence

from rmnotes.config import Config
from rmnotes.errors import DataError
from rmnotes.periods import Period
from rmnotes.vault import CACHE_DIR, DIR_MODE, FileStamp, Vault

if TYPE_CHECKING:
    # parse (and yaml) load only when a file has to be read; the model's and the facts'
    # classes only when a query returns them: a warm agenda builds no client object
    from rmnotes.facts import Fact, Profile
    from rmnotes.model import Client, Entry, FamilyMember, FollowUp, Issue, Policy
    from rmnotes.parse import ParsedClient

SCHEMA_VERSION = 14
DB_NAME = "index.sqlite"
BUSY_TIMEOUT = 60.0  # seconds another rmn may hold the write lock (a first build of a big book)

_SCHEMA = """
CREATE TABLE files (
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    client_id TEXT NOT NULL, ok INTEGER NOT NULL, issues TEXT NOT NULL
);
CREATE TABLE clients (
    id TEXT PRIMARY KEY, path TEXT NOT NULL, name TEXT NOT NULL, tier TEXT, status TEXT NOT NULL,
    cadence TEXT, since TEXT, last_contact TEXT, prefer TEXT, no_calls TEXT, best_time TEXT,
    tags TEXT, aliases TEXT, marital_status TEXT, income TEXT, income_currency TEXT,
    risk_profile INTEGER, children INTEGER, asset_types TEXT, family TEXT
);  -- narrow rows scan fast; the notes are searchable lines in texts
CREATE INDEX clients_status ON clients(status);
CREATE INDEX clients_last_contact ON clients(last_contact);
CREATE INDEX clients_cadence ON clients(cadence);
CREATE TABLE cadence (client_id TEXT PRIMARY KEY, due TEXT) WITHOUT ROWID;  -- for the config's tiers
CREATE INDEX cadence_due ON cadence(due);
CREATE TABLE keys (key TEXT NOT NULL, client_id TEXT NOT NULL);
CREATE INDEX keys_key ON keys(key);
CREATE INDEX keys_client ON keys(client_id);
CREATE TABLE facts (
    client_id TEXT NOT NULL, kind TEXT NOT NULL, date TEXT NOT NULL, md TEXT NOT NULL,
    detail TEXT NOT NULL, lunar INTEGER NOT NULL, relation TEXT, number INTEGER
);
CREATE INDEX facts_client ON facts(client_id);
CREATE INDEX facts_kind_date ON facts(kind, date);
CREATE INDEX facts_birthdays ON facts(kind, lunar, md, date);
CREATE TABLE entries (
    client_id TEXT NOT NULL, date TEXT NOT NULL, time TEXT, channel TEXT NOT NULL,
    text TEXT NOT NULL, attrs TEXT, line INTEGER
);
CREATE INDEX entries_client ON entries(client_id, date);
CREATE INDEX entries_date ON entries(date);
CREATE TABLE followups (
    client_id TEXT NOT NULL, number INTEGER NOT NULL, done INTEGER NOT NULL, date TEXT,
    text TEXT NOT NULL, line INTEGER
);
CREATE INDEX followups_client ON followups(client_id);
CREATE TABLE money (
    client_id TEXT NOT NULL, currency TEXT, ours TEXT NOT NULL, elsewhere TEXT NOT NULL,
    property TEXT NOT NULL, liabilities TEXT NOT NULL, name TEXT NOT NULL
);
CREATE INDEX money_client ON money(client_id);
CREATE TABLE totals (
    client_id TEXT PRIMARY KEY, assets TEXT, liabilities TEXT, aum TEXT, elsewhere TEXT,
    unpriced TEXT, holding TEXT,
    more_elsewhere INTEGER  -- 1: elsewhere > 0 and more than here (exact)
) WITHOUT ROWID;  -- one seek per client when joined
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE pinyin (text TEXT PRIMARY KEY, syllables TEXT NOT NULL);  -- kept across files
CREATE TABLE policies (
    client_id TEXT NOT NULL, name TEXT NOT NULL, insurer TEXT, kind TEXT NOT NULL,
    insured TEXT NOT NULL, sum_assured TEXT, premium TEXT, frequency TEXT NOT NULL,
    currency TEXT, riders TEXT NOT NULL, line INTEGER
);
CREATE INDEX policies_client ON policies(client_id);
CREATE TABLE texts (
    id INTEGER PRIMARY KEY, client_id TEXT NOT NULL, kind TEXT NOT NULL, date TEXT,
    time TEXT, channel TEXT, line INTEGER, text TEXT NOT NULL
);
CREATE INDEX texts_client ON texts(client_id);
CREATE VIRTUAL TABLE texts_fts USING fts5(text, content='', tokenize='trigram');
CREATE VIRTUAL TABLE texts_vocab USING fts5vocab(texts_fts, 'row');
"""

_IF_NOT_EXISTS = re.sub(r"CREATE (TABLE|INDEX|VIRTUAL TABLE) ", r"CREATE \1 IF NOT EXISTS ", _SCHEMA).rstrip().rstrip(";")

# Secondary indexes (name, statement): dropped and built again around a first build.
_SECONDARY = [(m.group(1), m.group(0)) for m in re.finditer(r"CREATE INDEX (\w+) ON [^;]+", _SCHEMA)]

# What the trigram index holds of a line: the line and an end mark (a private-use character
# no query contains), so that every two-character run is the start of some trigram, even at
# the end of the line; see Index.search.
END_MARK = "\ue000"
_INDEXED = f"text || char({ord(END_MARK)})"
MAX_EXPANSION = 400  # trigrams a two-character needle may expand to before a plain scan

# Above this many changed files a refresh parses on every core, and leaves the full-text
# index to be rebuilt in one go by the next search (a cold build does not pay for it).
PARALLEL_MIN = 400
FTS_DEFER_MIN = 300
BATCH = 500  # files per insert batch: memory stays flat at any vault size

_CLIENT_TABLES = ("clients", "cadence", "keys", "facts", "entries", "followups", "money", "totals",
                  "policies", "texts")

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A client file that could not be read: the first error says why."""

    path: str
    issue: Issue

    def warning(self) -> str:
        return f"warning: skipped {self.issue}; run 'rmn check' for details"


class Totals(NamedTuple):
    """A client's holdings in the base currency (the rule of ``domain.money.totals``)."""

    assets: Decimal
    liabilities: Decimal
    aum: Decimal  # assets at this bank
    elsewhere: Decimal  # financial assets anywhere else (property and liabilities aside)

    @property
    def net_worth(self) -> Decimal:
        return self.assets - self.liabilities


class Unpriced(NamedTuple):
    """Why a client's totals are unknown: a holding in a currency with no rate."""

    currency: str
    holding: str


def _totals_of(assets: str, debt: str, aum: str, away: str, currency: str | None,
               holding: str | None) -> Totals | Unpriced:
    """A ``totals`` row's columns (assets, liabilities, aum, elsewhere, unpriced, holding)."""
    if holding is not None:
        return Unpriced(currency, holding)
    return Totals(_amount(assets), _amount(debt), _amount(aum), _amount(away))


class BookClient:
    """What the book-wide views (coverage, rank, segments) need of one client: a read-only
    view of its row in the index, decoded field by field on access. Without ``details``
    the row holds only the first ten columns, so ranking 10,000 clients does not pay for
    the tags, contact preferences and family it never reads."""

    __slots__ = ("_row", "totals", "policies")
    LIGHT = "id, name, tier, status, cadence, since, last_contact, risk_profile, children, asset_types"
    DETAILS = "prefer, no_calls, best_time, tags, marital_status, income, income_currency, family"

    def __init__(self, row: Sequence, totals: Totals | Unpriced | None = None,
                 policies: tuple[Policy, ...] = ()):
        self._row = row
        self.totals = totals  # filled when asked for
        self.policies = policies  # filled when asked for (dates left out)

    def __repr__(self) -> str:
        return f"BookClient({self.id!r})"

    def _detail(self, i: int):
        if len(self._row) <= i:
            raise LookupError(f"{self._row[0]}: read with book(details=False); ask for details")
        return self._row[i]

    id = property(lambda self: self._row[0])
    name = property(lambda self: self._row[1])
    tier = property(lambda self: self._row[2])
    status = property(lambda self: self._row[3])
    cadence = property(lambda self: self._row[4])  # the client's own cadence, e.g. "2w"
    since = property(lambda self: _day(self._row[5]))
    last_contact = property(lambda self: _day(self._row[6]))
    risk_profile = property(lambda self: self._row[7])
    children = property(lambda self: self._row[8])
    asset_types = property(lambda self: tuple(self._row[9].split()))  # held, valued or not
    tags = property(lambda self: _strings(self._detail(13)))
    marital_status = property(lambda self: self._detail(14))
    income = property(lambda self: _dec(self._detail(15)))
    income_currency = property(lambda self: self._detail(16))

    @property
    def profile(self) -> Profile:
        from rmnotes.facts import Profile

        r = self._row
        return Profile(r[0], r[1], r[2], r[3], r[4], _day(r[5]), _day(r[6]),
                       _strings(self._detail(10)), r[11], r[12], _strings(r[13]))

    @property
    def family(self) -> tuple[FamilyMember, ...]:
        """The family: name, relation, birthday and link only."""
        from rmnotes.model import FamilyMember

        blob = self._detail(17)
        if blob == "[]":
            return ()
        return tuple(FamilyMember(n, relation=rel, birthday=_day(born), client=link)
                     for n, rel, link, born in json.loads(blob))

    @property
    def path(self) -> str:
        return f"clients/{self._row[0]}.md"


@dataclass(frozen=True, slots=True)
class TextHit:
    """One searchable line of a client file: ``kind`` is name | alias | family | note |
    follow-up | log (``channel``: the log letter, the follow-up's box, the member's relation)."""

    client_id: str
    kind: str
    text: str
    date: date | None = None
    time: str | None = None
    channel: str | None = None
    line: int | None = None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _day(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def _dec(s: str | None) -> Decimal | None:
    return Decimal(s) if s is not None else None


_ZERO = Decimal(0)


def _amount(s: str) -> Decimal:
    return _ZERO if s == "0" else Decimal(s)


def _text(d: Decimal | None) -> str | None:
    return str(d) if d is not None else None


class Index:
    """An open, fresh index. Use :meth:`open`."""

    def __init__(self, vault: Vault, conn: sqlite3.Connection):
        self.vault = vault
        self.conn = conn

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, vault: Vault, progress: Callable[[int], Progress | None] | None = None) -> Index:
        """Open (creating or rebuilding as needed) and refresh the index of ``vault``.

        ``progress(total)`` may return a callback for a long refresh.
        """
        vault.cache_dir.mkdir(mode=DIR_MODE, exist_ok=True)
        path = vault.cache_dir / DB_NAME
        try:
            conn = _connect(path)
            index = cls(vault, conn)
            index.refresh(progress)
        except (sqlite3.OperationalError, sqlite3.IntegrityError) as exc:
            # busy or read-only: another rmn holds it, or the folder cannot be written; the
            # cache is fine, so it must not be deleted under the other process
            raise _busy(exc) from None
        except sqlite3.DatabaseError:
            # damaged or foreign bytes: the cache is disposable, build it anew
            _remove(path)
            conn = _connect(path)
            index = cls(vault, conn)
            index.refresh(progress)
        return index

    def close(self) -> None:
        self.conn.close()

    def refresh(self, progress: Callable[[int], Progress | None] | None = None) -> int:
        """Re-parse the files whose stamp changed, in one transaction; returns how many."""
        conn = self.conn
        current = self.vault.stamps()
        if self._same_stamps(current):
            return 0
        # set differences in C: 10,000 stamps compared without a Python loop
        known = set(conn.execute("SELECT path, mtime_ns, size FROM files"))
        if known.issuperset(current) and len(known) == len(current):
            try:
                with conn:  # the same files, listed in another order
                    self._save_stamps(current)
            except sqlite3.OperationalError:
                pass  # busy or read-only: the list is only a shortcut
            return 0
        changed = sorted(FileStamp(*s) for s in set(current) - known)
        present = {s[0] for s in current}
        removed = sorted(path for path, _, _ in known if path not in present)
        bulk = len(changed) >= FTS_DEFER_MIN and conn.execute("SELECT 1 FROM files LIMIT 1").fetchone() is None
        tick = progress(len(changed)) if (progress and len(changed) > 200) else None
        defer_fts = len(changed) >= FTS_DEFER_MIN or self._fts_stale()
        with conn:
            if defer_fts:
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('fts_stale', '1')")
            for rel in removed + [s.rel for s in changed]:
                self._forget(rel, fts=not defer_fts)
            if bulk:  # a first build: fill the tables, then index them (faster than row by row)
                for name, _ in _SECONDARY:
                    conn.execute(f"DROP INDEX IF EXISTS {name}")
            workers = _workers(len(changed))
            if workers > 1:
                attached = _parallel_build(conn, self.vault, changed, workers, not defer_fts, tick)
            else:
                attached = []
                _serial_build(conn, self.vault, changed, not defer_fts, tick)
            for _, statement in _SECONDARY:  # after a first build; no-op otherwise
                conn.execute(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"))
            self._save_stamps(current)
            if tick:
                tick(len(changed), len(changed))
        for alias, path in attached:  # a database can be detached only after the commit
            conn.execute(f"DETACH DATABASE {alias}")
            path.unlink(missing_ok=True)
        if attached:
            try:
                attached[0][1].parent.rmdir()
            except OSError:
                pass
        return len(changed) + len(removed)

    def _same_stamps(self, current: list[tuple[str, int, int]]) -> bool:
        """Whether ``current`` is exactly the stamp list of the last refresh, in the same
        order: one row and one ``marshal.loads`` instead of 10,000 rows from ``files``."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'stamps'").fetchone()
        if row is None or not isinstance(row[0], bytes):
            return False
        try:
            return marshal.loads(row[0]) == current
        except (EOFError, ValueError, TypeError):  # another Python's marshal format
            return False

    def _save_stamps(self, current: list[tuple[str, int, int]]) -> None:
        """Remember the stamp list the ``files`` table now agrees with (inside the
        refresh's transaction, so the two never disagree)."""
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('stamps', ?)", (marshal.dumps(current),))

    def _forget(self, rel: str, fts: bool) -> None:
        conn = self.conn
        if conn.execute("DELETE FROM files WHERE path = ?", (rel,)).rowcount == 0:
            return  # a new file: nothing to forget
        cid = _client_id(rel)
        if fts:
            conn.execute(
                "INSERT INTO texts_fts(texts_fts, rowid, text)"
                f" SELECT 'delete', id, {_INDEXED} FROM texts WHERE client_id = ?", (cid,))
        for table in _CLIENT_TABLES:
            column = "id" if table == "clients" else "client_id"
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (cid,))

    def _fts_stale(self) -> bool:
        return self.conn.execute("SELECT 1 FROM meta WHERE key = 'fts_stale'").fetchone() is not None

    def _ensure_fts(self) -> None:
        """Build the full-text index in one go if a large refresh left it for later."""
        if not self._fts_stale():
            return
        with self.conn:
            self.conn.execute("INSERT INTO texts_fts(texts_fts) VALUES ('delete-all')")
            self.conn.execute(f"INSERT INTO texts_fts(rowid, text) SELECT id, {_INDEXED} FROM texts")
            self.conn.execute("DELETE FROM meta WHERE key = 'fts_stale'")

    # ------------------------------------------------------------------ queries
    def skipped(self) -> list[Skipped]:
        out = []
        for path, issues in self.conn.execute("SELECT path, issues FROM files WHERE ok = 0 ORDER BY path"):
            first = next((i for i in _issues(path, issues) if i.is_error), None)
            if first is not None:
                out.append(Skipped(path, first))
        return out

    def issues(self) -> list[Issue]:
        out: list[Issue] = []
        for path, issues in self.conn.execute("SELECT path, issues FROM files ORDER BY path"):
            out.extend(_issues(path, issues))
        return out

    def client_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM clients ORDER BY id")]

    def keys(self) -> Iterator[tuple[str, str]]:
        """``(normalised key, client id)`` pairs: id, name, aliases and pinyin."""
        return iter(self.conn.execute("SELECT key, client_id FROM keys"))

    def lookup(self, key: str, prefix: bool = False) -> list[str]:
        if prefix:
            rows = self.conn.execute(
                "SELECT DISTINCT client_id FROM keys WHERE key >= ? AND key < ? ORDER BY client_id",
                (key, key + "\U0010ffff"),
            )
        else:
            rows = self.conn.execute(
                "SELECT DISTINCT client_id FROM keys WHERE key = ? ORDER BY client_id", (key,)
            )
        return [r[0] for r in rows]

    def list_json(self) -> list[str]:
        """Every client as the JSON object ``rmn list --json`` prints, made by SQLite (no
        Python per client): id, name, tier, status, tags, last_contact, risk, children."""
        return [r[0] for r in self.conn.execute(
            "SELECT json_object('id', id, 'name', name, 'tier', tier, 'status', status,"
            " 'tags', json(tags), 'last_contact', last_contact, 'risk', risk_profile,"
            " 'children', children) FROM clients ORDER BY id")]

    def names(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT id, name FROM clients"))

    def names_of(self, ids: Sequence[str]) -> dict[str, str]:
        """The names of ``ids`` (a few: one lookup each by the primary key; many: all)."""
        if len(ids) > 200:
            return self.names()
        return dict(self.conn.execute(f"SELECT id, name FROM clients WHERE id IN ({','.join('?' * len(ids))})",
                                      ids))

    def profiles(self) -> list[Profile]:
        rows = self.conn.execute(
            "SELECT id, name, tier, status, cadence, since, last_contact, prefer, no_calls,"
            " best_time, tags FROM clients ORDER BY id"
        )
        return [_profile(r) for r in rows]

    def book(self, totals: Config | None = None, policies: bool = False,
             details: bool = True) -> list[BookClient]:
        """Every client, by id; with ``totals`` (the vault's settings) also its holdings
        totalled in the base currency, with ``policies`` also those; without ``details``
        only the light columns (see BookClient)."""
        summed = self.totals(totals) if totals is not None else {}
        insured: dict[str, list[Policy]] = {}
        if policies:
            from rmnotes.model import Policy

            for r in self.conn.execute(
                "SELECT client_id, name, insurer, kind, insured, sum_assured, premium, frequency,"
                " currency, riders, line FROM policies ORDER BY rowid"
            ):
                insured.setdefault(r[0], []).append(
                    Policy(r[1], r[2], r[3], r[4], _dec(r[5]), _dec(r[6]), r[7], r[8],
                           riders=tuple(json.loads(r[9])), line=r[10]))
        columns = f"{BookClient.LIGHT}, {BookClient.DETAILS}" if details else BookClient.LIGHT
        return [BookClient(r, summed.get(r[0]), tuple(insured.get(r[0], ())))
                for r in self.conn.execute(f"SELECT {columns} FROM clients ORDER BY id")]

    def fresh_totals(self, config: Config) -> None:
        """Make the ``totals`` table hold every client's holdings in the base currency at
        ``config``'s rates (exact decimal text; ``unpriced``/``holding`` name a currency
        with no rate; ``more_elsewhere``: more financial assets elsewhere than here)."""
        key = json.dumps([config.base_currency, sorted((c, str(r)) for c, r in config.fx.items())])
        self._keep_derived("totals", key, lambda: _totals_rows(self.conn, config))

    def totals(self, config: Config) -> dict[str, Totals | Unpriced]:
        """Each client's holdings in the base currency at ``config``'s rates (see
        :meth:`fresh_totals`)."""
        self.fresh_totals(config)
        return {row[0]: _totals_of(*row[1:]) for row in self.conn.execute(
            "SELECT client_id, assets, liabilities, aum, elsewhere, unpriced, holding FROM totals")}

    def cadence_dues(self, config: Config) -> None:
        """Fill the ``cadence`` table: each client's next contact date by its cadence (the
        latest contact + its own cadence, else its tier's, else the default's; NULL with no
        contact, no cadence or a closed client), so the agenda reads the due clients in
        date order. Kept for the tiers it was computed with (see :meth:`_keep_derived`)."""
        key = json.dumps([config.default_tier, sorted((t, str(p)) for t, p in config.tiers.items())])
        self._keep_derived("cadence", key, lambda: _cadence_rows(self.conn, config))

    def _keep_derived(self, table: str, key: str, rows: Callable[[], Iterable[tuple]]) -> None:
        """Keep ``table`` (a row per client, worked out from the clients and the settings
        ``key`` names) complete. Kept for the settings it was computed with: a warm call
        costs two counts; changed settings recompute every row, a changed file its own
        (its rows went with it). ``rows()`` gives the rows of the clients that have none."""
        conn = self.conn
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (table,)).fetchone()
        if row is not None and row[0] == key and (
                conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                == conn.execute("SELECT count(*) FROM clients").fetchone()[0]):
            return
        try:
            self._fill(table, key, rows)
        except sqlite3.OperationalError as exc:
            raise _busy(exc) from None

    def _fill(self, table: str, key: str, rows: Callable[[], Iterable[tuple]]) -> None:
        conn = self.conn
        with conn:
            # the check and the fill in one write transaction: another rmn filling the same
            # rows at the same time waits, then finds them there
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (table,)).fetchone()
            if row is None or row[0] != key:
                conn.execute(f"DELETE FROM {table}")
                conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (table, key))
            new = list(rows())
            if new:
                conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(new[0]))})", new)

    def tag_counts(self) -> list[tuple[str, int]]:
        """Every tag with the number of clients carrying it, most used first."""
        rows = self.conn.execute(
            "SELECT value, count(DISTINCT clients.id) AS n FROM clients, json_each(clients.tags)"
            " GROUP BY value ORDER BY n DESC, value"
        )
        return [(r[0], r[1]) for r in rows]

    def search(self, needles: Sequence[str], limit: int | None = None) -> tuple[list[TextHit], int]:
        """Lines holding every needle (case-insensitive), and how many there are in all.

        Needles of three characters or more are phrases for the FTS5 trigram index. The
        trigram index cannot match shorter ones (and ``LIKE`` on a trigram table silently
        finds nothing on SQLite 3.40), so a two-character needle is expanded through the
        index's vocabulary to the trigrams that start with it (every line ends with an end
        mark, so each occurrence starts one), and a one-character needle, or one that would
        expand too far, is a substring scan (``LIKE``, wildcards escaped) of the plain table.
        """
        needles = [n for n in (x.strip() for x in needles) if n]
        if not needles:
            return [], 0
        self._ensure_fts()
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
            where.append("text LIKE ? ESCAPE '\\'")
            escaped = n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{escaped}%")
        cond = " AND ".join(where)
        total = self.conn.execute(f"SELECT count(*) FROM texts WHERE {cond}", params).fetchone()[0]
        sql = (f"SELECT client_id, kind, text, date, time, channel, line FROM texts WHERE {cond}"
               " ORDER BY CASE kind WHEN 'name' THEN 0 WHEN 'alias' THEN 1 WHEN 'family' THEN 2"
               " WHEN 'note' THEN 3 WHEN 'follow-up' THEN 4 ELSE 5 END,"
               " coalesce(date, '') DESC, coalesce(time, '') DESC, client_id, id")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        hits = [TextHit(r[0], r[1], r[2], _day(r[3]), r[4], r[5], r[6])
                for r in self.conn.execute(sql, params)]
        return hits, total

    def _grams(self, pair: str) -> list[str] | None:
        """The indexed trigrams starting with ``pair`` (folded as the index folds case);
        None when there are too many to be worth it."""
        low = pair.lower()
        rows = self.conn.execute(
            "SELECT term FROM texts_vocab WHERE term >= ? AND term < ? LIMIT ?",
            (low, low + "\U0010ffff", MAX_EXPANSION + 1)).fetchall()
        if len(rows) > MAX_EXPANSION:
            return None
        return [r[0] for r in rows]

    def name_texts(self, client_ids: Iterable[str]) -> list[TextHit]:
        """The name line of each of ``client_ids`` (what a pinyin query matched)."""
        ids = list(client_ids)
        if not ids:
            return []
        rows = self.conn.execute(
            f"SELECT client_id, kind, text FROM texts WHERE kind = 'name'"
            f" AND client_id IN ({','.join('?' * len(ids))}) ORDER BY client_id", ids)
        return [TextHit(r[0], r[1], r[2]) for r in rows]

    def facts(self, kinds: Sequence[str] | None = None, until: date | None = None,
              since: date | None = None) -> list[tuple[str, Fact]]:
        """``(client id, fact)`` pairs of the clients that are not closed (what the agenda
        reads), optionally by kind and date range (birthdays: all)."""
        from rmnotes.facts import Fact

        sql = "SELECT client_id, kind, date, detail, lunar, relation, number FROM facts WHERE 1"
        params: list = []
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params += list(kinds)
        if until is not None:
            sql += " AND (kind = 'birthday' OR date <= ?)"
            params.append(until.isoformat())
        if since is not None:
            sql += " AND (kind = 'birthday' OR date >= ?)"
            params.append(since.isoformat())
        return [
            (r[0], Fact(r[1], date.fromisoformat(r[2]), r[3], bool(r[4]), r[5], r[6]))
            for r in self.conn.execute(sql, params)
        ]

    def entries(self, client_id: str | None = None, since: date | None = None,
                until: date | None = None) -> list[tuple[str, Entry]]:
        """``(client id, entry)`` pairs in date and time order."""
        from rmnotes.model import Entry

        sql = "SELECT client_id, date, time, channel, text, attrs, line FROM entries WHERE 1"
        params: list = []
        if client_id is not None:
            sql += " AND client_id = ?"
            params.append(client_id)
        if since is not None:
            sql += " AND date >= ?"
            params.append(since.isoformat())
        if until is not None:
            sql += " AND date <= ?"
            params.append(until.isoformat())
        sql += " ORDER BY date, coalesce(time, ''), client_id, line"
        return [
            (r[0], Entry(date.fromisoformat(r[1]), r[3], r[4], r[2],
                         json.loads(r[5]) if r[5] else {}, r[6]))
            for r in self.conn.execute(sql, params)
        ]

    def followups(self, client_id: str | None = None, open_only: bool = False) -> list[tuple[str, FollowUp]]:
        from rmnotes.model import FollowUp

        sql = "SELECT client_id, number, done, date, text, line FROM followups WHERE 1"
        params: list = []
        if client_id is not None:
            sql += " AND client_id = ?"
            params.append(client_id)
        if open_only:
            sql += " AND done = 0"
        sql += " ORDER BY client_id, number"
        return [(r[0], FollowUp(r[1], bool(r[2]), _day(r[3]), r[4], r[5]))
                for r in self.conn.execute(sql, params)]


# ---------------------------------------------------------------------- internals
def _profile(r: Sequence) -> Profile:
    from rmnotes.facts import Profile

    return Profile(r[0], r[1], r[2], r[3], r[4], _day(r[5]), _day(r[6]),
                   _strings(r[7]), r[8], r[9], _strings(r[10]))


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _strings(blob: str) -> tuple[str, ...]:
    return tuple(json.loads(blob)) if blob != "[]" else ()


def _connect(path: Path) -> sqlite3.Connection:
    new = not path.exists()
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            if not new:
                conn.close()
                _remove(path)
                conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            # in one write transaction, every statement IF NOT EXISTS: two rmn creating the
            # index at once each wait their turn, and the second finds it made
            conn.executescript(f"BEGIN IMMEDIATE; {_IF_NOT_EXISTS}; PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
            os.chmod(path, 0o600)
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


def _busy(exc: sqlite3.Error) -> DataError:
    return DataError(f"{CACHE_DIR}/{DB_NAME}: the index cannot be updated ({exc}); if another rmn "
                     f"is building it, try again in a moment; if {CACHE_DIR}/ cannot be written, "
                     "make it writable (it is a cache: deleting it is safe)")


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _issues(path: str, blob: str) -> list[Issue]:
    from rmnotes.model import Issue

    return [Issue(path, line, message, severity) for line, severity, message in json.loads(blob)]


def read_and_parse(vault: Vault, rel: str) -> ParsedClient:
    """Read and parse one client file; unreadable bytes become an issue, not an exception."""
    from rmnotes.model import Issue
    from rmnotes.parse import ParsedClient, parse_client

    try:
        text = vault.read_text(rel)
    except DataError as exc:
        return ParsedClient(None, (Issue(rel, None, str(exc).split(": ", 1)[-1]),))
    except OSError as exc:
        return ParsedClient(None, (Issue(rel, None, f"cannot read: {exc.strerror}"),))
    return parse_client(text, rel)


def _client_id(rel: str) -> str:
    stem = rel.rsplit("/", 1)[-1]
    return stem[:-3] if stem.endswith(".md") else stem


_TABLES = ("files", "clients", "keys", "facts", "entries", "followups", "money", "policies", "texts")


class _Batch:
    """Rows of a few hundred files on their way into the tables."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple]] = {t: [] for t in _TABLES}

    def add(self, rows: dict[str, list[tuple]]) -> None:
        for table, items in rows.items():
            self.rows[table].extend(items)

    def flush(self, conn: sqlite3.Connection, fts: bool) -> None:
        r = self.rows
        conn.executemany("INSERT INTO files VALUES (?,?,?,?,?,?)", r["files"])
        conn.executemany("INSERT INTO clients VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", r["clients"])
        conn.executemany("INSERT INTO keys VALUES (?,?)", r["keys"])
        conn.executemany("INSERT INTO facts VALUES (?,?,?,?,?,?,?,?)", r["facts"])
        conn.executemany("INSERT INTO entries VALUES (?,?,?,?,?,?,?)", r["entries"])
        conn.executemany("INSERT INTO followups VALUES (?,?,?,?,?,?)", r["followups"])
        conn.executemany("INSERT INTO money VALUES (?,?,?,?,?,?,?)", r["money"])
        conn.executemany("INSERT INTO policies VALUES (?,?,?,?,?,?,?,?,?,?,?)", r["policies"])
        texts = r["texts"]
        if texts:
            first = conn.execute("SELECT coalesce(max(id), 0) FROM texts").fetchone()[0] + 1
            conn.executemany("INSERT INTO texts VALUES (?,?,?,?,?,?,?,?)",
                             [(first + i, *t) for i, t in enumerate(texts)])
            if fts:
                conn.execute(f"INSERT INTO texts_fts(rowid, text) SELECT id, {_INDEXED} FROM texts"
                             " WHERE id >= ?", (first,))
        self.rows = {t: [] for t in _TABLES}


class _PinyinCache:
    """Pinyin of names, kept in the index across files: re-indexing an edited file does
    not import pypinyin (~250 ms) for a name it has seen before."""

    def __init__(self, conn: sqlite3.Connection | None):
        self.conn = conn
        self.known: dict[str, tuple[str, ...]] = {}
        self.new: dict[str, tuple[str, ...]] = {}

    def __call__(self, text: str) -> tuple[str, ...]:
        got = self.known.get(text)
        if got is None:
            row = self.conn.execute("SELECT syllables FROM pinyin WHERE text = ?", (text,)).fetchone() \
                if self.conn is not None else None
            if row is not None:
                got = tuple(row[0].split())
            else:
                from rmnotes import names

                got = names.syllables(text)
                self.new[text] = got
            self.known[text] = got
        return got

    def save(self) -> None:
        if self.conn is not None and self.new:
            self.conn.executemany("INSERT OR IGNORE INTO pinyin VALUES (?, ?)",
                                  [(t, " ".join(s)) for t, s in self.new.items()])
            self.new = {}


def _serial_build(conn: sqlite3.Connection, vault: Vault, stamps: list[FileStamp], fts: bool,
                  tick: Progress | None) -> None:
    pinyin = _PinyinCache(conn)
    batch = _Batch()
    for done, s in enumerate(stamps, 1):
        batch.add(_rows_of(s, read_and_parse(vault, s.rel), pinyin))
        if done % BATCH == 0:
            batch.flush(conn, fts)
            if tick:
                tick(done, len(stamps))
    batch.flush(conn, fts)
    pinyin.save()


def _workers(changed: int) -> int:
    """Processes for parsing ``changed`` files: every core for a big refresh (with fork)."""
    cores = min(os.cpu_count() or 1, 8)
    if changed < PARALLEL_MIN or cores < 2:
        return 1
    import multiprocessing

    return cores if "fork" in multiprocessing.get_all_start_methods() else 1


# Worker databases have the tables only (no indexes, no full text).
_PART_SCHEMA = ";".join(
    stmt for stmt in re.sub(r"--[^\n]*", "", _SCHEMA).split(";") if stmt.strip().startswith("CREATE TABLE"))
MAX_PARTS = 8  # SQLite attaches at most 10 databases at once


def _parallel_build(conn: sqlite3.Connection, vault: Vault, stamps: list[FileStamp], workers: int,
                    fts: bool, tick: Progress | None) -> list[tuple[str, Path]]:
    """Worker processes parse parts of the files, each into a database of its own; this
    process copies each part in with one INSERT ... SELECT per table (no Python per row).
    Returns the attached parts, to detach after the commit."""
    import multiprocessing

    size = -(-len(stamps) // MAX_PARTS)
    folder = vault.cache_dir / f"build-{os.getpid()}"
    folder.mkdir(mode=DIR_MODE, exist_ok=True)
    jobs = [(str(vault.root), str(folder / f"part-{i}.sqlite"), [tuple(s) for s in stamps[at:at + size]])
            for i, at in enumerate(range(0, len(stamps), size))]
    attached: list[tuple[str, Path]] = []
    done = 0
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for path, count in pool.imap(_build_part, jobs):
                alias = f"part{len(attached)}"
                conn.execute(f"ATTACH DATABASE ? AS {alias}", (path,))
                attached.append((alias, Path(path)))
                _merge(conn, alias, fts)
                done += count
                if tick:
                    tick(done, len(stamps))
    finally:
        for leftover in folder.glob("*"):
            if all(leftover != p for _, p in attached):
                leftover.unlink(missing_ok=True)
    return attached


def _merge(conn: sqlite3.Connection, alias: str, fts: bool) -> None:
    for table in _TABLES:
        if table != "texts":
            conn.execute(f"INSERT INTO main.{table} SELECT * FROM {alias}.{table}")
    first = conn.execute("SELECT coalesce(max(id), 0) FROM main.texts").fetchone()[0] + 1
    conn.execute(f"INSERT INTO main.texts SELECT id + ?, client_id, kind, date, time, channel, line, text"
                 f" FROM {alias}.texts", (first - 1,))
    if fts:
        conn.execute(f"INSERT INTO texts_fts(rowid, text) SELECT id, {_INDEXED} FROM main.texts"
                     " WHERE id >= ?", (first,))
    conn.execute(f"INSERT OR IGNORE INTO main.pinyin SELECT * FROM {alias}.pinyin")


def _build_part(job: tuple[str, str, list[tuple]]) -> tuple[str, int]:
    """In a worker process: parse some files into a database of their own."""
    root, path, stamps = job
    vault = Vault(Path(root))
    part = sqlite3.connect(path)
    try:
        part.execute("PRAGMA journal_mode = OFF")
        part.execute("PRAGMA synchronous = OFF")
        part.executescript(_PART_SCHEMA)
        pinyin = _PinyinCache(None)
        batch = _Batch()
        for done, s in enumerate(stamps, 1):
            stamp = FileStamp(*s)
            batch.add(_rows_of(stamp, read_and_parse(vault, stamp.rel), pinyin))
            if done % BATCH == 0:
                batch.flush(part, fts=False)
        batch.flush(part, fts=False)
        part.executemany("INSERT OR IGNORE INTO pinyin VALUES (?, ?)",
                         [(t, " ".join(syl)) for t, syl in pinyin.new.items()])
        part.commit()
    finally:
        part.close()
    return path, len(stamps)


def _rows_of(stamp: FileStamp, result: ParsedClient, syllables: Callable[[str], tuple[str, ...]]) -> dict:
    """Every table row one parsed file contributes."""
    from rmnotes.facts import facts_of, profile_of

    cid = _client_id(stamp.rel)
    issues = json.dumps([[i.line, i.severity, i.message] for i in result.issues], ensure_ascii=False)
    c = result.client
    rows: dict[str, list[tuple]] = {
        "files": [(stamp.rel, stamp.mtime_ns, stamp.size, cid, int(c is not None), issues)]}
    if c is None:
        return rows
    p = profile_of(c)
    rows["clients"] = [(
        c.id, c.path, c.name, c.tier, c.status, p.cadence, _iso(c.since), _iso(p.last_contact),
        json.dumps(list(c.prefer)), c.no_calls, c.best_time,
        json.dumps(list(c.tags), ensure_ascii=False),
        json.dumps(list(c.aliases), ensure_ascii=False),
        c.marital_status, _text(c.income), _income_currency(c), c.risk_profile,
        len(c.children), " ".join(sorted({a.type for a in c.assets})),
        json.dumps([[m.name, m.relation, m.client, _iso(m.birthday)] for m in c.family],
                   ensure_ascii=False),
    )]
    rows["money"] = _money_of(c)
    rows["policies"] = [
        (c.id, pol.name, pol.insurer, pol.kind, pol.insured, _text(pol.sum_assured),
         _text(pol.premium), pol.premium_frequency, pol.currency,
         json.dumps(list(pol.riders), ensure_ascii=False), pol.line)
        for pol in c.policies]
    rows["texts"] = _texts_of(c)
    from rmnotes import names

    rows["keys"] = [(key, c.id) for key in names.client_keys(c.id, c.name, c.aliases, syllables)]
    rows["facts"] = [  # the agenda's: a closed client is never due, so it has none
        (c.id, f.kind, f.date.isoformat(), f.date.strftime("%m-%d"), f.detail, int(f.lunar),
         f.relation, f.number)
        for f in facts_of(c)] if c.status != "closed" else []
    rows["entries"] = [
        (c.id, e.date.isoformat(), e.time, e.channel, e.text,
         json.dumps(e.attrs, ensure_ascii=False, default=str) if e.attrs else None, e.line)
        for e in c.entries]
    rows["followups"] = [(c.id, f.number, int(f.done), _iso(f.date), f.text, f.line)
                         for f in c.followups]
    return rows


def _cadence_rows(conn: sqlite3.Connection, config: Config) -> list[tuple[str, str | None]]:
    """``(client id, next contact date)`` of the clients that have none yet."""
    periods: dict[tuple[str | None, str | None], Period | None] = {}
    rows = []
    for cid, tier, cadence, last, status in conn.execute(
            "SELECT id, tier, cadence, last_contact, status FROM clients"
            " WHERE id NOT IN (SELECT client_id FROM cadence)"):
        period = periods.get((tier, cadence), False)
        if period is False:
            period = periods[tier, cadence] = config.cadence_for(tier, Period.parse(cadence))
        due = (period.after(date.fromisoformat(last)).isoformat()
               if period and last and status != "closed" else None)  # closed: never due
        rows.append((cid, due))
    return rows


def _totals_rows(conn: sqlite3.Connection, config: Config) -> Iterator[tuple]:
    """Base-currency totals of the clients that have none yet (exact Decimal arithmetic)."""
    zero = Decimal(0)
    rates: dict[str | None, Decimal | None] = {}
    todo = conn.execute("SELECT id FROM clients WHERE id NOT IN (SELECT client_id FROM totals)").fetchall()
    sums: dict[str, list] = {cid: [zero, zero, zero, zero, None, None] for (cid,) in todo}
    for cid, cur, ours, away, prop, debt, name in conn.execute(
        "SELECT client_id, currency, ours, elsewhere, property, liabilities, name FROM money ORDER BY rowid"
    ):
        acc = sums.get(cid)
        if acc is None or acc[5] is not None:
            continue  # up to date, or already unpriced
        if cur not in rates:
            rates[cur] = config.rate(cur)
        rate = rates[cur]
        if rate is None:
            acc[4], acc[5] = cur, name
            continue
        here, other = _amount(ours) * rate, _amount(away) * rate
        acc[0] += here + other + _amount(prop) * rate
        acc[1] += _amount(debt) * rate
        acc[2] += here
        acc[3] += other
    for cid, (assets, debt, aum, away, cur, holding) in sums.items():
        if holding is not None:
            yield cid, None, None, None, None, cur, holding, None
        else:
            yield cid, str(assets), str(debt), str(aum), str(away), None, None, int(away > 0 and away > aum)


def _money_of(c: Client) -> list[tuple]:
    """Exact sums of the valued holdings per currency (in order of first appearance):
    at this bank, financial elsewhere, property elsewhere, liabilities."""
    sums: dict[str | None, list] = {}
    for a in c.assets:
        if a.value is None:
            continue
        row = sums.get(a.currency)
        if row is None:
            row = sums[a.currency] = [Decimal(0), Decimal(0), Decimal(0), Decimal(0), a.name]
        if a.is_liability:
            row[3] += a.value
        elif a.at_our_bank:
            row[0] += a.value
        elif a.type == "property":
            row[2] += a.value
        else:
            row[1] += a.value
    return [(c.id, cur, str(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4]) for cur, r in sums.items()]


def _income_currency(c: Client) -> str | None:
    """``profile.currency``: the currency of ``income`` when it is not the base currency."""
    profile = c.meta.get("profile")
    cur = profile.get("currency") if isinstance(profile, dict) else None
    return str(cur).strip().upper() if cur not in (None, "") else None


def _texts_of(c: Client) -> list[tuple]:
    """The searchable lines of a client: (client, kind, date, time, channel, line, text)."""
    out: list[tuple] = [(c.id, "name", None, None, None, None, c.name)]
    out += [(c.id, "alias", None, None, None, None, a) for a in c.aliases]
    out += [(c.id, "family", None, None, m.relation, m.line, m.name) for m in c.family]
    out += [(c.id, "note", None, None, None, None, line.strip())
            for line in c.notes.split("\n") if line.strip()]
    out += [(c.id, "follow-up", _iso(f.date), None, "x" if f.done else " ", f.line, f.text)
            for f in c.followups if f.text]
    out += [(c.id, "log", e.date.isoformat(), e.time, e.channel, e.line, e.text)
            for e in c.entries if e.text]
    return out
