"""rmn coverage: cover per kind, premiums per year, and each gap rule."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from conftest import run, write_client

from rmnotes.domain.coverage import Rules, coverage, yearly
from rmnotes.errors import DataError
from rmnotes.index import Index
from rmnotes.vault import Vault


@pytest.fixture
def vault(bare_vault):
    """These commands only read: a vault folder without git is faster to set up."""
    return bare_vault


TODAY = date(2026, 11, 28)


def rows(vault, *args) -> dict[str, dict]:
    result = run(["coverage", "--json", "--as-of", "2026-11-28", *args], vault)
    assert result.exit_code == 0, result.output
    return {r["client"]: r for r in json.loads(result.stdout)}


def codes(row: dict) -> list[str]:
    return [g["code"] for g in row["gaps"]]


def client(vault, cid: str, policies: str = "", extra: str = "") -> None:
    write_client(vault, cid, f"---\nname: {cid}\n{extra}policies:\n{policies}---\n" if policies
                 else f"---\nname: {cid}\n{extra}---\n")


# ---------------------------------------------------------------- premiums
@pytest.mark.parametrize("frequency, per_year", [
    ("annual", 1200), ("semiannual", 2400), ("quarterly", 4800), ("monthly", 14400), ("single", None)])
def test_premium_normalised_per_year(frequency, per_year):
    expected = None if per_year is None else Decimal(per_year)
    assert yearly(Decimal(1200), frequency) == expected


def test_unknown_frequency_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="'yearly' is not one of annual, semiannual"):
        yearly(Decimal(1), "yearly")


def test_premiums_add_up_per_year_with_single_apart_and_exact_fx(vault):
    client(vault, "a", """\
  - {name: 壽險, kind: life, sum_assured: 1000000, premium: 12000, premium_frequency: annual}
  - {name: 醫療, kind: medical, sum_assured: 3000, premium: 1000.5, premium_frequency: monthly}
  - {name: 意外, kind: accident, sum_assured: 500000, premium: 600, premium_frequency: semiannual}
  - {name: 長照, kind: long_term_care, premium: 250, premium_frequency: quarterly}
  - {name: 年金, kind: annuity, premium: 10000.1, currency: USD, premium_frequency: single}
