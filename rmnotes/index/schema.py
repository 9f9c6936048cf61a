"""The index's tables, its version, and opening the SQLite file.

The index is a disposable cache: a file of another version, or one SQLite cannot read, is
deleted and built again by :mod:`rmnotes.index.build`. Nothing in it is ever executed.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

SCHEMA_VERSION = 19
DB_NAME = "index.sqlite"
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
-- what the agenda's contact rule reads, in one covering index: grouped without a sort
CREATE INDEX clients_contact ON clients(status, tier, cadence, last_contact, since);
CREATE TABLE keys (key TEXT NOT NULL, client_id TEXT NOT NULL);
CREATE INDEX keys_key ON keys(key);
CREATE INDEX keys_client ON keys(client_id);
-- status and tier: the client's, so that facts group by them without a join
CREATE TABLE facts (
    client_id TEXT NOT NULL, kind TEXT NOT NULL, date TEXT, md TEXT NOT NULL,
    detail TEXT NOT NULL, lunar INTEGER NOT NULL, relation TEXT, number INTEGER, lunar_day TEXT,
    link TEXT, status TEXT NOT NULL, tier TEXT
);
CREATE INDEX facts_client ON facts(client_id);
CREATE INDEX facts_kind_date ON facts(kind, date, status, tier);
CREATE INDEX facts_birthdays ON facts(kind, lunar, md);
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
CREATE TABLE family (
    client_id TEXT NOT NULL, name TEXT NOT NULL, relation TEXT, client TEXT, birthday TEXT,
    line INTEGER
);
CREATE INDEX family_client ON family(client_id);
CREATE TABLE texts (
    id INTEGER PRIMARY KEY, client_id TEXT NOT NULL, kind TEXT NOT NULL, date TEXT,
    time TEXT, channel TEXT, line INTEGER, text TEXT NOT NULL
);
CREATE INDEX texts_client ON texts(client_id);
CREATE VIRTUAL TABLE texts_fts USING fts5(text, content='', tokenize='trigram');
CREATE VIRTUAL TABLE texts_vocab USING fts5vocab(texts_fts, 'row');
CREATE TABLE meta (key TEXT PRIMARY KEY, value NOT NULL);
-- the pinyin of names seen, kept across files
CREATE TABLE pinyin (text TEXT PRIMARY KEY, syllables TEXT NOT NULL);
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


def connect(path: Path) -> sqlite3.Connection:
    """Open the index at ``path``, creating it, or deleting and creating it when it is of
    another version. Raises sqlite3.DatabaseError for a file SQLite cannot read."""
    new = not path.exists()
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
    try:
        _settings(conn)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            if not new:
                conn.close()
                remove(path)
                conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
                _settings(conn)
            # in one write transaction, every statement IF NOT EXISTS: two rmn creating the
            # index at once each wait their turn, and the second finds it made
            conn.executescript(f"BEGIN IMMEDIATE; {_IF_NOT_EXISTS}; "
                               f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
            os.chmod(path, 0o600)
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


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
