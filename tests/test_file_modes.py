"""Symbolic links and file modes: rmn never writes through a link; `rmn check` warns about
linked client files and files others may read or write; `--fix-modes` makes the vault
owner-only and says what it changed."""

from __future__ import annotations

import os
import stat
import textwrap
from pathlib import Path

import pytest

from conftest import SMALL_CLIENT as WANG
from conftest import git, run, write_client



def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def linked(vault, tmp_path) -> tuple[Path, Path]:
    """clients/wang-wei.md is a link to a 0644 file outside the vault (committed as a link)."""
    outside = tmp_path / "elsewhere" / "wang-wei.md"
    outside.parent.mkdir()
    outside.write_text(textwrap.dedent(WANG), encoding="utf-8")
    outside.chmod(0o644)
    link = vault / "clients" / "wang-wei.md"
    link.symlink_to(outside)
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "a linked client")
    return link, outside


@pytest.mark.parametrize("args", [["log", "wang-wei", "T", "x"], ["done", "wang-wei"],
                                  ["review", "wang-wei", "--record"]], ids=lambda a: " ".join(a[:1] + a[2:]))
def test_no_write_goes_through_a_symbolic_link(vault, linked, args):
    link, outside = linked
    before, head = outside.read_bytes(), git(vault, "rev-parse", "HEAD")
    result = run(args, vault)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        f"rmn: error: clients/wang-wei.md is a symbolic link (to {outside}); rmn does not write through "
        "links: put the file itself in its place; nothing was written")
    assert link.is_symlink() and os.readlink(link) == str(outside)
    assert outside.read_bytes() == before and mode(outside) == 0o644
    assert git(vault, "rev-parse", "HEAD") == head and git(vault, "status", "--porcelain") == ""


def test_a_link_is_still_read(vault, linked):
    shown = run(["show", "wang-wei"], vault)
    assert shown.exit_code == 0 and "王偉" in shown.stdout


def test_check_warns_about_links_and_files_others_may_read(vault, linked, tmp_path):
    write_client(vault, "open", "---\nname: 開放\n---\n").chmod(0o644)
    write_client(vault, "group", "---\nname: 群組\n---\n").chmod(0o620)
    write_client(vault, "private", "---\nname: 私人\n---\n")  # 0600
    write_client(vault, "read-only", "---\nname: 唯讀\n---\n").chmod(0o400)
    (vault / "clients" / "gone.md").symlink_to(tmp_path / "nowhere.md")
    result = run(["check"], vault)
    assert result.exit_code == 0  # warnings only
    assert result.output.splitlines() == [
        f"clients/gone.md: warning: a symbolic link to {tmp_path / 'nowhere.md'}, which does not exist: rmn "
        "reads it but never writes through it; put the file itself in its place",
        "clients/group.md: warning: readable or writable by others (mode 0620); 'rmn check --fix-modes' "
        "makes it owner-only (0600)",
        "clients/open.md: warning: readable or writable by others (mode 0644); 'rmn check --fix-modes' "
        "makes it owner-only (0600)",
        f"clients/wang-wei.md: warning: a symbolic link to {linked[1]}: rmn reads it but never writes "
        "through it; put the file itself in its place",
    ]


def test_fix_modes_makes_the_vault_owner_only_and_says_what_it_changed(vault, linked):
    link, outside = linked
    write_client(vault, "open", "---\nname: 開放\n---\n").chmod(0o644)
    reviews = vault / "clients" / "open" / "reviews"
    reviews.mkdir(parents=True)
    (vault / "clients" / "open").chmod(0o755)
    reviews.chmod(0o775)
    (reviews / "2026-11-28.pdf").write_bytes(b"%PDF")
    (reviews / "2026-11-28.pdf").chmod(0o664)
    (vault / "clients").chmod(0o755)
    git_config = vault / ".git" / "config"
    git_mode = mode(git_config)

    result = run(["check", "--fix-modes"], vault)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "clients/: mode 0755 -> 0700",
        "clients/open.md: mode 0644 -> 0600",
        "clients/open/: mode 0755 -> 0700",
        "clients/open/reviews/: mode 0775 -> 0700",
        "clients/open/reviews/2026-11-28.pdf: mode 0664 -> 0600",
    ]
    assert "readable or writable" not in result.stdout  # fixed before the check
    assert mode(vault / "clients" / "open.md") == 0o600 and mode(reviews) == 0o700
    assert mode(outside) == 0o644 and link.is_symlink()  # a link and its target are left alone
    assert mode(git_config) == git_mode  # .git is git's
    again = run(["check", "--fix-modes"], vault)
    assert again.stderr == ""