""")
    row = rows(vault)["a"]
    # 12000 + 12 x 1000.5 + 2 x 600 + 4 x 250
    assert row["premium_yearly"] == 26206
    assert row["premium_single"] == "312003.12"  # 10000.1 x 31.2, exact
    assert row["sums"] == {"life": 1000000, "critical_illness": 0, "medical": 3000,
                           "accident": 500000, "annuity": 0, "long_term_care": 0}
    assert row["held"] == ["life", "medical", "accident", "annuity", "long_term_care"]


def test_unknown_frequency_is_named_and_left_out_of_the_total(vault):
    client(vault, "a", "  - {name: 壽險, kind: life, premium: 100, premium_frequency: yearly}\n")
    result = run(["coverage", "--json"], vault)
    assert json.loads(result.stdout)[0]["premium_yearly"] == 0
    assert "clients/a.md: a policy '壽險': premium_frequency 'yearly' is not one of" in result.stderr
    assert "its premium is left out" in result.stderr


# ---------------------------------------------------------------- gap rules
def test_no_critical_illness_unless_a_policy_or_a_rider_on_the_client(vault):
    client(vault, "none", "  - {name: 壽險, kind: life, sum_assured: 1}\n")
    client(vault, "kind", "  - {name: 重疾, kind: critical_illness, sum_assured: 1}\n")
    client(vault, "rider", "  - {name: 壽險, kind: life, riders: [critical_illness]}\n")
    client(vault, "zh-rider", "  - {name: 壽險, kind: life, riders: [重大疾病]}\n")
    client(vault, "spouse-only", "  - {name: 重疾, kind: critical_illness, insured: 林淑芬}\n",
           "family:\n  - {name: 林淑芬, relation: spouse}\n")
    got = rows(vault)
    assert "no-critical-illness" in codes(got["none"])
    assert "no-critical-illness" not in codes(got["kind"])
    assert "no-critical-illness" not in codes(got["rider"])
    assert "no-critical-illness" not in codes(got["zh-rider"])
    assert got["rider"]["riders"] == ["critical_illness"]
    assert "no-critical-illness" in codes(got["spouse-only"])  # the spouse's cover is not the client's
    assert got["spouse-only"]["family_sums"] == {}
    message = next(g["message"] for g in got["none"]["gaps"] if g["code"] == "no-critical-illness")
    assert message == "no critical-illness cover (no critical_illness policy or rider on the client)"


def test_no_medical_unless_a_medical_policy_or_rider(vault):
    client(vault, "none", "  - {name: 壽險, kind: life}\n")
    client(vault, "kind", "  - {name: 住院, kind: medical, sum_assured: 3000}\n")
    client(vault, "rider", "  - {name: 壽險, kind: life, riders: [hospital]}\n")
    client(vault, "bare")  # no policies at all: both gaps
    got = rows(vault)
    assert "no-medical" in codes(got["none"])
    assert "no-medical" not in codes(got["kind"])
    assert "no-medical" not in codes(got["rider"])
    assert codes(got["bare"]) == ["no-critical-illness", "no-medical"]


def test_life_below_income_for_parents_of_young_children(vault):
    kids = "family:\n  - {name: 小明, relation: child, birthday: 2010-01-01}\n"
    grown = "family:\n  - {name: 大明, relation: child, birthday: 1990-01-01}\n"
    income = "profile: {income: 1000000}\n"
    life = lambda amount: f"  - {{name: 壽險, kind: life, sum_assured: {amount}}}\n"  # noqa: E731
    client(vault, "below", life(9999999), income + kids)
    client(vault, "enough", life(10000000), income + kids)
    client(vault, "grown-up", life(0), income + grown)
    client(vault, "no-kids", life(0), income)
    client(vault, "no-income", life(0), kids)
    got = rows(vault)
    gap = [g for g in got["below"]["gaps"] if g["code"] == "life-below-income"]
    assert gap == [{"code": "life-below-income", "message":
                    "1 child under 25; life cover 9,999,999 is below 10 x yearly income "
                    "1,000,000 = 10,000,000"}]
    for cid in ("enough", "grown-up", "no-kids", "no-income"):
        assert "life-below-income" not in codes(got[cid]), cid


def test_a_child_of_unknown_age_counts_and_the_gap_says_so(vault):
    """A child without a birthday (an imported sheet lists names only) is counted among the
    young, as the setting says, and the gap does not claim an age it cannot know."""
    life = "  - {name: 壽險, kind: life, sum_assured: 100}\n"
    client(vault, "unknown", life, "profile: {income: 1000000}\nfamily:\n  - {name: 小明, relation: child}\n"
                                   "  - {name: 小華, relation: child, birthday: 2015-01-01}\n")
    gap = [g["message"] for g in rows(vault)["unknown"]["gaps"] if g["code"] == "life-below-income"]
    assert gap == ["2 children under 25 or of unknown age; life cover 100 is below 10 x yearly income "
                   "1,000,000 = 10,000,000"]


def test_life_below_income_converts_income_in_another_currency(vault):
    client(vault, "usd", "  - {name: 壽險, kind: life, sum_assured: 3000000}\n",
           "profile: {income: 10000, currency: USD}\nfamily:\n  - {name: 小明, relation: child}\n")
    # 10 x 10000 USD x 31.2 = 3,120,000 TWD > 3,000,000
    assert "life-below-income" in codes(rows(vault)["usd"])


def test_insured_not_in_family(vault):
    client(vault, "a", """\
  - {name: 子女教育險, kind: life, insured: 王小明, sum_assured: 1000000}
  - {name: 外甥保單, kind: accident, insured: 陳小華, sum_assured: 200000}
  - {name: 本人醫療, kind: medical, insured: self}
