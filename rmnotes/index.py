"""The SQLite cache in ``.rmnotes/``: never a source of truth, always safe to delete.

Each client file is stamped with its mtime and size; a command re-parses only the files
whose stamp changed, in one transaction. A missing, old-version or damaged cache is
rebuilt by itself.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from rmnotes import names
from rmnotes.errors import DataError
from rmnotes.facts import Fact, Profile, facts_of, profile_of
from rmnotes.model import Entry, FollowUp, Issue
from rmnotes.parse import ParsedClient, parse_client
from rmnotes.parse.client import client_id_from_path
from rmnotes.vault import DIR_MODE, FileStamp, Vault, decode

SCHEMA_VERSION = 3
DB_NAME = "index.sqlite"

_SCHEMA = """
CREATE TABLE files (
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    client_id TEXT NOT NULL, ok INTEGER NOT NULL, issues TEXT NOT NULL
);
CREATE TABLE clients (
    id TEXT PRIMARY KEY, path TEXT NOT NULL, name TEXT NOT NULL, tier TEXT, status TEXT NOT NULL,
    cadence TEXT, since TEXT, last_contact TEXT, prefer TEXT, no_calls TEXT, best_time TEXT,
    tags TEXT, aliases TEXT, notes TEXT
);
CREATE TABLE keys (key TEXT NOT NULL, client_id TEXT NOT NULL);
CREATE INDEX keys_key ON keys(key);
CREATE INDEX keys_client ON keys(client_id);
CREATE TABLE facts (
    client_id TEXT NOT NULL, kind TEXT NOT NULL, date TEXT NOT NULL, md TEXT NOT NULL,
    detail TEXT NOT NULL, lunar INTEGER NOT NULL, relation TEXT, number INTEGER
);
CREATE INDEX facts_client ON facts(client_id);
CREATE INDEX facts_kind_date ON facts(kind, date);
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
"""

_CLIENT_TABLES = ("clients", "keys", "facts", "entries", "followups")

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A client file that could not be read: the first error says why."""

    path: str
    issue: Issue

    def warning(self) -> str:
        return f"warning: skipped {self.issue}; run 'rmn check' for details"


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _day(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


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
        """Re-parse the files whose stamp changed; returns how many changed."""
        conn = self.conn
        known = {p: (m, s) for p, m, s in conn.execute("SELECT path, mtime_ns, size FROM files")}
        stamps = self.vault.stamps()
        changed = [s for s in stamps if known.pop(s.rel, None) != (s.mtime_ns, s.size)]
        removed = list(known)
        if not changed and not removed:
            return 0
        tick = progress(len(changed)) if (progress and len(changed) > 200) else None
        parsed = list(_parse_all(self.vault, changed, tick))
        with conn:
            for rel in removed + [s.rel for s in changed]:
                cid = client_id_from_path(rel)
                conn.execute("DELETE FROM files WHERE path = ?", (rel,))
                for table in _CLIENT_TABLES:
                    column = "id" if table == "clients" else "client_id"
                    conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (cid,))
            _insert(conn, parsed)
        return len(changed) + len(removed)

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

    def names(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT id, name FROM clients"))

    def profiles(self) -> list[Profile]:
        rows = self.conn.execute(
            "SELECT id, name, tier, status, cadence, since, last_contact, prefer, no_calls,"
            " best_time, tags FROM clients ORDER BY id"
        )
        return [
            Profile(r[0], r[1], r[2], r[3], r[4], _day(r[5]), _day(r[6]),
                    tuple(json.loads(r[7])), r[8], r[9], tuple(json.loads(r[10])))
            for r in rows
        ]

    def facts(self, kinds: Sequence[str] | None = None, until: date | None = None,
              since: date | None = None) -> list[tuple[str, Fact]]:
        """``(client id, fact)`` pairs, optionally by kind and date range (birthdays: all)."""
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
def _connect(path: Path) -> sqlite3.Connection:
    new = not path.exists()
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            if not new:
                conn.close()
                _remove(path)
                conn = sqlite3.connect(path)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            with conn:
                conn.executescript(_SCHEMA)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            os.chmod(path, 0o600)
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _issues(path: str, blob: str) -> list[Issue]:
    return [Issue(path, line, message, severity) for line, severity, message in json.loads(blob)]


def read_and_parse(vault: Vault, rel: str) -> ParsedClient:
    """Read and parse one client file; unreadable bytes become an issue, not an exception."""
    try:
        text = vault.read_text(rel)
    except DataError as exc:
        return ParsedClient(None, (Issue(rel, None, str(exc).split(": ", 1)[-1]),))
    except OSError as exc:
        return ParsedClient(None, (Issue(rel, None, f"cannot read: {exc.strerror}"),))
    return parse_client(text, rel)


def _parse_all(vault: Vault, stamps: Iterable[FileStamp], tick: Progress | None):
    stamps = list(stamps)
    for i, s in enumerate(stamps, 1):
        yield s, read_and_parse(vault, s.rel)
        if tick and i % 100 == 0:
            tick(i, len(stamps))
    if tick:
        tick(len(stamps), len(stamps))


def _insert(conn: sqlite3.Connection, parsed: Iterable[tuple[FileStamp, ParsedClient]]) -> None:
    files, clients, keys, facts, entries, followups = [], [], [], [], [], []
    for stamp, result in parsed:
        cid = client_id_from_path(stamp.rel)
        issues = json.dumps([[i.line, i.severity, i.message] for i in result.issues], ensure_ascii=False)
        c = result.client
        files.append((stamp.rel, stamp.mtime_ns, stamp.size, cid, int(c is not None), issues))
        if c is None:
            continue
        p = profile_of(c)
        clients.append((
            c.id, c.path, c.name, c.tier, c.status, p.cadence, _iso(c.since), _iso(p.last_contact),
            json.dumps(list(c.prefer)), c.no_calls, c.best_time,
            json.dumps(list(c.tags), ensure_ascii=False),
            json.dumps(list(c.aliases), ensure_ascii=False), c.notes,
        ))
        for key in names.client_keys(c.id, c.name, c.aliases):
            keys.append((key, c.id))
        for f in facts_of(c):
            facts.append((c.id, f.kind, f.date.isoformat(), f.date.strftime("%m-%d"), f.detail,
                          int(f.lunar), f.relation, f.number))
        for e in c.entries:
            entries.append((c.id, e.date.isoformat(), e.time, e.channel, e.text,
                            json.dumps(e.attrs, ensure_ascii=False, default=str) if e.attrs else None,
                            e.line))
        for f in c.followups:
            followups.append((c.id, f.number, int(f.done), _iso(f.date), f.text, f.line))
    conn.executemany("INSERT INTO files VALUES (?,?,?,?,?,?)", files)
    conn.executemany("INSERT INTO clients VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", clients)
    conn.executemany("INSERT INTO keys VALUES (?,?)", keys)
    conn.executemany("INSERT INTO facts VALUES (?,?,?,?,?,?,?,?)", facts)
    conn.executemany("INSERT INTO entries VALUES (?,?,?,?,?,?,?)", entries)
    conn.executemany("INSERT INTO followups VALUES (?,?,?,?,?,?)", followups)
