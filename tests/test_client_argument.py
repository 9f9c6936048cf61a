"""CLIENT, the one argument type of every client command: an exact id (even of a file that
does not parse), else a name, alias, pinyin or prefix through the index."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import git, run
from test_log import snapshot, subjects

BROKEN = "---\nname: 壞\ntier: [A\nstatus: active\n---\n\n## Follow-ups\n- [ ] 2026-12-01 回電\n\n## Log\n"
PARSE_ERROR = "rmn: error: clients/broken.md:3: YAML syntax error"
NEXT_STEP = "; fix it with 'rmn edit broken' (rmn check lists every problem)\n"


@pytest.fixture
def book(sample):
    """The sample vault with clients/broken.md, whose front-matter has a YAML error on line 3."""
    (sample / "clients" / "broken.md").write_text(BROKEN, encoding="utf-8")
    git(sample, "add", "-A")
    git(sample, "commit", "-q", "-m", "add broken")
    return sample


def editor(tmp_path, monkeypatch, body: str = "") -> object:
    """$EDITOR: a script that appends the path it was given to a record file, then runs ``body``."""
    record = tmp_path / "editor-calls.txt"
    script = tmp_path / "editor.py"
    script.write_text(f"import sys\np = sys.argv[1]\nopen({str(record)!r}, 'a').write(p + '\\n')\n{body}\n",
                      encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    return record


FIX = ("t = open(p, encoding='utf-8').read().replace('tier: [A', 'tier: A')\n"
       "open(p, 'w', encoding='utf-8').write(t)")


# ---------------------------------------------------------------- a file that does not parse
@pytest.mark.parametrize("args", [["show", "broken"], ["show", "broken", "--json"], ["review", "broken"],
                                  ["review", "broken", "--json"], ["log", "broken"], ["done", "broken", "1"]])
def test_a_broken_file_by_id_shows_its_parse_error_and_the_next_step(book, args):
    before = snapshot(book)
    result = run(args, book)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(PARSE_ERROR) and result.stderr.endswith(NEXT_STEP)
    assert result.stderr.count("\n") == 1
    assert snapshot(book) == before


def test_logging_to_a_broken_file_gives_the_parse_error_and_writes_nothing(book):
    before = snapshot(book)
    result = run(["log", "broken", "T", "x", "--date", "2026-11-20"], book)
    assert result.exit_code == 1
    assert result.stderr.startswith(PARSE_ERROR) and "nothing was written" in result.stderr
    assert snapshot(book) == before


def test_edit_opens_a_broken_file_and_commits_the_fix(book, tmp_path, monkeypatch):
    record = editor(tmp_path, monkeypatch, FIX)
    result = run(["edit", "broken"], book)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert record.read_text().splitlines() == [str(book / "clients" / "broken.md")]
    assert subjects(book)[0] == "edit: 壞 (broken)"
    assert git(book, "status", "--porcelain") == ""
    assert json.loads(run(["show", "broken", "--json"], book).stdout)["tier"] == "A"


def test_the_command_a_bad_edit_suggests_works(book, tmp_path, monkeypatch):
    record = editor(tmp_path, monkeypatch)  # saves the file as it was: still broken
    result = run(["edit", "broken"], book)
    assert result.exit_code == 0
    assert result.stderr.startswith("clients/broken.md:3: YAML syntax error")
    assert result.stderr.endswith("clients/broken.md has errors (above); it is committed so nothing is lost. "
                                  "Fix it with 'rmn edit broken'.\n")
    editor(tmp_path, monkeypatch, FIX)
    assert run(["edit", "broken"], book).exit_code == 0
    assert len(record.read_text().splitlines()) == 2
    assert run(["show", "broken"], book).exit_code == 0


@pytest.mark.parametrize("args", [["show", "壞"], ["log", "壞", "T", "x"], ["show", "broken "]])
def test_a_broken_file_is_found_by_its_name_line_and_shows_its_parse_error(book, args):
    """The index cannot read the file, but its ``name:`` line (or its id) still names it:
    the command shows why the file cannot be read, never "no client matches"."""
    before = snapshot(book)
    result = run(args, book)
    assert result.exit_code == 1
    assert result.stderr.startswith(PARSE_ERROR), result.stderr
    assert snapshot(book) == before


def test_a_broken_clients_name_never_falls_to_a_relative_who_shares_it(sample):
    """陳美玲's own file is broken; 林志明's file lists her as his spouse. Her name must not
    log the call into his file: the parse error of hers, and nothing written."""
    path = sample / "clients" / "chen-mei-ling.md"
    path.write_text(path.read_text(encoding="utf-8").replace("\ntier: A", "\ntier: [A", 1), encoding="utf-8")
    git(sample, "commit", "-qam", "break her file")
    assert "陳美玲" in (sample / "clients" / "lin-zhi-ming.md").read_text(encoding="utf-8")
    before = snapshot(sample)
    for args in (["log", "陳美玲", "T", "打電話"], ["log", "陈美玲", "T", "打電話"], ["show", "陳美玲"],
                 ["brief", "陳美玲"], ["done", "陳美玲", "1"]):
        result = run(args, sample)
        assert result.exit_code == 1, args
        assert result.stderr.startswith("rmn: error: clients/chen-mei-ling.md:"), (args, result.stderr)
        assert "spouse" not in result.stderr
    assert snapshot(sample) == before


# ---------------------------------------------------------------- resolving
QUERIES = ["zeng-guo-qiang", "曾國強", "曾国强", "曾董", "Kevin Tseng", "kevintseng", "zeng guo qiang", "zengg"]


@pytest.mark.parametrize("query", QUERIES)
def test_every_command_resolves_id_name_alias_pinyin_and_prefix(book, query):
    assert json.loads(run(["show", query, "--json"], book).stdout)["id"] == "zeng-guo-qiang"
    assert json.loads(run(["review", query, "--json", "--as-of", "2026-11-28"], book).stdout)["client"] \
        == "zeng-guo-qiang"
    assert {e["client"] for e in json.loads(run(["log", query, "--json"], book).stdout)} == {"zeng-guo-qiang"}
    assert "init: adopt vault" in run(["history", query], book).stdout


def test_done_and_edit_resolve_by_name(book, tmp_path, monkeypatch):
    record = editor(tmp_path, monkeypatch)
    assert run(["edit", "曾董"], book).exit_code == 0
    assert record.read_text().splitlines() == [str(book / "clients" / "zeng-guo-qiang.md")]
    result = run(["done", "Kevin Tseng", "生日"], book)
    assert result.exit_code == 0, result.output
    assert result.stderr == "done: 曾國強 (zeng-guo-qiang) 2. 2026-12-01 子睿生日前寄禮物（12/9）\n"


def test_a_name_that_reads_like_a_clients_is_read_and_said_but_never_written(book):
    """陳美鈴 reads chen mei ling, as 陳美玲 does: a typing slip, or maybe someone new. Shown
    as 陳美玲, stderr saying so before anything else; a write to 陳美玲's file on that name
    alone is refused, nothing written; the exact name says nothing."""
    result = run(["show", "陳美鈴"], book)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "陳美鈴 reads like 陳美玲 (chen-mei-ling): taken as that client"
    before = git(book, "rev-parse", "HEAD")
    for args in (["log", "陳美鈴", "T", "來電"], ["done", "陳美鈴", "2"], ["set", "陳美鈴", "tier", "A"]):
        refused = run(args, book)
        assert refused.exit_code == 1, (args, refused.output)
        assert ("rmn: error: 陳美鈴 is not the name of 陳美玲 (chen-mei-ling), only read the same; write 陳美玲 or "
                "chen-mei-ling to be sure it is that client; nothing was written") in refused.stderr
    assert git(book, "rev-parse", "HEAD") == before and git(book, "status", "--porcelain") == ""
    assert run(["log", "陳美玲", "T", "來電"], book).exit_code == 0
    assert "reads like" not in run(["show", "陳美玲"], book).stderr
    assert "reads like" not in run(["show", "陈美玲"], book).stderr  # Simplified: the same name


def test_a_family_members_own_name_comes_before_a_name_that_reads_alike(book):
    """陳美鈴, written so, is 王偉's sister: her brother's file, not 陳美玲's."""
    wang = book / "clients" / "wang-wei.md"
    text = wang.read_text(encoding="utf-8")
    wang.write_text(text.replace("family:\n", "family:\n  - {name: 陳美鈴, relation: sibling}\n", 1),
                    encoding="utf-8")
    result = run(["show", "陳美鈴", "--json"], book)
    assert json.loads(result.stdout)["id"] == "wang-wei"
    assert "reads like" not in result.stderr and "陳美鈴" in result.stderr


