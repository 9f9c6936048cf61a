"""`rmn list --csv FILE`: a file Excel opens with the Chinese intact (a UTF-8 byte-order
mark, CRLF line ends); `--csv` alone still prints plain UTF-8 on stdout."""

from __future__ import annotations

import csv
import stat

import pytest

from conftest import run, write_client

BOM = b"\xef\xbb\xbf"
HEADER = ["id", "name", "tier", "status", "risk", "children", "last_contact", "tags"]


@pytest.fixture
def book(bare_vault):
    write_client(bare_vault, "wang-wei", "---\nname: 王偉\ntier: A\ntags: [高爾夫, golf]\nrisk: {profile: 3}\n---\n"
                                         "## Log\n- 2026-11-05 T 電話, \"報價\"\n")
    write_client(bare_vault, "chen-mei-ling", "---\nname: 陳美玲\ntier: B\n---\n")
    return bare_vault


ROWS = [["chen-mei-ling", "陳美玲", "B", "active", "", "0", "", ""],
        ["wang-wei", "王偉", "A", "active", "3", "0", "2026-11-05", "高爾夫 golf"]]


def test_csv_to_a_file_has_a_byte_order_mark_and_reads_back(book, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # FILE is where the user is, not in the vault
    result = run(["list", "--csv", "客戶.csv"], book)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "wrote 客戶.csv (2 clients)\n")
    path = tmp_path / "客戶.csv"
    data = path.read_bytes()
    assert data.startswith(BOM + b"id,name,")
    assert data.count(b"\r\n") == 3 and b"\n" not in data.replace(b"\r\n", b"")
    with open(path, encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f)) == [HEADER, *ROWS]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # client data: owner-only
    assert not list(book.glob("*.csv"))


@pytest.mark.parametrize("args", [["--csv"], ["--csv", "-"], ["--csv", "--tier", "A"]],
                         ids=["alone", "dash", "before-another-option"])
def test_csv_on_stdout_has_no_byte_order_mark(book, args):
    result = run(["list", *args], book)
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"id,name,") and BOM not in result.stdout_bytes
    rows = list(csv.reader(result.stdout_bytes.decode("utf-8").splitlines()))
    assert rows == [HEADER, *(r for r in ROWS if "--tier" not in args or r[2] == "A")]


def test_csv_into_a_folder_that_does_not_exist_is_an_error_and_makes_nothing(book, tmp_path):
    target = tmp_path / "no-such-folder" / "book.csv"
    result = run(["list", "--csv", str(target)], book)
    assert result.exit_code == 1
    assert result.stderr == (f"rmn: error: {target}: the folder {target.parent} does not exist; "
                             "create it or choose another place\n")
    assert not target.parent.exists()


def test_the_readme_tells_of_the_file_and_its_mark():
    from test_docs import _section

    entry = _section("list")
    assert "--csv [FILE]" in entry and "`--csv FILE`" in entry and "byte-order mark" in entry
