"""rmn due on real vaults: the table, --json, --ics (read back with icalendar), warnings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from rich.cells import cell_len

from conftest import run, write_client
from rmnotes.domain.calendar_cache import CACHE_VERSION
from rmnotes.domain.due import REASONS

AS_OF = "2026-11-28"
WANG_HINT = "line, email · no calls 09:00-18:00: message (line) or call 12:00-13:30"


@pytest.fixture(autouse=True)
def _wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # no wrapping in the tests' output


def due_json(vault: Path, *args: str) -> list[dict]:
    result = run(["due", "--as-of", AS_OF, "--json", *args], vault=vault)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ---------------------------------------------------------------------- a small book, exactly
def test_table_of_a_small_book(vault):
    write_client(vault, "wang-wei", """\
        ---
        name: 王偉
        tier: A
        contact:
          prefer: [line]
          no_calls: "09:00-18:00"
          best_time: "12:00-13:30"
        ---

        ## Log
        - 2026-10-15 T 電話問候
        - 2026-11-20 N 內部備註：不算聯絡
        """)
    write_client(vault, "david-lin", """\
        ---
        name: David Lin
        tier: B
        contact:
          prefer: [email]
        ---

        ## Follow-ups
        - [ ] 2026-11-30 send the deck
        - [x] 2026-11-10 call back

        ## Log
        - 2026-09-01 E quarterly letter
        """)
    write_client(vault, "gone", """\
        ---
        name: 已結清
        status: closed
        ---

        ## Follow-ups
        - [ ] 2026-11-01 never shown
        """)
    result = run(["due", "--as-of", "2026-11-20"], vault=vault)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "due from 2026-11-20 to 2026-12-04: 1 overdue, 2 coming\n"
        "date        days  reason     client     detail                             how\n"
        "2026-11-15    -5  cadence    王偉       last contact 2026-10-15, every 1m  "
        "line · no calls 09:00-18:00: message (line) or call 12:00-13:30\n"
        "2026-11-30   +10  follow-up  David Lin  #1 send the deck                   email\n"
        "2026-12-01   +11  cadence    David Lin  last contact 2026-09-01, every 3m  email\n"
    )
    assert result.stderr == ""


def test_nothing_due(vault):
    write_client(vault, "a", "---\nname: A\ntier: C\n---\n\n## Log\n- 2026-11-01 T x\n")
    result = run(["due", "--as-of", "2026-11-20", "--reason", "cadence"], vault=vault)
    assert result.stdout == "nothing due from 2026-11-20 to 2026-12-04\n"
    assert run(["due", "--as-of", "2026-11-20", "--json", "--reason", "cadence"], vault=vault).stdout == "[]\n"


def test_broken_files_are_skipped_with_a_warning_and_due_still_answers(vault):
    write_client(vault, "ok", "---\nname: OK\n---\n\n## Follow-ups\n- [ ] 2026-11-21 x\n\n## Log\n- 2026-11-01 T x\n")
    write_client(vault, "broken", "name: no front-matter here\n")
    result = run(["due", "--as-of", "2026-11-20", "--json", "--reason", "follow-up"], vault=vault)
    assert result.exit_code == 0
    assert [r["client"] for r in json.loads(result.stdout)] == ["ok"]
    assert result.stderr.startswith("warning: skipped clients/broken.md:1: no front-matter")
    assert result.stderr.count("\n") == 1


def test_bad_options_are_usage_errors(vault):
    assert run(["due", "--days", "-1"], vault=vault).exit_code == 2
    assert run(["due", "--reason", "gossip"], vault=vault).exit_code == 2
    assert run(["due", "--as-of", "2026-13-01"], vault=vault).exit_code == 2


def test_an_unknown_region_warns_and_leaves_holidays_out(vault):
    config = vault / "rmnotes.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("region: TW", "region: XX"), encoding="utf-8")
    write_client(vault, "a", "---\nname: A\n---\n\n## Log\n- 2026-11-01 T x\n")
    result = run(["due", "--as-of", "2026-12-20", "--json"], vault=vault)
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert "warning: rmnotes.yaml: region 'XX' is not a country" in result.stderr


# ---------------------------------------------------------------------- the sample vault
def test_table_on_the_sample_vault_aligns_chinese_names(sample):
    result = run(["due", "--as-of", AS_OF], vault=sample)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    head = re.fullmatch(r"due from 2026-11-28 to 2026-12-12: (\d+) overdue, (\d+) coming", lines[0])
    assert head, lines[0]
    total = int(head[1]) + int(head[2])
    rows = due_json(sample)
    assert total == len(rows) > 50
    assert lines[-1] == f"… {total - 50} more; rmn due --all shows every row"
    header = lines[1]
    assert header.split() == ["date", "days", "reason", "client", "detail", "how"]
    wang = [line for line in lines if line.startswith("2026-12-01") and " follow-up  王偉 " in line]
    assert len(wang) == 1 and "#1 寄送保險提案（小明的醫療險）" in wang[0] and wang[0].endswith(WANG_HINT)
    # every row's columns start where the header's do, counted in terminal cells
    want = _column_cells(header)
    for line in lines[2:-1]:
        assert _column_cells(line)[2:] == want[2:], line  # reason, client, detail, how


def _column_cells(line: str) -> list[int]:
    """The cell offset where each column of ``line`` starts (columns: 2+ spaces apart)."""
    return [cell_len(line[:m.start()]) for m in re.finditer(r"\S+(?: \S+)*", line)]


def test_all_shows_every_row(sample):
    result = run(["due", "--as-of", AS_OF, "--all"], vault=sample)
    lines = result.stdout.splitlines()
    assert "more; rmn due --all" not in result.stdout
    assert len(lines) - 2 == len(due_json(sample))


def test_json_rows(sample):
    rows = due_json(sample)
    assert all(set(r) == {"client", "name", "reason", "date", "days", "detail", "hint", "amount", "currency"}
               for r in rows)
    assert all(r["reason"] in REASONS for r in rows)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)  # most urgent first
    assert all(r["days"] == (date.fromisoformat(r["date"]) - date(2026, 11, 28)).days for r in rows)
    assert any(r["days"] < 0 for r in rows) and rows[0]["days"] < 0
    assert "gao-zhi-wei" not in {r["client"] for r in rows}  # closed
    wang = [r for r in rows if r["client"] == "wang-wei"]
    assert wang == [
        {"client": "wang-wei", "name": "王偉", "reason": "follow-up", "date": "2026-12-01", "days": 3,
         "detail": "#1 寄送保險提案（小明的醫療險）", "hint": WANG_HINT,
         "amount": None, "currency": None},
        {"client": "wang-wei", "name": "王偉", "reason": "kyc", "date": "2026-12-01", "days": 3,
         "detail": "risk assessed 2025-12-01, valid 1y", "hint": WANG_HINT,
         "amount": None, "currency": None},
    ]


def test_days_reason_tier_and_tag(sample):
    # the N note of 2026-11-21 does not reset the cadence: due a month after the call of 11-20
    cadence = due_json(sample, "--days", "30", "--reason", "cadence")
    assert {"client": "wang-wei", "name": "王偉", "reason": "cadence", "date": "2026-12-20", "days": 22,
            "detail": "last contact 2026-11-20, every 1m", "hint": WANG_HINT,
         "amount": None, "currency": None} in cadence
    assert {r["reason"] for r in cadence} == {"cadence"}
    assert due_json(sample, "--tier", "A", "--reason", "cadence") == [
        r for r in due_json(sample, "--reason", "cadence") if _tier(sample, r["client"]) == "A"]
    golf = due_json(sample, "--tag", "golf")
    assert golf and all("golf" in _tags(sample, r["client"]) for r in golf)


def _front(sample: Path, cid: str) -> str:
    return (sample / "clients" / f"{cid}.md").read_text(encoding="utf-8").split("\n---", 1)[0]


def _tier(sample: Path, cid: str) -> str | None:
    m = re.search(r"^tier: *(\S+)", _front(sample, cid), re.M)
    return m[1] if m else None


def _tags(sample: Path, cid: str) -> str:
    m = re.search(r"^tags: *\[(.*)\]", _front(sample, cid), re.M)
    return m[1] if m else ""


def test_holidays_in_the_regions_language_with_the_clients_to_greet(sample):
    rows = due_json(sample, "--as-of", "2026-12-20", "--days", "10", "--reason", "holiday")
    assert len(rows) == 1
    assert rows[0] | {"detail": ""} == {"client": None, "name": "行憲紀念日", "reason": "holiday",
                                        "date": "2026-12-25", "days": 5, "detail": "", "hint": "",
                                        "amount": None, "currency": None}
    assert re.fullmatch(r"greet \d+ active clients", rows[0]["detail"])
    cache = json.loads((sample / ".rmnotes" / "calendar.json").read_text(encoding="utf-8"))
    assert cache["version"] == CACHE_VERSION and "2026" in cache["holidays"]["TW"]


def test_ics_has_one_all_day_event_per_row_with_stable_uids(sample, tmp_path):
    out = tmp_path / "due.ics"
    result = run(["due", "--as-of", AS_OF, "--ics", str(out)], vault=sample)
    assert result.exit_code == 0, result.output
    rows = due_json(sample)
    assert result.stderr == f"wrote {len(rows)} events to {out}\n"
    assert os.stat(out).st_mode & 0o777 == 0o600  # client names: owner only
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert len(events) == len(rows)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    for event, row in zip(events, rows):
        start = event.decoded("DTSTART")
        assert type(start) is date  # all-day
        assert start == max(date.fromisoformat(row["date"]), date(2026, 11, 28))
        assert event.decoded("DTEND") == start + timedelta(days=1)
        assert str(event["SUMMARY"]).startswith(row["name"])
    wang = next(e for e, r in zip(events, rows) if r["client"] == "wang-wei" and r["reason"] == "follow-up")
    assert str(wang["SUMMARY"]) == "王偉 · follow-up: #1 寄送保險提案（小明的醫療險）"

    # a day later the same rows keep their UIDs: a re-import updates instead of duplicating
    run(["due", "--as-of", "2026-11-29", "--ics", str(out)], vault=sample)
    later = {str(e["UID"]): e for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")}
    assert str(wang["UID"]) in later
    assert later[str(wang["UID"])].decoded("DTSTART") == date(2026, 12, 1)
    assert later[str(wang["UID"])]["SEQUENCE"] == wang["SEQUENCE"] + 1  # a newer version of it


def test_ics_to_stdout(sample):
    result = run(["due", "--as-of", AS_OF, "--ics", "-", "--reason", "kyc"], vault=sample)
    assert result.exit_code == 0
    cal = Calendar.from_ical(result.stdout_bytes)
    assert {str(e["CATEGORIES"].cats[0]) for e in cal.walk("VEVENT")} == {"kyc"}


def test_warm_due_imports_no_heavy_library(sample):
    """After one run has filled the caches, `rmn due` imports none of the slow libraries
    (the sample has lunar birthdays and a holiday region)."""
    args = ["due", "--as-of", AS_OF, "--days", "365", "--reason", "birthday", "--reason", "holiday", "--all"]
    assert run(args, vault=sample).exit_code == 0  # builds the index and the calendar cache
    argv = [sys.executable, "-X", "importtime", "-m", "rmnotes", "-C", str(sample), *args]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    heavy = {"holidays", "lunardate", "icalendar", "jsonschema", "pypinyin", "git", "matplotlib",
             "openpyxl", "frontmatter"}
    # nor the parser, nor the client model: the agenda is answered from the index's rows;
    # nor shutil, which brings the compression modules (~4 ms): a warm run deletes nothing
    unread = {"yaml", "rmnotes.parse", "rmnotes.model", "shutil"}
    assert not (heavy | unread) & imported, sorted((heavy | unread) & imported)
    assert ", lunar" in done.stdout and "中秋節" in done.stdout  # answered from the cache
    table = subprocess.run([*argv[:-len(args)], "due", "--as-of", AS_OF], capture_output=True, text=True,
                           check=True)
    imported = {line.split("|")[-1].strip() for line in table.stderr.splitlines() if "|" in line}
    assert not (heavy | unread) & imported, sorted((heavy | unread) & imported)


def test_concurrent_due_runs_after_many_edits_all_answer_alike(vault):
    """Several `rmn due` at once, each finding the same edited files (as after a git pull):
    none fails, all answer alike, and the index agrees with one built afresh. A smoke test:
    at this size it did not catch the fill race that Index._keep_derived's one write
    transaction closes (that took thousands of files and many rounds)."""
    def text(n: int, day: str) -> str:
        return f"---\nname: 客戶{n}\ntier: {'ABC'[n % 3]}\n---\n## Log\n- {day} T 問候\n"

    for n in range(300):
        write_client(vault, f"c{n:03d}", text(n, "2026-05-01"))
    assert run(["due", "--as-of", AS_OF], vault=vault).exit_code == 0  # a warm index
    argv = [sys.executable, "-m", "rmnotes", "-C", str(vault), "due", "--as-of", AS_OF, "--json"]
    for day in ("2026-10-20", "2026-07-02"):  # each round a new answer
        for n in range(0, 300, 2):
            write_client(vault, f"c{n:03d}", text(n, day))
        procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0] * 4, [err for _, err in outs]
        expected = run(["due", "--as-of", AS_OF, "--json"], vault=vault).stdout
        assert all(out == expected for out, _ in outs)
        # and the index still agrees with a fresh build from the files
        for cache in (vault / ".rmnotes").glob("index.sqlite*"):
            cache.unlink()
        assert run(["due", "--as-of", AS_OF, "--json"], vault=vault).stdout == expected


def test_new_years_eve_is_greeted_on_the_last_day_of_the_lunar_year(sample):
    """Taiwan's 2027 days off start on 02-04; 除夕, the last day of the lunar year, is 02-05."""
    rows = due_json(sample, "--as-of", "2027-01-25", "--days", "26", "--reason", "holiday")
    assert [(r["date"], r["name"]) for r in rows] == [
        ("2027-02-05", "農曆除夕"), ("2027-02-06", "春節"), ("2027-02-20", "元宵節")]


def test_ics_leaves_the_table_as_it_was(sample, tmp_path):
    """--ics FILE holds every row; the table beside it still shows the most urgent 50."""
    plain = run(["due", "--as-of", AS_OF], vault=sample)
    with_ics = run(["due", "--as-of", AS_OF, "--ics", str(tmp_path / "due.ics")], vault=sample)
    assert with_ics.exit_code == 0 and with_ics.stdout == plain.stdout
    assert (tmp_path / "due.ics").read_bytes().count(b"BEGIN:VEVENT") > 50


def test_an_export_into_a_path_that_cannot_be_written_is_one_clear_error(sample, tmp_path):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    for args in (["due", "--ics"], ["coverage", "--xlsx"], ["calendar", "--month", "2026-11", "--xlsx"],
                 ["list", "--csv"]):
        result = run([*args, str(tmp_path / "a-file" / "out")], vault=sample)
        assert result.exit_code == 1, args
        assert result.stderr.startswith(f"rmn: error: {tmp_path / 'a-file' / 'out'}: "), (args, result.stderr)
