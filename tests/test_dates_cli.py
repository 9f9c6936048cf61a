"""Every date form through the date options: ``rmn log --date``, ``--next`` and ``--as-of``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from conftest import SMALL_CLIENT, git, run, write_client

TODAY = date.today()
MONDAY = TODAY - timedelta(days=TODAY.weekday())

# written form -> the day it names (the relative ones count from today)
ABSOLUTE = {
    "2026-11-30": date(2026, 11, 30), "2026/11/30": date(2026, 11, 30), "2026.11.30": date(2026, 11, 30),
    " 2026-11-30 ": date(2026, 11, 30), "20261130": date(2026, 11, 30),
    "115/11/30": date(2026, 11, 30), "115.11.30": date(2026, 11, 30), "1151130": date(2026, 11, 30),
    "民國115年11月30日": date(2026, 11, 30), "115年11月30日": date(2026, 11, 30),
    "2026年11月30日": date(2026, 11, 30), "２０２６／１１／３０": date(2026, 11, 30),
    "１１５／１１／３０": date(2026, 11, 30), "30/11/2026": date(2026, 11, 30),
    "064/06/12": date(1975, 6, 12), "64/06/12": date(1975, 6, 12),
}
PAST = {  # forms counting from today that name today or a day before it
    "今天": TODAY, "昨天": TODAY - timedelta(days=1), "前天": TODAY - timedelta(days=2),
    "上週一": MONDAY - timedelta(weeks=1), "上周五": MONDAY - timedelta(weeks=1, days=-4),
    "本週一": MONDAY, f"{TODAY.month}/{TODAY.day}": TODAY, f"{TODAY.month}月{TODAY.day}日": TODAY,
}
FUTURE = {
    "明天": TODAY + timedelta(days=1), "後天": TODAY + timedelta(days=2),
    "下週一": MONDAY + timedelta(weeks=1), "下周一": MONDAY + timedelta(weeks=1),
    "下星期三": MONDAY + timedelta(weeks=1, days=2), "下禮拜五": MONDAY + timedelta(weeks=1, days=4),
}
ALL = {**ABSOLUTE, **PAST, **FUTURE}


@pytest.fixture
def wang(vault):
    path = write_client(vault, "wang-wei", SMALL_CLIENT)
    git(vault, "add", "-A")
    git(vault, "commit", "-q", "-m", "add wang-wei")
    return path


def test_log_date_reads_every_form(vault, wang):
    for written, day in ALL.items():
        result = run(["log", "wang", "T", f"通話 {written.strip()}", "--date", written, "--future"], vault=vault)
        assert result.exit_code == 0, (written, result.output)
        last = wang.read_text(encoding="utf-8").splitlines()[-1]
        assert last == f"- {day.isoformat()} T 通話 {written.strip()}", written


def test_log_date_without_future_still_refuses_a_later_day(vault, wang):
    result = run(["log", "wang", "T", "x", "--date", "明天"], vault=vault)
    assert result.exit_code == 1
    assert f"{TODAY + timedelta(days=1)} is in the future" in result.stderr


def test_log_next_reads_every_form(vault, wang):
    for written, day in {**ABSOLUTE, **FUTURE}.items():
        # the contact on a day before every absolute date (a promise is never dated before it)
        on = ["--date", "1975-01-01"] if written in ABSOLUTE else []
        result = run(["log", "wang", "T", "x", *on, "--next", f"{written.strip()} 寄資料"], vault=vault)
        assert result.exit_code == 0, (written, result.output)
        follow_ups = wang.read_text(encoding="utf-8").split("## Log")[0]
        assert follow_ups.rstrip().splitlines()[-1] == f"- [ ] {day.isoformat()} 寄資料", written


@pytest.mark.parametrize("on, expected", [
    ("2025-11-25", "2025-12-20"),  # in the entry's year
    ("2025-12-25", "2026-12-20"),  # the day has passed: --next looks ahead
    ("2025-12-20", "2025-12-20"),
])
def test_log_next_month_day_counts_from_the_entry_date(vault, wang, on, expected):
    result = run(["log", "wang", "T", "x", "--date", on, "--next", "12/20 寄資料"], vault=vault)
    assert result.exit_code == 0, result.output
    assert f"- [ ] {expected} 寄資料\n" in wang.read_text(encoding="utf-8")


def test_log_next_reads_a_date_written_against_the_text(vault, wang):
    result = run(["log", "wang", "T", "x", "--date", "2025-11-25", "--next", "12/20寄資料"], vault=vault)
    assert result.exit_code == 0, result.output
    assert "- [ ] 2025-12-20 寄資料\n" in wang.read_text(encoding="utf-8")


def test_log_next_ambiguous_date_is_refused_with_both_readings(vault, wang):
    before = wang.read_bytes()
    result = run(["log", "wang", "T", "x", "--next", "01/02/2026 寄資料"], vault=vault)
    assert result.exit_code == 1
    assert "could be 2026-02-01 (day/month/year) or 2026-01-02 (month/day/year)" in result.stderr
    assert wang.read_bytes() == before


def due_json(vault, as_of: str) -> str:
    result = run(["due", "--as-of", as_of, "--json", "--days", "30"], vault=vault)
    assert result.exit_code == 0, (as_of, result.output)
    return result.stdout


def test_as_of_reads_every_form(vault, wang):
    answers: dict[date, str] = {}
    for written, day in ALL.items():
        if day not in answers:
            answers[day] = due_json(vault, day.isoformat())
        assert due_json(vault, written) == answers[day], written
    # the answers differ by day, so equal output above means the same day was read
    assert answers[date(2026, 11, 30)] != answers[date(1975, 6, 12)]


@pytest.mark.parametrize("written, shown", [
    ("2026-02-30", "'2026-02-30' was read as year 2026, month 2, day 30: 2026-02 has no day 30"),
    ("115/13/01", "'115/13/01' was read as ROC year 115 (= 2026), month 13, day 1: there is no month 13"),
    ("01/02/2026", "could be 2026-02-01 (day/month/year) or 2026-01-02 (month/day/year)"),
    ("soon", "'soon' is not a date"),
])
def test_as_of_refuses_with_how_it_was_read(vault, written, shown):
    result = run(["due", "--as-of", written], vault=vault)
    assert result.exit_code == 2
    assert shown in result.stderr


@pytest.mark.parametrize("region, written, day", [("HK", "30/11/26", date(2026, 11, 30)),
                                                  ("HK", "4/12", date(TODAY.year, 12, 4)),
                                                  ("CN", "12/4", date(TODAY.year, 12, 4)),
                                                  ("TW", "64/06/12", date(1975, 6, 12))])
def test_the_vaults_region_decides_how_a_typed_date_is_read(vault, wang, region, written, day):
    """A Hong Kong manager's 30/11/26 is 30 November 2026, not 民國30年 (1941), and their
    4/12 is 4 December; the mainland's 12/4 is 4 December too."""
    settings = vault / "rmnotes.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("region: TW", f"region: {region}"),
                        encoding="utf-8")
    git(vault, "commit", "-qam", f"region {region}", "--allow-empty")
    result = run(["log", "wang", "M", "見面", "--date", written, "--future"], vault=vault)
    assert result.exit_code == 0, result.output
    assert wang.read_text(encoding="utf-8").splitlines()[-1] == f"- {day.isoformat()} M 見面"
    if region == "HK":
        refused = run(["due", "--as-of", "115/11/30"], vault=vault)
        assert refused.exit_code == 2 and "write the year with all four digits" in refused.stderr
        follow = run(["log", "wang", "T", "x", "--next", "25/12 寄聖誕卡"], vault=vault)
        assert follow.exit_code == 0, follow.output
        assert f"- [ ] {date(TODAY.year if TODAY <= date(TODAY.year, 12, 25) else TODAY.year + 1, 12, 25)} 寄聖誕卡" \
            in wang.read_text(encoding="utf-8")


