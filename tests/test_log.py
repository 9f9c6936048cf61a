"""rmn log: append one entry byte-exactly and commit it; read the log back."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from conftest import git, run, write_client
from rmnotes.parse import parse_client

TODAY = date.today()

WANG = """\
    ---
    name: 王偉
    aliases: [David Wang]
    tier: A
    ---

    Likes new funds.

    ## Log
    - 2026-11-05 M 季度資產回顧，太太也在場
      with: [林淑芬]
    - 2026-11-20 14:30 T 基金到期續作
"""


def commit_client(vault: Path, client_id: str, text: str) -> Path:
    path = write_client(vault, client_id, text)
    git(vault, "add", "-A")
    git(vault, "commit", "-q", "-m", f"add {client_id}")
    return path


def snapshot(vault: Path) -> tuple[dict[str, bytes], str]:
    files = {p.relative_to(vault).as_posix(): p.read_bytes() for p in sorted(vault.rglob("*"))
             if p.is_file() and ".git" not in p.parts and ".rmnotes" not in p.parts}
    return files, git(vault, "rev-parse", "HEAD")


def subjects(vault: Path) -> list[str]:
    return git(vault, "log", "--format=%s").splitlines()


@pytest.fixture
def wang(vault) -> Path:
    return commit_client(vault, "wang-wei", WANG)


def test_log_appends_one_line_commits_and_confirms(vault, wang):
    wang.chmod(0o640)
    before = wang.read_bytes()
    result = run(["log", "wang", "t", "客戶同意", "轉入平衡型基金", "--date", "2026-11-25"], vault=vault)
    assert result.exit_code == 0, result.output
    assert wang.read_bytes() == before + "- 2026-11-25 T 客戶同意 轉入平衡型基金\n".encode()
    assert result.stdout == ""
    assert result.stderr == ("logged 王偉 (wang-wei) 2026-11-25 T telephone; "
                             "next contact due 2026-12-25 (cadence 1m)\n")
    assert subjects(vault)[0] == "log: 王偉 (wang-wei) T 客戶同意 轉入平衡型基金"
    assert git(vault, "status", "--porcelain") == ""
    assert oct(wang.stat().st_mode & 0o777) == "0o640"  # the file keeps its mode


def test_default_date_is_today_and_time_is_written(vault, wang):
    result = run(["log", "wang-wei", "E", "寄出提案", "--time", "9:05"], vault=vault)
    assert result.exit_code == 0, result.output
    assert wang.read_text(encoding="utf-8").endswith(f"- {TODAY} 09:05 E 寄出提案\n")


def test_byte_exact_on_a_bom_crlf_file(vault):
    text = "\ufeff" + textwrap.dedent(WANG).replace("\n", "\r\n")
    path = vault / "clients" / "wang-wei.md"
    path.write_bytes(text.encode("utf-8"))
    git(vault, "add", "-A")
    git(vault, "commit", "-q", "-m", "add")
    before = path.read_bytes()
    result = run(["log", "wang", "S", "-", "--date", "2026-11-26", "--with", "林淑芬"], vault=vault,
                 input="LINE 訊息\n確認收到\n")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before + "- 2026-11-26 S LINE 訊息\r\n  確認收到\r\n  with: [林淑芬]\r\n".encode()
    entry = parse_client(path.read_text(encoding="utf-8"), "clients/wang-wei.md").client.entries[-1]
    assert (entry.text, dict(entry.attrs)) == ("LINE 訊息\n確認收到", {"with": ["林淑芬"]})


def test_entry_goes_before_a_section_that_follows_the_log(vault):
    path = commit_client(vault, "wang-wei", WANG + "\n    ## 備忘\n    別在週一打電話\n")
    before = path.read_text(encoding="utf-8")
    result = run(["log", "wang", "M", "午餐", "--date", "2026-11-27"], vault=vault)
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == before.replace(
        "基金到期續作\n", "基金到期續作\n- 2026-11-27 M 午餐\n")


def test_missing_log_section_is_created_and_no_final_newline_gets_one(vault):
    path = vault / "clients" / "li-na.md"
    path.write_bytes("---\nname: 李娜\n---\n備註".encode())
    result = run(["log", "li-na", "N", "內部備註", "--date", "2026-11-27"], vault=vault)
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == "---\nname: 李娜\n---\n備註\n\n## Log\n- 2026-11-27 N 內部備註\n".encode()
    # the file was new: committed first as a hand edit, then the entry
    assert subjects(vault)[:2] == ["log: 李娜 (li-na) N 內部備註", "hand edits: clients/li-na.md"]
    assert "no contact yet: due now (cadence 3m)" in result.stderr


def test_hand_edits_are_committed_on_their_own_first(vault, wang):
    wang.write_text(wang.read_text(encoding="utf-8").replace("Likes", "Really likes"), encoding="utf-8")
    assert run(["log", "wang", "T", "x", "--date", "2026-11-27"], vault=vault).exit_code == 0
    assert subjects(vault)[:2] == ["log: 王偉 (wang-wei) T x", "hand edits: clients/wang-wei.md"]
    assert "+Really likes" in git(vault, "show", "HEAD~1")
    assert "+Really likes" not in git(vault, "show", "HEAD")


def test_hand_edits_of_other_files_and_staged_ones_go_first_the_entry_alone(vault, wang):
    commit_client(vault, "li-na", "---\nname: 李娜\n---\n")
    (vault / "clients" / "li-na.md").write_text("---\nname: 李娜\ntier: A\n---\n", encoding="utf-8")
    write_client(vault, "zhou-yi", "---\nname: 周怡\n---\n")
    git(vault, "add", "clients/zhou-yi.md")  # staged by hand inside the vault: a hand edit too
    assert run(["log", "wang", "T", "x", "--date", "2026-11-27"], vault=vault).exit_code == 0
    assert git(vault, "show", "--name-only", "--format=%s", "HEAD").split() == [
        "log:", "王偉", "(wang-wei)", "T", "x", "clients/wang-wei.md"]
    assert git(vault, "show", "--name-only", "--format=%s", "HEAD~1").split() == [
        "hand", "edits:", "clients/li-na.md,", "clients/zhou-yi.md", "clients/li-na.md", "clients/zhou-yi.md"]
    assert git(vault, "status", "--porcelain") == ""


def test_work_staged_outside_the_vault_is_not_swept_into_the_commit(vault, wang):
    (vault / "notes.txt").write_text("mine, staged\n", encoding="utf-8")
    git(vault, "add", "notes.txt")
    assert run(["log", "wang", "T", "x", "--date", "2026-11-27"], vault=vault).exit_code == 0
    assert git(vault, "show", "--name-only", "--format=%s", "HEAD").split()[-1:] == ["clients/wang-wei.md"]
    assert subjects(vault)[1] == "add wang-wei"  # no hand edits commit either
    assert git(vault, "status", "--porcelain") == "A  notes.txt\n"


def test_with_next_and_multiline_from_the_editor(vault, wang, tmp_path, monkeypatch):
    script = tmp_path / "editor.py"
    script.write_text("import sys\nopen(sys.argv[1], 'w', encoding='utf-8').write('見面\\n\\n  談了退休規劃 \\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    result = run(["log", "wang", "m", "--edit", "--date", "2026-11-27", "--with", "林淑芬", "--with", "王小明",
                  "--next", "2026-12-01 寄送保險提案"], vault=vault)
    assert result.exit_code == 0, result.output
    text = wang.read_text(encoding="utf-8")
    assert text.endswith("## Follow-ups\n- [ ] 2026-12-01 寄送保險提案\n\n## Log\n"
                         "- 2026-11-05 M 季度資產回顧，太太也在場\n  with: [林淑芬]\n"
                         "- 2026-11-20 14:30 T 基金到期續作\n"
                         "- 2026-11-27 M 見面\n  談了退休規劃\n  with: [林淑芬, 王小明]\n")
    assert "Likes new funds.\n\n## Follow-ups" in text
    assert result.stderr.endswith("; follow-up 2026-12-01 added\n")
    body = git(vault, "log", "-1", "--format=%b")
    assert "- [ ] 2026-12-01 寄送保險提案" in body


def test_editor_closed_without_text_logs_nothing(vault, wang):
    before = snapshot(vault)
    result = run(["log", "wang", "T", "--edit"], vault=vault)  # EDITOR=true saves nothing
    assert result.exit_code == 2
    assert "nothing logged" in result.stderr
    assert snapshot(vault) == before


def test_cadence_from_the_client_the_tier_or_the_default(vault):
    commit_client(vault, "own", "---\nname: 自訂\ncadence: 2w\ntier: C\n---\n")
    commit_client(vault, "plain", "---\nname: 一般\n---\n")
    commit_client(vault, "gone", "---\nname: 結清\nstatus: closed\n---\n")
    out = [run(["log", cid, "T", "x", "--date", "2026-11-02"], vault=vault).stderr for cid in ("own", "plain", "gone")]
    assert out[0].endswith("next contact due 2026-11-16 (cadence 2w)\n")
    assert out[1].endswith("next contact due 2027-02-02 (cadence 3m)\n")
    assert out[2].endswith("closed: never due\n")


def test_a_late_entry_keeps_the_later_last_contact(vault, wang):
    result = run(["log", "wang", "T", "補記", "--date", "2026-10-01"], vault=vault)
    assert "next contact due 2026-12-20 (cadence 1m)" in result.stderr


# ---------------------------------------------------------------------- refusals
@pytest.mark.parametrize("args, code, message", [
    (["log", "wang", "X", "hello"], 2, "unknown channel 'X'; CH is one of: T telephone; E email; "
                                       "M meeting in person; S short message (SMS, LINE, WhatsApp, WeChat); "
                                       "N internal note (not a contact)"),
    (["log", "wang", "TE", "hello"], 2, "unknown channel 'TE'"),
    (["log", "wang", "T", "hello", "--date", "2026-02-30"], 2, "'2026-02-30' was read as year 2026, month 2, day 30: 2026-02 has no day 30"),
    (["log", "wang", "T", "hello", "--date", "2999-01-01"], 1,
     "2999-01-01 is in the future (today is"),
    (["log", "wang", "T", "hello", "--time", "25:00"], 2, '"25:00" is not a time of day'),
    (["log", "nobody", "T", "hello"], 1, "no client matches 'nobody'"),
    (["log", "wang", "T", "hello", "--next", "2026-13-01 x"], 1, "--next: '2026-13-01' was read as year 2026, month 13, day 1: there is no month 13"),
    (["log", "wang", "T", "hello", "--next", "2026-12-01"], 1, "--next: say what is promised"),
    (["log", "wang", "T"], 2, "TEXT missing"),
    (["log", "wang", "T", "   "], 2, "TEXT missing"),
    (["log", "wang", "T", "first\nnote: second"], 1, 'text line 2 "note: second" would be read as an attribute'),
    (["log", "wang", "--date", "2026-11-01"], 2, "--date need a channel and text"),
    (["log", "wang", "T", "x", "--limit", "3"], 2, "--limit are for reading the log"),
])
def test_refusals_exit_non_zero_and_change_nothing(vault, wang, args, code, message):
    before = snapshot(vault)
    result = run(args, vault=vault)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert snapshot(vault) == before


def test_ambiguous_client_changes_nothing(vault, wang):
    commit_client(vault, "wang-fang", "---\nname: 王芳\n---\n")
    before = snapshot(vault)
    result = run(["log", "wang", "T", "hello"], vault=vault)
    assert result.exit_code == 1
    assert result.stderr == ("rmn: error: 'wang' matches 2 clients: 王芳 (wang-fang), 王偉 (wang-wei); "
                             "give more of the name or the id\n")
    assert snapshot(vault) == before


def test_a_file_with_errors_is_not_touched(vault):
    commit_client(vault, "bad", "---\nname: [壞\n---\n")
    before = snapshot(vault)
    result = run(["log", "bad", "T", "hello", "--date", "2026-11-01"], vault=vault)
    assert result.exit_code == 1
    assert "clients/bad.md" in result.stderr and "YAML syntax error" in result.stderr
    assert snapshot(vault) == before


def test_a_broken_hand_edit_is_refused_and_nothing_is_committed(vault, wang):
    wang.write_text("---\nname: [王偉\n---\n\n## Log\n", encoding="utf-8")
    before = snapshot(vault)
    result = run(["log", "wang-wei", "T", "hello", "--date", "2026-11-01"], vault=vault)
    assert result.exit_code == 1
    assert "clients/wang-wei.md:2" in result.stderr and "nothing was written" in result.stderr
    assert snapshot(vault) == before  # the file as it was, and no commit (not even of hand edits)


def test_future_date_with_future_flag(vault, wang):
    result = run(["log", "wang", "M", "約好見面", "--date", "2999-01-01", "--future"], vault=vault)
    assert result.exit_code == 0, result.output
    assert wang.read_text(encoding="utf-8").endswith("- 2999-01-01 M 約好見面\n")


def test_with_names_that_yaml_would_misread_are_quoted(vault, wang):
    result = run(["log", "wang", "M", "x", "--date", "2026-11-27", "--with", "2008", "--with", "Lin, Shu-fen",
                  "--with", "yes"], vault=vault)
    assert result.exit_code == 0, result.output
    assert wang.read_text(encoding="utf-8").endswith('  with: ["2008", "Lin, Shu-fen", yes]\n')
    entry = parse_client(wang.read_text(encoding="utf-8"), "clients/wang-wei.md").client.entries[-1]
    assert entry.attrs == {"with": ["2008", "Lin, Shu-fen", "yes"]}


# ---------------------------------------------------------------------- reading
def test_reading_a_clients_log_newest_first(vault, wang):
    result = run(["log", "wang"], vault=vault)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "2026-11-20 14:30 T 基金到期續作\n"
        "2026-11-05       M 季度資產回顧，太太也在場\n"
        "                   with: 林淑芬\n"
    )
    assert run(["log", "wang", "--limit", "1"], vault=vault).stdout == "2026-11-20 14:30 T 基金到期續作\n"
    data = json.loads(run(["log", "wang", "--json"], vault=vault).stdout)
    assert data[1] == {"client": "wang-wei", "name": "王偉", "date": "2026-11-05", "time": None, "channel": "M",
                       "text": "季度資產回顧，太太也在場", "attrs": {"with": ["林淑芬"]}}


def test_show_log_and_brief_list_one_days_entries_newest_written_first(vault, wang):
    for text in ("上午來電", "下午再來電"):
        assert run(["log", "wang", "T", text, "--date", "2026-11-21"], vault=vault).exit_code == 0
    shown = run(["show", "wang"], vault=vault).stdout
    listed = run(["log", "wang"], vault=vault).stdout
    for out in (shown, listed):
        assert out.index("下午再來電") < out.index("上午來電"), out


def test_who_an_email_was_about_is_not_said_to_have_come_along(vault, wang):
    assert run(["log", "wang", "E", "寄出對帳單", "--with", "林淑芬", "--date", "2026-11-21"], vault=vault).exit_code == 0
    lines = run(["log", "wang"], vault=vault).stdout.splitlines()
    assert lines[1].strip() == "involving: 林淑芬"  # a meeting's says with:


def test_an_entrys_review_reads_as_its_total(sample):
    lines = run(["log", "陳美玲"], vault=sample).stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "年度檢視，美元定存" in line)
    assert [line.strip() for line in lines[at + 2:at + 4]] == ["with: 林志明", "asset review recorded: total assets 6,726,000"]


def test_reading_the_days_work_across_the_book(vault, wang):
    commit_client(vault, "li-na", "---\nname: 李娜\n---\n")
    assert run(["log"], vault=vault).stderr == f"no log entries on {TODAY}\n"
    run(["log", "li-na", "E", "寄出對帳單", "--time", "08:00"], vault=vault)
    run(["log", "wang", "T", "電話", "第二行", "--time", "10:15"], vault=vault)
    run(["log", "wang", "N", "昨天的", "--date", "2026-11-01"], vault=vault)
    result = run(["log"], vault=vault)
    assert result.stdout == (
        f"{TODAY} 08:00 E 李娜  寄出對帳單\n"
        f"{TODAY} 10:15 T 王偉  電話 第二行\n"
    )
    wide = run(["log", "--since", "2026-11-20", "--until", "2026-11-30"], vault=vault).stdout
    assert wide.splitlines()[0] == "2026-11-20 14:30 T 王偉  基金到期續作"


def test_no_entries_message(vault):
    commit_client(vault, "li-na", "---\nname: 李娜\n---\n")
    result = run(["log", "li-na"], vault=vault)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "李娜 (li-na) has no log entries\n")


# ---------------------------------------------------------------------- concurrency
RUNS = 4  # at once, on two cores: each waits its turn for the vault's lock


def test_concurrent_log_runs_all_land_in_their_own_commits(vault, wang):
    before = len(subjects(vault))
    # by id (no index needed) and by name (processes refreshing one SQLite index at once)
    procs = [subprocess.Popen([sys.executable, "-m", "rmnotes", "--vault", str(vault), "log",
                               "wang wei" if i % 2 == 0 else "wang-wei", "T",
                               f"併發 {i}", "--date", "2026-11-27"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(RUNS)]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    for code, err in results:
        assert code == 0, err
        assert "index.lock" not in err and "warning" not in err
    lines = wang.read_text(encoding="utf-8").splitlines()
    assert sorted(lines[-RUNS:]) == [f"- 2026-11-27 T 併發 {i}" for i in range(RUNS)]
    log = subjects(vault)
    assert len(log) == before + RUNS
    assert sorted(log[:RUNS]) == [f"log: 王偉 (wang-wei) T 併發 {i}" for i in range(RUNS)]
    assert git(vault, "status", "--porcelain") == ""


def test_a_next_step_dated_before_the_contact_is_refused(vault, wang):
    before = wang.read_bytes()
    result = run(["log", "wang", "T", "來電", "--date", "2026-11-20", "--next", "2026-11-19 寄資料"], vault=vault)
    assert result.exit_code == 1 and "--next: 2026-11-19 is before the contact (2026-11-20)" in result.stderr
    assert wang.read_bytes() == before


def test_show_says_when_a_risk_profile_has_no_assessment_date(vault):
    write_client(vault, "lin-fang", "---\nname: 林芳\nrisk: {profile: 3}\n---\n")
    shown = run(["show", "lin-fang"], vault=vault).stdout
    assert "3 / 5, date of assessment not recorded" in shown and "?" not in shown
