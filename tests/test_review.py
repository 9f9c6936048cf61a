"""The review sheet's domain: totals, conversions, holding periods, changes against recorded
reviews, suitability, small pie slices, and the entry that --record writes."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal

import pytest

from rmnotes.config import Config
from rmnotes.domain.money import MissingRate
from rmnotes.domain.review import (
    HoldingRow,
    asset_keys,
    build_review,
    number_text,
    pie_slices,
    record_lines,
    review_snapshots,
    yaml_key,
)
from rmnotes.model import Client
from rmnotes.parse.client import parse_client
from rmnotes.textedit import append_log

CONFIG = Config(owner="陳經理", base_currency="TWD", fx={"USD": Decimal("31.2"), "CNY": Decimal("4.35")})
TODAY = date(2026, 11, 28)

CLIENT = textwrap.dedent("""\
    ---
    name: 王偉
    tags: [likes-new-funds]
    risk:
      profile: 3
    assets:
      - name: 台幣定存
        type: deposit
        institution: ours
        value: 3000000
        since: 2024-01-15
        risk: 1
      - name: 美元債券
        type: bond
        institution: ours
        value: 10000.55
        currency: USD
        since: 2026-05-31
        risk: 3
      - name: 科技基金
        type: fund
        institution: 國泰世華
        value: 1200000
        since: 2021-05-10
        risk: 4
      - name: 西屯自宅
        type: property
        institution: self
        value: 18000000
      - name: 房貸
        type: mortgage
        institution: 國泰世華
        value: 6500000
    policies:
      - name: 終身壽險
        insurer: 富邦人壽
        kind: life
        sum_assured: 5000000
        premium: 120000
        riders: [critical_illness]
      - name: 子女醫療險
        kind: medical
        insured: 王小明
        premium: 8000
    ---

    Free notes.

    ## Log
    - 2026-05-01 M 資產回顧
      review:
        total: 21000000
        assets:
          台幣定存: 2500000
          科技基金: 1500000
          西屯自宅: 17000000
          舊基金: 400000
          房貸: 6800000
    - 2026-11-28 M 資產回顧（今天的，不算上次）
      review:
        total: 1
        assets:
          台幣定存: 1
