"""Cells as people type them in Excel, headers as they name columns, CSV as Excel saves it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from rmnotes.domain import columns as C
from rmnotes.parse import cells
from rmnotes.sheets import decode_csv, read_csv


# ---------------------------------------------------------------------- dates
@pytest.mark.parametrize("raw, expected", [
    (date(1975, 6, 12), date(1975, 6, 12)),                 # an Excel date cell
    (datetime(1975, 6, 12, 0, 0), date(1975, 6, 12)),       # a date-time cell at midnight
    (27557.0, date(1975, 6, 12)),                           # an Excel serial (the format lost)
    ("1975/6/12", date(1975, 6, 12)),
    ("1975-06-12", date(1975, 6, 12)),
    ("1975.6.12", date(1975, 6, 12)),
    ("64/06/12", date(1975, 6, 12)),                        # ROC year 64
    ("064/06/12", date(1975, 6, 12)),
    ("民國64年6月12日", date(1975, 6, 12)),
    ("１９７５／０６／１２", date(1975, 6, 12)),               # full-width digits
    ("19750612", date(1975, 6, 12)),
    (640612.0, date(1975, 6, 12)),                          # ROC 0640612 typed as a number
    ("0640612", date(1975, 6, 12)),
    ("  1975/6/12 ", date(1975, 6, 12)),
])
def test_dates_as_typed(raw, expected):
    assert cells.day(raw, "birthday") == expected


@pytest.mark.parametrize("raw", ["1975/13/01", "6/12", "明天", "soon", 1.5, True])
def test_a_cell_that_is_not_a_whole_date_is_an_error_naming_the_field(raw):
    with pytest.raises(cells.CellError) as exc:
        cells.day(raw, "birthday")
    assert str(exc.value).startswith("birthday ")
    assert "is not a date" in str(exc.value)


def test_the_bad_date_message_quotes_the_cell():
    with pytest.raises(cells.CellError) as exc:
        cells.day("1975/13/01", "birthday")
    assert str(exc.value).startswith('birthday "1975/13/01" is not a date')


# ---------------------------------------------------------------------- phones
@pytest.mark.parametrize("raw, region, expected", [
    (912345678.0, "TW", "0912345678"),       # Excel dropped the leading zero
    ("912345678", "TW", "0912345678"),       # and so did the CSV it saved
    (912345678.0, "HK", "912345678"),        # not a Taiwanese mobile elsewhere
    ("0912-345-678", "TW", "0912-345-678"),  # text is kept as written
    ("+852 9123 4567", "TW", "+852 9123 4567"),
    ("+86 138 0013 8000", "CN", "+86 138 0013 8000"),
    ("０９１２３４５６７８", "TW", "0912345678"),  # full-width digits
])
def test_mobiles_as_typed(raw, region, expected):
    assert cells.phone(raw, "mobile", region, mobile=True) == expected


def test_a_landline_number_keeps_its_digits_and_gains_no_zero():
    assert cells.phone(423456789.0, "phone", "TW") == "423456789"
    assert cells.phone(912345678.0, "phone", "TW") == "912345678"  # only a mobile column


@pytest.mark.parametrize("raw", ["call me", 0.5, "王先生"])
def test_what_is_no_phone_number_is_an_error(raw):
    with pytest.raises(cells.CellError, match="mobile .* is not a phone number"):
        cells.phone(raw, "mobile", "TW", mobile=True)


# ---------------------------------------------------------------------- amounts
@pytest.mark.parametrize("raw, expected", [
    (1200000.0, (Decimal(1200000), None)),
    (1234.5, (Decimal("1234.5"), None)),
    ("1,200,000", (Decimal(1200000), None)),
    ("300萬", (Decimal(3000000), None)),
    ("300万", (Decimal(3000000), None)),
    ("1.5億", (Decimal(150000000), None)),
    ("1亿2000万", (Decimal(120000000), None)),
    ("USD 50,000", (Decimal(50000), "USD")),
    ("50,000 USD", (Decimal(50000), "USD")),
    ("50,000美元", (Decimal(50000), "USD")),
    ("NT$3,000", (Decimal(3000), "TWD")),
    ("HKD 10萬", (Decimal(100000), "HKD")),
    ("１２３，４５６", (Decimal(123456), None)),
    ("3000元", (Decimal(3000), None)),
])
def test_amounts_as_typed(raw, expected):
    assert cells.amount(raw, "value") == expected


@pytest.mark.parametrize("raw", ["a lot", "-5,000", "1..2", "萬"])
def test_what_is_no_amount_is_an_error(raw):
    with pytest.raises(cells.CellError, match="value .* is not an amount"):
        cells.amount(raw, "value")


def test_an_amount_never_passes_through_a_binary_float_sum():
    amount, _ = cells.amount(0.1, "value")
    assert amount == Decimal("0.1")


# ---------------------------------------------------------------------- words
@pytest.mark.parametrize("raw, expected", [
    ("壽險", "life"), ("終身壽險", "life"), ("重大疾病", "critical_illness"), ("重疾", "critical_illness"),
    ("重疾险", "critical_illness"), ("醫療", "medical"), ("意外", "accident"), ("年金", "annuity"),
    ("長照", "long_term_care"), ("投資型", "investment_linked"), ("投資型壽險", "investment_linked"),
    ("Life", "life"), ("critical illness", "critical_illness"),
])
def test_policy_kinds_in_chinese(raw, expected):
    assert cells.choice(raw, "kind", C.WORDS["kind"], C.ALLOWED["kind"]) == expected


@pytest.mark.parametrize("raw, expected", [
    ("定存", "deposit"), ("基金", "fund"), ("股票", "stock"), ("債券", "bond"), ("理財", "wmp"),
    ("結構型", "structured"), ("房產", "property"), ("房地產", "property"), ("房貸", "mortgage"),
    ("信貸", "loan"), ("貸款", "loan"), ("房屋貸款", "mortgage"), ("Fund", "fund"),
])
def test_holding_types_in_chinese(raw, expected):
    assert cells.choice(raw, "type", C.WORDS["type"], C.ALLOWED["type"]) == expected


@pytest.mark.parametrize("raw, expected", [
    ("年繳", "annual"), ("月繳", "monthly"), ("季繳", "quarterly"), ("半年繳", "semiannual"),
    ("躉繳", "single"), ("月缴", "monthly"),
])
def test_premium_frequencies(raw, expected):
    assert cells.choice(raw, "premium_frequency", C.WORDS["frequency"], C.ALLOWED["frequency"]) == expected


def test_an_unknown_word_is_an_error_listing_the_values():
    with pytest.raises(cells.CellError, match='kind "寵物險" is not one of: life, critical_illness'):
        cells.choice("寵物險", "kind", C.WORDS["kind"], C.ALLOWED["kind"])


@pytest.mark.parametrize("raw, expected", [
    ("保守型", 1), ("穩健型", 3), ("積極型", 5), ("RR1", 1), ("rr4", 4), ("R2", 2), (3.0, 3), ("３", 3),
    ("稳健型", 3),
])
def test_risk_words(raw, expected):
    assert cells.risk(raw, "risk", C.RISK_WORDS) == expected


@pytest.mark.parametrize("raw", ["RR6", 0.0, "很高"])
def test_a_risk_outside_1_to_5_is_an_error(raw):
    with pytest.raises(cells.CellError, match="is not a risk level"):
        cells.risk(raw, "risk", C.RISK_WORDS)


def test_lists_in_one_cell():
    assert cells.texts("高爾夫、紅酒") == ["高爾夫", "紅酒"]
    assert cells.texts("golf, wine ; reading") == ["golf", "wine", "reading"]
    assert cells.texts("  ") is None


def test_blank_cells_and_trailing_spaces():
    assert cells.text("  王偉  ") == "王偉"
    assert cells.text("") is None and cells.text(None) is None and cells.text("   ") is None
    assert cells.text(5.0) == "5"


# ---------------------------------------------------------------------- headers
@pytest.mark.parametrize("header, key", [
    ("姓名", "name"), ("客戶姓名", "name"), ("客户姓名", "name"), ("客户名称", "name"), ("Name", "name"),
    ("手機", "mobile"), ("行動電話", "mobile"), ("手机", "mobile"), ("Mobile", "mobile"),
    ("生日", "birthday"), ("出生日期", "birthday"), ("職業", "occupation"), ("工作單位", "employer"),
    ("服務單位", "employer"), ("公司", "employer"), ("興趣", "hobbies"), ("嗜好", "hobbies"),
    ("風險屬性", "risk_profile"), ("風險等級", "risk_profile"), ("KYC", "risk_profile"),
    ("等級", "tier"), ("客戶等級", "tier"), ("備註", "notes"), ("配偶", "spouse"), ("子女", "child"),
    ("　手 機　", "mobile"), ("ＭＯＢＩＬＥ", "mobile"), ("手機：", "mobile"), ("生日(西元)", "birthday"),
    # the words the screens show (Hong Kong's and Taiwan's among them)
    ("手提電話", "mobile"), ("郵件", "email"), ("邮件", "email"), ("電郵", "email"), ("風險取向", "risk_profile"),
    ("方便時段", "best_time"), ("方便时段", "best_time"), ("最佳時段", "best_time"),
])
def test_client_headers(header, key):
    layout = C.recognise([["客戶資料表"], ["姓名" if key != "name" else header, "生日" if key != "birthday" else "手機",
                                          header]])
    assert layout is not None and layout.kind == "clients" and layout.header_row == 1
    assert layout.columns[2] is not None and layout.columns[2].key == key


@pytest.mark.parametrize("header, key", [
    ("保單名稱", "name"), ("商品名稱", "name"), ("名稱", "name"), ("保險公司", "insurer"), ("險種", "kind"),
    ("保額", "sum_assured"), ("保費", "premium"), ("年繳保費", "premium_yearly"), ("年化保費", "premium_yearly"),
    ("繳別", "premium_frequency"), ("生效日", "start"), ("投保日", "start"), ("起保日", "start"),
])
def test_policy_headers(header, key):
    layout = C.recognise([["客戶姓名", "保險公司", "保額", header]])
    assert layout is not None and layout.kind == "policies"
    assert layout.columns[3].key == key


@pytest.mark.parametrize("header, key", [
    ("名稱", "name"), ("類別", "type"), ("金額", "value"), ("市值", "value"), ("餘額", "value"),
    ("機構", "institution"), ("往來機構", "institution"), ("往來銀行", "institution"), ("幣別", "currency"),
    ("到期日", "maturity"), ("風險等級", "risk"),
])
def test_holding_headers(header, key):
    layout = C.recognise([["客戶姓名", "類別", "金額", header]])
    assert layout is not None and layout.kind == "holdings"
    assert layout.columns[3].key == key


def test_a_header_unit_scales_the_amounts():
    note = C.header_note("保額(萬)")
    assert note.factor == 10000 and C.header_key("保額(萬)") == C.header_key("保額")
    assert C.header_note("金額（USD）").currency == "USD"


def test_a_sheet_without_known_headers_is_not_recognised():
    assert C.recognise([["日期", "天氣"], ["2026-01-01", "晴"]]) is None


def test_the_map_names_a_header_nobody_knew():
    rows = [["客戶", "客戶電話", "生日"]]
    assert C.recognise(rows).columns[1] is None
    assert C.recognise(rows, {"客戶電話": "mobile"}).columns[1].key == "mobile"


def test_every_exported_header_and_word_reads_back():
    """The export's vocabulary is one the import reads, in every language."""
    for kind, columns in C.COLUMNS.items():
        for lang in C.LANGS:
            headers = [c.label(lang) for c in columns if c.key != "premium_yearly"]
            layout = C.recognise([headers])
            assert layout is not None and layout.kind == kind, (kind, lang)
            assert [c.key for c in layout.columns] == [c.key for c in columns if c.key != "premium_yearly"]
    for vocabulary, allowed in C.ALLOWED.items():
        for value in allowed:
            for lang in C.LANGS:
                word = C.word_for(vocabulary, value, lang)
                assert cells.choice(word, "x", C.WORDS[vocabulary], allowed) == value, (vocabulary, value, lang)


