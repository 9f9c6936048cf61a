"""A client file left holding git's conflict markers is an error at each marker's line:
`rmn check` reports it, and read commands skip the file with the usual one-line warning."""

from __future__ import annotations

import textwrap

from conftest import run, write_client
from rmnotes.parse import parse_client

CONFLICTED = textwrap.dedent("""\
    ---
    name: 王偉
    <<<<<<< HEAD
    tier: C
    =======
    tier: B
    >>>>>>> side
    ---
    ## Log
    - 2026-11-05 M 季度資產回顧
""")


def test_each_marker_is_an_error_at_its_line_and_the_file_is_not_read():
    parsed = parse_client(CONFLICTED, "clients/wang-wei.md")
    assert parsed.client is None
    assert [(i.line, i.severity) for i in parsed.issues] == [(3, "error"), (5, "error"), (7, "error")]
    assert str(parsed.issues[0]) == (
        "clients/wang-wei.md:3: git conflict marker '<<<<<<<': the file holds both sides of a merge; "
        "keep the lines you mean, delete the marker lines, then run 'rmn sync --continue' (after a merge "
        "of your own: 'git add' the file)")


def test_markers_in_the_log_with_crlf_and_a_bom_and_the_diff3_base():
    text = ("\ufeff---\r\nname: 王偉\r\n---\r\n## Log\r\n- 2026-11-05 M 回顧\r\n<<<<<<< ours\r\n"
            "- 2026-11-06 T 問候\r\n||||||| base\r\n=======\r\n- 2026-11-07 E 寄信\r\n>>>>>>> theirs\r\n")
    parsed = parse_client(text, "clients/wang-wei.md")
    assert parsed.client is None
    assert [i.line for i in parsed.issues] == [6, 8, 9, 11]


def test_lines_that_only_look_like_markers_are_text():
    """A Markdown heading's underline, or a longer run, is not a marker."""
    text = textwrap.dedent("""\
        ---
        name: 王偉
        ---
        Cautions
        =======

        <<<<<<<< eight is not seven
        ## Log
        - 2026-11-05 M 回顧
    """)
    parsed = parse_client(text, "clients/wang-wei.md")
    assert parsed.client is not None and parsed.issues == ()


def test_check_reports_the_markers_and_read_commands_skip_the_file(vault):
    (vault / "clients" / "wang-wei.md").write_text(CONFLICTED, encoding="utf-8")
    (vault / "clients" / "wang-wei.md").chmod(0o600)
    write_client(vault, "chen-mei-ling", "---\nname: 陳美玲\n---\n")
    checked = run(["check"], vault)
    assert checked.exit_code == 1
    assert [line.split(": ")[0] for line in checked.output.splitlines()] == [
        "clients/wang-wei.md:3", "clients/wang-wei.md:5", "clients/wang-wei.md:7"]
    listed = run(["list"], vault)
    assert listed.exit_code == 0 and "陳美玲" in listed.stdout and "王偉" not in listed.stdout
    assert listed.stderr == ("warning: skipped clients/wang-wei.md:3: git conflict marker '<<<<<<<': the file "
                             "holds both sides of a merge; keep the lines you mean, delete the marker lines, "
                             "then run 'rmn sync --continue' (after a merge of your own: 'git add' the file); "
                             "run 'rmn check' for details\n")
    shown = run(["show", "wang-wei"], vault)
    assert shown.exit_code == 1 and "clients/wang-wei.md:3: git conflict marker" in shown.stderr
