"""Wide tables at 80 columns: review, due and find drop or shorten columns by rank and never
cut a name or an amount; find keeps the matched text in its row."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from conftest import copy_sample, run, write_client
from rmnotes.render.due import days_text
from rmnotes.render.fit import Column, layout
from rmnotes.render.review import amount

AS_OF = "2026-11-30"
# clients of the sample with the most holdings and policies, and the longest names of them
REVIEWED = ["陳美玲", "曾國強", "黃建華", "李宗翰", "區家豪", "張惠珍"]


def at(monkeypatch, columns: int, args: list[str], vault) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run(args, vault)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def money(value) -> str:
    return amount(Decimal(str(value)))


@pytest.mark.parametrize("who", REVIEWED)
def test_review_at_80_columns_keeps_every_name_and_amount_whole(sample, monkeypatch, who):
    sheet = json.loads(run(["review", who, "--as-of", AS_OF, "--json"], sample).stdout)
    lines = at(monkeypatch, 80, ["review", who, "--as-of", AS_OF], sample)
    text = "\n".join(lines)
    assert "…" not in text
    assert all(cell_len(line) <= 80 for line in lines), max(lines, key=cell_len)
    for a in sheet["assets"]:
        row = next(line for line in lines if line.lstrip().startswith(a["name"] + " "))
        assert money(a["value"]) in row and money(a["value_base"]) in row, (a["name"], row)
    for p in sheet["policies"]:
        row = next(line for line in lines if line.lstrip().startswith(p["name"] + " "))
        for key in ("sum_assured", "premium"):
            if p[key] is not None:
                assert f"{money(p[key])} {p['currency']}" in row, (p["name"], row)


def test_a_holding_named_at_length_folds_and_its_amounts_stay_whole(vault, monkeypatch):
    """Where even the columns never dropped do not fit 80 columns, the name folds under
    itself; the value, currency and base-currency value are never cut (3,000, of 3,000,000)."""
    long = "富蘭克林坦伯頓全球投資系列－美國政府基金美元A(Mdis)股"
    write_client(vault, "wang-wei", f"""\
        ---
        name: 王偉
        assets:
          - {{name: 台幣定存, type: deposit, institution: ours, value: 3000000}}
          - {{name: "{long}", type: fund, institution: ours, value: 1200000, risk: 3}}
        ---
    """)
    lines = at(monkeypatch, 80, ["review", "wang-wei", "--as-of", AS_OF], vault)
    assert all(cell_len(line) <= 80 for line in lines), max(lines, key=cell_len)
    deposit = next(line for line in lines if line.lstrip().startswith("台幣定存 "))
    assert deposit.split()[-3:] == ["3,000,000", "TWD", "3,000,000"]
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith(long[:8]))
    assert lines[start].split()[-3:] == ["1,200,000", "TWD", "1,200,000"]
    assert lines[start].split()[0] + lines[start + 1].split()[0] == long  # folded, not cut


def test_review_of_the_issue_at_80_and_120_columns(sample, monkeypatch):
    narrow = at(monkeypatch, 80, ["review", "陳美玲", "--as-of", AS_OF], sample)
    wide = at(monkeypatch, 120, ["review", "陳美玲", "--as-of", AS_OF], sample)
    header = next(line for line in narrow if line.lstrip().startswith("name "))
    assert header.split() == ["name", "type", "risk", "value", "TWD", "wt", "change"]
    assert next(line for line in narrow if "美元定存" in line).split() == [
        "美元定存", "deposit", "1", "80,000", "USD", "2,496,000", "37.1%", "0"]
    header = next(line for line in wide if line.lstrip().startswith("name "))
    assert header.split() == ["name", "type", "institution", "held", "risk", "value", "TWD", "weight",
                              "change", "%"]


def test_due_at_80_columns_keeps_names_whole_and_how_under_detail(sample, monkeypatch):
    rows = json.loads(run(["due", "--as-of", AS_OF, "--json"], sample).stdout)
    lines = at(monkeypatch, 80, ["due", "--as-of", AS_OF], sample)
    assert all(cell_len(line) <= 80 for line in lines), max(lines, key=cell_len)
    assert lines[1].split() == ["date", "days", "reason", "client", "detail", "·", "how"]
    starts = [line for line in lines[2:] if line[:4].isdigit()]
    shown = rows[:len(starts)]
    for row, line in zip(shown, starts):
        assert line.split()[:4] == [row["date"], days_text(row["days"]), row["reason"], *row["name"].split()[:1]]
        assert row["name"] in line
    wide = at(monkeypatch, 160, ["due", "--as-of", AS_OF], sample)
    assert wide[1].split() == ["date", "days", "reason", "client", "detail", "how"]


@pytest.mark.parametrize("args", [["show", "wang-wei"], ["brief", "wang-wei", "--as-of", "2026-11-28"],
                                  ["review", "wang-wei", "--as-of", "2026-11-28"],
                                  ["calendar", "--month", "2026-11"], ["list"], ["find", "基金"]],
                         ids=lambda a: a[0])
@pytest.mark.parametrize("columns", [80, 120])
def test_no_line_ends_in_spaces(sample, monkeypatch, args, columns):
    """rich pads a table's lines to its columns' width; what is printed ends where the text does."""
    lines = at(monkeypatch, columns, args, sample)
    assert len(lines) > 5 and all(line == line.rstrip(" ") for line in lines), args


def test_a_shaded_weekend_keeps_its_background_at_the_end_of_a_line():
    from io import StringIO

    from rich.console import Console

    from rmnotes.render.console import Trimmed
    from rmnotes.render.fit import line_segments

    class Lines:
        def __rich_console__(self, console, options):
            return line_segments([[("a", None), ("  ", "on grey23"), ("   ", None)], [("b  ", None)]])

    buffer = StringIO()
    Console(file=buffer, force_terminal=True, color_system="256", width=20).print(Trimmed(Lines()))
    first, second = buffer.getvalue().split("\n")[:2]
    assert first.endswith("\x1b[48;5;237m  \x1b[0m") and second == "b"


@pytest.mark.parametrize("query", ["基金", "轉換", "保單", "王偉", "KYC"])
def test_find_at_80_columns_keeps_the_match_in_each_row(sample, monkeypatch, query):
    hits = json.loads(run(["find", "--json", query], sample).stdout)
    lines = at(monkeypatch, 80, ["find", query], sample)
    assert len(lines) == len(hits) + 1  # a header and one line a hit: nothing wraps
    assert all(cell_len(line) <= 80 for line in lines), max(lines, key=cell_len)
    for hit, line in zip(hits, lines[1:]):
        assert line.startswith(hit["name"] + " ")
        assert query.lower() in line.lower(), line


def test_find_keeps_ids_when_there_is_room(sample, monkeypatch):
    lines = at(monkeypatch, 120, ["find", "基金"], sample)
    assert lines[1].startswith("陳俊宏 chen-jun-hong ")


@pytest.mark.parametrize("args", [["list"], ["rank", "--top", "0"], ["coverage"], ["coverage", "--gaps"]],
                         ids=" ".join)
def test_book_views_at_80_columns_fold_their_last_column_and_keep_every_word(sample, monkeypatch, args):
    """The free text at a line's end (tags, why a client is potential, the caption) folds
    under its column; every word of the wide view is still there, in its order."""
    narrow = at(monkeypatch, 80, args, sample)
    assert all(cell_len(line) <= 80 for line in narrow), max(narrow, key=cell_len)
    wide = at(monkeypatch, 200, args, sample)
    assert max(map(cell_len, wide)) > 80  # there was something to fold
    if args[0] != "coverage":  # coverage narrows its table first: other columns, other words
        joined = "".join("".join(narrow).split())
        assert joined == "".join("".join(wide).split())


@pytest.mark.parametrize("language", ["en", "zh_TW", "zh_HK", "zh_CN"])
def test_book_views_fit_78_and_80_columns_in_every_language(tmp_path, monkeypatch, language):
    """Where the other columns leave the last too little room (zh_HK's longer status words,
    78 columns), it goes under its row: no line is ever wider than the screen, and every
    word is still there."""
    book = copy_sample(tmp_path / "book", language)
    for args in (["list"], ["coverage"], ["rank", "--top", "0"]):
        wide = at(monkeypatch, 200, args, book)
        for columns in (78, 80):
            lines = at(monkeypatch, columns, args, book)
            assert all(cell_len(line) <= columns for line in lines), (args, columns, max(lines, key=cell_len))
            if args[0] != "coverage":
                assert "".join("".join(lines).split()) == "".join("".join(wide).split()), (args, columns)


@pytest.mark.parametrize("language", ["en", "zh_TW", "zh_CN"])
def test_coverage_gaps_at_80_columns_fold_and_cut_nothing(tmp_path, monkeypatch, language):
    """A gap's message is a sentence with amounts: in Chinese (no spaces to break at) it
    folds between characters; nothing is cut off with an ellipsis."""
    lines = at(monkeypatch, 80, ["coverage", "--gaps"], copy_sample(tmp_path / "book", language))
    assert all(cell_len(line) <= 80 for line in lines), max(lines, key=cell_len)
    assert not any("…" in line for line in lines)
    assert "23,000,000" in "\n".join(lines)  # 陳俊宏's ten times income, whole


@pytest.mark.parametrize("language", ["zh_TW", "zh_HK", "zh_CN"])
def test_show_at_80_columns_cuts_nothing_of_any_client(tmp_path, monkeypatch, language):
    """rich cuts a cell of Chinese that ends exactly at the edge with an ellipsis (曾國強's
    holdings line lost the 產 of 淨資產): every cell of show folds instead."""
    book = copy_sample(tmp_path / "book", language)
    for path in sorted((book / "clients").glob("*.md")):
        lines = at(monkeypatch, 80, ["show", path.stem], book)
        assert all(cell_len(line) <= 80 for line in lines), (path.stem, max(lines, key=cell_len))
        assert not any("…" in line for line in lines), (path.stem, lines)


def test_a_screen_narrower_than_the_other_columns_prints_no_blank_lines(sample, monkeypatch):
    lines = at(monkeypatch, 40, ["list"], sample)
    assert all(line.strip() for line in lines), [i for i, line in enumerate(lines) if not line.strip()]


def test_due_at_80_columns_gives_a_row_without_a_hint_no_empty_line(sample, monkeypatch):
    lines = at(monkeypatch, 80, ["due", "--as-of", AS_OF, "--reason", "holiday", "--days", "400"], sample)
    assert len(lines) > 4 and "" not in lines


def test_the_log_listing_at_80_columns_folds_each_text_under_itself(sample, monkeypatch):
    narrow = at(monkeypatch, 80, ["log", "--since", "2026-11-01"], sample)
    wide = at(monkeypatch, 200, ["log", "--since", "2026-11-01"], sample)
    assert all(cell_len(line) <= 80 for line in narrow), max(narrow, key=cell_len)
    assert max(map(cell_len, wide)) > 80 and len(narrow) > len(wide)
    assert "".join("".join(narrow).split()) == "".join("".join(wide).split())  # every word, in order
    column = wide[0].index(next(w for w in wide[0].split()[3:]))  # where the text begins
    assert all(line[:column].strip() == "" for line in narrow if not line[:4].isdigit())


def test_a_long_tag_list_folds_after_spaces_then_hyphens(sample, monkeypatch):
    lines = at(monkeypatch, 80, ["list"], sample)
    at_ = next(i for i, line in enumerate(lines) if line.startswith("cai-ming-zhe "))
    first = lines[at_].split("  ")[-1].strip()  # the tags' first line
    assert "business-owner".startswith(first) and first.endswith(("-", "owner"))  # not "busine"
    column = cell_len(lines[at_]) - len(first)  # where the tags begin, in screen cells
    joined = first
    for line in lines[at_ + 1:]:
        if not line.startswith(" "):
            break
        assert line[:column] == " " * column and line[column] != " ", line
        joined += line[column:] if joined.endswith("-") else " " + line[column:]
    assert joined == "business-owner golf hard-to-reach"


def test_folding_breaks_where_the_text_allows():
    from rmnotes.render.fit import fold_text

    assert fold_text("#1 寄定期壽險加保試算（保額補到房貸餘額）", 20) == ["#1 寄定期壽險加保試", "算（保額補到房貸餘",
                                                                   "額）"]
    assert fold_text("風險屬性評估於 2025-06-17，效期 1年", 20) == ["風險屬性評估於", "2025-06-17，效期 1年"]
    # a tag split after its hyphen keeps its rest on a line of its own (never "owner golf")
    assert fold_text("business-owner golf", 12) == ["business-", "owner", "golf"]
    assert fold_text("business-owner golf hard-to-reach", 11) == ["business-", "owner", "golf", "hard-to-", "reach"]
    # a hyphen only where the line has no space to break at: a tag is split only when it is
    # longer than a line (was "vip has-" / "kids likes-" / "usd", two tags in halves)
    assert fold_text("vip has-kids likes-usd", 11) == ["vip", "has-kids", "likes-usd"]
    assert fold_text("a well-known fact", 12) == ["a well-known", "fact"]
    assert fold_text("", 10) == [""] and fold_text("abc", 10) == ["abc"]
    assert fold_text("一二三四五，六", 10) == ["一二三四", "五，六"]  # a comma never starts a line
    assert fold_text("一二三四五", 8) == ["一二三", "四五"]  # no character alone on the last line
    assert fold_text("或於 12:00-13:30 來電", 20) == ["或於 12:00-13:30", "來電"]
    # a number keeps its unit, written with a space or without
    assert fold_text("风险等级评估于 2023-05-10，有效期 1 年", 36) == ["风险等级评估于 2023-05-10，有效期", "1 年"]
    assert fold_text("上次聯絡 2026-04-10，每 6 個月聯絡一次", 29) == ["上次聯絡 2026-04-10，每", "6 個月聯絡一次"]
    assert fold_text("效期 12年", 8) == ["效期", "12年"]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab- 一二，（）2026", max_size=40), st.integers(min_value=1, max_value=30))
def test_folding_loses_nothing_and_never_overflows(text, room):
    from rich.cells import cell_len

    from rmnotes.render.fit import fold_text

    lines = fold_text(text, room)
    assert all(cell_len(line) <= room or len(line) == 1 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # spaces only at the breaks
    assert all(line == line.rstrip(" ") for line in lines) and all(line[:1] != " " for line in lines[1:])


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30), st.integers(min_value=1, max_value=40),
       st.none() | st.integers(min_value=1, max_value=40))
def test_a_text_that_fits_is_one_line_as_the_folding_rule_makes_it(text, room, first):
    """fold_text's short way for a line that fits gives what the rule itself gives."""
    from rmnotes.render.fit import fold_pieces, fold_text

    by_rule = ["".join(t for t, _ in line) for line in fold_pieces([(text, None)], room, first)]
    assert fold_text(text, room, first) == by_rule