# ---------------------------------------------------------------------- CSV encodings
TC = "客戶姓名,手機,生日,職業,備註\r\n王大明,0912345678,1975/6/12,工程師,喜歡高爾夫\r\n陳美玲,0922333444,64/06/12,教師,有兩個孩子\r\n"
SC = "客户姓名,手机,出生日期,职业,备注\r\n王大明,0912345678,1975/6/12,工程师,喜欢高尔夫\r\n陈美玲,0922333444,1975/6/12,教师,有两个孩子\r\n"


@pytest.mark.parametrize("data, encoding, text", [
    (TC.encode("cp950"), "cp950", TC),
    (SC.encode("gb18030"), "gb18030", SC),
    (TC.encode("utf-8-sig"), "utf-8-sig", TC),
    (SC.encode("utf-8"), "utf-8", SC),
    (TC.encode("gb18030"), "gb18030", TC),  # Traditional characters saved on a Simplified Windows
])
def test_csv_encodings_are_told_apart(data, encoding, text):
    assert decode_csv(data) == (text, encoding)


def test_a_csv_value_over_two_lines_keeps_the_rows_numbered_by_line():
    table = read_csv('姓名,備註\r\n王偉,"第一行\r\n第二行"\r\n陳美玲,x\r\n'.encode("utf-8"), "book.csv")
    assert table.rows[1] == ["王偉", "第一行\r\n第二行"]
    assert table.rows[3] == ["陳美玲", "x"]
    assert table.where(3) == "book.csv:4"


