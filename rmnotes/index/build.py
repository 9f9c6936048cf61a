"""Bringing the index up to date with the client files: what changed, parsed, into rows.

Each client file is stamped with its mtime and size. A refresh re-parses only the files
whose stamp changed, in one transaction; the whole stamp list, kept as bytes, lets a warm
command see "nothing changed" without reading every row of ``files`` (the bytes are only
ever compared with this process's own, never decoded: planted bytes cannot run anything). A big refresh (a
first build) parses on every core, each worker into a database of its own that is copied
in with one statement per table, and leaves the full-text index for the first search.
"""

from __future__ import annotations

import json
import marshal
import os
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from rmnotes.errors import DataError
from rmnotes.index.schema import CLIENT_TABLES, SECONDARY, TABLES_ONLY, pack
from rmnotes.vault import DIR_MODE, FileStamp, Vault

if TYPE_CHECKING:
    from rmnotes.names import FoldTable, Reading
    from rmnotes.parse import ParsedClient

Progress = Callable[[int, int], None]  # (done, total)

# What the trigram index holds of a line: the line and an end mark (a private-use character
# no query contains), so that every two-character run starts some trigram, even at the end
# of a line (see Index.search).
END_MARK = "\ue000"
INDEXED = f"coalesce(folded, text) || char({ord(END_MARK)})"

PARALLEL_MIN = 400  # changed files from which a refresh parses on every core
FTS_DEFER_MIN = 300  # changed files from which the full-text index waits for the first search
BATCH = 500  # files per insert batch: memory stays flat at any vault size
MAX_PARTS = 8  # SQLite attaches at most 10 databases at once
BUILD_PREFIX = "build-"  # the workers' folder in .rmnotes/: build-PID


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


def client_id(rel: str) -> str:
    from rmnotes.parse.client import client_id_from_path

    return client_id_from_path(rel)


def stamps_bytes(stamps: Sequence[tuple[str, int, int]]) -> bytes:
    """The stamp list as bytes, to compare with the list the index was last refreshed
    with (~1 ms for 10,000 files; reading ``files`` and comparing sets costs ~15 ms)."""
    return marshal.dumps(stamps)


def refresh(conn: sqlite3.Connection, vault: Vault,
            progress: Callable[[int], Progress | None] | None = None, parallel: bool = True) -> int:
    """Re-parse the files whose stamp changed, in one transaction; returns how many files
    changed or went. ``progress(total)`` may return a callback for a long refresh. Without
    ``parallel`` (an index in memory: no folder for the workers' parts) one process parses."""
    if parallel:
        remove_leftovers(vault.cache_dir)
    current = vault.stamps()
    listed = stamps_bytes(current)
    row = conn.execute("SELECT value FROM meta WHERE key = 'stamps'").fetchone()
    if row is not None and row[0] == listed:  # compared as bytes, never loaded
        return 0
    known = set(conn.execute("SELECT path, mtime_ns, size FROM files"))
    changed = sorted(FileStamp(*s) for s in set(current) - known)
    present = {s[0] for s in current}
    removed = sorted(path for path, _, _ in known if path not in present)
    if not changed and not removed:  # the same files, listed in another order
        try:
            with conn:
                _save_stamps(conn, listed)
        except sqlite3.OperationalError:
            pass  # busy or read-only: the stamp list is only a shortcut
        return 0
    first_build = not known
    tick = progress(len(changed)) if (progress and len(changed) > 200) else None
    defer_fts = len(changed) >= FTS_DEFER_MIN or fts_stale(conn)
    attached: list[tuple[str, Path]] = []
    with conn:
        if defer_fts:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('fts_stale', '1')")
        for rel in removed + [s.rel for s in changed]:
            _forget(conn, rel, fts=not defer_fts)
        bulk = first_build and len(changed) >= FTS_DEFER_MIN
        if bulk:  # fill the tables, then index them: faster than row by row
            for name, _ in SECONDARY:
                conn.execute(f"DROP INDEX IF EXISTS {name}")
        workers = _workers(len(changed)) if parallel else 1
        if workers > 1:
            attached = _parallel_build(conn, vault, changed, workers, not defer_fts, tick)
        else:
            _serial_build(conn, vault, changed, not defer_fts, tick)
        for _, statement in SECONDARY:  # after a bulk build; a no-op otherwise
            conn.execute(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"))
        _save_stamps(conn, listed)
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


def remove_leftovers(cache_dir: Path) -> None:
    """Delete the part folders (``build-PID``) of parallel builds whose process is gone: a
    build removes its own when it ends, but one killed leaves them, 15 MB at 3,000 clients.
    A listing of ``.rmnotes/`` (a few names): done before every refresh, whatever its size."""
    if not hasattr(os, "fork"):
        return  # no parallel builds (they fork), and os.kill(pid, 0) would signal the process
    try:
        with os.scandir(cache_dir) as entries:
            gone = [e.path for e in entries
                    if e.name.startswith(BUILD_PREFIX) and not _alive(e.name[len(BUILD_PREFIX):])]
    except OSError:
        return
    if gone:
        import shutil  # here: with its compression modules, ~4 ms of every warm command

        for path in gone:
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return True  # not a name a build gives: leave it
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or no such number): leave it
    return True


