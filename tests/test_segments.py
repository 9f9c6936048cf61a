"""Segments on rmn list: small predicates that combine; --json and --csv; rmn tags."""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal

import pytest
from conftest import run, write_client

from rmnotes.domain.money import totals
from rmnotes.domain.segments import (Condition, Range, Segment, totals_by_client, parse_amount,
                                     parse_condition, parse_range, parse_since, select)
from rmnotes.index import Index
from rmnotes.vault import Vault


@pytest.fixture
def vault(bare_vault):
    """These commands only read: a vault folder without git is faster to set up."""
    return bare_vault


TODAY = date.today()


def days_ago(n: int) -> str:
    return date.fromordinal(TODAY.toordinal() - n).isoformat()


# ---------------------------------------------------------------- option values
@pytest.mark.parametrize("text, expected", [
    ("3..5", Range(3, 5)), ("4", Range(4, 4)), ("..2", Range(None, 2)), ("4..", Range(4, None)),
    ("3-5", Range(3, 5)), (" 2 .. 3 ", Range(2, 3)),
])
def test_parse_range(text, expected):
    assert parse_range(text) == expected


@pytest.mark.parametrize("text", ["", "..", "x", "5..3", "3..5..6"])
def test_parse_range_rejects(text):
    with pytest.raises(ValueError):
        parse_range(text)


@pytest.mark.parametrize("text, expected", [
    (">=1000000", Condition(">=", Decimal(1000000))),
    (">= 1,000,000", Condition(">=", Decimal(1000000))),
    ("<500k", Condition("<", Decimal(500000))),
    ("1.5m", Condition(">=", Decimal(1500000))),
    ("=300萬", Condition("=", Decimal(3000000))),
    ("1m..5m", Condition("..", Decimal(1000000), Decimal(5000000))),
])
def test_parse_condition(text, expected):
    assert parse_condition(text) == expected


def test_condition_tests_exactly():
    assert parse_condition(">=1000000").test(Decimal("1000000.00"))
    assert not parse_condition(">1000000").test(Decimal("1000000"))
    assert parse_condition("1m..5m").test(Decimal(5000000))
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount("lots")


def test_parse_since():
    assert parse_since("90d", date(2026, 11, 28)) == date(2026, 8, 30)
    assert parse_since("3m", date(2026, 11, 30)) == date(2026, 8, 30)
    assert parse_since("2026-01-31", date(2026, 11, 28)) == date(2026, 1, 31)
    with pytest.raises(ValueError, match="neither a period"):
        parse_since("soon", date(2026, 11, 28))


# ---------------------------------------------------------------- the book
@pytest.fixture
def book(vault):
    write_client(vault, "wang-wei", f"""\
        ---
        name: 王偉
        tier: A
        tags: [likes-new-funds, golf]
        risk: {{profile: 4}}
        family:
          - {{name: 王小明, relation: child}}
        assets:
          - {{name: 科技基金, type: fund, institution: ours, value: 1200000}}
        ---
        ## Log
        - {days_ago(10)} T 問候
    """)
    write_client(vault, "chen-mei-ling", f"""\
        ---
        name: 陳美玲
        tier: A
        tags: [likes-new-funds]
        risk: {{profile: 3}}
        family:
          - {{name: 林品妤, relation: child}}
        assets:
          - {{name: 美元基金, type: fund, institution: ours, value: 20000, currency: USD}}
        ---
        ## Log
        - {days_ago(120)} M 年度檢視
    """)
    write_client(vault, "lin-zhi-ming", """\
        ---
        name: 林志明
        tier: B
        status: prospect
        tags: [golf]
        risk: {profile: 5}
        assets:
          - {name: 定存, type: deposit, institution: ours, value: 5000000}
          - {name: 他行基金, type: fund, institution: 國泰, value: 100}
        ---
    """)
    write_client(vault, "zeng-guo-qiang", """\
        ---
        name: 曾國強
        tier: C
        risk: {profile: 2}
        assets:
          - {name: 日圓, type: deposit, institution: ours, value: 100, currency: JPY}
        ---
    """)
    return vault


def ids(vault, *args) -> list[str]:
    result = run(["list", "--json", *args], vault)
    assert result.exit_code == 0, result.output
    return [d["id"] for d in json.loads(result.stdout)]