""")


def client(text: str = CLIENT, path: str = "clients/wang-wei.md") -> Client:
    parsed = parse_client(text, path)
    assert parsed.client is not None, parsed.errors
    return parsed.client


def rows_by_name(sheet) -> dict[str, HoldingRow]:
    return {r.name: r for r in sheet.rows}


def test_totals_and_conversion_are_exact():
    sheet = build_review(client(), CONFIG, TODAY)
    rows = rows_by_name(sheet)
    assert rows["美元債券"].value == Decimal("10000.55")
    assert rows["美元債券"].currency == "USD"
    assert rows["美元債券"].value_base == Decimal("312017.160")  # 10000.55 * 31.2, exactly
    t = sheet.totals
    assert t.assets == Decimal("22512017.160")
    assert t.liabilities == Decimal(6500000)
    assert t.net_worth == Decimal("16012017.160")
    assert t.aum == Decimal("3312017.160")  # deposit + bond at this bank
    assert sheet.fx == {"USD": Decimal("31.2")}
    assert sheet.currency == "TWD"


def test_weights_and_subtotals_by_type():
    sheet = build_review(client(), CONFIG, TODAY)
    rows = rows_by_name(sheet)
    assert rows["西屯自宅"].weight == Decimal("0.7996")
    assert rows["房貸"].weight is None  # liabilities carry no share of total assets
    subs = {s.type: s for s in sheet.subtotals}
    assert [s.type for s in sheet.subtotals] == ["deposit", "fund", "bond", "property", "mortgage"]
    assert subs["property"].value_base == Decimal(18000000)
    assert subs["mortgage"].is_liability and subs["mortgage"].weight is None


def test_holding_periods():
    sheet = build_review(client(), CONFIG, TODAY)
    rows = rows_by_name(sheet)
    assert rows["台幣定存"].held == "2y 10m"
    assert rows["美元債券"].held == "5m"  # May 31 -> Nov 28: not yet six whole months
    assert rows["科技基金"].held == "5y 6m"
    assert rows["西屯自宅"].held == ""  # no `since`
    early = build_review(client(), CONFIG, date(2021, 1, 1))
    assert rows_by_name(early)["科技基金"].held == ""  # bought after the sheet's date


def test_changes_against_the_last_review_before_the_sheets_date():
    sheet = build_review(client(), CONFIG, TODAY)
    rows = rows_by_name(sheet)
    # the review dated today itself is not "the last review": 2026-05-01 is
    assert sheet.last_review is not None and sheet.last_review.date == date(2026, 5, 1)
    assert rows["台幣定存"].previous == Decimal(2500000)
    assert rows["台幣定存"].change == Decimal(500000)
    assert rows["台幣定存"].change_pct == Decimal("20.00")
    assert rows["科技基金"].change == Decimal(-300000)
    assert rows["科技基金"].change_pct == Decimal("-20.00")
    assert rows["房貸"].change == Decimal(-300000)
    assert rows["美元債券"].new and rows["美元債券"].change is None
    assert not rows["台幣定存"].new
    assert [(r.name, r.previous) for r in sheet.removed] == [("舊基金", Decimal(400000))]
    assert sheet.totals.previous == Decimal(21000000)
    assert sheet.totals.change == Decimal("1512017.160")
    assert sheet.totals.change_pct == Decimal("7.20")


def test_history_is_every_review_before_the_date_plus_the_sheet_itself():
    sheet = build_review(client(), CONFIG, TODAY)
    assert [(h.date, h.total, h.recorded) for h in sheet.history] == [
        (date(2026, 5, 1), Decimal(21000000), True),
        (TODAY, Decimal("22512017.160"), False),
    ]
    before = build_review(client(), CONFIG, date(2026, 5, 1))
    assert before.last_review is None  # nothing before 2026-05-01
    assert [h.date for h in before.history] == [date(2026, 5, 1)]
    assert not any(r.new for r in before.rows)  # no review to be new against
    assert before.totals.change is None


def test_first_review_has_no_changes():
    text = CLIENT.split("## Log")[0]
    sheet = build_review(client(text), CONFIG, TODAY)
    assert sheet.last_review is None
    assert all(r.change is None and not r.new for r in sheet.rows)
    assert sheet.removed == ()


def test_a_correction_on_the_same_day_wins():
    text = CLIENT.replace("- 2026-11-28 M", textwrap.dedent("""\
        - 2026-05-01 T 更正
          review:
            total: 20000000
            assets:
              台幣定存: 2000000
        - 2026-11-28 M"""))
    snaps = review_snapshots(client(text).entries)
    assert [(s.date, s.total) for s in snaps] == [(date(2026, 5, 1), Decimal(20000000)),
                                                  (TODAY, Decimal(1))]
    assert dict(snaps[0].assets) == {"台幣定存": Decimal(2000000)}


def test_unreadable_review_attributes_are_reported_with_their_line():
    text = CLIENT.replace("    total: 21000000", "    total: AUTO").replace(
        "      舊基金: 400000", "      舊基金: lots")
    sheet = build_review(client(text), CONFIG, TODAY)
    assert sheet.problems == (
        "clients/wang-wei.md:50: review total 'AUTO' is not a number; "
        "this review is left out of the history chart",
        "clients/wang-wei.md:50: review value of '舊基金' ('lots') is not a number; "
        "its change is not shown",
    )
    assert [h.date for h in sheet.history] == [TODAY]  # no readable total, no bar
    assert rows_by_name(sheet)["台幣定存"].change == Decimal(500000)  # the values still count


def test_suitability_flags_products_above_the_risk_profile():
    sheet = build_review(client(), CONFIG, TODAY)
    rows = rows_by_name(sheet)
    assert rows["科技基金"].suitable is False  # risk 4 > profile 3
    assert rows["美元債券"].suitable is True  # equal is fine
    assert rows["台幣定存"].suitable is True
    assert rows["西屯自宅"].suitable is None  # no product risk
    assert rows["房貸"].suitable is None
    assert [r.name for r in sheet.unsuitable] == ["科技基金"]
    no_profile = build_review(client(CLIENT.replace("  profile: 3\n", "")), CONFIG, TODAY)
    assert all(r.suitable is None for r in no_profile.rows)


def test_missing_rate_names_the_asset_and_the_currency():
    text = CLIENT.replace("currency: USD", "currency: JPY")
    with pytest.raises(MissingRate) as err:
        build_review(client(text), CONFIG, TODAY)
    assert "美元債券" in str(err.value) and "JPY" in str(err.value)
    assert "clients/wang-wei.md" in str(err.value)


def test_protection_summary():
    sheet = build_review(client(), CONFIG, TODAY)
    p = sheet.protection
    assert [(x.name, x.kind, x.insured, x.sum_assured, x.premium, x.currency, x.critical_illness)
            for x in p.policies] == [
        ("終身壽險", "life", "self", Decimal(5000000), Decimal(120000), "TWD", True),
        ("子女醫療險", "medical", "王小明", None, Decimal(8000), "TWD", False),
    ]
    assert p.critical_illness and p.kinds == ("life", "medical")


def _row(kind: str, value: int, liability: bool = False) -> HoldingRow:
    v = Decimal(value)
    return HoldingRow(key=kind, name=kind, type=kind, institution=None, since=None, held="", maturity=None,
               risk=None, value=v, currency="TWD", value_base=v, weight=None, previous=None,
               change=None, change_pct=None, new=False, suitable=None, is_liability=liability,
               at_our_bank=False)


def test_small_slices_are_grouped_with_other():
    rows = [_row("deposit", 600), _row("fund", 370), _row("stock", 20), _row("bond", 10),
            _row("mortgage", 5000, liability=True)]
    slices = pie_slices(rows, Decimal(1000))
    assert [(s.key, s.value, s.share, s.members) for s in slices] == [
        ("deposit", Decimal(600), Decimal("0.6000"), ("deposit",)),
        ("fund", Decimal(370), Decimal("0.3700"), ("fund",)),
        ("other", Decimal(30), Decimal("0.0300"), ("stock", "bond")),
    ]


def test_a_lone_small_slice_stays_itself_and_other_absorbs_small_ones():
    lone = pie_slices([_row("deposit", 980), _row("stock", 20)], Decimal(1000))
    assert [s.key for s in lone] == ["deposit", "stock"]
    absorbed = pie_slices([_row("deposit", 900), _row("other", 80), _row("stock", 20)], Decimal(1000))
    assert [(s.key, s.members) for s in absorbed] == [("deposit", ("deposit",)),
                                                     ("other", ("stock", "other"))]
    assert pie_slices([_row("deposit", 0)], Decimal(0)) == ()


def test_record_lines_are_exact_and_read_back():
    sheet = build_review(client(), CONFIG, TODAY)
    lines = record_lines(sheet, "T")
    assert lines == [
        "- 2026-11-28 T 資產回顧 總資產 22,512,017 TWD",
        "  review:",
        "    total: 22512017.16",
        "    assets:",
        "      台幣定存: 3000000",
        "      美元債券: 312017.16",
        "      科技基金: 1200000",
        "      西屯自宅: 18000000",
        "      房貸: 6500000",
    ]
    text = append_log(CLIENT.encode(), lines).decode()
    later = build_review(client(text), CONFIG, date(2026, 12, 31))
    assert later.last_review.date == TODAY
    assert later.last_review.total == Decimal("22512017.16")
    assert all(r.change == 0 for r in later.rows)
    assert later.totals.change == 0


def test_repeated_and_awkward_names_round_trip():
    assert asset_keys(client(CLIENT.replace("美元債券", "台幣定存")).assets)[:2] == ["台幣定存", "台幣定存 #2"]
    assert yaml_key("台幣定存") == "台幣定存"
    assert yaml_key("2024") == '"2024"'
    assert yaml_key("基金: A 類") == '"基金: A 類"'
    assert yaml_key("台幣定存 #2") == '"台幣定存 #2"'
    assert yaml_key("true") == '"true"'
    text = CLIENT.replace("美元債券", "台幣定存").replace("科技基金", "2024")
    sheet = build_review(client(text), CONFIG, TODAY)
    again = client(append_log(text.encode(), record_lines(sheet)).decode())
    later = build_review(again, CONFIG, date(2026, 12, 1))
    assert all(r.change == 0 and not r.new for r in later.rows)
    assert later.removed == ()


def test_number_text_is_exact():
    assert number_text(Decimal("93600000.0")) == "93600000"
    assert number_text(Decimal("38518.272")) == "38518.272"
    assert number_text(Decimal("1E+3")) == "1000"
    assert number_text(Decimal("0.50")) == "0.5"


def test_critical_illness_riders_count_as_on_the_coverage_sheet():
    """The review and the coverage sheet agree: a 重疾 rider (a default) or a rider the
    book names under coverage.critical_illness_riders covers critical illness."""
    from rmnotes.domain.coverage import Rules
    from rmnotes.domain.review import protection
    from rmnotes.model import Policy

    chinese = Policy("壽險附約", kind="life", riders=("重疾",))
    custom = Policy("終身壽險", kind="life", riders=("dread",))
    assert protection([chinese], "x", "TWD").critical_illness
    assert not protection([custom], "x", "TWD").critical_illness
    rules = Rules.from_config({"critical_illness_riders": ["dread"]})
    assert protection([custom], "x", "TWD", rules).critical_illness
