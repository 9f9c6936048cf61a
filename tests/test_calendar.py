"""rmn calendar: the contact grid, in the terminal and as an Excel workbook."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from conftest import run
from rmnotes.domain.calendar import RangeError, contact_grid, date_range
from rmnotes.facts import ClientRow
from rmnotes.model import Entry
from rmnotes.render.calendar import pages
from test_log import commit_client

WANG = """\
    ---
    name: 王偉
    tier: A
    tags: [golf]
    ---

    ## Log
    - 2026-11-02 M 季度資產回顧
      with: [林淑芬]
    - 2026-11-20 14:30 T 基金到期續作
    - 2026-11-20 09:00 E 寄出提案
    - 2026-11-21 N 內部備註：不是聯絡
    - 2026-12-02 T 十二月
"""
CHEN = """\
    ---
    name: 陳美玲
    tier: B
    ---

    ## Log
    - 2026-11-07 S LINE 問候
    - 2026-10-30 T 十月
"""
QUIET = "---\nname: 安靜\ntier: A\n---\n\n## Log\n- 2026-11-21 N 只有備註\n"


def profile(cid, name, tier=None, tags=(), last=None):
    return ClientRow(id=cid, name=name, tier=tier, status="active", cadence=None, since=None,
                     last_contact=last, risk_profile=None, children=0, asset_types=(),
                     tags=tuple(tags), prefer=(), no_calls=None, best_time=None,
                     marital_status=None, income=None, income_currency=None)


def test_grid_letters_in_time_order_notes_left_out():
    entries = [("w", Entry(date(2026, 11, 20), "T", "call", "14:30")),
               ("w", Entry(date(2026, 11, 20), "E", "mail", "09:00")),
               ("w", Entry(date(2026, 11, 20), "M", "untimed")),
               ("w", Entry(date(2026, 11, 21), "N", "note")),
               ("w", Entry(date(2026, 12, 1), "T", "outside")),
               ("q", Entry(date(2026, 11, 21), "N", "only a note"))]
    grid = contact_grid([profile("w", "王偉"), profile("q", "安靜")], entries,
                        date(2026, 11, 1), date(2026, 11, 30))
    assert [r.client_id for r in grid.rows] == ["w"]
    cell = grid.rows[0].cells[date(2026, 11, 20)]
    assert cell.letters == "MET"
    assert cell.note() == "M untimed\nE 09:00 mail\nT 14:30 call"
    assert list(grid.rows[0].cells) == [date(2026, 11, 20)]
    assert len(grid.days) == 30


def test_grid_filters_and_same_names():
    entries = [(c, Entry(date(2026, 11, 3), "T", "x")) for c in ("a", "b", "c")]
    profiles = [profile("a", "王偉", "A", ["golf"]), profile("b", "王偉", "B"), profile("c", "陳", "A")]
    grid = contact_grid(profiles, entries, date(2026, 11, 1), date(2026, 11, 30))
    assert [r.label for r in grid.rows] == ["王偉 (a)", "王偉 (b)", "陳"]
    assert [r.client_id for r in contact_grid(profiles, entries, date(2026, 11, 1), date(2026, 11, 30),
                                              tiers=["A"]).rows] == ["a", "c"]
    assert [r.client_id for r in contact_grid(profiles, entries, date(2026, 11, 1), date(2026, 11, 30),
                                              tiers=["A"], tags=["golf"]).rows] == ["a"]


def test_ranges():
    today = date(2026, 11, 28)
    assert date_range(today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert date_range(today, month="2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    for written in ("2026/11", "2026.11", "２０２６／１１", "2026年11月", "115/11", "民國115年11月"):
        assert date_range(today, month=written) == (date(2026, 11, 1), date(2026, 11, 30)), written
    assert date_range(today, since=date(2026, 11, 15)) == (date(2026, 11, 15), date(2026, 11, 30))
    assert date_range(today, until=date(2026, 12, 10)) == (date(2026, 12, 1), date(2026, 12, 10))
    for kwargs, message in [({"month": "2026-13"}, "is not a month"),
                            ({"month": "nov"}, "is not a month"),
                            ({"month": "12/11"}, "is not a month"),  # no ROC year 12 (1923) for a calendar
                            ({"month": "2026-11-05"}, "is not a month"),
                            ({"month": "2026-11", "since": today}, "either --month or --from/--to"),
                            ({"since": date(2026, 11, 2), "until": date(2026, 11, 1)}, "is before"),
                            ({"since": date(2025, 1, 1), "until": date(2026, 11, 1)}, "pick a shorter range")]:
        with pytest.raises(RangeError, match=message):
            date_range(today, **kwargs)


def test_pages_fit_the_width_in_even_runs():
    entries = [("w", Entry(date(2026, 11, 20), "T", "x"))]
    grid = contact_grid([profile("w", "王偉")], entries, date(2026, 11, 1), date(2026, 11, 30))
    assert [len(p) for p in pages(grid, 160)] == [30]
    assert [len(p) for p in pages(grid, 80)] == [15, 15]
    assert [len(p) for p in pages(grid, 50)] == [10, 10, 10]
    assert [len(p) for p in pages(grid, 5)] == [1] * 30


@pytest.fixture
def book(vault):
    commit_client(vault, "wang-wei", WANG)
    commit_client(vault, "chen-mei-ling", CHEN)
    commit_client(vault, "an-jing", QUIET)
    return vault


def test_terminal_calendar(book, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    result = run(["calendar", "--from", "2026-11-01", "--to", "2026-11-07"], vault=book)
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines == [
        "2026-11-01 – 2026-11-07",
        "        1  2  3  4  5  6  7",
        "client Su Mo Tu We Th Fr Sa last",
        "──────────────────────────────────────",
        "陳美玲                   S  2026-11-07",
        "王偉      M                 2026-12-02",
        "T telephone  E email  M meeting in person  S short message",
    ]


def test_terminal_calendar_pages_a_narrow_month(book, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    result = run(["calendar", "--month", "2026-11", "--tier", "A"], vault=book)
    assert result.exit_code == 0, result.output
    assert "2026-11-01 – 2026-11-15" in result.stdout and "2026-11-16 – 2026-11-30" in result.stdout
    assert "陳美玲" not in result.stdout
    assert all(len(line.rstrip()) <= 70 for line in result.stdout.splitlines())
    assert " ET " in result.stdout  # 2026-11-20: the email at 09:00, then the call
    quiet = next(line for line in result.stdout.splitlines() if line.startswith("安靜"))
    assert quiet.rstrip().endswith("never")  # never contacted, said as rmn list says it


def test_calendar_with_no_contacts_and_a_bad_month(book):
    result = run(["calendar", "--month", "2025-01"], vault=book)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no contacts from 2025-01-01 to 2025-01-31\n")
    result = run(["calendar", "--month", "2025-13"], vault=book)
    assert result.exit_code == 2 and "--month '2025-13' is not a month" in result.stderr


def test_json_calendar(book):
    import json

    data = json.loads(run(["calendar", "--month", "2026-11", "--json"], vault=book).stdout)
    assert data["clients"][1] == {"id": "wang-wei", "name": "王偉", "tier": "A", "last_contact": "2026-12-02",
                                  "days": {"2026-11-02": "M", "2026-11-20": "ET"}}


def test_xlsx_opens_back_with_letters_comments_panes_and_shading(book, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "contacts.xlsx"
    result = run(["calendar", "--month", "2026-11", "--xlsx", str(out)], vault=book)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {out}: 2 clients contacted, 2026-11-01 to 2026-11-30\n"
    assert oct(out.stat().st_mode & 0o777) == "0o600"  # client data: owner only
    ws = load_workbook(out).active
    assert ws.title == "2026-11"
    assert ws.freeze_panes == "C3"
    assert [ws.cell(1, c).value for c in (1, 2)] == ["client", "last contact"]
    assert ws.cell(1, 3).value == datetime(2026, 11, 1) and ws.cell(1, 32).value == datetime(2026, 11, 30)
    assert ws.cell(2, 3).value == "Su"
    assert [ws.cell(r, 1).value for r in (3, 4)] == ["陳美玲", "王偉"]
    assert ws.cell(4, 2).value == datetime(2026, 12, 2)
    # 王偉: M on the 2nd, E then T on the 20th; the note is not a contact
    assert ws.cell(4, 2 + 2).value == "M"
    assert ws.cell(4, 2 + 2).comment.text == "M 季度資產回顧"
    assert ws.cell(4, 2 + 20).value == "ET"
    assert ws.cell(4, 2 + 20).comment.text == "E 09:00 寄出提案\nT 14:30 基金到期續作"
    assert ws.cell(4, 2 + 21).value is None and ws.cell(4, 2 + 21).comment is None
    assert ws.cell(3, 2 + 7).value == "S"
    # weekends shaded (Sat 7th, Sun 1st), weekdays not
    shade = ws.cell(3, 2 + 7).fill.fgColor.rgb
    assert shade.endswith("E7E6E6") and ws.cell(4, 2 + 1).fill.fgColor.rgb == shade
    assert ws.cell(3, 2 + 2).fill.fill_type is None
    assert ws.cell(6, 1).value.startswith("T telephone")


def test_every_active_client_in_the_filter_gets_a_row_with_all():
    entries = [("w", Entry(date(2026, 11, 3), "T", "x")), ("q", Entry(date(2026, 11, 4), "N", "note"))]
    dormant = profile("d", "睡著", "A")._replace(status="dormant")
    profiles = [profile("w", "王偉", "A", last=date(2026, 11, 3)), profile("q", "安靜", "A"),
                profile("c", "陳", "B"), dormant]
    some = contact_grid(profiles, entries, date(2026, 11, 1), date(2026, 11, 30), tiers=["A"])
    assert [r.client_id for r in some.rows] == ["w"]
    every = contact_grid(profiles, entries, date(2026, 11, 1), date(2026, 11, 30), tiers=["A"], every=True)
    assert [(r.client_id, len(r.cells)) for r in every.rows] == [("q", 0), ("w", 1)]


def test_with_a_tier_the_calendar_shows_the_clients_nobody_contacted(book):
    import json

    def ids(*args: str) -> list[str]:
        result = run(["calendar", "--month", "2026-11", "--json", *args], vault=book)
        assert result.exit_code == 0, result.output
        return [c["id"] for c in json.loads(result.stdout)["clients"]]

    assert ids() == ["chen-mei-ling", "wang-wei"]  # no filter: the clients contacted
    assert ids("--tier", "A") == ["an-jing", "wang-wei"]  # 安靜 has only a note: no contact
    assert ids("--tier", "A", "--contacted-only") == ["wang-wei"]
    assert ids("--all") == ["an-jing", "chen-mei-ling", "wang-wei"]
    data = json.loads(run(["calendar", "--month", "2026-11", "--json", "--tier", "A"], vault=book).stdout)
    assert data["clients"][0] == {"id": "an-jing", "name": "安靜", "tier": "A", "last_contact": None, "days": {}}


def test_xlsx_with_all_counts_the_clients_and_those_contacted(book, tmp_path):
    out = tmp_path / "a.xlsx"
    result = run(["calendar", "--month", "2026-11", "--all", "--xlsx", str(out)], vault=book)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {out}: 3 clients, 2 contacted, 2026-11-01 to 2026-11-30\n"


def test_xlsx_is_written_where_the_user_is(book, tmp_path, monkeypatch):
    here = tmp_path / "desk"
    here.mkdir()
    monkeypatch.chdir(here)
    result = run(["calendar", "--month", "2026-11", "--xlsx", "11月.xlsx"], vault=book)
    assert result.exit_code == 0, result.output
    assert (here / "11月.xlsx").is_file() and not (book / "11月.xlsx").exists()
