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


def test_a_damaged_or_stale_stamp_list_falls_back_to_the_files_table(vault):
    write_client(vault, "wang-wei", A)
    path = write_client(vault, "chen-mei-ling", B)
    idx = open_index(vault)
    for blob in (b"\x00garbage", "text, not bytes", b"N"):  # b"N": marshal's None
        with idx.conn:
            idx.conn.execute("INSERT OR REPLACE INTO meta VALUES ('stamps', ?)", (blob,))
        assert idx.refresh() == 0  # the files table still knows every stamp
    path.write_text(B.replace("陳美玲", "陳美齡"), encoding="utf-8")
    os.utime(path, ns=(2, 2))
    assert idx.refresh() == 1
    assert idx.names()["chen-mei-ling"] == "陳美齡"
    assert idx.refresh() == 0


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


def _book(root, n: int) -> None:
    for i in range(n):
        write_client(root, f"client-{i:03d}",
                     f"---\nname: 客戶{i}號\naliases: [王{i}]\n---\nnote {i}\n## Log\n- 2026-11-0{1 + i % 9} T 電話 {i}\n")


def _snapshot(idx: Index) -> tuple:
    tables = ("files", "clients", "keys", "facts", "entries", "followups", "money", "policies")
    out = []
    for table in tables:
        rows = idx.conn.execute(f"SELECT * FROM {table}").fetchall()
        if table == "files":
            rows = [r[:1] + r[3:] for r in rows]  # stamps differ between copies
        out.append(sorted(map(repr, rows)))
    out.append(sorted(idx.conn.execute("SELECT client_id, kind, text FROM texts").fetchall()))
    return tuple(out)


def test_parallel_build_equals_the_one_core_build(tmp_path, monkeypatch):
    for name in ("one", "many"):
        (tmp_path / name / "clients").mkdir(parents=True)
        (tmp_path / name / "rmnotes.yaml").write_text("owner: x\n", encoding="utf-8")
        _book(tmp_path / name, 24)
    monkeypatch.setattr(index_module, "PARALLEL_MIN", 10_000)
    one = open_index(tmp_path / "one")
    monkeypatch.setattr(index_module, "PARALLEL_MIN", 4)
    monkeypatch.setattr(index_module, "FTS_DEFER_MIN", 4)  # and the first-build path
    many = open_index(tmp_path / "many")
    assert many.conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                             " AND name NOT LIKE 'sqlite_%'").fetchone()[0] == len(index_module._SECONDARY)
    assert _snapshot(one) == _snapshot(many)


def test_a_large_refresh_leaves_full_text_for_the_first_search(tmp_path, monkeypatch):
    (tmp_path / "v" / "clients").mkdir(parents=True)
    (tmp_path / "v" / "rmnotes.yaml").write_text("owner: x\n", encoding="utf-8")
    _book(tmp_path / "v", 12)
    monkeypatch.setattr(index_module, "FTS_DEFER_MIN", 5)
    idx = open_index(tmp_path / "v")
    assert idx._fts_stale()
    hits, total = idx.search(["電話 11"])
    assert total == 1 and hits[0].client_id == "client-011"
    assert not idx._fts_stale()
    # small refreshes keep it current from then on
    write_client(tmp_path / "v", "client-011", "---\nname: 客戶十一\n---\n## Log\n- 2026-11-05 T 改了電話內容\n")
    os.utime(tmp_path / "v" / "clients" / "client-011.md", ns=(5, 5))
    idx.refresh()
    assert idx.search(["電話 11"])[1] == 0
    assert idx.search(["改了電話"])[1] == 1


def test_an_edited_file_with_a_known_name_does_not_load_pypinyin(vault):
    import subprocess
    import sys

    path = write_client(vault, "wang-wei", A)
    assert run(["list"], vault).exit_code == 0  # builds the index, pinyin included
    path.write_text(A + "- 2026-11-07 T 再聯絡\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "rmnotes", "--vault", str(vault), "list"],
                          capture_output=True, text=True)
    assert proc.returncode == 0
    assert "pypinyin" not in proc.stderr
    assert "2026-11-07" in proc.stdout


def test_a_busy_index_is_reported_and_kept(vault, monkeypatch):
    """Another process holds the index's write lock longer than rmn waits: a clear error,
    and the index is not taken for damaged (deleting it would pull it from under the other)."""
    write_client(vault, "wang-wei", A)
    assert run(["due", "--as-of", "2026-11-28"], vault).exit_code == 0
    config = vault / "rmnotes.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("A: 1m", "A: 2w"), encoding="utf-8")
    monkeypatch.setattr(index_module, "BUSY_TIMEOUT", 0.1)
    other = sqlite3.connect(vault / ".rmnotes" / "index.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = run(["due", "--as-of", "2026-11-28"], vault)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 1
    assert result.stderr.startswith("rmn: error: .rmnotes/index.sqlite: the index cannot be updated "
                                    "(database is locked)")
    assert run(["due", "--as-of", "2026-11-28"], vault).exit_code == 0  # the lock gone, it answers