def test_chinese_help_folds_by_the_tables_rule_and_keeps_codes_whole(tmp_path, monkeypatch):
    book = copy_sample(tmp_path / "book", "zh_TW")
    columns = 80  # click's widest help
    for command in ("coverage", "calendar", "check", "find"):
        lines = run([command, "--help"], book).stdout.splitlines()
        assert all(cell_len(line) <= columns for line in lines), command
        assert not any(line.rstrip().endswith(("（", "「")) for line in lines), command  # an opening mark
        assert not any(line.rstrip().endswith("-") for line in lines), command
    text = run(["coverage", "--help"], book).stdout
    assert "life-below-income" in text and "insured-not-in-family" in text


# ---------------------------------------------------------------------- the layout rule
def test_layout_shortens_headers_then_drops_the_highest_rank_first():
    columns = [Column("name"), Column("institution", drop=1, short="inst."), Column("note", drop=2),
               Column("amount", "right")]
    rows = [("陳美玲", "ours", "x" * 10, "1,000,000")]
    assert layout(columns, rows, 80)[:2] == ([0, 1, 2, 3], ["name", "institution", "note", "amount"])
    shown, headers, need = layout(columns, rows, 38)
    assert (shown, headers[1]) == ([0, 1, 2, 3], "inst.") and need <= 38
    assert layout(columns, rows, 30)[0] == [0, 1, 3]
    assert layout(columns, rows, 20)[0] == [0, 3]
    assert layout(columns, rows, 5)[0] == [0, 3]  # what is never dropped stays, even too wide


