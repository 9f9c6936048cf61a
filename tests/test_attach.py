"""rmn attach: documents copied into the client's folder, owner-only, in one commit, listed
by show and brief; a clash, a hidden name or a link writes nothing."""

from __future__ import annotations

import stat

import pytest

from conftest import SMALL_CLIENT, git, run, write_client


@pytest.fixture
def book(vault):
    write_client(vault, "wang-wei", SMALL_CLIENT)
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "a client")
    return vault


def commits(vault) -> int:
    return int(git(vault, "rev-list", "--count", "HEAD"))


def test_files_are_copied_owner_only_in_one_commit(book, tmp_path):
    a, b = tmp_path / "保險提案.pdf", tmp_path / "kyc.png"
    a.write_bytes(b"%PDF-1.4 proposal")
    b.write_bytes(bytes(range(256)) * 40)
    a.chmod(0o644)
    before = commits(book)
    result = run(["attach", "王偉", str(a), str(b)], vault=book)
    assert result.exit_code == 0, result.output
    assert commits(book) == before + 1
    folder = book / "clients" / "wang-wei"
    for src in (a, b):
        copy = folder / src.name
        assert copy.read_bytes() == src.read_bytes()
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert git(book, "log", "-1", "--format=%s").strip() == "attach: 王偉 (wang-wei) 保險提案.pdf, kyc.png"
    assert sorted(git(book, "-c", "core.quotePath=false", "show", "--name-only", "--format=", "HEAD").split()) == [
        "clients/wang-wei/kyc.png", "clients/wang-wei/保險提案.pdf"]
    assert git(book, "status", "--porcelain") == ""
    assert "attached 2 files to clients/wang-wei/" in result.stderr


def test_show_lists_the_documents(book, tmp_path):
    doc = tmp_path / "申購書.pdf"
    doc.write_bytes(b"x" * 3000)
    assert run(["attach", "wang-wei", str(doc)], vault=book).exit_code == 0
    out = run(["show", "wang-wei"], vault=book).stdout
    assert "documents" in out and "申購書.pdf" in out and "3 KB" in out


def test_a_name_already_there_refuses_the_whole_batch(book, tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    a.write_bytes(b"first")
    b.write_bytes(b"second")
    assert run(["attach", "wang-wei", str(a)], vault=book).exit_code == 0
    before = commits(book)
    a.write_bytes(b"another a")
    result = run(["attach", "wang-wei", str(b), str(a)], vault=book)
    assert result.exit_code == 1
    assert "clients/wang-wei/a.pdf exists already" in result.stderr and "nothing was written" in result.stderr
    assert not (book / "clients" / "wang-wei" / "b.pdf").exists()
    assert (book / "clients" / "wang-wei" / "a.pdf").read_bytes() == b"first"
    assert commits(book) == before


def test_hidden_names_and_twins_are_refused(book, tmp_path):
    hidden = tmp_path / ".secret.pdf"
    hidden.write_bytes(b"x")
    result = run(["attach", "wang-wei", str(hidden)], vault=book)
    assert result.exit_code == 1 and "hidden" in result.stderr
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    for d in ("one", "two"):
        (tmp_path / d / "form.pdf").write_bytes(d.encode())
    result = run(["attach", "wang-wei", str(tmp_path / "one" / "form.pdf"), str(tmp_path / "two" / "form.pdf")],
                 vault=book)
    assert result.exit_code == 1 and "same name" in result.stderr
    assert not (book / "clients" / "wang-wei").exists()


def test_a_linked_folder_is_never_written_through(book, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (book / "clients" / "wang-wei").symlink_to(elsewhere)
    doc = tmp_path / "form.pdf"
    doc.write_bytes(b"x")
    result = run(["attach", "wang-wei", str(doc)], vault=book)
    assert result.exit_code == 1 and "symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_missing_files_and_clients_are_errors(book, tmp_path):
    result = run(["attach", "wang-wei", str(tmp_path / "nope.pdf")], vault=book)
    assert result.exit_code == 2
    doc = tmp_path / "form.pdf"
    doc.write_bytes(b"x")
    result = run(["attach", "nobody-here", str(doc)], vault=book)
    assert result.exit_code != 0 and "nobody-here" in result.output