# the codes whose words a person may type into a sheet, as the screens show them
_SHOWN = {"status": ("active", "prospect", "dormant", "closed"),
          "type": ("deposit", "fund", "stock", "bond", "wmp", "structured", "insurance", "property", "cash",
                   "mortgage", "loan"),
          "kind": ("life", "critical_illness", "medical", "accident", "annuity", "investment_linked",
                   "long_term_care"),
          "marital": ("married", "single", "divorced", "widowed"),
          "channel": ("phone", "sms", "line", "wechat", "email", "meeting")}


@pytest.mark.parametrize("language", ["en", "zh_TW", "zh_HK", "zh_CN"])
def test_every_word_a_screen_shows_reads_back_from_a_sheet(language):
    """A Hong Kong manager who copies 按揭, 物業, 危疾, 會面 or 不動戶口 from the screen into the
    workbook gets the same codes back."""
    from rmnotes import i18n
    from rmnotes.words import word

    i18n.use(language)
    for vocabulary, codes in _SHOWN.items():
        for code in codes:
            shown = i18n.tr(word(code))
            assert cells.choice(shown, "x", C.WORDS[vocabulary], C.ALLOWED[vocabulary]) == code, (vocabulary, shown)


@pytest.mark.parametrize("region", ["TW", "HK", "CN"])
def test_every_word_the_review_sheet_prints_reads_back_from_a_sheet(region):
    """The review sheet (screen and PDF) has words of its own for types, kinds and premium
    frequencies (投资连结险 in Simplified): a sheet that holds them reads back too."""
    from rmnotes.render.review import words_for

    w = words_for(region)
    for vocabulary, table in (("type", w.types), ("kind", w.kinds), ("frequency", w.frequency)):
        for code, shown in table.items():
            if code in C.ALLOWED[vocabulary]:
                assert cells.choice(shown, "x", C.WORDS[vocabulary], C.ALLOWED[vocabulary]) == code, shown