AMBIGUOUS = ("rmn: error: 'zeng' matches 2 clients: 曾國強 (zeng-guo-qiang), 曾雅惠 (zeng-ya-hui); "
             "give more of the name or the id\n")


@pytest.mark.parametrize("args", [["show", "zeng"], ["review", "zeng"], ["log", "zeng"], ["log", "zeng", "T", "x"],
                                  ["done", "zeng", "1"], ["edit", "zeng"], ["history", "zeng"]])
def test_an_ambiguous_client_lists_the_candidates_and_changes_nothing(book, tmp_path, monkeypatch, args):
    record = editor(tmp_path, monkeypatch)
    before = snapshot(book)
    result = run(args, book)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.endswith(AMBIGUOUS)
    assert snapshot(book) == before
    assert not record.exists()


def test_an_unknown_client_names_the_nearest(book):
    result = run(["log", "zengguoqaing", "T", "x"], book)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(
        "rmn: error: no client matches 'zengguoqaing'; nearest: 曾國強 (zeng-guo-qiang)")


def test_an_id_looking_text_without_a_file_goes_through_the_index(book):
    """'zeng-guo' is no file, but the prefix of one client's id."""
    assert json.loads(run(["show", "zeng-guo", "--json"], book).stdout)["id"] == "zeng-guo-qiang"
