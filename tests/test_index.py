"""The SQLite cache: refreshed per file by stamp, rebuilt by itself, never a source of truth."""

from __future__ import annotations

import os
import sqlite3
from datetime import date

from conftest import run, write_client
from rmnotes import index as index_module
from rmnotes.index import Index
from rmnotes.vault import Vault

A = "---\nname: 王偉\ntier: A\nprofile: {birthday: 1975-06-12}\n---\n## Log\n- 2026-11-05 M 回顧\n- 2026-11-06 N 備註\n"
B = "---\nname: 陳美玲\naliases: [Mei]\n---\n## Follow-ups\n- [ ] 2026-12-01 寄提案\n"


def open_index(root) -> Index:
    return Index.open(Vault(root))


def test_first_open_indexes_everything(vault):
    write_client(vault, "wang-wei", A)
    write_client(vault, "chen-mei-ling", B)
    idx = open_index(vault)
    assert idx.client_ids() == ["chen-mei-ling", "wang-wei"]
    profiles = {p.id: p for p in idx.profiles()}
    assert profiles["wang-wei"].last_contact == date(2026, 11, 5)
    assert [(cid, f.kind, f.date) for cid, f in idx.facts(kinds=["follow-up"])] == [
        ("chen-mei-ling", "follow-up", date(2026, 12, 1))]
    assert idx.lookup("chenmeiling") == ["chen-mei-ling"]
    assert idx.lookup("mei") == ["chen-mei-ling"]


def test_refresh_reparses_only_changed_files(vault):
    write_client(vault, "wang-wei", A)
    path = write_client(vault, "chen-mei-ling", B)
    open_index(vault).close()
    idx = open_index(vault)
    assert idx.refresh() == 0
    path.write_text(B.replace("陳美玲", "陳美齡"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert idx.refresh() == 1
    assert idx.names()["chen-mei-ling"] == "陳美齡"
    path.unlink()
    assert idx.refresh() == 1
    assert idx.client_ids() == ["wang-wei"]


def test_broken_file_is_skipped_with_its_first_error(vault):
    write_client(vault, "wang-wei", A)
    write_client(vault, "broken", "---\nname: [x\n---\n")
    idx = open_index(vault)
    assert idx.client_ids() == ["wang-wei"]
    [skipped] = idx.skipped()
    assert skipped.warning().startswith("warning: skipped clients/broken.md:2: YAML syntax error")


def test_garbage_in_the_cache_file_is_a_rebuild(vault):
    write_client(vault, "wang-wei", A)
    open_index(vault).close()
    db = vault / ".rmnotes" / index_module.DB_NAME
    db.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (vault / ".rmnotes" / (index_module.DB_NAME + suffix)).unlink(missing_ok=True)
    assert open_index(vault).client_ids() == ["wang-wei"]


def test_old_version_is_a_rebuild(vault):
    write_client(vault, "wang-wei", A)
    idx = open_index(vault)
    idx.conn.execute("PRAGMA user_version = 1")
    idx.conn.execute("DELETE FROM clients")
    idx.close()
    assert open_index(vault).client_ids() == ["wang-wei"]


def test_missing_cache_folder_is_rebuilt(vault):
    write_client(vault, "wang-wei", A)
    open_index(vault).close()
    for p in (vault / ".rmnotes").iterdir():
        p.unlink()
    (vault / ".rmnotes").rmdir()
    assert open_index(vault).client_ids() == ["wang-wei"]


def test_cache_is_git_ignored_and_owner_only(vault):
    write_client(vault, "wang-wei", A)
    assert run(["list"], vault).exit_code == 0
    db = vault / ".rmnotes" / index_module.DB_NAME
    assert db.stat().st_mode & 0o777 == 0o600
    from conftest import git
    assert ".rmnotes" not in git(vault, "status", "--porcelain", "--ignored=no")


def test_commands_warn_once_per_skipped_file_and_carry_on(vault):
    write_client(vault, "wang-wei", A)
    write_client(vault, "broken", "---\nname: [x\n---\n")
    result = run(["list", "--json"], vault)
    assert result.exit_code == 0
    assert '"wang-wei"' in result.stdout
    assert result.stderr.count("warning: skipped clients/broken.md") == 1


def test_index_is_consistent_after_a_crash_mid_transaction(vault):
    """A refresh is one transaction: a failure leaves the previous state, not a half."""
    write_client(vault, "wang-wei", A)
    idx = open_index(vault)
    try:
        with idx.conn:
            idx.conn.execute("DELETE FROM clients")
            raise RuntimeError("simulated crash")
    except RuntimeError:
        pass
    assert idx.client_ids() == ["wang-wei"]
    assert isinstance(idx.conn, sqlite3.Connection)
