"""The index's tables, its version, and opening the SQLite file.

The index is a disposable cache: a file of another version, one SQLite cannot read, or one
changed since rmn last closed it, is deleted and built again by :mod:`rmnotes.index.build`.
Nothing in it is ever executed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from pathlib import Path

SCHEMA_VERSION = 29  # 29: a log line's searchable text names who was there (with:, one name or a list)
DB_NAME = "index.sqlite"
SEAL_NAME = "index.seal"  # the index file's stat when rmn last closed it
USERS_NAME = "index.users"  # locked (shared) by every rmn with the index open (see Guard)
JUDGE_NAME = "index.judge"  # locked (exclusive) to judge, delete or seal the index
BUSY_TIMEOUT = 60.0  # seconds another rmn may hold the write lock (a first build of a big book)

# Every table holding a client's rows is keyed by its id (``clients`` by ``id``); the
# ``clients`` columns are the fields of :class:`rmnotes.facts.ClientRow`, by name.
SCHEMA = """
CREATE TABLE files (
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    client_id TEXT NOT NULL, ok INTEGER NOT NULL, issues TEXT NOT NULL
);
CREATE TABLE clients (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, tier TEXT, status TEXT NOT NULL, cadence TEXT,
    since TEXT, last_contact TEXT, risk_profile INTEGER, children INTEGER NOT NULL,
    asset_types TEXT NOT NULL, tags TEXT NOT NULL, prefer TEXT NOT NULL, no_calls TEXT,
    best_time TEXT, marital_status TEXT, income TEXT, income_currency TEXT
);
-- what the agenda's contact rule reads, in one covering index in the order it groups by
-- (``since`` counts only for a client never contacted): grouping reads no table row and
-- needs no sort
CREATE INDEX clients_contact ON clients(status, tier, cadence, last_contact,
                                        (CASE WHEN last_contact IS NULL THEN since END), since);
