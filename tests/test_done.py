"""rmn done: tick one follow-up in place, by number or text; ambiguity changes nothing."""

from __future__ import annotations

import textwrap

import pytest

from conftest import git, run
from test_log import commit_client, snapshot, subjects

CHEN = """\
    ---
    name: 陳美玲
    tier: B
    ---

    ## Follow-ups
    - [ ] 2026-12-01 寄送保險提案
    - [x] 2026-11-10 確認基金轉換
    - [ ] 2026-12-03 寄送基金月報

    ## Log
    - 2026-11-05 M 季度資產回顧
"""


@pytest.fixture
def chen(vault):
    return commit_client(vault, "chen-mei-ling", CHEN)


def test_next_then_done(vault):
    path = commit_client(vault, "li-na", "---\nname: 李娜\n---\n\n## Log\n")
    assert run(["log", "li-na", "T", "談保單", "--date", "2026-11-20", "--next", "2026-12-01 寄送保險提案"],
               vault=vault).exit_code == 0
    assert "- [ ] 2026-12-01 寄送保險提案\n" in path.read_text(encoding="utf-8")
    before = path.read_bytes()
    result = run(["done", "li-na", "保險"], vault=vault)
    assert result.exit_code == 0, result.output
    assert result.stderr == "done: 李娜 (li-na) 1. 2026-12-01 寄送保險提案\n"
    assert path.read_bytes() == before.replace("- [ ] 2026-12-01".encode(), "- [x] 2026-12-01".encode())
    assert subjects(vault)[0] == "done: 李娜 (li-na) 2026-12-01 寄送保險提案"
    assert git(vault, "status", "--porcelain") == ""


def test_done_by_number_changes_one_byte_of_a_crlf_file(vault):
    path = vault / "clients" / "chen-mei-ling.md"
    path.write_bytes(b"\xef\xbb\xbf" + textwrap.dedent(CHEN).replace("\n", "\r\n").encode())
    git(vault, "add", "-A")
    git(vault, "commit", "-q", "-m", "add")
    before = path.read_bytes()
    result = run(["done", "chen", "3"], vault=vault)
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert len(after) == len(before)
    assert [i for i in range(len(before)) if before[i] != after[i]] == [before.index("] 2026-12-03".encode()) - 1]


def test_ambiguous_text_lists_the_candidates_and_changes_nothing(vault, chen):
    before = snapshot(vault)
    result = run(["done", "chen", "寄送"], vault=vault)
    assert result.exit_code == 1
    assert result.stderr == ("rmn: error: 陳美玲 (chen-mei-ling) '寄送' matches 2 open follow-ups: "
                             "1. 2026-12-01 寄送保險提案; 3. 2026-12-03 寄送基金月報; give its number\n")
    assert snapshot(vault) == before
    result = run(["done", "chen"], vault=vault)
    assert result.exit_code == 1 and "has 2 open follow-ups" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["done", "chen", "2"], "2. 2026-11-10 確認基金轉換 is already done"),
    (["done", "chen", "確認"], "2. 2026-11-10 確認基金轉換 is already done; open ones: 1. 2026-12-01 寄送保險提案; "
                             "3. 2026-12-03 寄送基金月報"),
    (["done", "chen", "生日"], "no open follow-up matches '生日'"),
    # a number is a number: never the 6 or the 0 of a date ("2026-12-03")
    (["done", "chen", "6"], "陳美玲 (chen-mei-ling) has no follow-up number 6; open ones: 1. 2026-12-01 寄送保險提案; "
                            "3. 2026-12-03 寄送基金月報"),
    (["done", "chen", "0"], "has no follow-up number 0"),
    (["done", "nobody", "1"], "no client matches 'nobody'"),
])
def test_refusals_change_nothing(vault, chen, args, message):
    before = snapshot(vault)
    result = run(args, vault=vault)
    assert result.exit_code == 1
    assert message in result.stderr
    assert snapshot(vault) == before


def test_text_matches_in_either_script(vault, chen):
    """寄送基金 in Simplified (寄送基金 is the same in both) and 月报 for 月報: one follow-up."""
    result = run(["done", "chen", "基金月报"], vault=vault)
    assert result.exit_code == 0, result.output
    assert result.stderr == "done: 陳美玲 (chen-mei-ling) 3. 2026-12-03 寄送基金月報\n"


def test_the_one_open_follow_up_needs_no_argument_and_dates_match(vault, chen):
    assert run(["done", "chen", "2026-12-03"], vault=vault).exit_code == 0
    assert run(["done", "chen"], vault=vault).stderr == "done: 陳美玲 (chen-mei-ling) 1. 2026-12-01 寄送保險提案\n"
    result = run(["done", "chen"], vault=vault)
    assert (result.exit_code, result.stderr) == (1, "rmn: error: 陳美玲 (chen-mei-ling) has no open follow-ups\n")
    assert chen.read_text(encoding="utf-8").count("- [x]") == 3


def test_a_follow_up_is_named_by_its_day_as_people_type_it(vault):
    """After --next "12/20 寄資料", `rmn done wang 12/20` (or 明天, or the ROC form) ticks it:
    the day as typed, not the text 2026-12-20 holds."""
    from datetime import date, timedelta

    soon, later = date.today() + timedelta(days=1), date.today() + timedelta(days=9)
    path = commit_client(vault, "wang-wei", f"""\
        ---
        name: 王偉
        ---

        ## Follow-ups
        - [ ] {soon.isoformat()} 寄資料
        - [ ] {later.isoformat()} 回電
    """)
    result = run(["done", "wang", f"{later.month}/{later.day}"], vault=vault)
    assert result.exit_code == 0, result.output
    assert run(["done", "wang", "明天"], vault=vault).exit_code == 0
    assert path.read_text(encoding="utf-8").count("- [x]") == 2
