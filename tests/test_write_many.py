"""Many files at once (an import): each whole, and none at all when one cannot be written."""

from __future__ import annotations

import pytest

from rmnotes.vault import atomic_write_many


def test_files_are_written_whole_keeping_modes_and_never_replacing_a_new_one(tmp_path):
    old = tmp_path / "clients" / "old.md"
    old.parent.mkdir()
    old.write_bytes(b"before")
    old.chmod(0o640)
    new = tmp_path / "clients" / "new.md"
    atomic_write_many([(old, b"after", False), (new, b"fresh", True)])
    assert old.read_bytes() == b"after" and (old.stat().st_mode & 0o777) == 0o640
    assert new.read_bytes() == b"fresh" and (new.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in old.parent.iterdir()) == ["new.md", "old.md"]  # no temp files left
    with pytest.raises(FileExistsError):
        atomic_write_many([(new, b"again", True)])
    assert new.read_bytes() == b"fresh"


def test_one_file_that_cannot_be_written_stops_them_all(tmp_path):
    folder = tmp_path / "clients"
    folder.mkdir()
    good = folder / "a.md"
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where a folder should be")
    with pytest.raises(OSError):
        atomic_write_many([(good, b"a", True), (blocked / "b.md", b"b", True)])
    assert list(folder.iterdir()) == []  # the good one was not moved in, and its temp file is gone


def test_a_temp_file_that_fails_removes_the_others(tmp_path):
    folder = tmp_path / "clients"
    folder.mkdir()
    items = [(folder / f"{i}.md", b"x" * 1000, True) for i in range(20)] + [(folder / "bad.md", None, True)]
    with pytest.raises(TypeError):
        atomic_write_many(items)
    assert list(folder.iterdir()) == []
