"""rmn brief on a copy of the sample vault and on small vaults: every section with the right
facts, the same answers as the views that own each rule, and a linked spouse's file kept out."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import git, run, write_client

AS_OF = "2026-11-28"


def brief_json(vault: Path, *args: str) -> dict:
    result = run(["brief", *args, "--json"], vault=vault)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return json.loads(result.stdout)


def brief_text(vault: Path, *args: str, columns: int = 120) -> str:
    os.environ["COLUMNS"] = str(columns)
    try:
        result = run(["brief", *args], vault=vault)
    finally:
        del os.environ["COLUMNS"]
    assert result.exit_code == 0, result.output
    return result.stdout


# ---------------------------------------------------------------------- the sample book
def test_who_with_the_contact_hint_of_due(sample):
    b = brief_json(sample, "陳美玲", "--as-of", AS_OF)
    assert (b["client"], b["name"], b["as_of"], b["until"]) == ("chen-mei-ling", "陳美玲", AS_OF, "2026-12-28")
    who = b["who"]
    assert (who["age"], who["tier"], who["since"]) == (47, "A", "2016-04-11")
    assert (who["occupation"], who["employer"]) == ("會計師", "勤業眾信")
    assert who["prefer"] == ["line", "meeting"] and who["no_calls"] == "09:00-18:00"
    due = json.loads(run(["due", "chen-mei-ling", "--as-of", AS_OF, "--json"], vault=sample).stdout)
    assert who["hint"] == due[0]["hint"] == "line, meeting · no calls 09:00-18:00: message (line) or call 12:15-13:15"


def test_coming_is_the_clients_own_agenda_with_amounts(sample):
    b = brief_json(sample, "陳美玲", "--as-of", AS_OF, "--days", "150")
    rows = [(r["date"], r["reason"], r["detail"], r["amount"], r["currency"]) for r in b["coming"]]
    assert ("2026-12-03", "birthday", "陳美玲 turns 48", None, None) in rows
    assert ("2026-12-18", "maturity", "美元定存", 80000, "USD") in rows
    assert ("2027-02-01", "premium", "真全意住院醫療", 28600, "TWD") in rows
    assert ("2027-02-14", "birthday", "陳王秀英 (parent) turns 77", None, None) in rows
    assert ("2027-04-18", "birthday", "林品妤 (child) turns 18", None, None) in rows
    assert ("2026-12-10", "follow-up", "#2 美元定存 12/18 到期，確認續存或轉美元保單", None, None) in rows
    # exactly `rmn due CLIENT`'s rows: one rule
    due = json.loads(run(["due", "chen-mei-ling", "--as-of", AS_OF, "--days", "150", "--json"],
                         vault=sample).stdout)
    assert b["coming"] == [{k: v for k, v in r.items() if k not in ("client", "name", "hint")} for r in due]


def test_overdue_promises_and_kyc_lead(sample):
    coming = brief_json(sample, "蔡明哲", "--as-of", AS_OF)["coming"]
    overdue = [(r["reason"], r["detail"]) for r in coming if r["days"] < 0]
    assert ("follow-up", "#1 約季度檢視（第二次延期）") in overdue
    assert ("kyc", "risk assessed 2025-10-30, valid 1y") in overdue
    assert [r["days"] for r in coming] == sorted(r["days"] for r in coming)
    assert coming[len(overdue)]["days"] >= 0
    assert ("premium", "美元利變壽險（傳承用）", 150000, "USD") in [
        (r["reason"], r["detail"], r["amount"], r["currency"]) for r in coming]


def test_standing_is_the_review_sheets_and_the_coverage_sheets(sample):
    b = brief_json(sample, "王偉", "--as-of", AS_OF)
    s = b["standing"]
    review = json.loads(run(["review", "wang-wei", "--as-of", AS_OF, "--json"], vault=sample).stdout)
    assert s["total_assets"] == review["totals"]["assets"] == 22200000
    assert s["aum_ours"] == review["totals"]["aum_ours"] == 4200000
    assert s["net_worth"] == review["totals"]["net_worth"] == 15700000
    assert s["currency"] == "TWD" and s["last_review"] == "2026-11-05"
    assert s["above_risk"] == [{"name": "富邦台灣科技基金", "risk": 4}] and s["risk_profile"] == 3
    coverage = json.loads(run(["coverage", "--json", "--as-of", AS_OF], vault=sample).stdout)
    wang = next(r for r in coverage if r["client"] == "wang-wei")
    assert s["gaps"] == wang["gaps"]
    assert [g["code"] for g in s["gaps"]] == ["no-medical", "life-below-income"]


def test_change_since_the_last_recorded_review(sample):
    s = brief_json(sample, "陳美玲", "--as-of", AS_OF)["standing"]
    assert s["last_review"] == "2026-11-17"
    review = json.loads(run(["review", "chen-mei-ling", "--as-of", AS_OF, "--json"], vault=sample).stdout)
    assert s["total_assets"] == review["totals"]["assets"] == 6726000
    assert s["change"] == 0 and s["change_pct"] in (0, "0")  # recorded at today's values
    earlier = brief_json(sample, "陳美玲", "--as-of", "2026-11-17")["standing"]  # before that review
    assert earlier["last_review"] == "2026-05-19"
    assert earlier["change"] == 6726000 - 6390000
    assert "since review  +336,000 (+5.3%) since 2026-05-19" in brief_text(sample, "陳美玲", "--as-of", "2026-11-17")


def test_what_was_said(sample):
    said = brief_json(sample, "王偉", "--as-of", AS_OF)["said"]
    assert [(c["date"], c["channel"]) for c in said["contacts"]] == [
        ("2026-11-20", "T"), ("2026-11-10", "S"), ("2026-11-05", "M"), ("2026-10-13", "T"), ("2026-08-18", "E")]
    assert said["contacts"][2]["with"] == ["林淑芬"]
    assert said["internal_notes"] == 1
    assert not any(c["channel"] == "N" for c in said["contacts"])
    products = brief_json(sample, "曾國強", "--as-of", AS_OF)["said"]["products"]
    assert {"name": "美元結構型商品", "last": "2026-02-02"} in products


def test_what_to_talk_about(sample):
    talk = brief_json(sample, "陳美玲", "--as-of", AS_OF, "--days", "150")["talk"]
    assert talk["hobbies"] == ["瑜珈", "日本旅遊"]
    assert talk["children"] == [
        {"name": "林品妤", "age": 17, "school": "北一女中", "occupation": None},
        {"name": "林品翰", "age": 13, "school": "仁愛國中", "occupation": None}]
    assert talk["milestones"] == [{"date": "2027-04-18", "name": "林品妤", "what": "turns-18"}]
    assert brief_json(sample, "陳美玲", "--as-of", AS_OF)["talk"]["milestones"] == []  # not in 30 days
    events = brief_json(sample, "周文雄", "--as-of", AS_OF)["talk"]["life_events"]
    assert {"date": "2026-01-20", "channel": "T", "text": "新年問候，太太住院中", "matched": "住院"} in events
    # a year later it is no longer recent
    assert not brief_json(sample, "周文雄", "--as-of", "2027-09-30")["talk"]["life_events"]


def test_each_section_on_screen_at_80_and_120_columns(sample):
    for columns in (80, 120):
        out = brief_text(sample, "陳美玲", "--as-of", AS_OF, "--days", "150", columns=columns)
        for heading in ("Coming up to 2027-04-27 (150 days)", "Where they stand (TWD)", "What was said",
                        "What to talk about", "Documents"):
            assert heading in out
        assert "陳美玲  chen-mei-ling   47 years · tier A · client since 2016-04-11" in out
        assert "美元定存 80,000 USD" in out and "真全意住院醫療 28,600 TWD" in out
        assert "total assets  6,726,000" in out and "net worth     6,726,000" in out
        assert "since review  no change since 2026-11-17" in out
        assert "2027-04-18 林品妤 turns 18" in out
        assert "none in clients/chen-mei-ling/" in out
        widest = max(cell_len(line.rstrip()) for line in out.splitlines())
        assert widest <= columns, (columns, widest)


def test_documents_newest_first_after_attach(sample, tmp_path):
    old, new = tmp_path / "2025-提案.pdf", tmp_path / "kyc-form.pdf"
    old.write_bytes(b"%PDF-1.4 old")
    new.write_bytes(b"%PDF-1.4 new form")
    assert run(["attach", "王偉", str(old)], vault=sample).exit_code == 0
    earlier = time.time() - 86400
    os.utime(sample / "clients" / "wang-wei" / old.name, (earlier, earlier))
    assert run(["attach", "王偉", str(new)], vault=sample).exit_code == 0
    docs = brief_json(sample, "王偉", "--as-of", AS_OF)["documents"]
    assert [d["name"] for d in docs] == ["kyc-form.pdf", "2025-提案.pdf"]
    assert docs[0]["path"] == "clients/wang-wei/kyc-form.pdf" and docs[0]["size"] == len(b"%PDF-1.4 new form")
    out = brief_text(sample, "王偉", "--as-of", AS_OF)
    assert out.index("kyc-form.pdf") < out.index("2025-提案.pdf")


def test_the_json_keys_are_stable(sample):
    b = brief_json(sample, "王偉", "--as-of", AS_OF)
    assert list(b) == ["client", "name", "as_of", "until", "who", "coming", "standing", "said", "talk",
                       "documents"]
    assert set(b["standing"]) == {"currency", "total_assets", "aum_ours", "liabilities", "net_worth",
                                  "problem", "last_review", "change", "change_pct", "risk_profile",
                                  "above_risk", "gaps"}
    assert set(b["said"]) == {"contacts", "internal_notes", "products"}
    assert set(b["talk"]) == {"hobbies", "children", "milestones", "life_events"}


# ---------------------------------------------------------------------- small vaults
def test_a_child_turning_18_and_starting_university_in_the_window(vault):
    write_client(vault, "wang-wei", """\
        ---
        name: 王偉
        family:
          - {name: 王小明, relation: child, birthday: 2008-09-01, school: 台中一中}
          - {name: 王小華, relation: child, birthday: 2008-09-02}
        ---
        ## Log
        - 2026-08-01 T 小明 #life 考完學測
    """)
    talk = brief_json(vault, "wang-wei", "--as-of", "2026-08-20", "--days", "20")["talk"]
    # born Sept 1: 18 on the day the school year starts, so starts that year; Sept 2: a year on
    assert talk["milestones"] == [{"date": "2026-09-01", "name": "王小明", "what": "turns-18"},
                                  {"date": "2026-09-01", "name": "王小明", "what": "university"},
                                  {"date": "2026-09-02", "name": "王小華", "what": "turns-18"}]
    assert talk["life_events"] == [{"date": "2026-08-01", "channel": "T", "text": "小明 #life 考完學測",
                                    "matched": "#life"}]
    later = brief_json(vault, "wang-wei", "--as-of", "2027-08-20", "--days", "20")["talk"]["milestones"]
    assert later == [{"date": "2027-09-01", "name": "王小華", "what": "university"}]


def test_a_missing_rate_leaves_the_money_out_and_says_why(vault):
    write_client(vault, "wang-wei", """\
        ---
        name: 王偉
        assets:
          - {name: 瑞郎存款, type: deposit, institution: ours, value: 1000, currency: CHF}
        ---
    """)
    s = brief_json(vault, "wang-wei", "--as-of", AS_OF)["standing"]
    assert s["total_assets"] is None and "CHF" in s["problem"] and "瑞郎存款" in s["problem"]
    assert "CHF has no rate" in brief_text(vault, "wang-wei", "--as-of", AS_OF)


# ---------------------------------------------------------------------- privacy
WANG = """\
    ---
    name: 王偉
    risk: {profile: 3}
    family:
      - {name: 林淑芬, relation: spouse, client: lin-shufen, birthday: 1977-12-03}
    assets:
      - {name: 台幣定存, type: deposit, institution: ours, value: 3000000, maturity: 2026-12-15}
    ---
    ## Log
    - 2026-11-05 M 季度資產回顧，太太也在場
      with: [林淑芬]