def test_each_filter(book):
    assert ids(book, "--risk", "3..5") == ["chen-mei-ling", "lin-zhi-ming", "wang-wei"]
    assert ids(book, "--risk", "..2") == ["zeng-guo-qiang"]
    assert ids(book, "--holds", "fund") == ["chen-mei-ling", "lin-zhi-ming", "wang-wei"]
    assert ids(book, "--has-children") == ["chen-mei-ling", "wang-wei"]
    assert ids(book, "--no-contact-since", "90d") == ["chen-mei-ling", "lin-zhi-ming", "zeng-guo-qiang"]
    assert ids(book, "--tier", "A", "--tier", "C") == ["chen-mei-ling", "wang-wei", "zeng-guo-qiang"]
    assert ids(book, "--status", "prospect") == ["lin-zhi-ming"]


def test_filters_combine(book):
    assert ids(book, "--tag", "likes-new-funds", "--risk", "3..5", "--no-contact-since", "90d") == ["chen-mei-ling"]
    assert ids(book, "--tag", "golf", "--tag", "likes-new-funds") == ["wang-wei"]  # all tags
    assert ids(book, "--holds", "fund", "--holds", "deposit") == ["lin-zhi-ming"]  # all types
    assert ids(book, "--has-children", "--aum", ">=1000000") == ["wang-wei"]
    assert ids(book, "--tier", "B", "--has-children") == []


def test_holds_takes_one_asset_type_any_case_or_its_word(book):
    assert ids(book, "--holds", " FUND ") == ids(book, "--holds", "fund") == ids(book, "--holds", "基金")
    for bad in ("", "gold"):
        for command in ("list", "rank"):
            result = run([command, "--holds", bad], book)
            assert result.exit_code == 2, (command, bad)
            assert 'is not one of: deposit, fund, stock, bond' in result.stderr, (command, bad, result.stderr)


def test_status_and_tier_take_what_the_screen_shows_and_refuse_what_matches_nobody(book):
    """A value no client could have is an error naming the values, never an empty answer
    that looks like a clear book (or a clear agenda)."""
    assert ids(book, "--status", "潛在") == ids(book, "--status", "Prospect") == ["lin-zhi-ming"]
    assert ids(book, "--tier", "a") == ids(book, "--tier", "A")
    assert run(["list", "--status", "非潛在"], book).exit_code == 2  # a word that holds another is not that word
    assert ids(book, "--status", "不活躍") == ids(book, "--status", "dormant")  # a word of its own: not 活躍
    assert run(["list", "--holds", "非基金"], book).exit_code == 2
    for args, said in ((["--status", "paused"], 'status "paused" is not one of: active, prospect, dormant, closed'),
                       (["--tier", "VIP"], "VIP is not one of the tiers in rmnotes.yaml (A, B, C)")):
        for command in ("list", "rank", *(["due"] if args[0] == "--tier" else [])):
            result = run([command, *args], book)
            assert result.exit_code == 2 and said in result.stderr, (command, args, result.stderr)


def test_aum_is_exact_in_the_base_currency_and_a_missing_rate_is_named(book):
    result = run(["list", "--json", "--aum", ">=624000"], book)  # 20000 USD x 31.2 = 624,000
    assert [d["id"] for d in json.loads(result.stdout)] == ["chen-mei-ling", "lin-zhi-ming", "wang-wei"]
    assert result.stderr.startswith("warning: 曾國強 (zeng-guo-qiang) left out: clients/zeng-guo-qiang.md: "
                                    "曾國強 asset '日圓': currency JPY has no rate")
    assert ids(book, "--aum", ">624000") == ["lin-zhi-ming", "wang-wei"]
    assert ids(book, "--aum", "1m..2m") == ["wang-wei"]


def test_csv(book):
    result = run(["list", "--csv", "--tier", "A"], book)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "id,name,tier,status,risk,children,last_contact,tags",
        f"chen-mei-ling,陳美玲,A,active,3,1,{days_ago(120)},likes-new-funds",
        f"wang-wei,王偉,A,active,4,1,{days_ago(10)},likes-new-funds golf",
    ]


def test_json_keeps_the_list_fields(book):
    (row,) = json.loads(run(["list", "--json", "--status", "prospect"], book).stdout)
    assert row == {"id": "lin-zhi-ming", "name": "林志明", "tier": "B", "status": "prospect",
                   "tags": ["golf"], "last_contact": None, "risk": 5, "children": 0}


