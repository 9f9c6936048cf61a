"""App.change_file, the one door for writes: it returns what the transform produced and the commit."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import git
from rmnotes.app import App
from rmnotes.errors import DataError
from test_log import commit_client, subjects


@dataclass(frozen=True)
class Upper:
    data: bytes
    size: int


def test_the_transforms_value_and_the_commit_come_back(vault):
    commit_client(vault, "li-na", "---\nname: 李娜\n---\n")
    app = App(vault_option=str(vault))
    changed = app.change_file("clients/li-na.md", lambda data: Upper(data.upper(), len(data)),
                              lambda value: f"upper: {value.size} bytes")
    assert changed.value == Upper("---\nNAME: 李娜\n---\n".encode(), 21)
    assert changed.commit.ok and changed.commit.sha == git(vault, "rev-parse", "HEAD").strip()
    assert subjects(vault)[0] == "upper: 21 bytes"
    assert (vault / "clients" / "li-na.md").read_bytes() == changed.value.data


def test_bare_bytes_and_no_change_mean_no_commit(vault):
    commit_client(vault, "li-na", "---\nname: 李娜\n---\n")
    before = subjects(vault)
    changed = App(vault_option=str(vault)).change_file("clients/li-na.md", lambda data: data, "unused")
    assert changed.value == "---\nname: 李娜\n---\n".encode()
    assert changed.commit.sha is None
    assert subjects(vault) == before


def test_a_missing_file_needs_create(vault):
    app = App(vault_option=str(vault))
    with pytest.raises(DataError, match="clients/x.md: the file is gone; nothing was written"):
        app.change_file("clients/x.md", lambda data: b"x", "x")
    changed = app.change_file("clients/x.md", lambda data: b"---\nname: X\n---\n", "new: x", create=True)
    assert changed.commit.sha and subjects(vault)[0] == "new: x"