@pytest.mark.parametrize("language", ["zh_TW", "zh_CN"])
def test_due_at_120_columns_keeps_the_usual_detail_on_one_line(tmp_path, monkeypatch, language):
    """At 120 columns the detail takes the width most of its rows need, not half the room:
    "有效期 1 年" stayed two cells short and put 年 alone on a line of its own."""
    book = copy_sample(tmp_path / "book", language)
    lines = at(monkeypatch, 120, ["due", "--as-of", "2026-11-28"], book)
    kyc = [line for line in lines if "2023-05-10" in line]
    assert kyc and all("1 年" in line for line in kyc), kyc
    assert all(cell_len(line) <= 120 for line in lines)
    assert not any(line.strip() in ("年", "1 年") for line in lines)


def test_coverage_at_120_columns_keeps_every_kind_naming_clients_without_ids(tmp_path, monkeypatch):
    """At 120 columns a Hong Kong book's coverage kept only three kinds of cover; with the
    ids left out (a name is a CLIENT too) every kind fits, in thousands."""
    book = copy_sample(tmp_path / "book", "zh_HK")
    lines = at(monkeypatch, 120, ["coverage"], book)
    assert all(cell_len(line) <= 120 for line in lines)
    assert {"意外保險", "年金", "整付"} <= set(lines[0].split()) and "cai-ming-zhe" not in "\n".join(lines)
    assert "蔡明哲" in "\n".join(lines)
    wide = at(monkeypatch, 200, ["coverage"], book)
    assert "cai-ming-zhe" in "\n".join(wide)  # ids while they fit