-- region: NULL for every client; a Cantonese key holds the client's own region ('' if none),
-- as it counts only for a client of HK or MO (the vault's region decides for '')
CREATE TABLE keys (key TEXT NOT NULL, client_id TEXT NOT NULL, region TEXT);
CREATE INDEX keys_key ON keys(key);
CREATE INDEX keys_client ON keys(client_id);
-- status and tier: the client's, so that facts group by them without a join
CREATE TABLE facts (
    client_id TEXT NOT NULL, kind TEXT NOT NULL, date TEXT, md TEXT NOT NULL,
    detail TEXT NOT NULL, lunar INTEGER NOT NULL, relation TEXT, number INTEGER, lunar_day TEXT,
    link TEXT, status TEXT NOT NULL, tier TEXT, amount TEXT, currency TEXT
);
CREATE INDEX facts_client ON facts(client_id);
CREATE INDEX facts_kind_date ON facts(kind, date, status, tier);
-- birthdays by calendar, then those written as a lunar month-day, then by month-day
CREATE INDEX facts_birthdays ON facts(kind, lunar, lunar_day, md);
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
CREATE TABLE holdings (
    client_id TEXT NOT NULL, currency TEXT, ours TEXT NOT NULL, elsewhere TEXT NOT NULL,
    property TEXT NOT NULL, liabilities TEXT NOT NULL, first TEXT NOT NULL
);
CREATE INDEX holdings_client ON holdings(client_id);
CREATE TABLE policies (
    client_id TEXT NOT NULL, name TEXT NOT NULL, insurer TEXT, kind TEXT NOT NULL,
    insured TEXT NOT NULL, sum_assured TEXT, premium TEXT, frequency TEXT NOT NULL,
    currency TEXT, riders TEXT NOT NULL, line INTEGER
);
CREATE INDEX policies_client ON policies(client_id);
-- key: the name as CLIENT input is compared (rmnotes.names.normalise of the folded name)
CREATE TABLE family (
    client_id TEXT NOT NULL, name TEXT NOT NULL, relation TEXT, client TEXT, birthday TEXT,
    line INTEGER, key TEXT NOT NULL
);
CREATE INDEX family_client ON family(client_id);
CREATE INDEX family_key ON family(key);
-- folded: the text with Traditional characters as Simplified (NULL: the same), what the
-- full-text index holds, so that 陈美玲 and 基金转换 find the Traditional text
CREATE TABLE texts (
    id INTEGER PRIMARY KEY, client_id TEXT NOT NULL, kind TEXT NOT NULL, date TEXT,
    time TEXT, channel TEXT, line INTEGER, text TEXT NOT NULL, folded TEXT
);
CREATE INDEX texts_client ON texts(client_id);
CREATE VIRTUAL TABLE texts_fts USING fts5(text, content='', tokenize='trigram');
CREATE VIRTUAL TABLE texts_vocab USING fts5vocab(texts_fts, 'row');
-- each client's totals as money.sum_holdings worked them out, with the rates it used
-- (money.rates_key); a file's rows go with its other rows, other rates are not these
CREATE TABLE totals (
    client_id TEXT PRIMARY KEY, rates TEXT NOT NULL, assets TEXT NOT NULL,
    liabilities TEXT NOT NULL, aum TEXT NOT NULL, elsewhere TEXT NOT NULL
);
-- stamps: the file list of the last refresh; fts_stale: the full-text index is to be made
-- again; fold: OpenCC's Traditional -> Simplified characters (rmnotes.index.build.fold_table)
CREATE TABLE meta (key TEXT PRIMARY KEY, value NOT NULL);
-- the reading of names seen (rmnotes.names.Reading.text), kept across files
CREATE TABLE pinyin (text TEXT PRIMARY KEY, reading TEXT NOT NULL);
"""

# the tables one parsed client file fills (``files`` aside), in insert order
CLIENT_TABLES = ("clients", "keys", "facts", "entries", "followups", "holdings", "policies",
                 "family", "texts")

# Secondary indexes (name, statement): dropped and built again around a first build.
SECONDARY = [(m.group(1), m.group(0)) for m in re.finditer(r"CREATE INDEX (\w+) ON [^;]+", SCHEMA)]

# Worker databases of a parallel build have the plain tables only.
TABLES_ONLY = ";".join(stmt for stmt in re.sub(r"--[^\n]*", "", SCHEMA).split(";")
                       if stmt.strip().startswith("CREATE TABLE"))

_IF_NOT_EXISTS = re.sub(r"CREATE (TABLE|INDEX|VIRTUAL TABLE) ", r"CREATE \1 IF NOT EXISTS ",
                        re.sub(r"--[^\n]*", "", SCHEMA)).rstrip().rstrip(";")


SEPARATOR = "\x1f"  # the unit separator: what joins a list of texts in one column


def pack(items) -> str:
    """A list of texts as one column: joined by :data:`SEPARATOR` (split back in C, far
    faster than JSON for 10,000 rows); JSON in the odd case a text holds the separator or
    the joined text would start like JSON."""
    joined = SEPARATOR.join(items)
    if joined.startswith("[") or any(SEPARATOR in i for i in items):
        return json.dumps(list(items), ensure_ascii=False)
    return joined


def unpack(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    if text.startswith("["):
        return tuple(json.loads(text))
    return tuple(text.split(SEPARATOR))


class InUse(Exception):
    """The index file should be deleted (damaged, of another version) but another rmn has it
    open: it is left to them, and this run builds its index in memory."""


class Connection(sqlite3.Connection):
    """A connection to the index, with the :class:`Guard` it holds while open."""

    guard: Guard | None = None


class Guard:
    """Who has the index file open, told by two lock files beside it, so that no rmn deletes
    or seals the file while another one reads it (SQLite answers "disk I/O error" to a
    reader whose file was deleted under it).

    Every rmn with the index open holds a shared lock on ``index.users``. Only one holding
    ``index.judge`` may ask whether it is the only user (an exclusive lock on ``index.users``,
    not waited for), and only the only user may judge the file (:func:`foreign`), delete it
    or seal it. The judge lock is held for a moment: around the first statements of an open,
    and the seal of a close. Where the system has no ``fcntl`` every rmn is the only user.
    """

    def __init__(self, folder: Path):
        self._folder = folder
        self._users = _lock_fd(folder / USERS_NAME)
        self.alone = False

    @contextlib.contextmanager
    def judging(self):
        """Hold the judge lock, and know in ``alone`` whether this rmn is the only user."""
        judge = _lock_fd(self._folder / JUDGE_NAME)
        try:
            _flock(judge, "LOCK_EX")
            self.alone = _flock(self._users, "LOCK_EX", wait=False)
            if not self.alone:  # changing a lock may drop it first: take it again
                _flock(self._users, "LOCK_SH")
            yield self
            if self.alone:  # none but a judge changes a lock on the users' file
                _flock(self._users, "LOCK_SH")
                self.alone = False
        finally:
            os.close(judge)

    def release(self) -> None:
        os.close(self._users)


def _lock_fd(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)


def _flock(fd: int, kind: str, wait: bool = True) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return True
    try:
        fcntl.flock(fd, getattr(fcntl, kind) | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def connect(path: Path | None, anew: bool = False) -> Connection:
    """Open the index at ``path`` (None: one in memory, for this run only), creating it, or
    deleting and creating it when it is of another version, :func:`foreign`, or ``anew``
    (found damaged). Raises :class:`InUse` when the file should go but another rmn reads it,
    and sqlite3.DatabaseError for a file SQLite cannot read."""
    if path is None:
        conn = sqlite3.connect(":memory:", factory=Connection)
        _settings(conn)
        conn.executescript(f"{_IF_NOT_EXISTS}; PRAGMA user_version = {SCHEMA_VERSION};")
        return conn
    guard = Guard(path.parent)
    conn = None
    try:
        with guard.judging():
            if guard.alone and (anew or foreign(path)):
                remove(path)
            elif anew:
                raise InUse()
            new = not path.exists()
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, factory=Connection)
            _settings(conn)
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                if not new:
                    if not guard.alone:
                        raise InUse()
                    conn.close()
                    remove(path)
                    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, factory=Connection)
                    _settings(conn)
                # in one write transaction, every statement IF NOT EXISTS: two rmn creating
                # the index at once each wait their turn, and the second finds it made
                conn.executescript(f"BEGIN IMMEDIATE; {_IF_NOT_EXISTS}; "
                                   f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
                os.chmod(path, 0o600)
    except BaseException:
        if conn is not None:
            conn.close()
        guard.release()
        raise
    conn.guard = guard
    return conn


def foreign(path: Path) -> bool:
    """Whether the index file changed since rmn last closed it (see :func:`close`): another
    program wrote it, or it was never closed. Damage inside the file may answer wrong
    without an error (a misordered page of an index finds another client, and neither
    ``PRAGMA quick_check`` nor a query notices), so such a file is never believed. Asked
    only by the only user of the file (:class:`Guard`).

    A file with its write-ahead log beside it was left by a killed rmn: SQLite reads the
    log back, and judges the file alone. Costs two ``stat`` calls and a read of a few bytes."""
    if not path.exists() or Path(f"{path}-wal").exists():
        return False
    try:
        sealed = path.with_name(SEAL_NAME).read_text(encoding="ascii")
    except (OSError, ValueError):
        return True
    return sealed != _stat_text(path)


def close(conn: sqlite3.Connection, path: Path | None, seal: bool = True) -> None:
    """Close the index and, when no other rmn has it open (the last one removes the
    write-ahead log), seal it: write down its stat, which :func:`foreign` compares.
    ``seal=False``: the file was found damaged, and is left unsealed to be built anew."""
    conn.close()
    guard = getattr(conn, "guard", None)
    if guard is None:
        return
    try:
        with guard.judging():
            if seal and guard.alone and path is not None and not Path(f"{path}-wal").exists():
                write_seal(path)
    except OSError:
        pass  # a seal not written only means a rebuild
    finally:
        guard.release()


def write_seal(path: Path) -> None:
    """Write down the stat of the closed index file at ``path``, vouching that its bytes are
    rmn's own (:func:`close` does it; a test's copy of an index it built does it too)."""
    sealed = path.with_name(SEAL_NAME)
    tmp = sealed.with_name(f".{SEAL_NAME}.{os.getpid()}.tmp")
    try:
        text = _stat_text(path)
        if sealed.exists() and sealed.read_text(encoding="ascii") == text:
            return
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
        os.replace(tmp, sealed)  # no fsync: a seal lost in a crash only means a rebuild
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            tmp.unlink()


def _stat_text(path: Path) -> str:
    st = os.stat(path)
    return f"{st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}\n"


def _settings(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")


def remove(path: Path) -> None:
    """Delete the index file and SQLite's files beside it."""
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