"""

LIN = """\
    ---
    name: 林淑芬
    tier: A
    tags: [淑芬專屬標籤]
    profile:
      mobile: "0933-777-111"
      birthday: 1977-12-05
      occupation: 淑芬的職業天文學家
      employer: 淑芬的雇主
      hobbies: [淑芬的嗜好潛水]
    risk: {profile: 1, assessed: 2026-01-01}
    contact: {prefer: [wechat], best_time: "06:00-06:30"}
    family:
      - {name: 王偉, relation: spouse, client: wang-wei}
      - {name: 淑芬的女兒林小芳, relation: child, birthday: 2008-12-10, school: 淑芬女兒的學校}
    assets:
      - {name: 淑芬私房美元定存, type: deposit, institution: ours, value: 9990000, maturity: 2026-12-10, risk: 5}
    policies:
      - {name: 淑芬重大疾病險, insurer: 淑芬保險公司, kind: critical_illness, sum_assured: 1000000,
         premium: 77777, next_premium: 2026-12-11}
    ---

    淑芬的私人筆記。

    ## Follow-ups
    - [ ] 2026-12-02 淑芬的承諾事項

    ## Log
    - 2026-11-01 T 淑芬談到贈與規劃，淑芬結婚紀念
      products: [淑芬討論的商品]
      review:
        total: 9990000
        assets: {淑芬私房美元定存: 9990000}
    - 2026-11-02 N 淑芬的內部備註
