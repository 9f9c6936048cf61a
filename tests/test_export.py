"""rmn export xlsx|csv, read back with openpyxl and imported back with rmn import."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import CONFIG, copy_sample, git, run, write_client
from rmnotes.parse.client import parse_client


def exported(vault: Path, tmp_path: Path, *options: str) -> Path:
    region_language(vault)
    target = tmp_path / "book.xlsx"
    result = run(["export", "xlsx", str(target), *options], vault)
    assert result.exit_code == 0, result.output
    return target


def region_language(vault: Path) -> None:
    settings = vault / "rmnotes.yaml"  # no language: set, so the region decides the headers
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: en\n", ""), encoding="utf-8")
    if (vault / ".git").exists() and git(vault, "status", "--porcelain", "rmnotes.yaml"):
        git(vault, "commit", "-qm", "settings: no language", "rmnotes.yaml")


def test_the_workbook_has_three_sheets_in_the_vaults_language(sample, tmp_path):
    wb = load_workbook(exported(sample, tmp_path))
    assert wb.sheetnames == ["客戶資料", "保險保障", "資產檢視"]
    clients, policies, holdings = (wb[n] for n in wb.sheetnames)
    header = [c.value for c in clients[1]]
    assert header[:4] == ["客戶代號", "姓名", "別名", "等級"]
    assert {"手機", "生日", "風險屬性", "配偶", "子女", "備註"} <= set(header)
    assert clients.freeze_panes == "C2" and policies.freeze_panes == "A2" and holdings.freeze_panes == "A2"
    assert clients.max_row == 41  # 40 clients under the header
    row = {h: c.value for h, c in zip(header, next(r for r in clients.iter_rows(min_row=2) if r[0].value == "chen-mei-ling"))}
    assert row["姓名"] == "陳美玲" and row["生日"].date() == date(1978, 12, 3)  # a date cell
    assert isinstance(row["手機"], str) and row["手機"].startswith("0")  # text: the leading zero stays
    pheader = [c.value for c in policies[1]]
    assert pheader[:5] == ["客戶代號", "客戶姓名", "保單名稱", "保險公司", "險種"]
    kinds = {r[pheader.index("險種")].value for r in policies.iter_rows(min_row=2)}
    assert "壽險" in kinds and "life" not in kinds
    hheader = [c.value for c in holdings[1]]
    values = [r[hheader.index("金額")].value for r in holdings.iter_rows(min_row=2)]
    assert all(isinstance(v, (int, float)) for v in values)  # amounts as numbers
    institutions = {r[hheader.index("往來機構")].value for r in holdings.iter_rows(min_row=2)}
    assert {"本行", "自有"} <= institutions and not {"ours", "self"} & institutions


def test_every_export_is_owner_only(sample, tmp_path):
    target = exported(sample, tmp_path)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    folder = tmp_path / "csv"
    folder.mkdir()
    assert run(["export", "csv", str(folder)], sample).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["clients.csv", "holdings.csv", "policies.csv"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())


def test_export_then_import_is_a_no_op(sample, tmp_path):
    target = exported(sample, tmp_path)
    head = git(sample, "rev-parse", "HEAD")
    result = run(["import", str(target)], sample)
    assert result.exit_code == 0, result.output
    assert "unchanged: 40" in result.stdout and "updated" not in result.stdout
    assert git(sample, "rev-parse", "HEAD") == head
    assert git(sample, "status", "--porcelain") == ""


def test_csv_export_then_import_is_a_no_op(sample, tmp_path):
    region_language(sample)
    folder = tmp_path / "csv"
    folder.mkdir()
    run(["export", "csv", str(folder)], sample)
    assert (folder / "clients.csv").read_bytes().startswith(b"\xef\xbb\xbf\xe5\xae\xa2")  # BOM, then 客
    head = git(sample, "rev-parse", "HEAD")
    result = run(["import", *(str(folder / f"{n}.csv") for n in ("clients", "policies", "holdings"))], sample)
    assert result.exit_code == 0, result.output
    assert "unchanged: 40" in result.stdout
    assert git(sample, "rev-parse", "HEAD") == head


def test_csv_sheet_option_writes_one_file(sample, tmp_path):
    folder = tmp_path / "one"
    folder.mkdir()
    assert run(["export", "csv", str(folder), "--sheet", "policies"], sample).exit_code == 0
    assert [p.name for p in folder.iterdir()] == ["policies.csv"]
    assert run(["export", "xlsx", str(tmp_path / "x.xlsx"), "--sheet", "policies"], sample).exit_code == 2


def test_a_new_user_edits_one_phone_number_in_excel(sample, tmp_path):
    """Export the book, open it, change one mobile, save, import: one line of one file."""
    target = exported(sample, tmp_path)
    wb = load_workbook(target)
    ws = wb["客戶資料"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "chen-mei-ling")
    row[header.index("手機")].value = "0988-777-666"
    wb.save(target)
    before = int(git(sample, "rev-list", "--count", "HEAD"))
    result = run(["import", str(target)], sample)
    assert result.exit_code == 0, result.output
    assert int(git(sample, "rev-list", "--count", "HEAD")) == before + 1
    assert [line.strip() for line in git(sample, "diff", "--stat", "HEAD~1", "HEAD").splitlines()] == [
        "clients/chen-mei-ling.md | 2 +-", "1 file changed, 1 insertion(+), 1 deletion(-)"]
    assert '+  mobile: "0988-777-666"' in git(sample, "show", "HEAD")
    assert run(["check"], sample).exit_code == 0


def _profile(path: Path):
    c = parse_client(path.read_text(encoding="utf-8-sig"), f"clients/{path.name}").client
    def strip(items):  # the base currency written out or left out says the same
        return [tuple((getattr(x, f) or "TWD") if f == "currency" else getattr(x, f)
                      for f in x.__slots__ if f != "line") for x in items]

    return (c.name, c.aliases, c.tier, c.status, c.since, c.tags, c.birthday, c.lunar_birthday, c.marital_status,
            c.income, c.risk_profile, c.risk_assessed, c.prefer, c.no_calls, c.best_time,
            [(m.name, m.relation or "other", _sheet_birthday(m)) for m in c.family],
            strip(c.assets), strip(c.policies), c.notes.strip(),
            {k: v for k, v in c.meta.get("profile", {}).items() if k not in ("lunar_birthday",)})


def _sheet_birthday(member):
    """A family member's birthday as the sheet carries it: not for a member who is a client
    (each linked client of the sample gives their own birthday, whose row the agenda shows)
    or whose birthday is kept on the lunar calendar."""
    return None if member.client or member.lunar_birthday or member.lunar_day else member.birthday


def test_family_birthdays_go_out_in_brackets(sample, tmp_path):
    wb = load_workbook(exported(sample, tmp_path))
    rows = list(wb["客戶資料"].iter_rows(values_only=True))
    header = rows[0]
    def family(name: str) -> dict:
        row = next(r for r in rows if r[1] == name)
        return {h: row[header.index(h)] for h in ("配偶", "子女", "父母")}

    # the spouse is a client (his own row has his birthday); the children and mother are not
    assert family("陳美玲") == {"配偶": "林志明", "子女": "林品妤（2009-04-18）、林品翰（2013-08-02）",
                             "父母": "陳王秀英（1950-02-14）"}
    # a mother whose birthday is kept on the lunar calendar, which the sheet cannot say
    assert family("蔡明哲") == {"配偶": "蔡黃淑美（1967-12-07）", "子女": "蔡宗諭（1993-06-30）", "父母": "蔡林阿嬌"}
    births = [m for path in (sample / "clients").glob("*.md")
              for m in parse_client(path.read_text(encoding="utf-8-sig"), path.name).client.family
              if _sheet_birthday(m)]
    assert len(births) >= 10  # the test above compares each of them after an import anew


def test_a_linked_members_birthday_goes_out_unless_their_own_file_gives_it(vault, tmp_path):
    """As the agenda decides it: the row of a member linked to a client whose own file gives
    a birthday is that client's; otherwise it is the member's, and the sheet carries it."""
    write_client(vault, "chen-jun-hong", "---\nname: 陳俊宏\nfamily:\n"
                                         "  - {name: 沈佳蓉, relation: spouse, birthday: 1987-12-13, client: shen-jia-rong}\n---\n")
    own = write_client(vault, "shen-jia-rong", "---\nname: 沈佳蓉\n---\n")

    def spouse() -> str:
        rows = list(load_workbook(exported(vault, tmp_path))["客戶資料"].iter_rows(values_only=True))
        return next(r for r in rows if r[1] == "陳俊宏")[rows[0].index("配偶")]

    assert spouse() == "沈佳蓉（1987-12-13）"
    own.write_text("---\nname: 沈佳蓉\nprofile: {birthday: 1987-12-13}\n---\n", encoding="utf-8")
    assert spouse() == "沈佳蓉"


def test_an_exported_book_imported_into_an_empty_vault_is_the_same_book(sample, tmp_path):
    target = exported(sample, tmp_path)
    vault = tmp_path / "new"
    vault.mkdir()
    (vault / "rmnotes.yaml").write_bytes((sample / "rmnotes.yaml").read_bytes())
    run(["init", str(vault)])
    result = run(["import", str(target)], vault)
    assert result.exit_code == 0, result.output
    assert run(["check"], vault).exit_code == 0
    originals = sorted((sample / "clients").glob("*.md"))
    assert [p.name for p in sorted((vault / "clients").glob("*.md"))] == [p.name for p in originals]
    for path in originals:
        assert _profile(vault / "clients" / path.name) == _profile(path), path.name


REGION_WORDS = {
    # language: sheet names, (client headers, not), (statuses), (policy headers), (kinds, not), (frequencies, not),
    # (types, not)
    "zh_HK": (["客戶資料", "保險保障", "資產檢視"], ({"客戶編號", "手提電話", "電郵", "風險取向"}, {"手機", "電子郵件", "風險屬性"}),
              {"活躍", "已結束往來", "不動戶口"}, ("保險類別", "受保人", "繳費模式", "貨幣"), ({"危疾", "人壽"}, "重大疾病"),
              ("整付", "躉繳"), ("按揭", "房貸")),
    "zh_CN": (["客户资料", "保险保障", "资产检视"], ({"客户编号", "手机", "电子邮件", "风险等级"}, {"客户代号", "风险属性"}),
              {"活跃", "已销户", "休眠客户"}, ("险种", "被保险人", "缴费方式", "币种"), ({"重疾", "寿险"}, "重大疾病"),
              ("趸缴", "躉繳"), ("房贷", "房貸")),
}


@pytest.mark.parametrize("language", sorted(REGION_WORDS))
def test_a_workbook_speaks_the_words_of_its_region_and_reads_back(tmp_path, language):
    """A Hong Kong manager's workbook says 手提電話, 危疾, 按揭 and 整付 as their screens do,
    not Taiwan's 手機, 重大疾病, 房貸 and 躉繳; a mainland manager's says 客户编号, 风险等级,
    活跃 and 重疾 as theirs do. Both import back unchanged."""
    names, (client_headers, not_client), statuses, policy_headers, (kinds, not_kind), (single, not_single), \
        (mortgage, not_mortgage) = REGION_WORDS[language]
    book = copy_sample(tmp_path / "book", language)
    target = tmp_path / "book.xlsx"
    assert run(["export", "xlsx", str(target)], book).exit_code == 0
    wb = load_workbook(target)
    assert wb.sheetnames == names

    def column(sheet, header):
        headers = [c.value for c in sheet[1]]
        return {r[headers.index(header)].value for r in sheet.iter_rows(min_row=2)}

    clients, policies, holdings = (wb[n] for n in wb.sheetnames)
    assert client_headers <= {c.value for c in clients[1]}
    assert not_client.isdisjoint(c.value for c in clients[1])
    assert statuses <= column(clients, clients[1][4].value)  # 狀態 / 状态
    assert set(policy_headers) <= {c.value for c in policies[1]}
    kind, frequency = policy_headers[0], policy_headers[2]
    assert kinds <= column(policies, kind) and not_kind not in column(policies, kind)
    assert single in column(policies, frequency) and not_single not in column(policies, frequency)
    types = column(holdings, holdings[1][3].value)  # 類別 / 类别
    assert mortgage in types and not_mortgage not in types
    head = git(book, "rev-parse", "HEAD")
    result = run(["import", str(target)], book)
    assert result.exit_code == 0, result.output
    assert git(book, "rev-parse", "HEAD") == head and git(book, "status", "--porcelain") == ""


def test_the_selection_options_choose_the_clients(sample, tmp_path):
    wb = load_workbook(exported(sample, tmp_path, "--tier", "A"))
    tiers = {r[3].value for r in wb["客戶資料"].iter_rows(min_row=2)}
    assert tiers == {"A"}


@pytest.mark.parametrize("region, sheet, header", [("CN", "客户资料", "手机"), ("US", "clients", "mobile"),
                                                   ("HK", "客戶資料", "手提電話"), ("TW", "客戶資料", "手機")])
def test_headers_follow_the_region(tmp_path, region, sheet, header):
    root = tmp_path / "v"
    root.mkdir()
    (root / "rmnotes.yaml").write_text(CONFIG.replace("region: TW", f"region: {region}"), encoding="utf-8")
    run(["init", str(root)])
    write_client(root, "wang-wei", "---\nname: 王偉\nprofile: {mobile: \"13800138000\"}\n"
                                   "policies:\n  - {name: 重疾, kind: critical_illness, premium: 1000}\n---\n")
    target = exported(root, tmp_path)
    wb = load_workbook(target)
    assert wb.sheetnames[0] == sheet
    assert header in [c.value for c in wb[sheet][1]]
    git(root, "add", "-A")
    git(root, "commit", "-qm", "one")
    head = git(root, "rev-parse", "HEAD")
    assert run(["import", str(target)], root).exit_code == 0
    assert git(root, "rev-parse", "HEAD") == head


def test_text_that_looks_like_a_formula_stays_text(vault, tmp_path):
    write_client(vault, "wang-wei", "---\nname: 王偉\nprofile: {occupation: \"=HYPERLINK(1)\"}\n---\n")
    wb = load_workbook(exported(vault, tmp_path))
    ws = wb["客戶資料"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(2, header.index("職業") + 1)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_a_big_import_makes_the_same_files_in_worker_processes(sample, tmp_path, monkeypatch):
    from rmnotes.domain import import_files

    target = exported(sample, tmp_path)
    made = {}
    for name, least in (("serial", 10_000), ("forked", 2)):
        monkeypatch.setattr(import_files, "PARALLEL_MIN", least)
        vault = tmp_path / name
        vault.mkdir()
        (vault / "rmnotes.yaml").write_bytes((sample / "rmnotes.yaml").read_bytes())
        run(["init", str(vault)])
        assert run(["import", str(target)], vault).exit_code == 0
        made[name] = {p.name: p.read_bytes() for p in (vault / "clients").glob("*.md")}
    assert len(made["forked"]) == 40 and made["forked"] == made["serial"]


def test_a_file_named_for_another_format_is_refused(sample, tmp_path):
    """book.csv holding a workbook would open in no spreadsheet and import as nothing."""
    for fmt, name in (("xlsx", "book.csv"), ("xlsx", "book"), ("vcf", "cards.xlsx")):
        result = run(["export", fmt, str(tmp_path / name)], sample)
        assert result.exit_code == 2 and f"FILE of {fmt} ends in .{fmt}" in result.stderr, (fmt, name)
        assert not (tmp_path / name).exists()
    assert run(["export", "vcf", str(tmp_path / "cards.vcard")], sample).exit_code == 0
