"""The agenda's rules, with ``today`` injected: clients are inline texts parsed as files are."""

from __future__ import annotations

import random
import tempfile
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import write_client
from rmnotes.config import Config
from rmnotes.domain import holidays as hol
from rmnotes.domain.due import (
    REASONS,

    agenda_from_index,
    contact_hint,
    covers_work_hours,
    month_days,
)
from rmnotes.domain.cadence import latest_start
from rmnotes.domain.lunar import LunarTable, in_year, lunar_day, occurrences
from rmnotes.index import Index
from rmnotes.periods import LunarMonthDay
from rmnotes.parse import parse_client
from rmnotes.periods import Period, days_in_month, is_leap
from rmnotes.vault import Vault

CONFIG = Config(tiers={"A": Period(1, "m"), "B": Period(3, "m"), "C": Period(6, "m")},
                default_tier="B", lookahead_days=14, kyc_valid=Period(1, "y"))


def client(cid: str, text: str) -> tuple[str, str]:
    """A client file's id and text (checked to parse)."""
    text = textwrap.dedent(text)
    parsed = parse_client(text, f"clients/{cid}.md")
    assert parsed.client is not None, parsed.issues
    return cid, text


def due(today: date, *clients, config: Config = CONFIG, **options):
    """The agenda of ``clients`` as ``rmn due`` answers it: the files in a vault of their
    own, read through a real index."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "clients").mkdir()
        (root / "rmnotes.yaml").write_text("owner: x\n", encoding="utf-8")
        for cid, text in clients:
            (root / "clients" / f"{cid}.md").write_text(text, encoding="utf-8")
        index = Index.open(Vault(root))
        try:
            return agenda_from_index(index, config, today, **options)
        finally:
            index.close()


def rows(result) -> list[tuple]:
    return [(i.client, i.reason, i.date.isoformat(), i.days, i.detail) for i in result.items]


def logged(*lines: str) -> str:
    return "\n## Log\n" + "".join(f"- {line}\n" for line in lines)


# ---------------------------------------------------------------------- cadence and never
def test_cadence_is_last_contact_plus_tier_cadence_in_calendar_months():
    wang = client("wang", "---\nname: 王偉\ntier: A\n---\n" + logged("2026-10-15 T 電話"))
    result = due(date(2026, 11, 10), wang)
    assert rows(result) == [("wang", "cadence", "2026-11-15", 5, "last contact 2026-10-15, every 1m")]
    assert due(date(2026, 10, 31), wang).items == ()  # due after the 14-day lookahead


@pytest.mark.parametrize("last, due_on", [
    ("2026-01-31", "2026-02-28"),  # Jan 31 + 1m clamps to the month's end
    ("2028-01-31", "2028-02-29"),  # a leap year
    ("2026-01-29", "2026-02-28"),
    ("2026-03-31", "2026-04-30"),
])
def test_month_cadence_clamps_to_the_month_end(last, due_on):
    c = client("c", "---\nname: C\ntier: A\n---\n" + logged(f"{last} M 見面"))
    today = date.fromisoformat(due_on) - timedelta(days=3)
    assert rows(due(today, c)) == [("c", "cadence", due_on, 3, f"last contact {last}, every 1m")]


def test_an_internal_note_does_not_reset_the_cadence():
    c = client("c", "---\nname: C\ntier: A\n---\n"
               + logged("2026-09-01 T 電話", "2026-11-01 N 內部備註：不算聯絡"))
    assert rows(due(date(2026, 11, 10), c)) == [
        ("c", "cadence", "2026-10-01", -40, "last contact 2026-09-01, every 1m")]


def test_own_cadence_beats_the_tier_and_an_unknown_tier_uses_the_default():
    own = client("own", "---\nname: Own\ntier: C\ncadence: 2w\n---\n" + logged("2026-11-01 E 信"))
    odd = client("odd", "---\nname: Odd\ntier: Z\n---\n" + logged("2026-08-20 S 訊息"))
    assert rows(due(date(2026, 11, 10), own, odd)) == [
        ("own", "cadence", "2026-11-15", 5, "last contact 2026-11-01, every 2w"),
        ("odd", "cadence", "2026-11-20", 10, "last contact 2026-08-20, every 3m"),
    ]


def test_never_contacted_active_clients_and_prospects_but_not_dormant_ones():
    texts = {
        "act": "---\nname: Act\nsince: 2026-10-01\n---\n",
        "pro": "---\nname: Pro\nstatus: prospect\n---\n",
        "dor": "---\nname: Dor\nstatus: dormant\nsince: 2026-01-01\n---\n",
        "noted": "---\nname: Noted\nsince: 2026-11-01\n---\n" + logged("2026-11-02 N 只有備註"),
        "later": "---\nname: Later\nsince: 2027-06-01\n---\n",
    }
    result = due(date(2026, 11, 10), *(client(k, v) for k, v in texts.items()))
    assert rows(result) == [
        ("act", "never", "2026-10-01", -40, "no contact logged since 2026-10-01"),
        ("noted", "never", "2026-11-01", -9, "no contact logged since 2026-11-01"),
        ("pro", "never", "2026-11-10", 0, "no contact logged"),
    ]


def test_a_closed_client_is_never_listed():
    closed = client("gone", """\
        ---
        name: Gone
        status: closed
        profile:
          birthday: 1970-11-12
        risk:
          assessed: 2020-01-01
        assets:
          - name: 定存
            maturity: 2026-11-12
        ---

        ## Follow-ups
        - [ ] 2026-11-01 還沒做
        """)
    assert due(date(2026, 11, 10), closed).items == ()
    assert due(date(2026, 11, 10), closed).total == 0


# ---------------------------------------------------------------------- birthdays
FAMILY = textwrap.dedent("""\
    ---
    name: 王偉
    tier: C
    profile:
      birthday: 1975-11-20
    family:
      - name: 林淑芬
        relation: spouse
        birthday: 1977-11-12
      - name: 王小明
        relation: child
        birthday: 2008-12-30
    ---
    """)


def test_birthdays_of_the_client_and_each_family_member_within_the_lookahead():
    wang = client("wang", FAMILY + logged("2026-11-01 T 電話"))
    assert rows(due(date(2026, 11, 10), wang)) == [
        ("wang", "birthday", "2026-11-12", 2, "林淑芬 (spouse) turns 49"),
        ("wang", "birthday", "2026-11-20", 10, "王偉 turns 51"),
    ]
    # across the year end
    assert rows(due(date(2026, 12, 25), wang, days=10)) == [
        ("wang", "birthday", "2026-12-30", 5, "王小明 (child) turns 18")]


def test_feb_29_birthdays_fall_on_feb_28_in_common_years():
    leap = client("leap", "---\nname: Leap\nprofile:\n  birthday: 1996-02-29\n---\n" + logged("2027-02-01 T x"))
    assert rows(due(date(2027, 2, 20), leap, reasons=["birthday"])) == [
        ("leap", "birthday", "2027-02-28", 8, "Leap turns 31")]
    assert rows(due(date(2028, 2, 20), leap, reasons=["birthday"])) == [
        ("leap", "birthday", "2028-02-29", 9, "Leap turns 32")]


def test_lunar_birthday_is_this_years_solar_date_of_the_lunar_month_and_day():
    # born 1975-06-12 = lunar 1975-05-03; lunar 2026-05-03 is 2026-06-17
    c = client("c", "---\nname: 陳\nprofile:\n  birthday: 1975-06-12\n  lunar_birthday: true\n---\n")
    assert rows(due(date(2026, 6, 10), c, reasons=["birthday"])) == [
        ("c", "birthday", "2026-06-17", 7, "陳 turns 51, lunar")]
    assert due(date(2026, 6, 1), c, reasons=["birthday"], days=7).items == ()  # 06-12 is not it


def test_lunar_leap_month_birthday_is_kept_in_the_ordinary_month():
    born = date(2023, 4, 5)  # lunar 2023, leap 2nd month, day 15
    assert lunar_day(born) == (2023, 2, 15, True)
    assert in_year(born, 2026) == [(date(2026, 4, 2), 3)]  # lunar 2026-02-15 (no leap month)


def test_lunar_day_30_in_a_29_day_month_is_kept_on_the_29th():
    born = date(2023, 6, 17)  # lunar 2023-04-30; the 4th month of 2024 has 29 days
    assert lunar_day(born) == (2023, 4, 30, False)
    assert in_year(born, 2024) == [(date(2024, 6, 5), 1)]  # lunar 2024-04-29


def test_lunar_twelfth_month_birthday_falls_in_the_next_solar_year():
    born = date(1980, 1, 20)  # lunar 1979-12-03
    assert occurrences(born, date(2026, 1, 1), date(2027, 12, 31)) == [
        (date(2026, 1, 21), 46), (date(2027, 1, 10), 47), (date(2027, 12, 30), 48)]
    assert lunar_day(date(1899, 6, 1)) is None  # before the lunar tables


def test_lunar_table_records_answers_so_the_next_run_needs_no_conversion():
    data: dict = {}
    first = LunarTable(data)
    answer = first.between(date(1975, 6, 12), date(2026, 6, 1), date(2026, 6, 30))
    assert answer == [(date(2026, 6, 17), 51)] and first.changed
    assert data == {"1975-06-12": {"2026": [["2026-06-17", 51]]}}
    again = LunarTable(data)
    assert again.between(date(1975, 6, 12), date(2026, 6, 1), date(2026, 6, 30)) == answer
    assert not again.changed
    data["1975-06-12"]["2026"] = "damaged"
    assert LunarTable(data).between(date(1975, 6, 12), date(2026, 6, 1), date(2026, 6, 30)) == answer


# ---------------------------------------------------------------------- linked family members
def _spouse(cid: str, name: str, born: str | None, spouse: str, spouse_id: str, spouse_born: str,
            status: str = "active", tier: str = "A") -> str:
    own = f"profile:\n  birthday: {born}\n" if born else ""
    return (f"---\nname: {name}\ntier: {tier}\nstatus: {status}\n{own}family:\n"
            f"  - name: {spouse}\n    relation: spouse\n    birthday: {spouse_born}\n"
            f"    client: {spouse_id}\n---\n" + logged("2026-11-20 T x"))


COUPLE = {"lin": _spouse("lin", "林志明", "1975-07-22", "陳美玲", "chen", "1978-12-03"),
          "chen": _spouse("chen", "陳美玲", "1978-12-03", "林志明", "lin", "1975-07-22")}


def test_a_linked_spouses_birthday_is_one_row_under_her_own_file():
    result = due(date(2026, 11, 28), *(client(k, v) for k, v in COUPLE.items()), reasons=["birthday"])
    assert rows(result) == [("chen", "birthday", "2026-12-03", 5, "陳美玲 turns 48")]


def test_the_family_row_stands_when_the_linked_file_gives_no_birthday_or_is_closed():
    no_birthday = {"lin": COUPLE["lin"],
                   "chen": _spouse("chen", "陳美玲", None, "林志明", "lin", "1975-07-22")}
    closed = {"lin": COUPLE["lin"],
              "chen": _spouse("chen", "陳美玲", "1978-12-03", "林志明", "lin", "1975-07-22", status="closed")}
    for book in (no_birthday, closed, {"lin": COUPLE["lin"]}):  # and a link to no file
        result = due(date(2026, 11, 28), *(client(k, v) for k, v in book.items()), reasons=["birthday"])
        assert rows(result) == [("lin", "birthday", "2026-12-03", 5, "陳美玲 (spouse) turns 48")]


def test_the_row_lives_under_the_members_own_file_whatever_the_filter():
    book = {"lin": COUPLE["lin"],
            "chen": _spouse("chen", "陳美玲", "1978-12-03", "林志明", "lin", "1975-07-22", tier="B")}
    clients = [client(k, v) for k, v in book.items()]
    assert rows(due(date(2026, 11, 28), *clients, reasons=["birthday"], tiers=["A"])) == []
    assert rows(due(date(2026, 11, 28), *clients, reasons=["birthday"], tiers=["B"])) == [
        ("chen", "birthday", "2026-12-03", 5, "陳美玲 turns 48")]


def test_the_index_drops_the_family_row_even_when_the_own_birthday_is_another_day(vault):
    # the family entry says 12-03, her own file 06-01: her own date stands, outside the window
    book = {"lin": COUPLE["lin"],  # and a risk assessment: a fact of hers that is no birthday
            "chen": _spouse("chen", "陳美玲", "1978-06-01", "林志明", "lin", "1975-07-22").replace(
                "family:", "risk:\n  assessed: 2025-12-05\nfamily:")}
    for cid, text in book.items():
        write_client(vault, cid, text)
    index = Index.open(Vault(vault))
    try:
        found = agenda_from_index(index, CONFIG, date(2026, 11, 28))
    finally:
        index.close()
    expected = due(date(2026, 11, 28), *(client(k, v) for k, v in book.items()))
    assert found == expected and [r[:3] for r in rows(found)] == [("chen", "kyc", "2026-12-05")]


# ---------------------------------------------------------------------- lunar month-days as written
def _lunar(cid: str, profile: str, family: str = "") -> str:
    return f"---\nname: {cid}\nprofile:\n{profile}" + (f"family:\n{family}" if family else "") + "---\n"


@pytest.mark.parametrize("written", ['"10-19"', "十月十九", "10/19", "農曆十月十九", "10月19日"])
def test_a_lunar_month_day_as_written_is_the_birthday(written):
    # born 1955-12-02 (solar) = lunar 1955-10-19; lunar 2026-10-19 is 2026-11-27
    c = client("zha", _lunar("查美華", f"  birthday: 1955-12-02\n  lunar_birthday: {written}\n"))
    assert rows(due(date(2026, 11, 20), c, reasons=["birthday"])) == [
        ("zha", "birthday", "2026-11-27", 7, "查美華 turns 71, lunar")]


def test_the_sample_case_the_lunar_date_in_birthday_and_the_month_day_written():
    # `birthday` holds the lunar date as a solar one: the month-day written decides the day
    c = client("zha", _lunar("查美華", "  birthday: 1955-10-19\n  lunar_birthday: 十月十九\n"))
    assert [r[2] for r in rows(due(date(2026, 11, 20), c, reasons=["birthday"]))] == ["2026-11-27"]


def test_a_lunar_month_day_without_a_birth_year_has_no_age():
    c = client("wu", _lunar("吳淑惠", "  lunar_birthday: 十月廿五\n"))
    assert rows(due(date(2026, 11, 28), c, reasons=["birthday"])) == [
        ("wu", "birthday", "2026-12-03", 5, "吳淑惠 birthday (age unknown), lunar")]


def test_a_family_members_lunar_month_day():
    c = client("lin", _lunar("林志明", "  birthday: 1975-07-22\n",
                             "  - name: 林陳金鳳\n    relation: parent\n    lunar_birthday: 正月初五\n"
                             "  - name: 林阿公\n    relation: other\n    birthday: 1940-01-31\n"
                             "    lunar_birthday: 臘月廿三\n"))
    # lunar 2027-01-05 is 2027-02-10; lunar 2026-12-23 is 2027-01-30
    assert rows(due(date(2027, 1, 25), c, reasons=["birthday"], days=20)) == [
        ("lin", "birthday", "2027-01-30", 5, "林阿公 (other) turns 87, lunar"),
        ("lin", "birthday", "2027-02-10", 16, "林陳金鳳 (parent) birthday (age unknown), lunar"),
    ]


def test_a_leap_month_as_written_is_kept_in_the_ordinary_month():
    # 閏4-15: as a leap-month birth date is, in the ordinary 4th month (lunar 2026-04-15: 2026-05-31)
    c = client("c", _lunar("閏", "  lunar_birthday: 閏4-15\n"))
    assert [r[2] for r in rows(due(date(2026, 5, 25), c, reasons=["birthday"]))] == ["2026-05-31"]


def test_lunar_table_records_lunar_month_days_too():
    data: dict = {}
    table = LunarTable(data)
    day = LunarMonthDay(10, 25)
    assert table.between(None, date(2026, 11, 1), date(2026, 12, 31), day) == [(date(2026, 12, 3), None)]
    assert table.between(date(1950, 12, 4), date(2026, 11, 1), date(2026, 12, 31), day) == [
        (date(2026, 12, 3), 76)]
    assert LunarTable(data).between(None, date(2026, 11, 1), date(2026, 12, 31), day) == [
        (date(2026, 12, 3), None)]


# ---------------------------------------------------------------------- holidays
def test_holiday_rows_name_the_holiday_and_count_active_clients_to_greet():
    a = client("a", "---\nname: A\n---\n" + logged("2026-09-20 T x"))
    b = client("b", "---\nname: B\nstatus: prospect\n---\n" + logged("2026-09-20 T x"))

    def holidays(start, end):
        return [(d, n) for d, n in [(date(2026, 9, 25), "中秋節"), (date(2026, 10, 10), "國慶日")]
                if start <= d <= end]

    result = due(date(2026, 9, 20), a, b, reasons=["holiday"], holidays=holidays)
    assert [(i.client, i.name, i.reason, i.date, i.detail, i.hint) for i in result.items] == [
        (None, "中秋節", "holiday", date(2026, 9, 25), "greet 1 active client", "")]


def test_public_holidays_come_from_the_holidays_package_in_the_local_language():
    tw = hol.public_holidays("TW", 2026)
    assert (date(2026, 9, 25), "中秋節") in tw  # lunar festivals included
    assert (date(2026, 6, 19), "端午節") in tw
    assert [d for d, n in tw if n == "春節"] == [date(2026, 2, 17)]  # three days off, one row
    assert not any("補假" in n for _, n in tw)  # no days off in lieu
    cn = hol.public_holidays("CN", 2026)
    assert not any("休息日" in n for _, n in cn)  # no swapped working days
    with pytest.raises(hol.UnknownRegion):
        hol.public_holidays("XX", 2026)


# the festivals' own days by the lunar calendar: the last day of the lunar year (除夕), 1/1, 1/15,
# 5/5, 8/15 and 9/9 (重陽: a public holiday in Hong Kong only)
FESTIVAL_DAYS = {
    2026: ("2026-02-16", "2026-02-17", "2026-03-03", "2026-06-19", "2026-09-25", "2026-10-18"),
    2027: ("2027-02-05", "2027-02-06", "2027-02-20", "2027-06-09", "2027-09-15", "2027-10-08"),
    2028: ("2028-01-25", "2028-01-26", "2028-02-09", "2028-05-28", "2028-10-03", "2028-10-26"),
}
FESTIVAL_NAMES = {
    "TW": ("農曆除夕", "春節", "元宵節", "端午節", "中秋節", None),
    "HK": ("除夕", "農曆年初一", "元宵節", "端午節", "中秋節", "重陽節"),
    "CN": ("农历除夕", "春节", "元宵节", "端午节", "中秋节", None),
}
OTHER_DAYS = {  # public holidays that are no lunar festival stay as the holidays package has them
    "TW": ("和平紀念日", "國慶日"), "HK": ("清明節", "中秋節翌日"), "CN": ("清明节", "国庆节"),
}


@pytest.mark.parametrize("year", sorted(FESTIVAL_DAYS))
@pytest.mark.parametrize("region", sorted(FESTIVAL_NAMES))
def test_lunar_festivals_are_greeted_on_their_own_day(region, year):
    days = hol.public_holidays(region, year)
    names = [n for _, n in days]
    for name, day in zip(FESTIVAL_NAMES[region], FESTIVAL_DAYS[year]):
        if name is None:
            assert not any(n in ("重陽節", "重阳节") for n in names)
        else:
            assert [d for d, n in days if n == name] == [date.fromisoformat(day)], name
    for name in OTHER_DAYS[region]:
        assert names.count(name) == 1, name
    # the new year's other days off are not greetings of their own
    assert not any(n.startswith(("農曆年初二", "農曆年初三", "農曆年初四")) for n in names)
    assert days == sorted(days, key=lambda d: d[0])


def test_taiwans_new_years_eve_is_the_last_day_of_the_lunar_year_not_the_day_off_before_it():
    tw = dict((n, d) for d, n in hol.public_holidays("TW", 2027))
    assert tw["農曆除夕"] == date(2027, 2, 5)  # 2027-02-04 is a government day off, not 除夕
    assert date(2027, 2, 4) not in {d for d, _ in hol.public_holidays("TW", 2027)}


def test_holiday_table_caches_a_year_rebuilds_it_when_stale_and_reports_an_unknown_region():
    data = {"TW": {"2026": {"made": "2026-11-01", "days": [["2026-12-25", "cached day"]]}}}
    table = hol.HolidayTable("TW", date(2026, 11, 28), data)
    assert table.between(date(2026, 12, 20), date(2026, 12, 31)) == [(date(2026, 12, 25), "cached day")]
    assert not table.changed
    stale = hol.HolidayTable("TW", date(2026, 12, 15), data)  # 44 days old: built again
    assert stale.between(date(2026, 12, 20), date(2026, 12, 31)) == [(date(2026, 12, 25), "行憲紀念日")]
    assert stale.changed and data["TW"]["2026"]["made"] == "2026-12-15"
    unknown = hol.HolidayTable("XX", date(2026, 11, 28), {})
    assert unknown.between(date(2026, 12, 1), date(2026, 12, 31)) == []
    assert unknown.problems and "XX" in unknown.problems[0]
    again = hol.HolidayTable("XX", date(2026, 11, 28), unknown.data)  # the failure is cached
    assert again.between(date(2026, 12, 1), date(2026, 12, 31)) == [] and again.problems


# ---------------------------------------------------------------------- dated facts
def test_maturities_premiums_follow_ups_and_kyc():
    c = client("c", """\
        ---
        name: 陳美玲
        tier: C
        risk:
          assessed: 2025-11-20
        assets:
          - name: 台幣定存
            maturity: 2026-11-15
          - name: 美元定存
            maturity: 2026-11-30
          - name: 舊理財
            maturity: 2026-11-01
        policies:
          - name: 終身壽險
            next_premium: 2026-11-18
        ---

        ## Follow-ups
        - [ ] 2026-10-30 寄基金月報
        - [x] 2026-11-05 已經辦好了
        - [ ] 2026-11-12 約下次見面
        - [ ] 2026-12-31 年底再說

        ## Log
        - 2026-11-01 T 電話
        """)
    assert rows(due(date(2026, 11, 10), c)) == [
        ("c", "follow-up", "2026-10-30", -11, "#1 寄基金月報"),  # overdue
        ("c", "follow-up", "2026-11-12", 2, "#3 約下次見面"),  # #2 is ticked
        ("c", "maturity", "2026-11-15", 5, "台幣定存"),
        ("c", "premium", "2026-11-18", 8, "終身壽險"),
        ("c", "kyc", "2026-11-20", 10, "risk assessed 2025-11-20, valid 1y"),
    ]  # 美元定存 (Nov 30) and the Dec 31 follow-up are after the lookahead; 舊理財 is past


def test_kyc_past_due_is_listed_as_overdue():
    c = client("c", "---\nname: C\nrisk:\n  assessed: 2024-03-01\n---\n" + logged("2026-11-01 T x"))
    assert rows(due(date(2026, 11, 10), c)) == [
        ("c", "kyc", "2025-03-01", -619, "risk assessed 2024-03-01, valid 1y")]


# ---------------------------------------------------------------------- order, filters, hints
def test_most_urgent_first_then_by_date_and_on_one_day_promises_before_greetings():
    a = client("a", """\
        ---
        name: 甲
        tier: A
        profile:
          birthday: 1980-11-12
        ---

        ## Follow-ups
        - [ ] 2026-11-12 寄資料
        - [ ] 2026-11-01 早該做了

        ## Log
        - 2026-09-01 T 電話
        """)
    result = due(date(2026, 11, 10), a)
    assert [(i.reason, i.date.isoformat()) for i in result.items] == [
        ("cadence", "2026-10-01"), ("follow-up", "2026-11-01"),
        ("follow-up", "2026-11-12"), ("birthday", "2026-11-12")]
    assert (result.total, result.overdue, result.coming) == (4, 2, 2)


def test_tier_tag_and_reason_filters():
    a = client("a", "---\nname: A\ntier: A\ntags: [golf]\n---\n" + logged("2026-09-01 T x"))
    b = client("b", "---\nname: B\ntier: B\n---\n" + logged("2026-07-01 T x"))
    today = date(2026, 11, 10)
    assert [i.client for i in due(today, a, b).items] == ["a", "b"]
    assert [i.client for i in due(today, a, b, tiers=["B"]).items] == ["b"]
    assert [i.client for i in due(today, a, b, tags=["golf"]).items] == ["a"]
    assert due(today, a, b, reasons=["birthday"]).items == ()


def test_limit_keeps_the_most_urgent_rows_and_counts_them_all():
    a = client("a", "---\nname: A\ntier: A\n---\n\n## Follow-ups\n- [ ] 2026-11-01 x\n- [ ] 2026-11-11 y\n"
               + logged("2026-09-01 T x"))
    full = due(date(2026, 11, 10), a)
    top = due(date(2026, 11, 10), a, limit=2)
    assert top.items == full.items[:2]
    assert (top.total, top.overdue) == (full.total, full.overdue) == (3, 2)


def test_a_rows_detail_does_not_change_from_day_to_day():
    c = client("c", "---\nname: C\ntier: A\n---\n" + logged("2026-10-15 T x"))
    one, two = due(date(2026, 11, 10), c).items[0], due(date(2026, 11, 20), c).items[0]
    assert one.key == two.key and one.days == 5 and two.days == -5


@pytest.mark.parametrize("prefer, no_calls, best, hint", [
    (("line", "email"), "09:00-18:00", "12:00-13:30",
     "line, email · no calls 09:00-18:00: message (line) or call 12:00-13:30"),
    (("phone",), "12:30-14:30", None, "phone · no calls 12:30-14:30: message or call outside those hours"),
    (("phone",), "21:00-08:00", "19:00-20:00", "phone · no calls 21:00-08:00, best 19:00-20:00"),
    (("phone",), "上班時間", None, "phone · no calls 上班時間: message or call outside those hours"),
    (("email",), None, "10:00-11:00", "email · best 10:00-11:00"),
    ((), None, None, ""),
])
def test_hint_says_how_to_reach_the_client(prefer, no_calls, best, hint):
    assert contact_hint(prefer, no_calls, best) == hint


def test_no_calls_covering_working_hours():
    assert covers_work_hours("09:00-18:00") and covers_work_hours("17:00-21:00")
    assert covers_work_hours("22:00-10:00")  # overnight, into the morning
    assert not covers_work_hours("18:00-21:00") and not covers_work_hours("22:00-07:00")


def test_hint_comes_from_the_clients_contact_preferences():
    c = client("c", textwrap.dedent("""\
        ---
        name: C
        tier: A
        contact:
          prefer: [line, email]
          no_calls: "09:00-18:00"
          best_time: "12:00-13:30"
        ---
        """) + logged("2026-10-15 T x"))
    assert due(date(2026, 11, 10), c).items[0].hint == \
        "line, email · no calls 09:00-18:00: message (line) or call 12:00-13:30"


# ---------------------------------------------------------------------- window helpers
def test_latest_start_is_exact_at_month_ends():
    assert latest_start(Period(1, "m"), date(2026, 2, 28)) == date(2026, 1, 31)
    assert latest_start(Period(1, "m"), date(2026, 2, 27)) == date(2026, 1, 27)
    assert latest_start(Period(2, "w"), date(2026, 2, 28)) == date(2026, 2, 14)
    assert latest_start(Period(1, "y"), date(2027, 2, 28)) == date(2026, 2, 28)
    assert latest_start(Period(1, "y"), date(2029, 2, 28)) == date(2028, 2, 29)


def test_month_lengths_and_leap_years_follow_the_calendar_module():
    import calendar

    for year in range(1896, 2105):
        assert is_leap(year) == calendar.isleap(year), year
        for month in range(1, 13):
            assert days_in_month(year, month) == calendar.monthrange(year, month)[1], (year, month)


def test_month_days_cover_the_window_and_feb_29():
    # a common year: born Feb 29 has its birthday on Feb 28
    assert month_days(date(2027, 2, 20), date(2027, 2, 28)) == [(2027, "02-20", "02-29")]
    assert month_days(date(2028, 2, 20), date(2028, 2, 28)) == [(2028, "02-20", "02-28")]
    assert month_days(date(2027, 3, 1), date(2027, 3, 5)) == [(2027, "03-01", "03-05")]
    assert month_days(date(2026, 12, 25), date(2027, 1, 3)) == [
        (2026, "12-25", "12-31"), (2027, "01-01", "01-03")]
    assert month_days(date(2026, 1, 1), date(2027, 1, 1)) is None


# ---------------------------------------------------------------------- the index gives the same answer
def _random_client(rnd: random.Random, n: int) -> str:
    def day(a: str, b: str) -> str:
        lo, hi = date.fromisoformat(a).toordinal(), date.fromisoformat(b).toordinal()
        return date.fromordinal(rnd.randint(lo, hi)).isoformat()

    lines = ["---", f"name: 客戶{n:02d}", f"tier: {rnd.choice('ABCZ')}",
             f"status: {rnd.choice(['active', 'active', 'prospect', 'dormant', 'closed'])}",
             f"since: {day('2020-01-01', '2026-12-31')}", f"tags: [{rnd.choice(['golf', 'kids'])}]"]
    if rnd.random() < 0.2:
        lines.append(f"cadence: {rnd.choice(['2w', '10d', '2m'])}")
    lunar = rnd.choice(["false", "true", "true", f"{rnd.randint(1, 12)}-{rnd.randint(1, 30)}",
                        f"閏{rnd.randint(1, 12)}-{rnd.randint(1, 30)}"] + ["false"] * 5)
    born = rnd.choice([day('1940-01-01', '2005-12-31'), '1996-02-29'])
    lines += ["profile:", f"  birthday: {born}" if rnd.random() < 0.9 or "-" not in lunar else "",
              f"  lunar_birthday: {lunar}",
              "risk:", f"  assessed: {day('2024-06-01', '2026-12-31')}",
              "family:", "  - name: 家人", "    relation: child", f"    birthday: {day('1990-01-01', '2027-06-30')}",
              "assets:", "  - name: 定存", f"    maturity: {day('2026-10-01', '2027-04-30')}",
              "policies:", "  - name: 壽險", f"    next_premium: {day('2026-10-01', '2027-04-30')}",
              "---", "", "## Follow-ups"]
    for _ in range(rnd.randint(0, 3)):
        lines.append(f"- [{rnd.choice(' x')}] {day('2026-09-01', '2027-03-31')} 事情")
    lines += ["", "## Log"]
    for d in sorted(day("2025-06-01", "2026-12-31") for _ in range(rnd.randint(0, 4))):
        lines.append(f"- {d} {rnd.choice('TEMSN')} 內容")
    return "\n".join(lines) + "\n"


def test_the_most_urgent_rows_are_those_of_the_whole_agenda(vault):
    """With a limit, the rules decide each group of clients (and of facts) once and open
    only the groups that hold the most urgent rows; without one, every client and fact is
    decided row by row. The two agree, and the groups' counts are the rows'."""
    rnd = random.Random(7)
    for n in range(80):
        write_client(vault, f"k{n:02d}", _random_client(rnd, n))
    index = Index.open(Vault(vault))
    lunar_cache = LunarTable()

    def lunar(born, written, start, end):
        return lunar_cache.between(born, start, end, written)

    try:
        for today in (date(2026, 11, 28), date(2026, 12, 25), date(2027, 1, 30), date(2027, 2, 20),
                      date(2028, 2, 20)):
            for options in ({}, {"days": 45}, {"tiers": ["A"]}, {"tags": ["golf"]},
                            {"reasons": ["cadence", "birthday"]}, {"days": 0}):
                everything = agenda_from_index(index, CONFIG, today, lunar=lunar, **options)
                assert everything.total == len(everything.items) > 0, (today, options)
                assert everything.overdue == sum(1 for i in everything.items if i.days < 0)
                for limit in (0, 1, 7, 30, 1000):
                    top = agenda_from_index(index, CONFIG, today, lunar=lunar, limit=limit, **options)
                    assert top.items == everything.items[:limit], (today, options, limit)
                    assert (top.total, top.overdue) == (everything.total, everything.overdue)
    finally:
        index.close()


def test_the_next_contact_dates_follow_the_tiers_and_the_files(vault):
    texts = {"a": "---\nname: A\ntier: A\n---\n" + logged("2026-10-20 T x"),
             "b": "---\nname: B\ntier: B\n---\n" + logged("2026-09-01 E x"),
             "c": "---\nname: C\ntier: A\nstatus: closed\n---\n" + logged("2026-09-01 E x")}
    for cid, text in texts.items():
        write_client(vault, cid, text)
    index = Index.open(Vault(vault))
    today = date(2026, 11, 28)

    def found(config: Config) -> tuple:
        agenda = agenda_from_index(index, config, today, limit=10)
        return rows(agenda), (agenda.total, agenda.overdue)

    try:
        assert found(CONFIG) == ([("a", "cadence", "2026-11-20", -8, "last contact 2026-10-20, every 1m"),
                                  ("b", "cadence", "2026-12-01", 3, "last contact 2026-09-01, every 3m")], (2, 1))
        weekly = Config(tiers={"A": Period(1, "w"), "B": Period(1, "m")}, default_tier="B",
                        lookahead_days=14, kyc_valid=Period(1, "y"))
        got, counts = found(weekly)  # other tiers: dates computed again
        assert [r[:3] for r in got] == [("b", "cadence", "2026-10-01"), ("a", "cadence", "2026-10-27")]
        assert counts == (2, 2)
        texts["a"] += "- 2026-11-27 M lunch\n"  # a file changes: its date follows
        write_client(vault, "a", texts["a"])
        index.refresh()
        got, counts = found(CONFIG)
        assert [r[:3] for r in got] == [("b", "cadence", "2026-12-01")] and counts == (1, 0)
    finally:
        index.close()


def test_reasons_are_the_documented_ones():
    assert REASONS == ("cadence", "never", "birthday", "holiday", "maturity", "premium",
                       "follow-up", "kyc")


def test_birthdays_shared_by_many_are_counted_by_group_and_built_only_when_shown():
    """Birthdays are decided a group at a time (one birth date, calendar, link, status and
    tier): the most urgent rows and every count are those of the whole agenda, and a birthday
    that falls twice in a long window gives two rows, never more."""
    people = [client(f"p{i}", f"---\nname: P{i}\ntier: A\nprofile: {{birthday: 1980-11-1{i % 3}}}\n"
                               f"family:\n  - {{name: 子{i}, relation: child, birthday: 2010-11-12}}\n---\n"
                     + logged("2026-11-01 T x")) for i in range(6)]
    today = date(2026, 11, 10)
    full = due(today, *people, reasons=["birthday"])
    assert full.total == 12 and len(full.items) == 12
    for limit in (1, 2, 5, 7, 12, 20):
        top = due(today, *people, reasons=["birthday"], limit=limit)
        assert top.items == full.items[:limit] and top.total == full.total
    long = due(today, *people[:2], reasons=["birthday"], days=400)
    assert long.total == len(long.items) == 8  # each of the 4 birthdays on two days
    assert len({(i.client, i.date, i.detail) for i in long.items}) == 8
    assert due(today, *people[:2], reasons=["birthday"], days=400, limit=3).items == long.items[:3]