@pytest.mark.parametrize("language", ["zh_HK", "zh_CN"])
def test_due_takes_no_more_lines_on_a_wider_screen(tmp_path, monkeypatch, language):
    """At 100 columns the detail took the width its rows needed and left how-to-reach 17
    cells: more lines than at 80. The split is now the one of a few that takes the fewest."""
    book = copy_sample(tmp_path / "book", language)
    heights = [len(at(monkeypatch, columns, ["due", "--as-of", "2026-11-28"], book)) for columns in (80, 100, 120)]
    assert heights == sorted(heights, reverse=True), heights


def test_review_at_80_columns_keeps_a_loans_type_and_a_single_premiums_payment(tmp_path, monkeypatch):
    """At 80 columns the weight goes before the type (曾國強's factory loan reads as a loan)
    and the insurer before the payment (陳美玲's annuity reads 躉繳, not as a yearly premium)."""
    book = copy_sample(tmp_path / "book", "zh_TW")
    zeng = at(monkeypatch, 80, ["review", "曾國強", "--as-of", AS_OF], book)
    assert any("廠房貸款" in line and "貸款 " in line.replace("廠房貸款", "", 1) for line in zeng), zeng
    chen = at(monkeypatch, 80, ["review", "陳美玲", "--as-of", AS_OF], book)
    assert any("美元利率變動型年金" in line and "躉繳" in line for line in chen), chen
    assert all(cell_len(line) <= 80 for line in zeng + chen)
