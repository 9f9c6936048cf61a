"""Dates as people write them (rmnotes.parse.dates.read_date): every form, and the errors
that say how the text was read."""

from __future__ import annotations

from datetime import date

import pytest

from rmnotes.parse.dates import DateInputError, read_date

WED = date(2026, 12, 2)  # a Wednesday
NOV30 = date(2026, 11, 30)


@pytest.mark.parametrize("text", [
    "2026-11-30", "2026/11/30", "2026.11.30", "2026-11-30 ", "  2026/11/30",
    "20261130",
    "115/11/30", "115-11-30", "115.11.30", "1151130",
    "民國115年11月30日", "民国115年11月30日", "115年11月30日", "2026年11月30日", "西元2026年11月30日",
    "2026年11月30號",
    "２０２６／１１／３０", "２０２６－１１－３０", "１１５／１１／３０", "民國１１５年１１月３０日",
    "\u30002026-11-30\u3000", "2026 / 11 / 30",
    "30/11/2026",
])
def test_absolute_forms(text):
    assert read_date(text) == NOV30


@pytest.mark.parametrize("text, expected", [
    ("064/06/12", date(1975, 6, 12)),
    ("64/06/12", date(1975, 6, 12)),
    ("64年6月12日", date(1975, 6, 12)),
    ("2026-1-5", date(2026, 1, 5)),
    ("1/1/2027", date(2027, 1, 1)),  # both orders read the same day
])
def test_short_and_roc_years(text, expected):
    assert read_date(text) == expected


def test_absolute_forms_ignore_today_and_ahead():
    assert read_date("2026-01-05", today=WED, ahead=True) == date(2026, 1, 5)


@pytest.mark.parametrize("text, expected", [
    ("11/30", date(2026, 11, 30)),
    ("12/20", date(2026, 12, 20)),
    ("１２／２０", date(2026, 12, 20)),
    ("11月30日", date(2026, 11, 30)),
    ("12-20", date(2026, 12, 20)),
])
def test_month_day_falls_in_the_reference_year(text, expected):
    assert read_date(text, today=WED) == expected


def test_month_day_looking_ahead_moves_a_past_day_to_next_year():
    assert read_date("11/30", today=WED, ahead=True) == date(2027, 11, 30)
    assert read_date("12/20", today=WED, ahead=True) == date(2026, 12, 20)
    assert read_date("12/2", today=WED, ahead=True) == WED  # today has not passed
    assert read_date("1/5", today=WED, ahead=True) == date(2027, 1, 5)
    assert read_date("1/5", today=WED) == date(2026, 1, 5)


@pytest.mark.parametrize("text, days", [
    ("今天", 0), ("今日", 0), ("today", 0), ("Today", 0),
    ("明天", 1), ("明日", 1), ("tomorrow", 1),
    ("後天", 2), ("后天", 2),
    ("昨天", -1), ("yesterday", -1), ("前天", -2),
    (" 明天 ", 1),
])
def test_relative_days(text, days):
    assert (read_date(text, today=WED) - WED).days == days


@pytest.mark.parametrize("text, expected", [
    ("下週一", date(2026, 12, 7)), ("下周一", date(2026, 12, 7)), ("下星期一", date(2026, 12, 7)),
    ("下禮拜一", date(2026, 12, 7)), ("下礼拜一", date(2026, 12, 7)), ("下個禮拜一", date(2026, 12, 7)),
    ("下週日", date(2026, 12, 13)), ("下星期天", date(2026, 12, 13)),
    ("本週五", date(2026, 12, 4)), ("這週五", date(2026, 12, 4)), ("本周一", date(2026, 11, 30)),
    ("上週三", date(2026, 11, 25)), ("下下週二", date(2026, 12, 15)),
    ("週１", date(2026, 11, 30)),
])
def test_weeks_start_on_monday(text, expected):
    assert read_date(text, today=WED) == expected


def test_a_bare_weekday_is_the_nearest_one_in_the_reading_direction():
    assert read_date("週五", today=WED) == date(2026, 11, 27)
    assert read_date("週五", today=WED, ahead=True) == date(2026, 12, 4)
    assert read_date("星期三", today=WED) == WED
    assert read_date("星期三", today=WED, ahead=True) == WED
    assert read_date("週一", today=WED, ahead=True) == date(2026, 12, 7)


@pytest.mark.parametrize("text", ["11/30", "明天", "下週一", "11月30日", "週五", "today"])
def test_forms_counting_from_today_need_it(text):
    with pytest.raises(DateInputError, match="reference date"):
        read_date(text)


@pytest.mark.parametrize("text, shown", [
    ("01/02/2026", ["2026-02-01", "2026-01-02"]),  # either order is a date
    ("2026/13/01", ["year 2026, month 13, day 1", "no month 13"]),
    ("2026-02-30", ["2026-02 has no day 30"]),
    ("115/02/30", ["ROC year 115 (= 2026)", "no day 30"]),
    ("0/11/30", ["no ROC year 0"]),
    ("13/30", ["month 13, day 30 of 2026"]),
    ("2/29", ["month 2, day 29 of 2026", "has no day 29"]),
    ("民國2026年11月30日", ["ROC (民國) year 2026"]),
    ("西元115年11月30日", ["Gregorian year 115"]),
    ("40/40/2026", ["neither is a date"]),
])
def test_impossible_or_ambiguous_input_says_how_it_was_read(text, shown):
    with pytest.raises(DateInputError) as caught:
        read_date(text, today=WED)
    for part in shown:
        assert part in str(caught.value)
    assert text.strip() in str(caught.value)


