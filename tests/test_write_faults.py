"""Messages, never tracebacks, and nothing half-written: names YAML would misread, names
too long for a file name, a read-only vault, a full disk, a NUL byte in the text."""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SMALL_CLIENT as WANG
from conftest import git, run, write_client
from rmnotes.parse import parse_client



def commit_all(vault: Path, message: str = "setup") -> None:
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", message)


def state(vault: Path) -> tuple:
    files = {p.relative_to(vault).as_posix(): p.read_bytes() for p in sorted((vault / "clients").rglob("*"))
             if p.is_file()}
    return files, git(vault, "rev-list", "--all", "--count"), git(vault, "--no-optional-locks", "status", "--porcelain")


def only_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rmn: error: "), result.stderr
    return lines[0]


# ---------------------------------------------------------------------- names
NAMES = ["*VIP", "!important", "%x", "@home", "`tick", "|pipe", ">arrow", "&anchor", "#1 client",
         "- dash", "? question", ": colon", "a: b", "x #y", "[list]", "{map}", "'quoted", '"double',
         "no", "true", "null", "~", "123", "0912345678", "2026-01-01", "12:30", "王偉 *VIP*",
         "It's Mr. O'Neil", "back\\slash"]


@pytest.mark.parametrize("name", NAMES)
def test_new_takes_any_name_and_the_file_reads_back_to_it(vault, name):
    result = run(["new", "--no-edit", "--", name], vault)
    assert result.exit_code == 0, result.output
    rel = result.stderr.split("created ", 1)[1].strip()
    parsed = parse_client((vault / rel).read_text(encoding="utf-8"), rel)
    assert parsed.client is not None and parsed.client.name == name, parsed.issues
    assert run(["check"], vault).output == ""
    assert git(vault, "log", "-1", "--format=%s").startswith(f"new: {name} (")


def test_a_plain_name_stays_plain(vault):
    run(["new", "David Lin", "--no-edit"], vault)
    assert "\nname: David Lin\n" in (vault / "clients" / "david-lin.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name, code", [("王\x00偉", "U+0000"), ("王\t偉", "U+0009"), ("王\n偉", "U+000A")])
def test_control_characters_in_a_name_are_refused(vault, name, code):
    result = run(["new", name, "--no-edit"], vault)
    assert result.exit_code == 2 and f"NAME holds a control character ({code})" in result.stderr
    assert list((vault / "clients").iterdir()) == []


@pytest.mark.parametrize("name", ["王" * 100, "a" * 300, "Alexander " * 40])
def test_a_name_too_long_for_a_file_name_gets_a_shorter_id(vault, name):
    for extra in ([], ["--duplicate"]):
        result = run(["new", name, "--no-edit", *extra], vault)
        assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (vault / "clients").glob("*.md"))
    assert len(files) == 2 and all(len(f.encode()) <= 255 for f in files)
    first = files[0] if not files[0].endswith("-2.md") else files[1]
    assert len(first) <= 80 + 3 and not first.startswith("-") and "--" not in first
    assert parse_client((vault / "clients" / first).read_text(encoding="utf-8"), "x").client.name == name.strip()


def test_an_id_too_long_for_a_file_name_is_looked_up_not_a_traceback(vault):
    result = run(["show", "a" * 300], vault)
    assert only_error(result).startswith("rmn: error: no client matches 'aaaa")


# ---------------------------------------------------------------------- a read-only vault
@contextlib.contextmanager
def read_only(vault: Path):
    """The vault made read-only: a read-only bind mount for root (whom modes do not stop),
    the write bits taken away for anyone else."""
    if os.geteuid() == 0:
        if not shutil.which("mount") or subprocess.run(["mount", "--bind", str(vault), str(vault)],
                                                       capture_output=True).returncode != 0:
            pytest.skip("cannot bind-mount here")
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(vault)], check=True, capture_output=True)
            yield
        finally:
            subprocess.run(["umount", str(vault)], check=True)
    else:
        modes = {}
        for path in [vault, *vault.rglob("*")]:
            if not path.is_symlink():
                modes[path] = path.stat().st_mode
                path.chmod(path.stat().st_mode & ~0o222)
        try:
            yield
        finally:
            for path, mode in reversed(modes.items()):
                path.chmod(mode)


@pytest.fixture
def wang(vault) -> Path:
    path = write_client(vault, "wang-wei", WANG)
    commit_all(vault)
    assert run(["list"], vault).exit_code == 0  # the index and caches exist, as in daily use
    return path