def test_the_help_shows_dates_as_the_vaults_region_writes_them(vault):
    """A Hong Kong vault's help shows 30/11/2026 and 20/12, which it reads day first, and no
    民國 date, which it refuses; Taiwan's shows 115/11/30 and 12/20. Read in one process, one
    after the other, as the command line reads them."""
    settings = vault / "rmnotes.yaml"
    taiwan = settings.read_text(encoding="utf-8")
    for region, shown, never in (("HK", ("30/11/2026", "'20/12 寄資料'"), ("115/11/30", "12/20")),
                                 ("TW", ("115/11/30", "'12/20 寄資料'"), ("30/11/2026", "20/12")),
                                 ("CN", ("2026/11/30", "'12/20 寄資料'"), ("115/11/30", "30/11"))):
        settings.write_text(taiwan.replace("region: TW", f"region: {region}"), encoding="utf-8")
        text = " ".join(run(["log", "--help"], vault=vault).stdout.split())
        assert all(s in text for s in shown) and not any(n in text for n in never), (region, text)
        assert all(s in run(["due", "--help"], vault=vault).stdout for s in shown[:1]), region


def test_a_contact_before_the_client_was_born_is_refused(vault):
    """In Taiwan 30/11/26 is 民國30年 (1941): a date's form slipped, never a contact. The
    entry is refused, naming the day read and the birthday; nothing is written."""
    path = write_client(vault, "lin", "---\nname: 林志明\nprofile: {birthday: 1975-06-12}\n---\n\n## Log\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "lin")
    result = run(["log", "lin", "M", "見面", "--date", "30/11/26"], vault=vault)
    assert result.exit_code == 1
    assert ("1941-11-26 is before 林志明 was born (1975-06-12); a year of one to three digits is read as a ROC "
            "(民國) year, so 30/11/26 is 1941-11-26; write the date as YYYY-MM-DD") in result.stderr
    assert git(vault, "status", "--porcelain") == "" and "1941" not in path.read_text(encoding="utf-8")


def test_the_next_errors_example_is_a_day_ahead_that_next_would_take(vault, wang):
    """The example the --next error gives is a week after the entry's day, not a fixed date
    that has since gone by (which --next would refuse as already overdue)."""
    result = run(["log", "wang", "T", "x", "--next", "soon 寄資料"], vault=vault)
    assert result.exit_code == 1
    assert f'--next "{(TODAY + timedelta(days=7)).isoformat()} 寄送保險提案"' in result.stderr
