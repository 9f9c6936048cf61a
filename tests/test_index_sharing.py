"""Many rmn at once share one index file: none deletes, rebuilds or seals it while another
has it open (SQLite answers "disk I/O error" to a reader whose file was deleted under it).
The locks are real ``flock`` locks, which conflict between two opens of the file in one
process as between two processes."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import SAMPLE
from rmnotes.index import Index, schema
from rmnotes.vault import Vault


@pytest.fixture
def vault(tmp_path) -> Vault:
    root = tmp_path / "book"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".rmnotes", ".git"))
    return Vault(root)


def _db(vault: Vault):
    return vault.cache_dir / schema.DB_NAME


def test_a_file_to_build_anew_is_left_to_the_rmn_reading_it(vault):
    reader = Index.open(vault)
    names = reader.names()
    with pytest.raises(schema.InUse):
        schema.connect(_db(vault), anew=True)
    assert reader.names() == names  # its file is still there, and whole
    reader.close()
    schema.close(schema.connect(_db(vault), anew=True), _db(vault))  # alone: built anew


def test_damage_found_while_another_rmn_reads_gives_this_run_an_index_in_memory(vault):
    reader = Index.open(vault)
    other = Index.open(vault)
    expected = other.names()
    other._rebuild()  # what a query that finds damage does
    assert other.unsaved == ""  # in memory, for this run only: nothing to warn of
    assert other.names() == expected
    assert reader.names() == expected
    other.close()
    reader.close()


def test_only_the_last_rmn_to_close_seals_the_index(vault):
    seal = vault.cache_dir / schema.SEAL_NAME
    first, second = Index.open(vault), Index.open(vault)
    seal.unlink(missing_ok=True)
    first.close()
    assert not seal.exists()
    second.close()
    assert seal.read_text(encoding="ascii") == schema._stat_text(_db(vault))
    assert not schema.foreign(_db(vault))


def test_a_reader_in_another_process_keeps_its_file(vault):
    """The other rmn is a real process holding the index open."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from rmnotes.index import schema\n"
         f"c = schema.connect(Path({str(_db(vault))!r})); c.execute('SELECT 1').fetchall()\n"
         "print('open', flush=True); sys.stdin.readline()\n"
         "print(c.execute('SELECT count(*) FROM clients').fetchone()[0], flush=True)"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        Index.open(vault).close()  # built, so that the holder has clients to count
        assert holder.stdout.readline() == "open\n"
        with pytest.raises(schema.InUse):
            schema.connect(_db(vault), anew=True)
        out, _ = holder.communicate("go\n", timeout=30)
    finally:
        holder.kill()
    assert int(out) == len(list((vault.root / "clients").glob("*.md")))
