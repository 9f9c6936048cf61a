"""Atomic writes: the whole new file or the old one, never half, and no litter."""

from __future__ import annotations

import stat

import pytest

from rmnotes.vault import atomic_write


def test_atomic_write_replaces_keeps_the_mode_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "clients" / "wang-wei.md"
    atomic_write(path, b"one\n")
    assert path.read_bytes() == b"one\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # a new file is owner-only
    path.chmod(0o640)
    atomic_write(path, b"two\n")
    assert path.read_bytes() == b"two\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # an existing one keeps its mode
    assert sorted(p.name for p in path.parent.iterdir()) == ["wang-wei.md"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "clients" / "a.md"
    path.parent.mkdir()
    path.write_bytes(b"old\n")
    with pytest.raises(TypeError):
        atomic_write(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in path.parent.iterdir()] == ["a.md"]


def test_a_write_that_cannot_replace_its_target_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "clients" / "a.md"
    target.mkdir(parents=True)  # a folder where the file should go: the rename fails
    with pytest.raises(IsADirectoryError):
        atomic_write(target, b"new\n")
    assert [p.name for p in target.parent.iterdir()] == ["a.md"]
    assert target.is_dir()
