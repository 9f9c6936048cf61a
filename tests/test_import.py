"""rmn import: workbooks and CSV files built here, imported into real vaults with real git."""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import git, read_client, run, write_client


def workbook(path: Path, sheets: dict[str, list[list]], merge: dict[str, str] | None = None) -> Path:
    """An .xlsx file of ``sheets`` (name -> rows), as Excel would save it."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if merge and name in merge:
            ws.merge_cells(merge[name])
    wb.save(path)
    return path


def commits(vault: Path) -> int:
    return int(git(vault, "rev-list", "--count", "HEAD").strip())


def reimport_changes_nothing(vault: Path, sheet: Path) -> str:
    """Import ``sheet`` again and check that nothing changed and nothing was committed; the HEAD."""
    head = git(vault, "rev-parse", "HEAD")
    assert run(["import", str(sheet)], vault).exit_code == 0
    assert git(vault, "rev-parse", "HEAD") == head
    return head


CLIENTS = [
    ["陳經理的客戶資料表（2026 年 11 月）"],  # a merged title row
    [],
    ["客戶姓名", "行動電話", "出生日期", "職業", "工作單位", "興趣", "風險屬性", "客戶等級", "配偶", "子女", "備註", "推薦人"],
    ["王大明", 912345678, datetime(1975, 6, 12), "工程師", "台積電", "高爾夫、紅酒", "穩健型", "A", "林淑芬",
     "王小明、王小華", "喜歡新基金", "李經理"],
    ["陳美玲", "0922-333-444", "64/06/12", "教師", None, None, "RR2", "B", None, None, None, None],
    [None] * 12,  # a blank row
    ["張三豐  ", "+852 9123 4567", "１９８０／０１／０２", None, None, None, "積極型", None, None, None, None, None],
    ["李四", "0933444555", "1975/13/01", None, None, None, None, None, None, None, None, None],
]
POLICIES = [
    ["客戶姓名", "保單名稱", "保險公司", "險種", "保額", "年繳保費", "繳別", "生效日"],
    ["王大明", "終身壽險", "富邦人壽", "壽險", "500萬", 120000, "月繳", "民國109年1月1日"],
    ["王大明", "重疾險", "國泰人壽", "重大疾病", 1000000, 24000, "年繳", 43831],  # an Excel serial
    ["陳美玲", "醫療險", "南山人壽", "醫療", "30萬", 12000, "季繳", "110/03/01"],
    ["李四", "意外險", "新光人壽", "意外", 1000000, 3000, "年繳", "2020-01-01"],
]
HOLDINGS = [
    ["客戶姓名", "名稱", "類別", "往來銀行", "金額", "幣別", "到期日", "風險等級"],
    ["王大明", "台幣定存", "定存", "本行", "3,000,000", "TWD", "2026/12/15", "RR1"],
    ["王大明", "美元定存", "定存", "本行", "USD 50,000", None, None, "RR1"],
    ["王大明", "西屯自宅", "房地產", "自有", "1,800萬", None, None, None],  # as the screens say self-held
    ["王大明", "房貸", "房貸", "國泰世華", "650萬", None, None, None],
    ["陳美玲", "科技基金", "基金", "本行", 1200000, None, None, "RR4"],
]


@pytest.fixture
def book(tmp_path) -> Path:
    return workbook(tmp_path / "book.xlsx", {"客戶資料": CLIENTS, "保險": POLICIES, "資產": HOLDINGS},
                    merge={"客戶資料": "A1:L1"})


def test_a_workbook_is_imported_with_a_bad_date_reported_by_its_cell(vault, book):
    before = commits(vault)
    result = run(["import", str(book)], vault)
    assert result.exit_code == 1
    assert f'{book}:客戶資料!C8: 出生日期 "1975/13/01" is not a date' in result.stdout  # the sheet's own header
    assert sorted(p.name for p in (vault / "clients").glob("*.md")) == [
        "chen-mei-ling.md", "wang-da-ming.md", "zhang-san-feng.md"]  # 李四 (and her policy) left out
    assert commits(vault) == before + 1
    assert git(vault, "log", "-1", "--format=%s").strip() == f"import: {book.name}: 3 new, 0 updated"
    assert run(["check"], vault).exit_code == 0

    wang = read_client(vault, "wang-da-ming")
    assert wang.meta["profile"]["mobile"] == "0912345678"  # the leading zero Excel dropped
    assert wang.birthday == date(1975, 6, 12)
    assert wang.tier == "A" and wang.status == "active" and wang.risk_profile == 3
    assert wang.meta["profile"]["hobbies"] == ["高爾夫", "紅酒"]
    assert [(m.name, m.relation) for m in wang.family] == [("林淑芬", "spouse"), ("王小明", "child"), ("王小華", "child")]
    assert wang.notes == "喜歡新基金"
    assert wang.meta["imported"] == {"推薦人": "李經理"}
    life, ci = wang.policies
    assert (life.kind, life.sum_assured, life.premium, life.premium_frequency, life.start) == (
        "life", 5000000, 10000, "monthly", date(2020, 1, 1))  # yearly 120,000 paid monthly
    assert (ci.kind, ci.premium, ci.start) == ("critical_illness", 24000, date(2020, 1, 1))
    assets = {a.name: a for a in wang.assets}
    assert assets["美元定存"].currency == "USD" and assets["美元定存"].value == 50000
    assert assets["台幣定存"].currency is None and assets["台幣定存"].institution == "ours"
    assert assets["台幣定存"].maturity == date(2026, 12, 15) and assets["台幣定存"].risk == 1
    assert assets["西屯自宅"].type == "property" and assets["西屯自宅"].value == 18000000
    assert assets["西屯自宅"].institution == "self"  # 自有: held by the client
    assert assets["房貸"].type == "mortgage" and assets["房貸"].value == 6500000

    chen = read_client(vault, "chen-mei-ling")
    assert chen.birthday == date(1975, 6, 12) and chen.risk_profile == 2
    assert chen.meta["profile"]["mobile"] == "0922-333-444"
    assert chen.policies[0].premium == 3000 and chen.policies[0].premium_frequency == "quarterly"
    zhang = read_client(vault, "zhang-san-feng")
    assert zhang.name == "張三豐" and zhang.meta["profile"]["mobile"] == "+852 9123 4567"
    assert zhang.birthday == date(1980, 1, 2) and zhang.risk_profile == 5


def test_a_cell_that_shows_an_excel_error_is_an_error_at_that_cell(vault, tmp_path):
    """A failed formula (#N/A from a VLOOKUP) is neither a value nor an empty cell: the row
    is left out with the cell named, in a workbook (python-calamine gives such a cell as
    empty) and in a CSV file (where Excel writes the code as text)."""
    sheet = workbook(tmp_path / "book.xlsx", {"客戶資料": [
        ["客戶姓名", "生日", "職業", "推薦人"],
        ["王大明", "#N/A", "工程師"],  # openpyxl writes an error cell, as Excel saves one
        ["陳美玲", date(1975, 6, 12), "教師"],
        ["#REF!", date(1980, 1, 2), "醫師"],  # the name itself: one error, not "no name"
        ["林志明", date(1981, 3, 4), "律師", "#DIV/0!"],  # past the other rows' last cell
    ]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    for cell, code in (("B2", "#N/A"), ("A4", "#REF!"), ("D5", "#DIV/0!")):
        assert (f"{sheet}:客戶資料!{cell}: the cell shows Excel's error {code} instead of a value; correct its "
                "formula, or clear the cell, in the workbook") in result.stdout
    assert "names no client" not in result.stdout
    assert sorted(p.name for p in (vault / "clients").glob("*.md")) == ["chen-mei-ling.md"]

    csv_file = tmp_path / "book.csv"
    csv_file.write_text("姓名,生日,職業\r\n張三豐,#VALUE!,教師\r\n", encoding="utf-8-sig")
    result = run(["import", str(csv_file)], vault)
    assert result.exit_code == 1 and f"{csv_file}:2: the cell shows Excel's error #VALUE!" in result.stdout
    assert not (vault / "clients" / "zhang-san-feng.md").exists()


def test_the_preview_lists_what_it_read_and_says_how_premiums_were_divided(vault, book):
    result = run(["import", str(book), "--dry-run"], vault)
    out = result.stdout
    assert f"{book}:客戶資料: client information sheet, headers in row 3, 4 rows" in out
    assert "columns kept under imported: 推薦人" in out
    assert f"{book}:保險!F2: yearly premium 120000 is 10000 per monthly payment" in out
    assert "王大明 (wang-da-ming): 2 policies, 4 holdings, 3 family members" in out
    assert "dry run: nothing was written" in result.stderr


def test_dry_run_writes_nothing(vault, book):
    head = git(vault, "rev-parse", "HEAD")
    result = run(["import", str(book), "--dry-run"], vault)
    assert result.exit_code == 1  # the bad date, as the real run would
    assert not list((vault / "clients").glob("*.md"))
    assert git(vault, "rev-parse", "HEAD") == head
    assert git(vault, "status", "--porcelain") == ""


def test_a_second_import_changes_nothing_and_commits_nothing(vault, book):
    run(["import", str(book)], vault)
    head = git(vault, "rev-parse", "HEAD")
    stamps = {p: p.stat().st_mtime_ns for p in (vault / "clients").glob("*.md")}
    result = run(["import", str(book)], vault)
    assert "unchanged: 3" in result.stdout
    assert git(vault, "rev-parse", "HEAD") == head
    assert {p: p.stat().st_mtime_ns for p in (vault / "clients").glob("*.md")} == stamps


def test_a_changed_cell_changes_one_line_of_one_file(vault, book, tmp_path):
    run(["import", str(book)], vault)
    rows = [list(r) for r in CLIENTS]
    rows[3][4] = "聯發科"  # 王大明 changed jobs
    changed = workbook(tmp_path / "book2.xlsx", {"客戶資料": rows, "保險": POLICIES, "資產": HOLDINGS})
    result = run(["import", str(changed)], vault)
    assert "profile.employer: 台積電 -> 聯發科" in result.stdout
    stat = git(vault, "diff", "--stat", "HEAD~1", "HEAD")
    assert "1 file changed, 1 insertion(+), 1 deletion(-)" in stat and "wang-da-ming.md" in stat
    assert git(vault, "log", "-1", "--format=%s").strip() == f"import: {changed.name}: 0 new, 1 updated"


def test_an_update_keeps_every_other_byte_of_a_hand_written_file(vault, tmp_path):
    text = textwrap.dedent("""\
        ---
        name: 王偉   # 大客戶
        tier: A
        profile: {mobile: "0912-000-111", employer: 台積電}
        family:
          - name: 林淑芬
            relation: spouse
            birthday: 1977-02-03   # 結婚紀念日另記
        assets:
          - {name: 台幣定存, type: deposit, value: 1000000}
        ---

        很重要的客戶。

        ## Log
        - 2026-11-05 M 季度資產回顧
    """).replace("\n", "\r\n")
    path = vault / "clients" / "wang-wei.md"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "hand")
    sheet = workbook(tmp_path / "b.xlsx", {
        "a": [["姓名", "手機", "工作單位", "配偶", "備註"], ["王偉", "0912000111", "聯發科", "林淑芬", "改過的備註"]],
        "b": [["客戶姓名", "名稱", "類別", "金額"], ["王偉", "台幣定存", "定存", "120萬"]],
    })
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after == b"\xef\xbb\xbf" + text.replace("employer: 台積電", "employer: 聯發科").replace(
        "value: 1000000", "value: 1200000").encode("utf-8")
    # the mobile is the same number (no change), the spouse keeps her birthday, the notes are the user's
    assert "notes" in result.stdout and "改過的備註" in result.stdout
    assert "not applied" in result.stdout


def test_clients_are_matched_by_id_then_name_then_mobile(vault, tmp_path):
    write_client(vault, "wang-wei", "---\nname: 王偉\nprofile: {mobile: \"0912345678\"}\n---\n")
    write_client(vault, "chen-mei-ling", "---\nname: 陳美玲\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "two")
    sheet = workbook(tmp_path / "m.xlsx", {"c": [
        ["客戶代號", "姓名", "手機", "職業"],
        ["chen-mei-ling", "陳美玲 Amy", None, "醫師"],   # by id: the name changes too
        [None, "Wang Wei", 912345678, "工程師"],          # by mobile
    ]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    assert "matched by mobile" in result.stdout
    assert read_client(vault, "wang-wei").meta["profile"]["occupation"] == "工程師"
    assert read_client(vault, "wang-wei").name == "王偉"  # matched by mobile: the name is the file's
    chen = read_client(vault, "chen-mei-ling")
    assert chen.name == "陳美玲 Amy" and chen.meta["profile"]["occupation"] == "醫師"
    assert len(list((vault / "clients").glob("*.md"))) == 2


def test_an_ambiguous_name_is_a_row_error_and_the_other_rows_import(vault, tmp_path):
    write_client(vault, "chen-mei-ling", "---\nname: 陳美玲\n---\n")
    write_client(vault, "chen-mei-ling-2", "---\nname: 陳美玲\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "two")
    sheet = workbook(tmp_path / "a.xlsx", {"c": [["姓名", "職業"], ["陳美玲", "教師"], ["王偉", "工程師"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    assert (f"{sheet}:c!2: 陳美玲 matches 2 clients: 陳美玲 (chen-mei-ling), 陳美玲 (chen-mei-ling-2); "
            "add a 客戶代號 (id) column to say which") in result.stdout
    assert (vault / "clients" / "wang-wei.md").exists()
    assert "occupation" not in (vault / "clients" / "chen-mei-ling.md").read_text(encoding="utf-8")


def test_import_never_removes(vault, tmp_path):
    write_client(vault, "wang-wei", textwrap.dedent("""\
        ---
        name: 王偉
        profile: {mobile: "0912345678", email: w@example.com}
        family:
          - {name: 王小明, relation: child, school: 台中一中}
        ---
    """))
    write_client(vault, "lin-fang", "---\nname: 林芳\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "two")
    before = (vault / "clients" / "wang-wei.md").read_bytes()
    sheet = workbook(tmp_path / "n.xlsx", {"c": [["姓名", "手機", "電子郵件", "子女"], ["王偉", None, "", "王小明"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0 and "unchanged: 1" in result.stdout
    assert (vault / "clients" / "wang-wei.md").read_bytes() == before
    assert (vault / "clients" / "lin-fang.md").exists()


def test_a_currency_without_a_rate_is_an_error_naming_it(vault, tmp_path):
    sheet = workbook(tmp_path / "c.xlsx", {"h": [["客戶姓名", "名稱", "類別", "金額", "幣別"],
                                                 ["王偉", "日圓定存", "定存", 100000, "JPY"],
                                                 ["陳美玲", "美元定存", "定存", "USD 1,000", None]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    assert f"{sheet}:h!E2: currency JPY has no rate in rmnotes.yaml" in result.stdout
    assert not (vault / "clients" / "wang-wei.md").exists()
    assert (vault / "clients" / "chen-mei-ling.md").exists()


def test_a_yearly_premium_that_does_not_divide_is_an_error(vault, tmp_path):
    sheet = workbook(tmp_path / "p.xlsx", {"p": [["客戶姓名", "保單名稱", "險種", "年化保費", "繳別"],
                                                 ["王偉", "壽險A", "壽險", 100000, "月繳"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    assert "yearly premium 100000 does not divide into 12 equal payments" in result.stdout


def test_the_imported_mapping_shows_in_show_json(vault, book):
    run(["import", str(book)], vault)
    shown = json.loads(run(["show", "wang-da-ming", "--json"], vault).stdout)
    assert shown["imported"] == {"推薦人": "李經理"}


def test_a_map_file_names_unknown_headers(vault, tmp_path):
    sheet = workbook(tmp_path / "x.xlsx", {"c": [["姓名", "客戶電話", "生日", "內部代碼"],
                                                 ["王偉", 912345678, "1975-06-12", "X1"]]})
    (tmp_path / "map.yaml").write_text("客戶電話: mobile\n內部代碼: skip\n", encoding="utf-8")
    result = run(["import", str(sheet), "--map", str(tmp_path / "map.yaml")], vault)
    assert result.exit_code == 0, result.output
    c = read_client(vault, "wang-wei")
    assert c.meta["profile"]["mobile"] == "0912345678" and "imported" not in c.meta
    (tmp_path / "bad.yaml").write_text("客戶電話: cellphone\n", encoding="utf-8")
    bad = run(["import", str(sheet), "--map", str(tmp_path / "bad.yaml")], vault)
    assert bad.exit_code == 1 and f"{tmp_path / 'bad.yaml'}:1: cellphone is not a column" in bad.stderr
    # the English headers of an export name their columns too
    (tmp_path / "english.yaml").write_text("生日: KYC Date\n", encoding="utf-8")
    dry = run(["import", str(sheet), "--map", str(tmp_path / "english.yaml"), "--dry-run", "--json"], vault)
    assert dry.exit_code == 0 and '"field": "risk.assessed"' in dry.stdout, dry.output


def test_sheet_option_reads_only_the_sheets_named(vault, book):
    result = run(["import", str(book), "--sheet", "資產", "--dry-run"], vault)
    assert "客戶資料" not in result.stdout and "資產: holdings sheet" in result.stdout
    missing = run(["import", str(book), "--sheet", "Sheet9"], vault)
    assert missing.exit_code == 1 and "no sheet named Sheet9; its sheets are: 客戶資料, 保險, 資產" in missing.stderr


def test_a_book_with_no_known_sheet_is_one_error(vault, tmp_path):
    sheet = workbook(tmp_path / "w.xlsx", {"天氣": [["日期", "天氣"], ["2026-01-01", "晴"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1 and "no sheet has the header row" in result.stderr


def test_json_plan(vault, book):
    result = run(["import", str(book), "--json", "--dry-run"], vault)
    plan = json.loads(result.stdout)
    assert [c["client"] for c in plan["new"]] == ["wang-da-ming", "chen-mei-ling", "zhang-san-feng"]
    assert plan["errors"][0]["cell"] == f"{book}:客戶資料!C8"
    assert plan["dry_run"] is True and plan["commit"] is None


@pytest.mark.parametrize("encoding", ["cp950", "gb18030", "utf-8-sig"])
def test_csv_files_saved_by_excel_in_each_encoding(vault, tmp_path, encoding):
    traditional = encoding != "gb18030"
    header = "客戶姓名,手機,生日,職業,風險屬性" if traditional else "客户姓名,手机,出生日期,职业,风险属性"
    job = "工程師" if traditional else "工程师"
    text = f"{header}\r\n王大明,912345678,64/06/12,{job},穩健型\r\n\r\n陳美玲,0922333444,1975/13/01,,RR2\r\n"
    if not traditional:
        text = text.replace("陳美玲", "陈美玲").replace("穩健型", "稳健型")
    path = tmp_path / "book.csv"
    path.write_bytes(text.encode(encoding))
    result = run(["import", str(path)], vault)
    assert result.exit_code == 1
    assert f'{path}:4: {header.split(",")[2]} "1975/13/01" is not a date' in result.stdout
    c = read_client(vault, "wang-da-ming")
    assert c.meta["profile"]["occupation"] == job and c.birthday == date(1975, 6, 12)
    assert c.meta["profile"]["mobile"] == "0912345678" and c.risk_profile == 3
    shown = {"cp950": "Big5", "gb18030": "GB18030", "utf-8-sig": "UTF-8 (BOM)"}[encoding]  # as people know it
    assert f", {shown}" in result.stdout.split("\n", 1)[0]


def test_hand_edits_are_committed_first_and_the_import_is_one_commit(vault, book):
    write_client(vault, "lin-fang", "---\nname: 林芳\n---\n")  # not committed: a hand edit
    before = commits(vault)
    run(["import", str(book)], vault)
    assert commits(vault) == before + 2
    subjects = git(vault, "log", "-2", "--format=%s").splitlines()
    assert subjects[0].startswith("import: ") and subjects[1].startswith("hand edits: clients/lin-fang.md")


def test_nothing_is_written_in_the_middle_of_a_merge(vault, book):
    subprocess.run(["git", "checkout", "-qb", "other"], cwd=vault, check=True)
    write_client(vault, "x", "---\nname: 甲\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "other side")
    subprocess.run(["git", "checkout", "-q", "-"], cwd=vault, check=True)
    (vault / "clients").mkdir(exist_ok=True)  # git took the empty folder away
    write_client(vault, "x", "---\nname: 乙\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "this side")
    subprocess.run(["git", "merge", "-q", "other"], cwd=vault, capture_output=True)
    head = git(vault, "rev-parse", "HEAD")
    result = run(["import", str(book)], vault)
    assert result.exit_code == 1 and "in the middle of a merge" in result.stderr
    assert git(vault, "rev-parse", "HEAD") == head
    assert not (vault / "clients" / "wang-da-ming.md").exists()


def test_policies_sheet_alone_updates_existing_clients_and_adds_new_ones(vault, tmp_path):
    write_client(vault, "wang-wei", textwrap.dedent("""\
        ---
        name: 王偉
        policies:
          - name: 終身壽險
            kind: life
            premium: 100000
        ---
    """))
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    sheet = workbook(tmp_path / "p.xlsx", {"保單": [
        ["姓名", "保單名稱", "險種", "保費", "保額"],
        ["王偉", "終身壽險", "壽險", 120000, "500萬"],
        ["王偉", "醫療險", "醫療", 20000, None],
        ["林芳", "意外險", "意外", 3000, 1000000],
    ]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    assert "policies[終身壽險].premium: 100000 -> 120000" in result.stdout
    wang = read_client(vault, "wang-wei")
    assert [(p.name, p.premium, p.sum_assured) for p in wang.policies] == [
        ("終身壽險", 120000, 5000000), ("醫療險", 20000, None)]
    assert read_client(vault, "lin-fang").policies[0].kind == "accident"
    assert run(["check"], vault).exit_code == 0


def test_columns_of_policy_and_holding_rows_nobody_knows_are_kept_in_the_item(vault, tmp_path):
    sheet = workbook(tmp_path / "i.xlsx", {"p": [["客戶姓名", "保單名稱", "險種", "保單號碼"],
                                                 ["王偉", "終身壽險", "壽險", "A-123"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    assert "columns kept under imported: 保單號碼" in result.stdout
    assert read_client(vault, "wang-wei").meta["policies"][0]["imported"] == {"保單號碼": "A-123"}
    assert run(["check"], vault).exit_code == 0
    head = git(vault, "rev-parse", "HEAD")
    assert run(["import", str(sheet)], vault).exit_code == 0
    assert git(vault, "rev-parse", "HEAD") == head


def test_two_new_clients_of_one_name_are_told_apart_by_their_ids(vault, tmp_path):
    sheet = workbook(tmp_path / "t.xlsx", {"c": [["客戶代號", "姓名", "職業"], ["chen-mei-ling", "陳美玲", "教師"],
                                                 ["chen-mei-ling-2", "陳美玲", "醫師"]]})
    assert run(["import", str(sheet)], vault).exit_code == 0
    assert read_client(vault, "chen-mei-ling-2").meta["profile"]["occupation"] == "醫師"
    same = workbook(tmp_path / "s.xlsx", {"c": [["姓名", "職業"], ["林芳", "教師"], ["林芳", "醫師"]]})
    result = run(["import", str(same)], vault)
    assert result.exit_code == 1 and f"{same}:c!3: the same client as {same}:c!2" in result.stdout


def test_contacts_mode_fills_only_empty_fields_and_never_changes_the_status(vault):
    """The plan as a phone's contacts use it: records built by the source, not by a sheet."""
    from rmnotes.domain import import_files, import_rows, importing
    from rmnotes.index import Index
    from rmnotes.vault import Vault

    write_client(vault, "wang-wei", "---\nname: 王偉\nstatus: dormant\nprofile: {mobile: \"0912345678\"}\n---\n")
    v = Vault(vault)
    cell = lambda value: import_rows.Cell(value, "contacts.vcf:card 1")  # noqa: E731
    known = import_rows.ClientRecord("contacts.vcf:card 1", name="王偉", fields={
        ("profile", "mobile"): cell("0987654321"), ("profile", "email"): cell("w@example.com"),
        ("status",): cell("active")})
    new = import_rows.ClientRecord("contacts.vcf:card 2", name="林芳", fields={("profile", "mobile"): cell("0911000111")})
    records = import_rows.Records(clients=[known, new])
    plan = importing.make_plan(records, importing.VaultBook(v, Index.open(v)), v.config, importing.CONTACTS,
                               today=date(2026, 11, 28))
    updated, created = plan.clients
    assert [(c.field, c.old, c.new) for c in updated.changes] == [("profile.email", None, "w@example.com")]
    assert created.action == "new"
    text = import_files.file_bytes(created, None).decode("utf-8")
    assert "status: prospect" in text and "since: 2026-11-28" in text
    edited = import_files.file_bytes(updated, (vault / "clients" / "wang-wei.md").read_bytes()).decode("utf-8")
    assert edited == "---\nname: 王偉\nstatus: dormant\nprofile: {mobile: \"0912345678\", email: w@example.com}\n---\n"


def test_the_counts_of_one_are_said_in_the_singular(vault, tmp_path):
    path = tmp_path / "one.csv"
    path.write_bytes("客戶姓名,生日\r\n王大明,1975/13/01\r\n".encode("utf-8-sig"))
    result = run(["import", str(path), "--dry-run"], vault)
    assert result.exit_code == 1
    assert "headers in row 1, 1 row, UTF-8 (BOM)" in result.stdout
    assert "0 unchanged, 1 error; dry run" in result.stderr + result.stdout
    path.write_bytes("客戶姓名,生日\r\n王大明,1975/12/01\r\n陳美玲,1/2/3/4\r\n林一,1980/13/1\r\n".encode("utf-8-sig"))
    result = run(["import", str(path), "--dry-run"], vault)
    assert "3 rows" in result.stdout and "2 errors; dry run" in result.stderr + result.stdout


def test_names_match_across_scripts_as_client_arguments_do(vault, tmp_path):
    """陈美玲 in a sheet is the file's 陳美玲 (Traditional and Simplified are one name, as for
    CLIENT and find); the file keeps its own spelling, and a policy row in the other script
    finds the client row of the same import."""
    write_client(vault, "chen-mei-ling", "---\nname: 陳美玲\nfamily:\n  - {name: 陳小華, relation: child, school: 台中一中}\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    sheet = workbook(tmp_path / "s.xlsx", {
        "c": [["姓名", "職業", "子女"], ["陈美玲", "医师", "陈小华"], ["刘建国", "教师", None]],
        "p": [["客户姓名", "保单名称", "保险公司", "险种"], ["陳美玲", "醫療險", "南山人壽", "醫療"],
              ["劉建國", "壽險", "富邦人壽", "壽險"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    assert "matched by name" in result.stdout
    chen = read_client(vault, "chen-mei-ling")
    assert chen.name == "陳美玲"  # the same name in another script: the file's spelling stays
    assert chen.meta["profile"]["occupation"] == "医师"
    assert [m.name for m in chen.family] == ["陳小華"] and chen.family[0].birthday is None
    assert "school: 台中一中" in (vault / "clients" / "chen-mei-ling.md").read_text(encoding="utf-8")
    assert [p.name for p in chen.policies] == ["醫療險"]
    liu = read_client(vault, "liu-jian-guo")  # new: the policy row in Traditional joined its row
    assert liu.name == "刘建国" and [p.name for p in liu.policies] == ["壽險"]
    assert len(list((vault / "clients").glob("*.md"))) == 2
    reimport_changes_nothing(vault, sheet)


def test_a_name_in_the_other_script_is_ambiguous_as_the_same_script_is(vault, tmp_path):
    write_client(vault, "chen-mei-ling", "---\nname: 陳美玲\n---\n")
    write_client(vault, "chen-mei-ling-2", "---\nname: 陈美玲\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "two")
    sheet = workbook(tmp_path / "a.xlsx", {"c": [["姓名", "職業"], ["陈美玲", "教師"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    assert "matches 2 clients" in result.stdout and "(chen-mei-ling)" in result.stdout


def test_the_name_cell_of_a_client_matched_otherwise_than_by_id(vault, tmp_path):
    """By id: another name renames, the same name in the other script does not. By mobile
    under another name (王小偉 shares 王偉's phone): a row error, nothing of it written into
    王偉's file (his birthday, a policy); the same name spelt otherwise (Wang Wei) matches."""
    write_client(vault, "chen-mei-ling", "---\nname: 陳美玲\n---\n")
    write_client(vault, "wang-wei", "---\nname: 王偉\nprofile: {mobile: \"0912345678\"}\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "two")
    before = (vault / "clients" / "wang-wei.md").read_bytes()
    sheet = workbook(tmp_path / "n.xlsx", {"c": [["客戶代號", "姓名", "手機", "生日"], ["chen-mei-ling", "陈美玲", None, None],
                                                 [None, "王小偉", "0912-345-678", "2001-01-01"]],
                                           "p": [["客戶姓名", "保單名稱", "保險公司"], ["王小偉", "終身壽險", "富邦人壽"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    assert (f"{sheet}:c!3: 王小偉 has the mobile of 王偉 (wang-wei) but another name: a relative sharing the phone, "
            "or 王偉 renamed?") in result.stdout
    assert (vault / "clients" / "wang-wei.md").read_bytes() == before
    assert read_client(vault, "chen-mei-ling").name == "陳美玲"


def test_a_new_file_reads_back_as_the_sheet_says_whatever_its_text():
    """Text that looks plain is written plain on trust and the whole front-matter read back
    once; words YAML would read as something else are caught by that read-back and quoted."""
    from rmnotes.domain.import_files import new_file_text
    from rmnotes.parse import yamltree

    document = {"name": "yes", "tier": "A", "profile": {
        "occupation": "null", "employer": "2020-01-01", "address": "台北市信義區松仁路100號",
        "hobbies": ["on", "高爾夫", "1e3"]}}
    text = new_file_text("yes", document, None)
    front = text.split("---\n")[1]
    assert yamltree.load(front, 2).value == document
    assert "address: 台北市信義區松仁路100號\n" in text and 'occupation: "null"' in text
    plain = new_file_text("陳美玲", {"name": "陳美玲", "tier": "B", "profile": {"occupation": "教師"}}, None)
    assert plain.startswith("---\nname: 陳美玲\ntier: B\nprofile:\n  occupation: 教師\n---\n")


OTHER_CLIENTS = [
    ["客戶資料"],  # a title row
    ["客戶姓名", "手機", "生日", "職業", "風險屬性"],
    ["王大明", 912345678, date(1975, 6, 12), "工程師", "穩健型"],
    ["陳美玲", "0922-333-444", "64/06/12", "教師", "RR2"],
]
OTHER_POLICIES = [["客戶姓名", "保單名稱", "保險公司", "險種", "保額", "保費", "繳別", "生效日"],
                  ["王大明", "終身壽險", "富邦人壽", "壽險", "500萬", 10000, "月繳", date(2020, 1, 1)]]


def _check_other_format(vault: Path, sheet: Path) -> None:
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    wang = read_client(vault, "wang-da-ming")
    assert wang.meta["profile"]["mobile"] == "0912345678"
    assert wang.meta["profile"]["birthday"] == date(1975, 6, 12)
    assert wang.meta["risk"]["profile"] == 3
    policy = wang.policies[0]
    assert (policy.name, policy.kind, policy.sum_assured, policy.premium, policy.premium_frequency,
            policy.start) == ("終身壽險", "life", 5_000_000, 10000, "monthly", date(2020, 1, 1))
    assert read_client(vault, "chen-mei-ling").meta["profile"]["birthday"] == date(1975, 6, 12)
    head = git(vault, "rev-parse", "HEAD")
    assert run(["import", str(sheet)], vault).exit_code == 0
    assert git(vault, "rev-parse", "HEAD") == head


def test_an_opendocument_spreadsheet_is_imported(vault, tmp_path):
    """.ods as LibreOffice saves it (written with odfpy): numbers, dates and text cells."""
    pytest.importorskip("odf", reason="odfpy (a test dependency) writes the .ods")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in (("客戶資料", OTHER_CLIENTS), ("保險", OTHER_POLICIES)):
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                if isinstance(value, bool) or value is None:
                    cell = TableCell()
                elif isinstance(value, (int, float)):
                    cell = TableCell(valuetype="float", value=value)
                elif isinstance(value, date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                else:
                    cell = TableCell(valuetype="string")
                if value is not None:
                    cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    path = tmp_path / "book.ods"
    doc.save(str(path))
    _check_other_format(vault, path)


def test_an_excel_97_workbook_is_imported(vault, tmp_path):
    """.xls as older Excel saves it (written with xlwt): dates as date-formatted numbers."""
    xlwt = pytest.importorskip("xlwt", reason="xlwt (a test dependency) writes the .xls")
    wb = xlwt.Workbook(encoding="utf-8")
    as_date = xlwt.easyxf(num_format_str="yyyy/mm/dd")
    for name, rows in (("客戶資料", OTHER_CLIENTS), ("保險", OTHER_POLICIES)):
        ws = wb.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    ws.write(r, c, datetime(value.year, value.month, value.day), as_date)
                elif value is not None:
                    ws.write(r, c, value)
    path = tmp_path / "book.xls"
    wb.save(str(path))
    _check_other_format(vault, path)


def test_family_birthdays_in_brackets_are_read_and_set_value_by_value(vault, tmp_path):
    """A family cell may give each member's birthday in brackets, in any form a date cell
    takes: a new member is written with it, a known one without a birthday gets it (one line
    added), and brackets that hold no date stay part of the name, as the sheet wrote it."""
    write_client(vault, "wang-wei", textwrap.dedent("""\
        ---
        name: 王偉
        family:
          - name: 林淑芬   # 太太
            relation: spouse
        ---
    """))
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    before = (vault / "clients" / "wang-wei.md").read_text(encoding="utf-8")
    sheet = workbook(tmp_path / "f.xlsx", {"c": [
        ["姓名", "配偶", "子女", "父母"],
        ["王偉", "林淑芬（1977/2/3）", "王小明(2008-09-01)、王小華（17歲）", "王大同（民國35年10月30日）"],
        ["陳美玲", "林志明 (1975-07-22)", "林品妤（098/04/18）, 林品翰", None],
    ]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    assert f"family[林淑芬].birthday: + 1977-02-03   ({sheet}:c!B2)" in result.stdout
    assert f"family[王小明]: + {{name: 王小明, relation: child, birthday: 2008-09-01}}   ({sheet}:c!C2)" in result.stdout
    wang = read_client(vault, "wang-wei")
    assert [(m.name, m.relation, m.birthday) for m in wang.family] == [
        ("林淑芬", "spouse", date(1977, 2, 3)), ("王小明", "child", date(2008, 9, 1)),
        ("王小華（17歲）", "child", None), ("王大同", "parent", date(1946, 10, 30))]
    after = (vault / "clients" / "wang-wei.md").read_text(encoding="utf-8")
    assert after.startswith(before.replace("relation: spouse\n", "relation: spouse\n    birthday: 1977-02-03\n")[:-4])
    chen = read_client(vault, "chen-mei-ling")
    assert [(m.name, m.birthday) for m in chen.family] == [
        ("林志明", date(1975, 7, 22)), ("林品妤", date(2009, 4, 18)), ("林品翰", None)]
    reimport_changes_nothing(vault, sheet)


def test_a_family_birthday_that_cannot_be_is_an_error_at_its_cell(vault, tmp_path):
    sheet = workbook(tmp_path / "g.xlsx", {"c": [["姓名", "子女"], ["王偉", "王小明（2008/13/01）"], ["陳美玲", "林品妤"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    assert f'{sheet}:c!B2: 子女 "2008/13/01" is not a date' in result.stdout
    assert not (vault / "clients" / "wang-wei.md").exists()
    assert [m.name for m in read_client(vault, "chen-mei-ling").family] == ["林品妤"]


@pytest.mark.parametrize("cell", [
    "林淑芬（1977/2/3、王小明",            # a bracket left open
    "林淑芬 1977/2/3", "林淑芬 1977-02-03", "林淑芬 19770203", "林淑芬 1977年2月3日",  # no brackets
    "林淑芬【1977/2/3】", "林淑芬【1977-02-03】",  # brackets of another kind
    "王小明（2008/9/1）王小華（2010/1/1）", "林淑芬（1977/2/3）王小明", "林淑芬（17歲）王小明（2008/9/1）",  # no 、
    "（1977/2/3）",                          # no name
    "林淑芬（1977/2/3 生）",                 # a date and more in the brackets
])
def test_a_family_cell_that_would_make_members_of_date_pieces_is_an_error(vault, tmp_path, cell):
    sheet = workbook(tmp_path / "h.xlsx", {"c": [["姓名", "配偶"], ["王偉", cell]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    assert (f'{sheet}:c!B2: 配偶 "{cell}" is not a list of family members as a sheet writes them: each a name, its '
            "birthday in brackets after it, separated by 、 (林淑芬（1977-02-03）、王小明)") in result.stdout
    assert not (vault / "clients" / "wang-wei.md").exists()


def test_brackets_that_hold_no_date_stay_in_the_name(vault, tmp_path):
    sheet = workbook(tmp_path / "k.xlsx", {"c": [["姓名", "配偶", "子女"],
                                                 ["王偉", "林淑芬（0912-345-678）", "王小明（2008/9/1）（長子）、王小華（2/3）"]]})
    assert run(["import", str(sheet)], vault).exit_code == 0
    assert [(m.name, m.birthday) for m in read_client(vault, "wang-wei").family] == [
        ("林淑芬（0912-345-678）", None), ("王小明（長子）", date(2008, 9, 1)), ("王小華（2/3）", None)]


def test_one_name_twice_in_a_row_is_one_member_per_relation_and_a_second_import_changes_nothing(vault, tmp_path):
    write_client(vault, "wang-wei", "---\nname: 王偉\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    sheet = workbook(tmp_path / "d.xlsx", {"c": [
        ["姓名", "子女", "其他家人"],
        ["王偉", "王小美（2010/1/1）、王小美", "王小美（2011/1/1）"],   # a daughter and a niece of one name
        ["新客甲", "王小美（2010/1/1）", "王小美（2011/1/1）"],
    ]})
    assert run(["import", str(sheet)], vault).exit_code == 0
    for client_id in ("wang-wei", "xin-ke-jia"):
        assert [(m.name, m.relation, m.birthday) for m in read_client(vault, client_id).family] == [
            ("王小美", "child", date(2010, 1, 1)), ("王小美", "other", date(2011, 1, 1))], client_id
    head = git(vault, "rev-parse", "HEAD")
    for _ in range(2):  # and again, twice: nothing changes
        assert run(["import", str(sheet)], vault).exit_code == 0
        assert git(vault, "rev-parse", "HEAD") == head


def test_two_members_of_one_name_are_told_apart_by_relation_and_birthday(vault, tmp_path):
    path = write_client(vault, "wang-wei", textwrap.dedent("""\
        ---
        name: 王偉
        family:
          - {name: 王大明, relation: parent, birthday: 1950-01-01}
          - {name: 王大明, relation: child}
          - {name: 王小明, relation: child, birthday: 2010-01-01}
          - {name: 王小明, relation: child}
        ---
    """))
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    # the child comes first in the row: the parent, whose relation says it, is still the parent
    sheet = workbook(tmp_path / "t.xlsx", {"c": [["姓名", "子女", "父母"],
                                                 ["王偉", "王大明（2008/9/1）、王小明（2010/1/1）", "王大明（1950/1/1）"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    assert "family[王大明].birthday: + 2008-09-01" in result.stdout
    assert "- {name: 王大明, relation: child, birthday: 2008-09-01}" in path.read_text(encoding="utf-8")
    head = reimport_changes_nothing(vault, sheet)
    # two children named 王小明, one without a birthday: which one is born 2012?
    other = workbook(tmp_path / "o.xlsx", {"c": [["姓名", "子女"], ["王偉", "王小明（2012/1/1）"]]})
    for args in (["import", str(other), "--dry-run"], ["import", str(other)]):
        refused = run(args, vault)
        assert refused.exit_code == 1
        assert (f"{other}:c!B2: 王偉 has 2 family members named 王小明; rename one so the import knows which"
                in refused.stdout)
    assert git(vault, "rev-parse", "HEAD") == head


def test_a_lunar_birthday_is_never_overwritten_by_a_sheets_date(vault, tmp_path):
    path = write_client(vault, "cai-ming-zhe", textwrap.dedent("""\
        ---
        name: 蔡明哲
        family:
          - {name: 蔡林阿嬌, relation: parent, birthday: 1940-11-08, lunar_birthday: true}
        ---
    """))
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    before = path.read_bytes()
    sheet = workbook(tmp_path / "l.xlsx", {"c": [["姓名", "父母"], ["蔡明哲", "蔡林阿嬌（1940/12/25）"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    assert "not applied" in result.stdout
    assert f"蔡明哲 (cai-ming-zhe) family[蔡林阿嬌].birthday   ({sheet}:c!B2): 1940-12-25" in result.stdout
    assert path.read_bytes() == before
    planned = json.loads(run(["import", str(sheet), "--json", "--dry-run"], vault).stdout)
    assert planned["unchanged"] == [{"client": "cai-ming-zhe", "name": "蔡明哲", "not_applied": [
        {"field": "family[蔡林阿嬌].birthday", "old": "1940-11-08", "new": "1940-12-25", "cell": f"{sheet}:c!B2"}]}]


def test_a_member_imported_with_the_birthday_in_the_name_is_not_added_again_but_named_without_it(vault, tmp_path):
    write_client(vault, "wang-wei", "---\nname: 王偉\nfamily:\n  - {name: 林淑芬（1977-02-03）, relation: spouse}\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    sheet = workbook(tmp_path / "b.xlsx", {"c": [["姓名", "配偶"], ["王偉", "林淑芬（1977-02-03）"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    assert "family[林淑芬（1977-02-03）].name: 林淑芬（1977-02-03） -> 林淑芬" in result.stdout
    family = read_client(vault, "wang-wei").family
    assert [(m.name, m.birthday) for m in family] == [("林淑芬", date(1977, 2, 3))]
    head = git(vault, "rev-parse", "HEAD")
    exported = tmp_path / "again.xlsx"
    assert run(["export", "xlsx", str(exported)], vault).exit_code == 0
    assert run(["import", str(exported)], vault).exit_code == 0  # and its export: nothing changes
    assert git(vault, "rev-parse", "HEAD") == head


def test_the_json_plan_of_a_new_client_lists_each_family_member_policy_and_holding(vault, tmp_path):
    sheet = workbook(tmp_path / "j.xlsx", {
        "c": [["姓名", "配偶", "子女"], ["王偉", "林淑芬（1977/2/3）", "王小明"]],
        "p": [["客戶姓名", "保單名稱", "險種"], ["王偉", "重疾險", "重大疾病"]],
        "h": [["客戶姓名", "名稱", "類別", "金額"], ["王偉", "台幣定存", "定存", 1000000]],
    })
    result = run(["import", str(sheet), "--dry-run", "--json"], vault)
    assert result.exit_code == 0, result.output
    (new,) = json.loads(result.stdout)["new"]
    items = {c["field"]: (c["new"], c["cell"]) for c in new["changes"] if "[" in c["field"]}
    assert items == {
        "family[林淑芬]": ({"name": "林淑芬", "relation": "spouse", "birthday": "1977-02-03"}, f"{sheet}:c!B2"),
        "family[王小明]": ({"name": "王小明", "relation": "child"}, f"{sheet}:c!C2"),
        "policies[重疾險]": ({"name": "重疾險", "kind": "critical_illness"}, f"{sheet}:p!2"),
        "assets[台幣定存]": ({"name": "台幣定存", "type": "deposit", "value": 1000000}, f"{sheet}:h!2"),
    }


def test_the_dry_run_says_what_writing_would_refuse(vault, tmp_path):
    """An edit the front-matter editor refuses (here a family that is a mapping, not a list)
    is an error in the dry run as in the import, word for word."""
    write_client(vault, "wang-wei", "---\nname: 王偉\nfamily: {name: 林淑芬}\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    sheet = workbook(tmp_path / "r.xlsx", {"c": [["姓名", "配偶", "職業"], ["王偉", "林淑芬（1977/2/3）", "教師"]]})
    dry = run(["import", str(sheet), "--dry-run"], vault)
    real = run(["import", str(sheet)], vault)
    assert dry.exit_code == real.exit_code == 1
    assert "clients/wang-wei.md: family is not a list" in dry.stdout
    assert dry.stdout == real.stdout


@pytest.mark.parametrize("flip", [False, True], ids=["children-first", "parents-first"])
def test_the_order_of_the_columns_never_decides_who_is_who(vault, tmp_path, flip):
    """A parent and a child of one name, and a member of the file without relation or
    birthday whom two entries could be: the same result whichever column comes first, and
    nobody's birthday taken by another."""
    path = write_client(vault, "wang-wei", textwrap.dedent("""\
        ---
        name: 王偉
        family:
          - {name: 王明, relation: parent}
          - {name: 王大同, relation: parent, birthday: 1950-01-01}
          - {name: David Lin, occupation: retired}
        ---
    """))
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    columns = [("子女", "王明（1980/1/1）、王大同（1980/1/1）、David Lin (1980-01-01)"),
               ("父母", "王明（1950/1/1）、David Lin (1950-01-01)")]
    if flip:
        columns.reverse()
    sheet = workbook(tmp_path / "f.xlsx", {"c": [["姓名", *(h for h, _ in columns)], ["王偉", *(v for _, v in columns)]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    family = sorted((m.name, m.relation or "", m.birthday or date.min) for m in read_client(vault, "wang-wei").family)
    assert family == sorted([
        ("王明", "parent", date(1950, 1, 1)), ("王明", "child", date(1980, 1, 1)),
        ("王大同", "parent", date(1950, 1, 1)), ("王大同", "child", date(1980, 1, 1)),
        ("David Lin", "", date.min), ("David Lin", "child", date(1980, 1, 1)), ("David Lin", "parent", date(1950, 1, 1))])
    assert "occupation: retired}" in path.read_text(encoding="utf-8")
    reimport_changes_nothing(vault, sheet)


def test_a_name_that_held_its_birthday_gives_it_to_the_birthday_key(vault, tmp_path):
    write_client(vault, "wang-wei", "---\nname: 王偉\nfamily:\n  - {name: 林淑芬（1977-02-03）, relation: spouse}\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    sheet = workbook(tmp_path / "n.xlsx", {"c": [["姓名", "配偶"], ["王偉", "林淑芬"]]})
    assert run(["import", str(sheet)], vault).exit_code == 0
    assert [(m.name, m.birthday) for m in read_client(vault, "wang-wei").family] == [("林淑芬", date(1977, 2, 3))]


@pytest.mark.parametrize("trouble", ["link", "detached"])
def test_the_dry_run_refuses_as_the_import_does(vault, tmp_path, trouble):
    """A client file that is a symbolic link, or a repository on a detached HEAD: the dry
    run says what the import says, with the same exit status."""
    write_client(vault, "wang-wei", "---\nname: 王偉\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    if trouble == "link":
        real = tmp_path / "elsewhere.md"
        (vault / "clients" / "wang-wei.md").rename(real)
        (vault / "clients" / "wang-wei.md").symlink_to(real)
        git(vault, "add", "-A")
        git(vault, "commit", "-qm", "a link")
    else:
        git(vault, "checkout", "-q", "--detach")
    sheet = workbook(tmp_path / "s.xlsx", {"c": [["姓名", "職業"], ["王偉", "教師"]]})
    dry = run(["import", str(sheet), "--dry-run"], vault)
    real_run = run(["import", str(sheet)], vault)
    assert dry.exit_code == real_run.exit_code == 1
    assert dry.stdout == real_run.stdout
    if trouble == "link":
        assert "clients/wang-wei.md is a symbolic link" in dry.stdout
    else:
        assert dry.stderr == real_run.stderr and "HEAD is detached" in dry.stderr


@pytest.mark.parametrize("member, cells, family", [
    # a name that kept its birthday from an older import: that date is the member's, so a
    # child born later is another person, and nothing of the member is lost
    ("{name: 王大明（1950-01-01）}", {"子女": "王大明（2010/5/5）"},
     [("王大明（1950-01-01）", "", date.min), ("王大明", "child", date(2010, 5, 5))]),
    # a parent is not a child of the same name, with or without the child's birthday
    ("{name: 王大明, relation: parent, birthday: 1950-01-01}", {"子女": "王大明"},
     [("王大明", "parent", date(1950, 1, 1)), ("王大明", "child", date.min)]),
    # a member without a relation, whom two entries could be: the one with its birthday
    ("{name: 王大明, birthday: 1950-01-01}", {"子女": "王大明", "父母": "王大明（1950/1/1）"},
     [("王大明", "parent", date(1950, 1, 1)), ("王大明", "child", date.min)]),
])
def test_a_name_alone_is_matched_only_where_the_file_does_not_say_otherwise(vault, tmp_path, member, cells, family):
    write_client(vault, "wang-wei", f"---\nname: 王偉\nfamily:\n  - {member}\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    sheet = workbook(tmp_path / "m.xlsx", {"c": [["姓名", *cells], ["王偉", *cells.values()]]})
    assert run(["import", str(sheet)], vault).exit_code == 0
    got = [(m.name, m.relation or "", m.birthday or date.min) for m in read_client(vault, "wang-wei").family]
    assert sorted(got) == sorted(family)
    reimport_changes_nothing(vault, sheet)


# ---------------------------------------------------------------------- sheets as people keep them
def test_two_columns_of_one_field_are_refused_naming_both(vault, tmp_path):
    """住家電話 and 公司電話 are both the phone: which one is meant? Nothing is written."""
    sheet = workbook(tmp_path / "p.xlsx", {"c": [["姓名", "住家電話", "公司電話"], ["王偉", "04-1111-1111", "04-2222-2222"]]})
    before = commits(vault)
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    assert (f"{sheet}:c: columns B (住家電話) and C (公司電話) both mean phone; rename or delete one of them, or "
            "leave one out with --map (a line '公司電話: skip'); nothing was written") in result.stderr
    assert commits(vault) == before and not list((vault / "clients").glob("*.md"))
    mapped = tmp_path / "map.yaml"
    mapped.write_text("公司電話: skip\n", encoding="utf-8")
    assert run(["import", str(sheet), "--map", str(mapped)], vault).exit_code == 0
    assert read_client(vault, "wang-wei").meta["profile"]["phone"] == "04-1111-1111"


def test_a_tier_is_one_of_the_settings_tiers_in_any_case(vault, tmp_path):
    sheet = workbook(tmp_path / "t.xlsx", {"c": [["姓名", "等級"], ["王偉", "c"], ["林芳", "Ｂ"], ["陳美玲", "D"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    assert (f"{sheet}:c!B4: tier 'D' is not one of the tiers in rmnotes.yaml (A, B, C); use one of them, "
            "or add 'D' under tiers") in result.stdout
    assert read_client(vault, "wang-wei").tier == "C" and read_client(vault, "lin-fang").tier == "B"
    assert not (vault / "clients" / "chen-mei-ling.md").exists()
    assert run(["check"], vault).exit_code == 0


def test_a_client_given_two_rows_is_not_written_at_all(vault, tmp_path):
    """The README's rule: a problem writes nothing for that client, the first row included;
    every repeated row is named."""
    sheet = workbook(tmp_path / "r.xlsx", {"c": [["姓名", "手機"], ["王偉", "0911111111"], ["林芳", "0922222222"],
                                                 ["王偉", "0933333333"], ["王偉", "0944444444"]],
                                           "p": [["客戶姓名", "保單名稱", "保險公司"], ["王偉", "終身壽險", "富邦人壽"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    for row in (4, 5):
        assert f"{sheet}:c!{row}: the same client as {sheet}:c!2; keep one row per client" in result.stdout
    assert sorted(p.name for p in (vault / "clients").glob("*.md")) == ["lin-fang.md"]


def test_notes_that_would_start_a_section_of_the_file_are_a_cell_error(vault, tmp_path):
    sheet = workbook(tmp_path / "n.xlsx", {"c": [["姓名", "備註", "手機"],
                                                 ["王偉", "第一行\n## Log\n- 2026-01-01 T 其實沒打過電話", "0911111111"],
                                                 ["林芳", "## 家庭\n先生在台積電", "0922222222"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    assert (f"{sheet}:c!B2: the notes hold the line '## Log', which would start a section of the client file; "
            "write that line another way") in result.stdout
    assert not (vault / "clients" / "wang-wei.md").exists()
    assert read_client(vault, "lin-fang").notes == "## 家庭\n先生在台積電"  # a heading of the notes' own


def test_a_client_name_merged_down_the_rows_of_their_policies_names_each_row(vault, tmp_path):
    sheet = workbook(tmp_path / "m.xlsx", {"p": [["客戶姓名", "保單名稱", "保險公司", "等級"], ["王偉", "終身壽險", "富邦人壽", None],
                                                 [None, "醫療險", "國泰人壽", None], ["林芳", "意外險", "新光人壽", None]]},
                     merge={"p": "A2:A3"})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    assert [p.name for p in read_client(vault, "wang-wei").policies] == ["終身壽險", "醫療險"]


def test_a_new_client_gets_a_tier_the_settings_define(vault, tmp_path):
    settings = vault / "rmnotes.yaml"
    text = settings.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^default_tier:.*\n", "", text.replace("tiers: {A: 1m, B: 3m, C: 6m}", "tiers: {VIP: 1m, 一般: 3m}"))
    settings.write_text(text, encoding="utf-8")
    git(vault, "commit", "-qam", "tiers of our own")
    sheet = workbook(tmp_path / "n.xlsx", {"c": [["姓名", "手機"], ["王偉", "0911111111"]]})
    assert run(["import", str(sheet)], vault).exit_code == 0
    assert read_client(vault, "wang-wei").tier is None
    assert run(["check"], vault).exit_code == 0


def test_a_policy_row_naming_a_client_the_client_sheet_does_not_is_a_row_error(vault, tmp_path):
    """王衛 for 王偉 on the policies sheet of a book that has a client sheet: a slip, not a
    new client; said with the nearest name. A policies-only book still makes its clients."""
    sheet = workbook(tmp_path / "b.xlsx", {"c": [["姓名", "手機"], ["王偉", "0911111111"]],
                                           "p": [["客戶姓名", "保單名稱", "保險公司"], ["王衛", "終身壽險", "富邦人壽"],
                                                 ["王偉", "醫療險", "國泰人壽"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1
    assert (f"{sheet}:p!2: 王衛 is neither on the client sheet nor in the book: did you mean 王偉? Write the name "
            "as the client sheet does, or add 王衛 there") in result.stdout
    assert [p.name for p in (vault / "clients").glob("*.md")] == ["wang-wei.md"]
    assert [p.name for p in read_client(vault, "wang-wei").policies] == ["醫療險"]
    alone = workbook(tmp_path / "p.xlsx", {"p": [["客戶姓名", "保單名稱", "保險公司"], ["林芳", "意外險", "新光人壽"]]})
    assert run(["import", str(alone)], vault).exit_code == 0
    assert read_client(vault, "lin-fang").policies[0].name == "意外險"


def test_a_clients_lunar_birthday_is_held_back_as_a_members_is(vault, tmp_path):
    """The file keeps 王偉's birthday on the lunar calendar: a sheet's new date is shown as
    not applied (check would otherwise find the lunar day no longer the birthday's)."""
    path = write_client(vault, "wang-wei", "---\nname: 王偉\nprofile:\n  birthday: 1955-12-02\n  lunar_birthday: true\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    before = path.read_bytes()
    sheet = workbook(tmp_path / "b.xlsx", {"c": [["姓名", "生日"], ["王偉", "1955-12-25"]]})
    planned = json.loads(run(["import", str(sheet), "--dry-run", "--json"], vault).stdout)
    assert planned["unchanged"] == [{"client": "wang-wei", "name": "王偉", "not_applied": [
        {"field": "profile.birthday", "old": "1955-12-02", "new": "1955-12-25", "cell": f"{sheet}:c!B2"}]}]
    assert run(["import", str(sheet)], vault).exit_code == 0
    assert path.read_bytes() == before


def test_a_member_the_sheet_lists_under_other_family_is_the_files_spouse(vault, tmp_path):
    """林淑芬 moved in Excel from 配偶 to 其他家人: the same person (the file's relation stays),
    not a second 林淑芬."""
    write_client(vault, "wang-wei", "---\nname: 王偉\nfamily:\n  - {name: 林淑芬, relation: spouse, birthday: 1977-02-03}\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    sheet = workbook(tmp_path / "b.xlsx", {"c": [["姓名", "手機", "其他家人"], ["王偉", "0911111111", "林淑芬（1977-02-03）"]]})
    assert run(["import", str(sheet)], vault).exit_code == 0
    assert [(m.name, m.relation) for m in read_client(vault, "wang-wei").family] == [("林淑芬", "spouse")]


def test_a_header_merged_over_two_columns_is_one_header(vault, tmp_path):
    """電話 over the mobile and the office number: the first column is the phone, the
    second is kept under imported: as a column nobody named; nothing is refused."""
    sheet = workbook(tmp_path / "h.xlsx", {"c": [["姓名", "電話", None], ["王偉", "04-1111-1111", "04-2222-2222"]]},
                     merge={"c": "B1:C1"})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    wang = read_client(vault, "wang-wei")
    assert wang.meta["profile"]["phone"] == "04-1111-1111" and wang.meta["imported"] == {"C": "04-2222-2222"}


def test_other_family_naming_one_of_two_members_of_that_name_is_an_error(vault, tmp_path):
    write_client(vault, "wang-wei", "---\nname: 王偉\nfamily:\n  - {name: 林小明, relation: spouse}\n"
                                    "  - {name: 林小明, relation: child}\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    sheet = workbook(tmp_path / "b.xlsx", {"c": [["姓名", "手機", "其他家人"], ["王偉", "0911111111", "林小明（1990-01-01）"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 1 and "王偉 has 2 family members named 林小明; rename one" in result.stdout


def test_a_row_with_its_own_new_id_is_a_new_client_whatever_mobile_it_shares(vault, tmp_path):
    write_client(vault, "chen-mei-ling", "---\nname: 陳美玲\nprofile: {mobile: \"0921338572\"}\n---\n")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "one")
    sheet = workbook(tmp_path / "b.xlsx", {"c": [["客戶代號", "姓名", "手機", "職業"],
                                                 ["chen-xiao-ling", "陳小玲", "0921-338-572", "學生"]]})
    result = run(["import", str(sheet)], vault)
    assert result.exit_code == 0, result.output
    assert read_client(vault, "chen-xiao-ling").meta["profile"]["occupation"] == "學生"
    assert "occupation" not in read_client(vault, "chen-mei-ling").meta["profile"]
