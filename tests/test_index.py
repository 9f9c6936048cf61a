"""The SQLite cache: refreshed per file by stamp, rebuilt by itself, never a source of truth."""

from __future__ import annotations

import os
import sqlite3
from datetime import date

from conftest import run, write_client
from rmnotes.index import Index, schema
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
    rows = {c.id: c for c in idx.clients()}
    assert rows["wang-wei"].last_contact == date(2026, 11, 5)
    assert rows["wang-wei"].tier == "A" and rows["chen-mei-ling"].tier is None
    assert [(c.id, f.kind, f.date) for c, f in idx.facts_in(idx.fact_groups(["follow-up"], None, None, False))] == [
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


def test_a_file_changed_within_the_same_stamp_list_order_is_found(vault):
    """The digest of the stamp list is only a shortcut: a listing in another order, or a
    changed file, is compared with the files table."""
    write_client(vault, "wang-wei", A)
    path = write_client(vault, "chen-mei-ling", B)
    idx = open_index(vault)
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
    db = vault / ".rmnotes" / schema.DB_NAME
    db.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (vault / ".rmnotes" / (schema.DB_NAME + suffix)).unlink(missing_ok=True)
    assert open_index(vault).client_ids() == ["wang-wei"]


def test_old_version_is_a_rebuild(vault):
    write_client(vault, "wang-wei", A)
    open_index(vault).close()
    conn = sqlite3.connect(vault / ".rmnotes" / schema.DB_NAME)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("DELETE FROM clients")
    conn.commit()
    conn.close()
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
    db = vault / ".rmnotes" / schema.DB_NAME
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


def test_a_refresh_that_fails_midway_leaves_the_previous_state(vault, monkeypatch):
    """A refresh is one transaction: a failure while the rows go in leaves what was there."""
    from rmnotes.index import build

    write_client(vault, "wang-wei", A)
    open_index(vault).close()
    path = write_client(vault, "chen-mei-ling", B)
    os.utime(path, ns=(3, 3))

    def crash(*args):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(build, "rows_of", crash)
    try:
        open_index(vault)
    except RuntimeError:
        pass
    monkeypatch.undo()
    conn = sqlite3.connect(vault / ".rmnotes" / schema.DB_NAME)
    assert conn.execute("SELECT id FROM clients").fetchall() == [("wang-wei",)]
    conn.close()
    assert open_index(vault).client_ids() == ["chen-mei-ling", "wang-wei"]


def _book(root, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        write_client(root, f"client-{i:03d}",
                     f"---\nname: 客戶{i}號\naliases: [王{i}]\nprofile: {{birthday: 1980-12-0{1 + i % 9}}}\n"
                     f"assets:\n  - {{name: 存款, institution: ours, value: {i}, currency: USD}}\n"
                     f"policies:\n  - {{name: 壽險, kind: life, sum_assured: {i}}}\n"
                     f"family:\n  - {{name: 小{i}, relation: child}}\n---\nnote {i}\n"
                     f"## Follow-ups\n- [ ] 2026-12-0{1 + i % 9} 寄提案 {i}\n"
                     f"## Log\n- 2026-11-0{1 + i % 9} T 電話 {i}\n")


def _answers(idx: Index) -> tuple:
    """Everything the queries give, as plain values."""
    return (idx.clients(), idx.holdings(), idx.policies(), idx.family(), idx.entries(),
            idx.followups(), sorted(idx.keys()), idx.issues(),
            idx.fact_groups(["follow-up", "maturity", "premium", "kyc"], None, None, True),
            idx.contact_groups(True), idx.birthday_groups(False, None, True), idx.birthday_groups(True, None, True),
            idx.search(["電話"]), idx.search(["提案 1"]))


def test_a_first_build_on_every_core_equals_one_file_at_a_time(tmp_path):
    """A big first build parses in worker processes and fills the full text later; a
    refresh of a few files parses here. The answers are the same."""
    for name in ("cold", "warm"):
        (tmp_path / name / "clients").mkdir(parents=True)
        (tmp_path / name / "rmnotes.yaml").write_text("owner: x\n", encoding="utf-8")
    _book(tmp_path / "cold", 450)
    cold = open_index(tmp_path / "cold")
    warm = open_index(tmp_path / "warm")
    for start in range(0, 450, 150):
        _book(tmp_path / "warm", 150, start)
        warm.refresh()
    assert _answers(cold) == _answers(warm)
    assert len(cold.clients()) == 450


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
    path = write_client(vault, "wang-wei", A + "- 2026-11-20 T again\n")  # the refresh must write
    os.utime(path, ns=(4, 4))
    monkeypatch.setattr(schema, "BUSY_TIMEOUT", 0.1)
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


def _reaped() -> int:
    """The pid of a process that is gone (and reaped)."""
    import subprocess

    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_the_next_build_of_a_small_vault_removes_the_folders_of_killed_builds(vault):
    write_client(vault, "wang-wei", A)
    cache = vault / ".rmnotes"
    cache.mkdir(mode=0o700, exist_ok=True)
    dead = cache / f"build-{_reaped()}"
    dead.mkdir()
    (dead / "part-0.sqlite").write_bytes(b"SQLite format 3\0" + bytes(4080))
    alive = cache / f"build-{os.getpid()}"  # a build still running (this process)
    alive.mkdir()
    (cache / "build-notes").mkdir()  # not a name a build gives
    assert run(["list"], vault).exit_code == 0
    assert sorted(p.name for p in cache.glob("build-*")) == sorted([alive.name, "build-notes"])


def test_a_killed_cold_build_leaves_nothing_after_the_next_command(tmp_path):
    """kill -9 of a first build of 1,000 clients while its workers write their parts: the
    parts are owner-only, and the next command (here on what is left of the vault after
    most files went: the size does not matter) removes them."""
    import signal
    import subprocess
    import sys
    import time

    from conftest import REPO

    root = tmp_path / "book"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(root), "--clients", "1000"],
                   check=True, capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "rmnotes", "--vault", str(root), "list", "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    parts: list = []
    while not parts and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
        parts = list((root / ".rmnotes").glob("build-*/part-*.sqlite"))
    os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers
    proc.wait()
    assert parts, "the build ended before its parts could be seen"
    assert {oct(p.stat().st_mode & 0o777) for p in parts if p.exists()} <= {"0o600"}
    assert list((root / ".rmnotes").glob("build-*"))
    for path in sorted((root / "clients").glob("*.md"))[20:]:
        path.unlink()
    assert run(["list", "--json"], root).exit_code == 0
    assert list((root / ".rmnotes").glob("build-*")) == []