def _save_stamps(conn: sqlite3.Connection, listed: bytes) -> None:
    """Inside the refresh's transaction, so ``files`` and the list never disagree."""
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('stamps', ?)", (listed,))


def _forget(conn: sqlite3.Connection, rel: str, fts: bool) -> None:
    if conn.execute("DELETE FROM files WHERE path = ?", (rel,)).rowcount == 0:
        return  # a new file: nothing to forget
    cid = client_id(rel)
    if fts:
        conn.execute("INSERT INTO texts_fts(texts_fts, rowid, text)"
                     f" SELECT 'delete', id, {INDEXED} FROM texts WHERE client_id = ?", (cid,))
    for table in CLIENT_TABLES:
        column = "id" if table == "clients" else "client_id"
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (cid,))
    conn.execute("DELETE FROM totals WHERE client_id = ?", (cid,))


def fts_stale(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM meta WHERE key = 'fts_stale'").fetchone() is not None


def ensure_fts(conn: sqlite3.Connection) -> None:
    """Build the full-text index in one go if a large refresh left it for later."""
    if not fts_stale(conn):
        return
    with conn:
        conn.execute("INSERT INTO texts_fts(texts_fts) VALUES ('delete-all')")
        conn.execute(f"INSERT INTO texts_fts(rowid, text) SELECT id, {INDEXED} FROM texts")
        conn.execute("DELETE FROM meta WHERE key = 'fts_stale'")


# ---------------------------------------------------------------------- rows of a file
def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _text(d: Decimal | None) -> str | None:
    return str(d) if d is not None else None


def rows_of(stamp: FileStamp, result: ParsedClient, read: Callable[[str], Reading],
            table: FoldTable) -> dict[str, list[tuple]]:
    """Every table row one parsed file contributes; ``read`` reads a name
    (:func:`rmnotes.names.reading`, cached), ``table`` folds Traditional to Simplified."""
    from rmnotes import names
    from rmnotes.facts import client_row, facts_of, holdings_of

    cid = client_id(stamp.rel)
    issues = json.dumps([[i.line, i.severity, i.message] for i in result.issues], ensure_ascii=False)
    c = result.client
    rows: dict[str, list[tuple]] = {
        "files": [(stamp.rel, stamp.mtime_ns, stamp.size, cid, int(c is not None), issues)]}
    if c is None:
        return rows
    r = client_row(c)
    rows["clients"] = [(
        r.id, r.name, r.tier, r.status, r.cadence, _iso(r.since), _iso(r.last_contact),
        r.risk_profile, r.children, pack(r.asset_types), pack(r.tags), pack(r.prefer),
        r.no_calls, r.best_time, r.marital_status, _text(r.income), r.income_currency)]
    keys = names.client_keys(c.id, c.name, c.aliases, read, table)
    rows["keys"] = [(key, c.id, None) for key in keys]
    rows["keys"] += [(key, c.id, c.region or "") for key in names.cantonese_keys(c.name, c.aliases, table)
                     if key not in keys]
    rows["facts"] = [  # the agenda's: a closed client is never due, so it has none
        (c.id, f.kind, _iso(f.date), f.date.strftime("%m-%d") if f.date else "", f.detail,
         int(f.lunar), f.relation, f.number, str(f.lunar_day) if f.lunar_day else None, f.link,
         c.status, c.tier, _text(f.amount), f.currency)
        for f in facts_of(c)] if c.status != "closed" else []
    rows["entries"] = [
        (c.id, e.date.isoformat(), e.time, e.channel, e.text,
         json.dumps(e.attrs, ensure_ascii=False, default=str) if e.attrs else None, e.line)
        for e in c.entries]
    rows["followups"] = [(c.id, f.number, int(f.done), _iso(f.date), f.text, f.line)
                         for f in c.followups]
    rows["holdings"] = [(c.id, h.currency, str(h.ours), str(h.elsewhere), str(h.property),
                         str(h.liabilities), h.first) for h in holdings_of(c.assets)]
    rows["policies"] = [
        (c.id, p.name, p.insurer, p.kind, p.insured, _text(p.sum_assured), _text(p.premium),
         p.premium_frequency, p.currency, pack(p.riders), p.line)
        for p in c.policies]
    rows["family"] = [(c.id, m.name, m.relation, m.client, _iso(m.birthday), m.line,
                       names.name_key(m.name, table)) for m in c.family]
    rows["texts"] = [(*t, _folded(t[-1], table)) for t in _texts_of(c)]
    return rows


def _folded(text: str, table: FoldTable) -> str | None:
    folded = text.translate(table)
    return None if folded == text else folded


def _texts_of(c) -> list[tuple]:
    """The searchable lines of a client: (client, kind, date, time, channel, line, text)."""
    out: list[tuple] = [(c.id, "name", None, None, None, None, c.name)]
    out += [(c.id, "alias", None, None, None, None, a) for a in c.aliases]
    out += [(c.id, "family", None, None, m.relation, m.line, m.name) for m in c.family]
    out += [(c.id, "note", None, None, None, None, line.strip())
            for line in c.notes.split("\n") if line.strip()]
    out += [(c.id, "follow-up", _iso(f.date), None, "x" if f.done else " ", f.line, f.text)
            for f in c.followups if f.text]
    out += [(c.id, "log", e.date.isoformat(), e.time, e.channel, e.line, _with_names(e.text, e.attrs.get("with")))
            for e in c.entries if e.text]
    return out


def _with_names(text: str, present) -> str:
    """An entry's text and who was there (``with:``): find 林淑芬 finds the meetings she
    came to, and shows them so."""
    from rmnotes.parse.coerce import texts

    names = texts(present)  # a list, or one name written alone (with: 林淑芬)
    return f"{text} · {'、'.join(names)}" if names else text


_FILE_TABLES = ("files",) + CLIENT_TABLES


class _Batch:
    """Rows of a few hundred files on their way into the tables."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple]] = {t: [] for t in _FILE_TABLES}

    def add(self, rows: dict[str, list[tuple]]) -> None:
        for table, items in rows.items():
            self.rows[table].extend(items)

    def flush(self, conn: sqlite3.Connection, fts: bool) -> None:
        for table in _FILE_TABLES:
            items = self.rows[table]
            if not items or table == "texts":
                continue
            conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(items[0]))})", items)
        texts = self.rows["texts"]
        if texts:
            first = conn.execute("SELECT coalesce(max(id), 0) FROM texts").fetchone()[0] + 1
            conn.executemany("INSERT INTO texts VALUES (?,?,?,?,?,?,?,?,?)",
                             [(first + i, *t) for i, t in enumerate(texts)])
            if fts:
                conn.execute(f"INSERT INTO texts_fts(rowid, text) SELECT id, {INDEXED} FROM texts"
                             " WHERE id >= ?", (first,))
        self.rows = {t: [] for t in _FILE_TABLES}


class _PinyinCache:
    """Readings of names (pinyin, Wade-Giles), kept in the index across files: re-indexing
    an edited file does not import pypinyin (~250 ms) for a name it has seen before."""

    def __init__(self, conn: sqlite3.Connection | None):
        self.conn = conn
        self.known: dict[str, Reading] = {}
        self.new: dict[str, Reading] = {}

    def __call__(self, text: str) -> Reading:
        got = self.known.get(text)
        if got is None:
            from rmnotes.names import Reading, reading

            row = self.conn.execute("SELECT reading FROM pinyin WHERE text = ?", (text,)).fetchone() \
                if self.conn is not None else None
            if row is not None:
                got = Reading.parse(row[0])
            else:
                got = reading(text)
                self.new[text] = got
            self.known[text] = got
        return got

    def save(self, conn: sqlite3.Connection) -> None:
        if self.new:
            conn.executemany("INSERT OR IGNORE INTO pinyin VALUES (?, ?)",
                             [(t, r.text()) for t, r in self.new.items()])
            self.new = {}


def fold_table(conn: sqlite3.Connection) -> FoldTable:
    """The Traditional -> Simplified table the index was built with; computed with OpenCC
    (:func:`rmnotes.names.fold_table`) the first time and kept. In a write transaction."""
    table = stored_fold_table(conn)
    if table is None:
        from rmnotes.names import fold_table as computed

        table = computed()
        pairs = "".join(chr(a) + chr(b) for a, b in table.items())
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('fold', ?)", (pairs,))
    return table


def stored_fold_table(conn: sqlite3.Connection) -> FoldTable | None:
    """The table :func:`fold_table` kept: one text in ``meta``, each character followed by
    its Simplified form (a table of 4,221 rows took ~20 ms to write at a first build and
    ~10 ms to read back at every refresh; the text takes under 1 ms). None before the
    first build; a text that is not pairs of characters is damage (``ValueError``)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'fold'").fetchone()
    if row is None:
        return None
    pairs = row[0]
    if not isinstance(pairs, str) or len(pairs) % 2:
        raise ValueError("the fold table in the index is not pairs of characters")
    return str.maketrans(pairs[::2], pairs[1::2])


def _fill(conn: sqlite3.Connection, vault: Vault, stamps: Sequence[FileStamp], fts: bool,
          pinyin: _PinyinCache, table: FoldTable, tick: Progress | None = None) -> None:
    batch = _Batch()
    for done, s in enumerate(stamps, 1):
        batch.add(rows_of(s, read_and_parse(vault, s.rel), pinyin, table))
        if done % BATCH == 0:
            batch.flush(conn, fts)
            if tick:
                tick(done, len(stamps))
    batch.flush(conn, fts)
    pinyin.save(conn)


def _serial_build(conn: sqlite3.Connection, vault: Vault, stamps: list[FileStamp], fts: bool,
                  tick: Progress | None) -> None:
    _fill(conn, vault, stamps, fts, _PinyinCache(conn), fold_table(conn), tick)


def _workers(changed: int) -> int:
    """Processes for parsing ``changed`` files: every core for a big refresh (with fork)."""
    cores = min(os.cpu_count() or 1, 8)
    if changed < PARALLEL_MIN or cores < 2:
        return 1
    import multiprocessing

    return cores if "fork" in multiprocessing.get_all_start_methods() else 1


def _parallel_build(conn: sqlite3.Connection, vault: Vault, stamps: list[FileStamp], workers: int,
                    fts: bool, tick: Progress | None) -> list[tuple[str, Path]]:
    """Worker processes parse parts of the files, each into a database of its own; this
    process copies each part in with one INSERT ... SELECT per table (no Python per row).
    Returns the attached parts, to detach after the commit."""
    import multiprocessing
    import shutil

    size = -(-len(stamps) // MAX_PARTS)
    folder = vault.cache_dir / f"{BUILD_PREFIX}{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)  # a killed process's, that had this pid
    folder.mkdir(mode=DIR_MODE)
    table = fold_table(conn)
    jobs = [(str(vault.root), str(folder / f"part-{i}.sqlite"), [tuple(s) for s in stamps[at:at + size]], table)
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
    for table in _FILE_TABLES:
        if table != "texts":
            conn.execute(f"INSERT INTO main.{table} SELECT * FROM {alias}.{table}")
    first = conn.execute("SELECT coalesce(max(id), 0) FROM main.texts").fetchone()[0] + 1
    conn.execute("INSERT INTO main.texts SELECT id + ?, client_id, kind, date, time, channel, line, text, folded"
                 f" FROM {alias}.texts", (first - 1,))
    if fts:
        conn.execute(f"INSERT INTO texts_fts(rowid, text) SELECT id, {INDEXED} FROM main.texts"
                     " WHERE id >= ?", (first,))
    conn.execute(f"INSERT OR IGNORE INTO main.pinyin SELECT * FROM {alias}.pinyin")


def _build_part(job: tuple[str, str, list[tuple], FoldTable]) -> tuple[str, int]:
    """In a worker process: parse some files into a database of their own."""
    root, path, stamps, table = job
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # owner-only, as the index
    part = sqlite3.connect(path)
    try:
        part.execute("PRAGMA journal_mode = OFF")
        part.execute("PRAGMA synchronous = OFF")
        part.executescript(TABLES_ONLY)
        _fill(part, Vault(Path(root)), [FileStamp(*s) for s in stamps], False, _PinyinCache(None), table)
        part.commit()
    finally:
        part.close()
    return path, len(stamps)