@pytest.mark.parametrize("text", ["", "  ", "soon", "2026", "11", "261130", "下週八", "2026/11/30/1",
                                  "11/30 寄資料"])
def test_not_dates(text):
    with pytest.raises(DateInputError, match="YYYY-MM-DD"):
        read_date(text, today=WED)


def test_the_error_is_a_value_error():
    assert issubclass(DateInputError, ValueError)


def test_a_leap_day_is_read_in_the_year_it_falls_in():
    with pytest.raises(DateInputError, match="2027-02 has no day 29"):
        read_date("2/29", today=date(2027, 1, 1))
    assert read_date("2/29", today=date(2028, 1, 1), ahead=True) == date(2028, 2, 29)


# ---------------------------------------------------------------------- regions
from rmnotes.parse.dates import DAY_FIRST, MONTH_FIRST, TAIWAN, convention_for  # noqa: E402


@pytest.mark.parametrize("region, way", [("TW", TAIWAN), (None, TAIWAN), ("HK", DAY_FIRST), ("mo", DAY_FIRST),
                                         ("SG", DAY_FIRST), ("MY", DAY_FIRST), ("CN", MONTH_FIRST),
                                         ("US", MONTH_FIRST)])
def test_the_region_decides_the_way(region, way):
    assert convention_for(region) is way


@pytest.mark.parametrize("text, expected", [
    ("30/11/26", NOV30), ("30/11/2026", NOV30), ("30-11-2026", NOV30), ("2026-11-30", NOV30),
    ("2026/11/30", NOV30), ("20261130", NOV30), ("2026年11月30日", NOV30), ("民國115年11月30日", NOV30),
    ("4/12", date(2026, 12, 4)), ("04/12/2026", date(2026, 12, 4)), ("1/2/2027", date(2027, 2, 1)),
    ("12/06/75", date(1975, 6, 12)), ("1/1/36", date(2036, 1, 1)), ("1/1/37", date(1937, 1, 1)),
    ("明天", date(2026, 12, 3)),
])
def test_hong_kong_writes_the_day_first(text, expected):
    """In Hong Kong 4/12 is 4 December and 30/11/26 is 30 November 2026, never 民國30年
    (1941); a two-digit year falls within 89 years before and 10 after today's."""
    assert read_date(text, today=WED, way=DAY_FIRST) == expected


@pytest.mark.parametrize("text, expected", [
    ("2026/11/30", NOV30), ("2026.11.30", NOV30), ("2026年11月30日", NOV30), ("11/30", NOV30),
    ("12/4", date(2026, 12, 4)), ("30/11/2026", NOV30), ("下周一", date(2026, 12, 7)),
])
def test_the_mainland_writes_the_month_first(text, expected):
    assert read_date(text, today=WED, way=MONTH_FIRST) == expected


@pytest.mark.parametrize("way, text, shown", [
    (DAY_FIRST, "115/11/30", "'115/11/30': write the year with all four digits; write YYYY-MM-DD (e.g. 2026-11-30), "
                             "DD/MM/YYYY (30/11/2026), DD/MM/YY, DD/MM (30/11)"),
    (DAY_FIRST, "1151130", "write the year with all four digits"),
    (DAY_FIRST, "115年11月30日", "write the year with all four digits"),
    (DAY_FIRST, "25/13", "'25/13' was read as day 25, month 13 of 2026: there is no month 13; write DD/MM or"),
    (DAY_FIRST, "soon", "'soon' is not a date; write YYYY-MM-DD (e.g. 2026-11-30), DD/MM/YYYY"),
    (MONTH_FIRST, "26/11/30", "'26/11/30': write the year with all four digits; write YYYY-MM-DD (e.g. 2026-11-30), "
                              "YYYY/MM/DD, 2026年11月30日, MM/DD (11/30)"),
    (MONTH_FIRST, "25/12", "'25/12' was read as month 25, day 12 of 2026: there is no month 25; write MM/DD or"),
    (MONTH_FIRST, "01/02/2026", "could be 2026-02-01 (day/month/year) or 2026-01-02 (month/day/year)"),
])
def test_outside_taiwan_no_roc_years_and_the_errors_say_the_regions_forms(way, text, shown):
    with pytest.raises(DateInputError) as caught:
        read_date(text, today=WED, way=way)
    assert shown in str(caught.value)
    assert "ROC" not in str(caught.value)


@pytest.mark.parametrize("text, shown", [
    ("30/06/45", "'30/06/45' has a two-digit year, which could be of either century; write all four digits: "
                 "30/06/1945 or 30/06/2045"),
    ("３０／０６／４５", "write all four digits: 30/06/1945 or 30/06/2045"),
    ("31/02/75", "'31/02/75' is not a date: month 2 has no day 31"),
    ("13/13/75", "'13/13/75' is not a date: there is no month 13"),
])
def test_a_cells_two_digit_year_is_never_guessed(text, shown):
    """An imported cell (``whole_year``): 30/06/45 may be a birthday in 1945 or a maturity
    in 2045; a day that is no date in any century is said to be so first."""
    with pytest.raises(DateInputError) as caught:
        read_date(text, way=DAY_FIRST, whole_year=True)
    assert shown in str(caught.value)
    assert read_date("29/02/76", way=DAY_FIRST, today=WED) == date(1976, 2, 29)  # typed: within the window