"""

# Nothing of these (all from lin-shufen's own file) may appear in anything `rmn brief wang-wei` prints.
SECRETS = ("淑芬專屬標籤", "0933", "777-111", "1977-12-05", "12-05", "天文學家", "淑芬的雇主", "潛水",
           "林小芳", "淑芬女兒的學校", "淑芬私房美元定存", "9,990,000", "9990000", "淑芬重大疾病險",
           "淑芬保險公司", "77,777", "77777", "淑芬的私人筆記", "淑芬的承諾事項", "贈與規劃", "結婚紀念",
           "淑芬討論的商品", "淑芬的內部備註", "wechat", "06:00")


@pytest.fixture
def couple(vault):
    write_client(vault, "wang-wei", WANG)
    write_client(vault, "lin-shufen", LIN)
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "two clients")
    return vault


def test_nothing_of_a_linked_spouses_own_file_appears(couple):
    outputs = [brief_text(couple, "王偉", "--as-of", AS_OF, "--days", "60", columns=c) for c in (80, 120)]
    outputs.append(run(["brief", "wang-wei", "--as-of", AS_OF, "--days", "60", "--json"], vault=couple).stdout)
    for out in outputs:
        leaked = [s for s in SECRETS if s in out]
        assert not leaked, f"leaked: {leaked}"
    b = json.loads(outputs[-1])
    # what wang-wei's own file says of her stays: her name and the birthday written there
    assert ("2026-12-03", "林淑芬 (spouse) turns 49") in [(r["date"], r["detail"]) for r in b["coming"]]
    assert ("maturity", "台幣定存", 3000000) in [(r["reason"], r["detail"], r["amount"]) for r in b["coming"]]
    assert b["said"]["contacts"][0]["with"] == ["林淑芬"]
    assert b["said"]["internal_notes"] == 0 and b["said"]["products"] == [] and b["talk"]["children"] == []
    assert b["standing"]["total_assets"] == 3000000


def test_the_marker_test_can_fail(couple):
    """The planted markers are where the test looks: the spouse's own brief shows them."""
    out = run(["brief", "lin-shufen", "--as-of", AS_OF, "--days", "60", "--json"], vault=couple).stdout
    assert sum(s in out for s in SECRETS) >= 15


def test_dates_on_screen_follow_date_style(sample):
    config = sample / "rmnotes.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "date_style: roc\n", encoding="utf-8")
    out = brief_text(sample, "陳美玲", "--as-of", AS_OF)
    assert "115/12/03  +5" in out and "client since 105/04/11" in out
    assert "no change since 115/11/17" in out
    assert "2026-12-03" not in out
    assert brief_json(sample, "陳美玲", "--as-of", AS_OF)["coming"][0]["date"] == "2026-12-03"  # JSON: ISO


def test_who_a_call_was_about_is_not_said_to_have_come_along(sample):
    assert run(["log", "陳美玲", "E", "寄出學費試算", "--with", "林品妤", "--date", "2026-11-27"], sample).exit_code == 0
    text = brief_text(sample, "陳美玲", "--as-of", "2026-11-28")
    assert "寄出學費試算 (involving 林品妤)" in text and "寄出學費試算 (with" not in text