@pytest.mark.parametrize("args, rel", [
    (["log", "wang-wei", "T", "x"], "clients/wang-wei.md"),
    (["done", "wang-wei"], "clients/wang-wei.md"),
    (["review", "wang-wei", "--record", "--json"], "clients/wang-wei.md"),
    (["new", "林淑芬", "--no-edit"], "clients/"),
], ids=lambda v: v[0] if isinstance(v, list) else None)
def test_a_read_only_vault_is_a_message_naming_the_file(vault, wang, args, rel):
    before = state(vault)
    with read_only(vault):
        result = run(args, vault)
    message = only_error(result)
    assert message.startswith(f"rmn: error: {rel}: cannot write (")
    assert message.endswith(("(the vault is on a read-only file system); nothing was written: remount it "
                             "writable or work in a writable copy",
                             "(permission denied); nothing was written: make the vault's folders and files "
                             "yours and writable (chmod -R u+w on the vault)"))
    assert state(vault) == before


# ---------------------------------------------------------------------- a full disk
@pytest.fixture
def full_disk(tmp_path):
    """A vault on a 4 MB file system, then filled to the last byte (root only: skipped otherwise)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here")
    try:
        yield mount
    finally:
        gc.collect()  # the index's SQLite connection, still open in the finished App
        subprocess.run(["umount", "--lazy", str(mount)], check=True)


def fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
    finally:
        os.close(fd)


def test_a_full_disk_is_a_message_and_the_file_is_untouched(full_disk):
    root = full_disk / "vault"
    root.mkdir()
    (root / "rmnotes.yaml").write_text("owner: 陳經理\n", encoding="utf-8")
    (root / "clients").mkdir()
    path = write_client(root, "wang-wei", WANG)
    assert run(["init", str(root)]).exit_code == 0
    assert run(["list"], root).exit_code == 0
    before = state(root)
    fill(full_disk)
    result = run(["log", "wang-wei", "T", "a long entry " * 400], root)
    assert only_error(result) == ("rmn: error: clients/wang-wei.md: cannot write (the disk is full); nothing was "
                                  "written: free some space and run the command again")
    assert state(root) == before
    assert sorted(p.name for p in (root / "clients").iterdir()) == ["wang-wei.md"]  # no temp file left
    (full_disk / "filler").unlink()
    assert run(["log", "wang-wei", "T", "x"], root).exit_code == 0
    assert path.read_text(encoding="utf-8").endswith(" T x\n")


def test_a_write_that_fails_midway_leaves_the_file_as_it_was(vault, wang, monkeypatch):
    """The same through the vault's own writer (for machines where no small file system can
    be mounted): the temp file's write fails as on a full disk."""
    from rmnotes import vault as vault_module

    def no_space(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(vault_module.os, "fsync", no_space)
    before = state(vault)
    message = only_error(run(["log", "wang-wei", "T", "x"], vault))
    assert message.endswith("clients/wang-wei.md: cannot write (the disk is full); nothing was written: free "
                            "some space and run the command again")
    assert state(vault) == before
    assert sorted(p.name for p in (vault / "clients").iterdir()) == ["wang-wei.md"]


# ---------------------------------------------------------------------- NUL and control characters
@pytest.mark.parametrize("args, text", [
    (["log", "wang-wei", "T", "-"], "客戶\x00同意"),
    (["log", "wang-wei", "T", "客戶同意", "--next", "2026-12-01 寄\x00送"], None),
    (["log", "wang-wei", "T", "客戶同意", "--with", "林\x00淑芬"], None),
    (["log", "wang-wei", "T", "-"], "bell\x07"),
])
def test_a_nul_byte_or_control_character_in_the_text_is_refused_before_anything_is_written(vault, wang, args, text):
    before = state(vault)
    message = only_error(run(args, vault, input=text))
    assert ("holds a NUL byte" in message or "holds a control character (U+0007)" in message), message
    assert "which a client file cannot keep; remove it and try again (nothing was written)" in message
    assert state(vault) == before


def test_tabs_and_line_breaks_are_still_text(vault, wang):
    result = run(["log", "wang-wei", "T", "-"], vault, input="第一行\t備註\r\n第二行\n")
    assert result.exit_code == 0, result.output
    assert wang.read_text(encoding="utf-8").endswith(" T 第一行\t備註\n  第二行\n")