@pytest.mark.parametrize("typed, status", [("不活躍", "dormant"), ("不活跃", "dormant"), ("活躍客戶", "active"),
                                           ("不動戶口", "dormant"), ("已結束往來", "closed")])
def test_a_status_word_inside_a_longer_one_is_not_taken_for_it(typed, status):
    assert cells.choice(typed, "x", C.WORDS["status"], C.ALLOWED["status"]) == status


def test_a_hong_kong_sheets_dates_are_read_day_first():
    """05/03/1980 in a Hong Kong book is 5 March (in Taiwan's it could be either order, an
    error); six digits are no 民國 date there."""
    from rmnotes import i18n

    with pytest.raises(cells.CellError, match="could be"):
        cells.day("05/03/1980", "生日")
    i18n.use_region("HK")
    assert cells.day("05/03/1980", "生日") == date(1980, 3, 5)
    with pytest.raises(cells.CellError, match="5/3/1980 or 5/3/2080"):  # a cell's year is never guessed
        cells.day("5/3/80", "生日")
    with pytest.raises(cells.CellError):
        cells.day("640612", "生日")
    with pytest.raises(cells.CellError):
        cells.day(640612, "生日")
    i18n.use_region("TW")
    assert cells.day("640612", "生日") == cells.day(640612, "生日") == date(1975, 6, 12)


def test_a_cell_that_says_its_unit_is_not_scaled_by_the_headers_again():
    """保額(萬) over a cell of 20萬 is 200,000, not 20億: the header's unit applies to a
    bare number only."""
    from rmnotes.domain.columns import POLICY_COLUMNS
    from rmnotes.domain.import_rows import read_cell

    column = next(c for c in POLICY_COLUMNS if c.key == "sum_assured")
    from rmnotes.config import Config

    config = Config(base_currency="TWD")
    assert read_cell(column, "20萬", config, "保額(萬)") == (Decimal(200000), None)
    assert read_cell(column, 20, config, "保額(萬)") == (Decimal(200000), None)
    assert read_cell(column, "20", config, "保額(萬)") == (Decimal(200000), None)
    assert read_cell(column, "1.5億", config, "保額(萬)") == (Decimal(150000000), None)
