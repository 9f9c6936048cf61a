"""``date_style: roc`` shows dates as ROC years in human output; files and JSON keep ISO."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import git, run, write_client
from rmnotes.parse import parse_config
from rmnotes.render.dates import show_date
from test_log import WANG


@pytest.mark.parametrize("day, iso, roc", [
    (date(2026, 11, 30), "2026-11-30", "115/11/30"),
    (date(1975, 6, 12), "1975-06-12", "064/06/12"),
    (date(1912, 1, 1), "1912-01-01", "001/01/01"),
    (date(1911, 12, 31), "1911-12-31", "1911-12-31"),  # before the Republic: ISO
])
def test_show_date(day, iso, roc):
    assert show_date(day) == show_date(day, "iso") == iso
    assert show_date(day, "roc") == roc
    assert show_date(None, "roc") == ""


def test_the_setting_is_read_and_checked():
    assert parse_config("date_style: roc\n")[0].date_style == "roc"
    assert parse_config("date_style: ROC\n")[0].date_style == "roc"
    assert parse_config("owner: x\n")[0].date_style == "iso"
    config, issues = parse_config("owner: x\ndate_style: minguo\n")
    assert config.date_style == "iso"
    assert [(i.line, i.message) for i in issues] == [(2, "date_style must be iso or roc, not 'minguo'")]


@pytest.fixture
def roc(vault):
    path = vault / "rmnotes.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "date_style: roc\n", encoding="utf-8")
    write_client(vault, "wang-wei", WANG)
    git(vault, "add", "-A")
    git(vault, "commit", "-q", "-m", "roc")
    return vault


def test_human_output_shows_roc_dates(roc):
    due = run(["due", "--as-of", "2026-11-28", "--days", "30"], roc).stdout
    assert due.startswith("due from 115/11/28 to 115/12/28")
    assert "\n115/12/20 " in due
    show = run(["show", "wang", "--as-of", "2026-11-28"], roc).stdout
    assert "115/11/20" in show and "2026-11-20" not in show
    log = run(["log", "wang"], roc).stdout
    assert log.splitlines()[0].startswith("115/11/20 14:30 T ")
    assert run(["find", "續作"], roc).stdout.splitlines()[1].split()[2:4] == ["log", "115/11/20"]
    assert "asset review 115/11/28 " in run(["review", "wang", "--as-of", "2026-11-28"], roc).stdout
    assert "115/11/20 (" in run(["list"], roc).stdout
    calendar = run(["calendar", "--month", "2026-11", "--as-of", "2026-11-28"], roc).stdout
    assert calendar.startswith("115/11/01 – ") and "115/11/20" in calendar


def test_json_and_files_keep_iso(roc, tmp_path):
    roc_json = run(["due", "--as-of", "2026-11-28", "--days", "30", "--json"], roc).stdout
    assert '"date": "2026-12-20"' in roc_json
    result = run(["log", "wang", "T", "通話", "--date", "115/11/25", "--next", "115/12/10 寄資料"], roc)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("logged 王偉 (wang-wei) 115/11/25 T telephone")
    assert "follow-up 115/12/10 added" in result.stderr
    text = (roc / "clients" / "wang-wei.md").read_text(encoding="utf-8")
    assert "- 2026-11-25 T 通話\n" in text and "- [ ] 2026-12-10 寄資料\n" in text
    # the same book in ISO style answers the same JSON, byte for byte
    (roc / "rmnotes.yaml").write_text((roc / "rmnotes.yaml").read_text(encoding="utf-8")
                                      .replace("date_style: roc\n", ""), encoding="utf-8")
    iso_json = run(["due", "--as-of", "2026-11-28", "--days", "30", "--json"], roc).stdout
    roc_again = (roc / "rmnotes.yaml")
    roc_again.write_text(roc_again.read_text(encoding="utf-8") + "date_style: roc\n", encoding="utf-8")
    assert run(["due", "--as-of", "2026-11-28", "--days", "30", "--json"], roc).stdout == iso_json