@pytest.mark.parametrize("args, message", [
    (["--risk", "high"], "'high' is not a range; write 3..5, 3, ..2 or 4.."),
    (["--aum", ">=lots"], "'lots' is not an amount"),
    (["--no-contact-since", "soon"], "'soon' is neither a period"),
])
def test_bad_segment_values_are_usage_errors(book, args, message):
    result = run(["list", *args], book)
    assert result.exit_code == 2 and message in result.stderr


def test_predicates_compose_in_the_domain(book):
    vault = Vault(book)
    clients = Index.open(vault).clients()
    seg = Segment(tags=("golf",), risk=Range(4, None))
    chosen = select(clients, seg)
    assert [c.id for c in chosen.clients] == ["lin-zhi-ming", "wang-wei"] and chosen.warnings == ()
    assert Segment().is_empty and not Segment(holds=("fund",)).needs_totals
    assert Segment(aum=parse_condition(">=1")).needs_totals
    assert select(clients, Segment()).clients == tuple(clients)
    with pytest.raises(ValueError):
        select(clients, Segment(aum=parse_condition(">=1")))  # money needs the totals


# ---------------------------------------------------------------- tags
def test_tags_with_counts(book):
    out = run(["tags"], book).stdout.splitlines()
    assert [line.split() for line in out] == [["tag", "clients"], ["golf", "2"], ["likes-new-funds", "2"]]
    data = json.loads(run(["tags", "--json"], book).stdout)
    assert data == [{"tag": "golf", "count": 2, "clients": ["lin-zhi-ming", "wang-wei"]},
                    {"tag": "likes-new-funds", "count": 2, "clients": ["chen-mei-ling", "wang-wei"]}]
    assert "林志明、王偉" in run(["tags", "--who"], book).stdout


def test_tags_in_an_empty_vault(vault):
    result = run(["tags"], vault)
    assert result.exit_code == 0 and result.stdout.startswith("no tags yet")


def test_index_sums_give_the_same_totals_as_the_parsed_file(vault):
    write_client(vault, "a", """\
        ---
        name: 甲
        assets:
          - {name: 定存, type: deposit, institution: ours, value: 1000000.25}
          - {name: 美元定存, type: deposit, institution: ours, value: 1000.5, currency: USD}
          - {name: 美元基金, type: fund, institution: ours, value: 0.5, currency: USD}
          - {name: 他行基金, type: fund, institution: 國泰, value: 300000}
          - {name: 自宅, type: property, institution: self, value: 18000000}
          - {name: 房貸, type: mortgage, institution: ours, value: 6500000}
          - {name: 信貸, type: loan, institution: 台新, value: 100, currency: CNY}
          - {name: 未估值, type: stock, institution: ours}
        ---
    """)
    vault_ = Vault(vault)
    index = Index.open(vault_)
    (book,) = index.clients()
    parsed = totals(vault_.config, load(vault_, "a"))
    mine = totals_by_client(vault_.config, [book], index.holdings())["a"]
    assert mine == parsed
    assert mine.aum == Decimal("1000000.25") + Decimal("1001") * Decimal("31.2")
    assert mine.elsewhere == 300000  # property and liabilities aside
    assert book.asset_types == ("deposit", "fund", "loan", "mortgage", "property", "stock")


def load(vault: Vault, cid: str):
    from rmnotes.index import read_and_parse

    return read_and_parse(vault, f"clients/{cid}.md").client


def test_cached_totals_follow_edits_and_rates(vault):
    write_client(vault, "a", "---\nname: 甲\nassets:\n  - {name: 美元, institution: ours, value: 10, currency: USD}\n---\n")
    write_client(vault, "b", "---\nname: 乙\nassets:\n  - {name: 日圓, institution: ours, value: 10, currency: JPY}\n---\n")
    assert ids(vault, "--aum", ">=312") == ["a"]  # 10 x 31.2; b has no rate: left out
    path = vault / "clients" / "a.md"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 10,", "value: 9,"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert ids(vault, "--aum", ">=312") == []  # the edited file's totals are recomputed
    config = (vault / "rmnotes.yaml").read_text(encoding="utf-8")
    (vault / "rmnotes.yaml").write_text(config.replace("fx: {USD: 31.2, CNY: 4.35}",
                                                       "fx: {USD: 40, CNY: 4.35, JPY: 0.2}"), encoding="utf-8")
    assert ids(vault, "--aum", ">=2") == ["a", "b"]  # new rates: every total recomputed
    assert ids(vault, "--aum", ">=360") == ["a"]  # 9 x 40