""", "name_extra: x\nfamily:\n  - {name: 王小明, relation: child}\n")
    row = rows(vault)["a"]
    gaps = [g for g in row["gaps"] if g["code"] == "insured-not-in-family"]
    assert len(gaps) == 1
    assert gaps[0]["message"].startswith("policy '外甥保單' (line ")
    assert gaps[0]["message"].endswith("insures 陳小華, who is not listed under family")
    # each member's cover is kept apart from the client's own
    assert row["family_sums"] == {"王小明": {"life": 1000000}, "陳小華": {"accident": 200000}}
    assert row["sums"]["life"] == 0 and row["sums"]["medical"] == 0


def test_a_linked_family_member_file_is_never_mixed_in(vault):
    write_client(vault, "wang-wei", """\
        ---
        name: 王偉
        family:
          - {name: 林淑芬, relation: spouse, client: lin-shufen}
        policies:
          - {name: 壽險, kind: life, sum_assured: 5000000, premium: 120000}
          - {name: 太太的意外險, kind: accident, insured: 林淑芬, sum_assured: 1000000, premium: 3000}
        ---
    """)
    write_client(vault, "lin-shufen", """\
        ---
        name: 林淑芬
        family:
          - {name: 王偉, relation: spouse, client: wang-wei}
        policies:
          - {name: 重大疾病險, kind: critical_illness, sum_assured: 2000000, premium: 30000}
          - {name: 醫療險, kind: medical, sum_assured: 3000, premium: 20000}
        ---
    """)
    got = rows(vault)
    wang, lin = got["wang-wei"], got["lin-shufen"]
    assert wang["sums"]["critical_illness"] == 0 and "no-critical-illness" in codes(wang)
    assert wang["premium_yearly"] == 123000  # his own file's policies only
    assert lin["sums"]["accident"] == 0  # the policy on her in his file stays in his row
    assert lin["premium_yearly"] == 50000
    assert codes(lin) == []


# ---------------------------------------------------------------- configuration
def test_rules_from_rmnotes_yaml(vault):
    with open(vault / "rmnotes.yaml", "a", encoding="utf-8") as f:
        f.write("coverage:\n  life_income_multiple: 2\n  ignore: [no-medical]\n"
                "  critical_illness_riders: [ci]\n")
    client(vault, "a", "  - {name: 壽險, kind: life, sum_assured: 1500000, riders: [critical_illness]}\n",
           "profile: {income: 1000000}\nfamily:\n  - {name: 小明, relation: child}\n")
    row = rows(vault)["a"]
    assert codes(row) == ["no-critical-illness", "life-below-income"]
    assert "below 2 x yearly income 1,000,000 = 2,000,000" in row["gaps"][1]["message"]


@pytest.mark.parametrize("setting, message", [
    ("life_income_multiple: lots", "coverage.life_income_multiple must be a number like 10, not 'lots'"),
    ("ignore: [no-dental]", "coverage.ignore: unknown gap code no-dental; the codes are no-critical-illness"),
    ("life_multiple: 5", "coverage.life_multiple is not a coverage setting"),
])
def test_a_bad_rule_is_an_error_naming_the_setting(vault, setting, message):
    with open(vault / "rmnotes.yaml", "a", encoding="utf-8") as f:
        f.write(f"coverage:\n  {setting}\n")
    client(vault, "a")
    result = run(["coverage"], vault)
    assert result.exit_code == 1
    assert result.stderr.startswith("rmn: error: rmnotes.yaml: ") and message in result.stderr


def test_rules_defaults():
    rules = Rules.from_config({})
    assert rules.life_income_multiple == 10 and rules.dependent_age == 25 and not rules.ignore
    with pytest.raises(DataError):
        Rules.from_config({"dependent_age": "x"})


# ---------------------------------------------------------------- the command
def test_missing_rate_names_the_client_and_shows_no_numbers(vault):
    client(vault, "jp", "  - {name: 日圓保單, kind: life, sum_assured: 1000000, currency: JPY}\n")
    result = run(["coverage", "--json"], vault)
    assert result.exit_code == 0
    row = json.loads(result.stdout)[0]
    assert row["sums"] is None and row["premium_yearly"] is None
    assert "JPY has no rate" in row["error"]
    assert "warning: jp (jp): sums and premiums not shown: clients/jp.md: jp policy '日圓保單'" in result.stderr
    assert "?" in run(["coverage"], vault).stdout


def test_gaps_only_and_closed_clients_left_out(vault):
    client(vault, "covered", "  - {name: 重疾, kind: critical_illness}\n  - {name: 醫療, kind: medical}\n")
    client(vault, "gap")
    client(vault, "gone", extra="status: closed\n")
    assert sorted(rows(vault)) == ["covered", "gap"]
    assert sorted(rows(vault, "--gaps")) == ["gap"]
    assert sorted(rows(vault, "--status", "closed")) == ["gone"]
    out = run(["coverage", "--gaps"], vault).stdout
    assert "no-critical-illness  no critical-illness cover" in out
    assert out.rstrip().endswith("1 client, 1 with a gap: no-critical-illness 1, no-medical 1")


def test_table_aligns_with_chinese_names(vault):
    from rich.cells import cell_len

    write_client(vault, "ou-yang-na-na", "---\nname: 歐陽娜娜\nprofile: {marital_status: single}\n"
                                          "policies:\n  - {name: a, kind: life, sum_assured: 100, premium: 10}\n---\n")
    write_client(vault, "david-lin", "---\nname: David Lin\nprofile: {marital_status: married}\n"
                                      "policies:\n  - {name: a, kind: life, sum_assured: 2000000, premium: 20}\n---\n")
    lines = run(["coverage"], vault).stdout.splitlines()
    header, body = lines[0], lines[1:3]
    # the right edge of the life column lines up whatever the width of the name
    ends = {cell_len(line[: line.index(v) + len(v)]) for line, v in zip(body, ("2,000,000", "100"))}
    assert ends == {cell_len(header[: header.index("life") + 4])}


def test_xlsx_has_one_row_per_client_with_gap_comments(vault, tmp_path):
    from openpyxl import load_workbook

    client(vault, "a", "  - {name: 壽險, kind: life, sum_assured: 1000000, premium: 100, premium_frequency: monthly}\n")
    target = tmp_path / "out" / "coverage.xlsx"
    refused = run(["coverage", "--xlsx", str(target)], vault)  # no such folder: said, not made
    assert refused.exit_code == 1 and f"the folder {target.parent} does not exist" in refused.stderr
    assert not target.parent.exists()
    target.parent.mkdir()
    result = run(["coverage", "--xlsx", str(target)], vault)
    assert result.exit_code == 0 and f"wrote {target} (1 client)" in result.stderr
    ws = load_workbook(target).active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, (c.value for c in ws[2])))
    assert row["client"] == "a" and row["life"] == 1000000 and row["premium / year"] == 1200
    assert row["gaps"] == "no-critical-illness, no-medical"
    assert "no medical cover" in ws.cell(2, len(header)).comment.text
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    # in Chinese the codes are words, as on the screen: no "active" or "no-medical" in a 香港 sheet
    settings = vault / "rmnotes.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: zh_HK\n", encoding="utf-8")
    assert run(["coverage", "--xlsx", str(target)], vault).exit_code == 0
    ws = load_workbook(target).active
    row = dict(zip((c.value for c in ws[1]), (c.value for c in ws[2])))
    assert row["狀態"] == "活躍" and row["缺口"] == "無危疾保險、無醫療保險"


def test_domain_coverage_from_the_index(vault):
    client(vault, "a", "  - {name: 壽險, kind: life, sum_assured: 1, riders: [ci, medical]}\n")
    idx = Index.open(Vault(vault))
    report = coverage(idx.clients(), idx.policies(), idx.family(), Vault(vault).config,
                      Rules.from_config({}), TODAY)
    (row,) = report.rows
    assert row.gaps == () and row.riders == ("critical_illness", "medical")
    assert row.sums["life"] == 1


def test_critical_illness_cover_on_the_spouse_only_is_a_gap_in_coverage_and_in_review(vault):
    """One rule, one answer: cover that insures the spouse is the spouse's. coverage lists
    the gap and review says "NOT covered", on screen and in both --json."""
    client(vault, "wang", "  - {name: 配偶重疾險, kind: critical_illness, insured: 林淑芬, sum_assured: 1000000}\n"
                          "  - {name: 本人醫療, kind: medical, insured: self, sum_assured: 1000}\n",
           extra="family:\n  - {name: 林淑芬, relation: spouse}\n")
    assert codes(rows(vault)["wang"]) == ["no-critical-illness"]
    review = run(["review", "wang", "--json", "--as-of", "2026-11-28"], vault)
    assert review.exit_code == 0, review.output
    data = json.loads(review.stdout)
    assert data["critical_illness_covered"] is False
    assert [p["critical_illness"] for p in data["policies"]] == [True, False]
    shown = run(["review", "wang", "--as-of", "2026-11-28"], vault)
    assert "critical illness: NOT covered" in shown.stdout
    table = run(["coverage", "--gaps", "--as-of", "2026-11-28"], vault)
    assert "no critical-illness cover" in table.stdout

    # the same client with cover of its own: covered in both
    client(vault, "wang", "  - {name: 本人重疾險, kind: critical_illness, insured: self, sum_assured: 1000000}\n"
                          "  - {name: 本人醫療, kind: medical, insured: self, sum_assured: 1000}\n",
           extra="family:\n  - {name: 林淑芬, relation: spouse}\n")
    assert codes(rows(vault)["wang"]) == []
    data = json.loads(run(["review", "wang", "--json", "--as-of", "2026-11-28"], vault).stdout)
    assert data["critical_illness_covered"] is True
