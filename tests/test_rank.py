"""rmn rank: the 80/20 cut (ties, one client, none), exact values, dormant potential."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import run, write_client

from rmnotes.domain.rank import ranked


@pytest.fixture
def vault(bare_vault):
    """These commands only read: a vault folder without git is faster to set up."""
    return bare_vault


D = Decimal


def cut(pairs):
    rows, total, count = ranked([(cid, cid.upper(), value) for cid, value in pairs])
    return [(r.client, r.value, r.share, r.cumulative, r.top80) for r in rows], total, count


def top(rows) -> list[str]:
    return [cid for cid, _v, _s, _c, is_top in rows if is_top]


# ---------------------------------------------------------------- the cut
def test_cut_stops_at_the_client_that_reaches_80_percent():
    rows, total, count = cut([("a", D(50)), ("b", D(30)), ("c", D(15)), ("d", D(5))])
    assert total == 100 and count == 2 and top(rows) == ["a", "b"]  # exactly 80% at b
    assert [(s, c) for _, _, s, c, _ in rows] == [
        (D("0.5"), D("0.5")), (D("0.3"), D("0.8")), (D("0.15"), D("0.95")), (D("0.05"), D(1))]


def test_cut_includes_the_client_that_crosses_80_percent():
    rows, _, count = cut([("a", D(70)), ("b", D(20)), ("c", D(10))])
    assert top(rows) == ["a", "b"] and count == 2


def test_a_tie_at_the_cut_is_all_in_whatever_the_ids():
    rows, _, count = cut([("d", D(20)), ("a", D(40)), ("c", D(20)), ("b", D(20))])
    assert [r[0] for r in rows] == ["a", "b", "c", "d"]  # ties ordered by id
    assert top(rows) == ["a", "b", "c", "d"] and count == 4


def test_ties_above_the_cut_do_not_drag_in_later_clients():
    rows, _, count = cut([("a", D(45)), ("b", D(45)), ("c", D(5)), ("d", D(5))])
    assert top(rows) == ["a", "b"] and count == 2


def test_a_single_client_is_the_whole_top():
    rows, total, count = cut([("a", D("1234.5"))])
    assert rows == [("a", D("1234.5"), D(1), D(1), True)] and total == D("1234.5") and count == 1
    assert ranked([("a", "王偉", D(1))])[0][0].name == "王偉"


def test_no_clients_and_all_zero():
    assert cut([]) == ([], D(0), 0)
    rows, total, count = cut([("a", D(0)), ("b", D(0))])
    assert total == 0 and count == 0 and top(rows) == []


def test_order_is_value_then_id_however_the_pairs_come():
    expected = ["c", "a", "b", "d", "e"]
    pairs = {"a": D(5), "b": D("5.00"), "c": D(9), "d": D(0), "e": D(-1)}
    for given in (expected, ["b", "a", "c", "e", "d"], ["c", "b", "a", "d", "e"], ["e", "d", "c", "b", "a"]):
        rows, total, count = cut([(cid, pairs[cid]) for cid in given])
        assert [r[0] for r in rows] == expected, given
        assert total == 19 and count == 3


def test_negative_values_rank_last_and_never_count():
    rows, total, count = cut([("a", D(-100)), ("b", D(100)), ("c", D(0))])
    assert [r[0] for r in rows] == ["b", "c", "a"] and total == 100 and top(rows) == ["b"]


# ---------------------------------------------------------------- the command
def holder(vault, cid: str, ours: str, elsewhere: str = "0", extra: str = "") -> None:
    write_client(vault, cid, (
        f"---\nname: {cid}\n{extra}\nassets:\n"
        f"  - {{name: 存款, type: deposit, institution: ours, value: {ours}}}\n"
        f"  - {{name: 他行, type: fund, institution: 他行, value: {elsewhere}}}\n"
        "  - {name: 自宅, type: property, institution: self, value: 90000000}\n"
        "  - {name: 房貸, type: mortgage, institution: ours, value: 1000000}\n---\n"))


def rank_json(vault, *args):
    result = run(["rank", "--json", "--as-of", "2026-11-28", *args], vault)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_rank_json_in_order_with_exact_values(vault):
    holder(vault, "a", "8000000")
    holder(vault, "b", "1000.05", extra="status: prospect")
    holder(vault, "c", "1999999.95")
    data, _ = rank_json(vault)
    assert [(d["client"], d["value"], d["share"], d["cumulative"], d["top80"]) for d in data] == [
        ("a", 8000000, "0.7999", "0.7999", True),
        ("c", "1999999.95", "0.2", "0.9999", True),
        ("b", "1000.05", "0.0001", 1, False),
    ]
    assert data[0]["rank"] == 1 and data[0]["name"] == "a"


def test_rank_by_net_worth_and_assets(vault):
    holder(vault, "a", "100", elsewhere="200")
    data, _ = rank_json(vault, "--by", "net-worth")
    assert data[0]["value"] == 100 + 200 + 90000000 - 1000000
    data, _ = rank_json(vault, "--by", "assets")
    assert data[0]["value"] == 100 + 200 + 90000000


def test_rank_by_yearly_premium(vault):
    write_client(vault, "a", "---\nname: a\npolicies:\n"
                             "  - {name: p, premium: 1000, premium_frequency: monthly}\n"
                             "  - {name: q, premium: 50000, premium_frequency: single}\n---\n")
    write_client(vault, "b", "---\nname: b\npolicies:\n  - {name: p, premium: 100, currency: USD}\n---\n")
    data, _ = rank_json(vault, "--by", "premium")
    assert [(d["client"], d["value"]) for d in data] == [("a", 12000), ("b", 3120)]


def test_a_missing_rate_is_named_and_left_out_never_zero(vault):
    holder(vault, "a", "100")
    write_client(vault, "jp", "---\nname: 山田\nassets:\n  - {name: 日圓存款, institution: ours, value: 5, currency: JPY}\n---\n")
    data, err = rank_json(vault)
    assert [d["client"] for d in data] == ["a"]
    assert "warning: 山田 (jp) left out of the ranking: clients/jp.md: 山田 asset '日圓存款': currency JPY has no rate" in err


def test_the_table_marks_the_80_percent_line_and_counts_the_top(vault):
    holder(vault, "big", "9000000")
    holder(vault, "small", "1000000")
    holder(vault, "tiny", "100")
    out = run(["rank", "--as-of", "2026-11-28"], vault).stdout.splitlines()
    assert "◀ 80%" in out[1] and "big" in out[1]
    assert "1 of 3 clients (33%) brings 80% of their 10,000,100 TWD of assets at this bank" in out


def test_empty_vault(vault):
    assert rank_json(vault)[0] == []
    result = run(["rank"], vault)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "no clients (closed clients are left out unless --status asks for them)\n"


def test_closed_clients_are_left_out_unless_asked_for(vault):
    holder(vault, "a", "100")
    holder(vault, "gone", "500", extra="status: closed")
    assert [d["client"] for d in rank_json(vault)[0]] == ["a"]
    assert [d["client"] for d in rank_json(vault, "--status", "closed")[0]] == ["gone"]


def test_segment_options_apply_to_the_ranking(vault):
    holder(vault, "a", "100", extra="tier: A")
    holder(vault, "b", "500", extra="tier: B")
    assert [d["client"] for d in rank_json(vault, "--tier", "A")[0]] == ["a"]


# ---------------------------------------------------------------- dormant potential
def test_dormant_potential_money_elsewhere_dormant_or_silent(vault):
    holder(vault, "rich-elsewhere", "1000000", elsewhere="5000000")
    holder(vault, "mostly-here", "9000000", elsewhere="5000000")  # more here than elsewhere
    holder(vault, "crumbs", "1000000", elsewhere="1000")  # elsewhere, but not a large sum
    holder(vault, "sleeper", "100", extra="status: dormant")  # the home counts for a dormant client
    holder(vault, "silent", "1000000", extra="tier: A\nsince: 2020-01-01")  # A = 1m, never contacted
    write_client(vault, "recent", "---\nname: recent\ntier: A\n---\n## Log\n- 2026-10-20 T 問候\n")
    write_client(vault, "lapsed", "---\nname: lapsed\ntier: A\n---\n## Log\n- 2026-09-27 T 問候\n")
    holder(vault, "gone", "0", elsewhere="99000000", extra="status: closed")
    data, _ = rank_json(vault, "--status", "active", "--status", "dormant", "--status", "closed")
    potential = {d["client"]: d["potential"] for d in data if d["potential"]}
    assert sorted(potential) == ["lapsed", "rich-elsewhere", "silent", "sleeper"]
    assert potential["rich-elsewhere"]["elsewhere"] == 5000000
    assert potential["rich-elsewhere"]["aum"] == 1000000
    assert potential["sleeper"]["dormant_assets"] == 90000100
    assert potential["silent"] == {"aum": 1000000, "elsewhere": None, "dormant_assets": None,
                                   "silent_since": "2020-01-01", "never_contacted": True, "cadence": "1m"}
    assert potential["lapsed"]["silent_since"] == "2026-09-27" and not potential["lapsed"]["never_contacted"]


def test_elsewhere_min_sets_what_counts_as_large(vault):
    holder(vault, "a", "10", elsewhere="1000")
    data, _ = rank_json(vault, "--elsewhere-min", "1k")
    assert data[0]["potential"]["elsewhere"] == 1000
    data, _ = rank_json(vault, "--elsewhere-min", "1001")
    assert data[0]["potential"] is None


def test_potential_table(vault):
    holder(vault, "王大明", "1000000", elsewhere="5000000")
    out = run(["rank", "--as-of", "2026-11-28"], vault).stdout
    assert "dormant potential" in out
    assert "5,000,000 elsewhere" in out


# ---------------------------------------------------------------- the index gives the same answer
def _random_holder(rnd, n: int) -> str:
    def amount() -> str:
        return rnd.choice(["0", "1000", "2500000", "2500000.005", str(rnd.randint(0, 9_000_000)),
                           f"{rnd.randint(0, 90_000)}.{rnd.randint(0, 99):02d}"])

    lines = ["---", f"name: 客戶{n:02d}", f"tier: {rnd.choice('ABCZ')}",
             f"status: {rnd.choice(['active', 'active', 'prospect', 'dormant', 'closed'])}",
             f"since: 20{rnd.randint(15, 26)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",
             f"tags: [{rnd.choice(['golf', 'kids'])}]", f"risk: {{profile: {rnd.randint(1, 5)}}}"]
    if rnd.random() < 0.3:
        lines.append(f"cadence: {rnd.choice(['2w', '10d', '2m'])}")
    if rnd.random() < 0.3:
        lines += ["family:", "  - {name: 小孩, relation: child}"]
    lines.append("assets:")
    for _ in range(rnd.randint(0, 4)):
        where = rnd.choice(["ours", "他行", "self"])
        kind = rnd.choice(["deposit", "fund", "property", "mortgage"])
        currency = rnd.choice(["TWD", "TWD", "USD", "JPY"])  # JPY has no rate
        lines.append(f"  - {{name: 資產, type: {kind}, institution: {where}, value: {amount()},"
                     f" currency: {currency}}}")
    lines += ["policies:", f"  - {{name: 保單, premium: {amount()}, premium_frequency: monthly}}", "---", "",
              "## Log"]
    if rnd.random() < 0.7:
        lines.append(f"- 2026-{rnd.randint(1, 11):02d}-1{rnd.randint(0, 9)} T 問候")
    return "\n".join(lines) + "\n"


def _parsed_files(vault) -> list:
    from rmnotes.parse import parse_client

    return [parse_client(p.read_text(encoding="utf-8"), f"clients/{p.name}").client
            for p in sorted((vault / "clients").glob("*.md"))]


def _ranking_from_files(parsed, config, today, segment, by, elsewhere_min):
    """The ranking over the parsed files themselves, the index left aside."""
    from rmnotes.domain.rank import rank
    from rmnotes.domain.segments import totals_by_client, select
    from rmnotes.facts import client_row, holdings_of

    rows = [client_row(c) for c in parsed]
    totals = totals_by_client(config, rows, {c.id: holdings_of(c.assets) for c in parsed})
    chosen = select(rows, segment, totals)
    policies = {c.id: list(c.policies) for c in parsed}
    ranking = rank(chosen.clients, totals, config, today, by, elsewhere_min, policies)
    return ranking, chosen.warnings + ranking.warnings


def test_the_index_gives_the_same_ranking_as_the_files(vault):
    """Rows, holdings and policies go through SQLite and come back exactly as parsed."""
    import random
    from dataclasses import replace
    from datetime import date

    from rmnotes.domain.rank import rank_from_index
    from rmnotes.domain.segments import Segment, parse_condition, parse_range
    from rmnotes.index import Index
    from rmnotes.vault import Vault

    rnd = random.Random(11)
    (vault / "rmnotes.yaml").write_text(
        "base_currency: TWD\nfx: {USD: 31.5}\ntiers: {A: 1m, B: 3m, C: 6m}\ndefault_tier: B\n", encoding="utf-8")
    for n in range(120):
        write_client(vault, f"k{n:03d}", _random_holder(rnd, n))
    holder(vault, "edge", "999", elsewhere="1000")  # exactly --elsewhere-min elsewhere
    holder(vault, "even", "2500000.005", elsewhere="2500000.005")  # as much here as elsewhere
    v = Vault(vault)
    index = Index.open(v)
    config, today = v.config, date(2026, 11, 28)
    default = ("active", "prospect", "dormant")
    segments = [Segment(statuses=default), Segment(), Segment(statuses=("dormant", "closed")),
                Segment(statuses=default, tiers=("A", "B"), tags=("golf",)),
                Segment(statuses=default, aum=parse_condition(">=1m")),
                Segment(holds=("fund",), risk=parse_range("3..5"), has_children=True),
                Segment(statuses=default, no_contact_since=date(2026, 6, 1))]
    seen = set()
    parsed = _parsed_files(vault)
    try:
        for segment in segments:
            for by in ("aum", "assets", "net-worth", "premium"):
                for elsewhere_min in (None, D(1000)):
                    expected, warnings = _ranking_from_files(parsed, config, today, segment, by, elsewhere_min)
                    found = rank_from_index(index, config, today, segment, by, elsewhere_min)
                    assert found.rows == expected.rows, (segment, by)
                    assert found.warnings == warnings, (segment, by)
                    assert (found.total, found.top80_count, found.potential, found.elsewhere_min) == (
                        expected.total, expected.top80_count, expected.potential, expected.elsewhere_min)
                    seen.update(what for what, there in (("rows", found.rows), ("potential", found.potential),
                                                        ("warnings", found.warnings)) if there)
        assert seen == {"rows", "potential", "warnings"}  # the cases are not empty
        no_tiers = replace(config, tiers={}, default_tier=None)  # own cadences only
        expected, _ = _ranking_from_files(parsed, no_tiers, today, segments[0], "aum", None)
        found = rank_from_index(index, no_tiers, today, segments[0])
        assert found.potential == expected.potential and found.rows == expected.rows
    finally:
        index.close()


def test_unpriced_dormant_and_silent_clients(vault):
    """A client with a currency that has no rate may still be silent (potential with no
    money) or, when --aum selects by money, is left out; closed clients never are potential."""
    from datetime import date

    from rmnotes.domain.rank import rank_from_index
    from rmnotes.domain.segments import Segment, parse_condition
    from rmnotes.index import Index
    from rmnotes.vault import Vault

    (vault / "rmnotes.yaml").write_text(
        "base_currency: TWD\ntiers: {A: 1m}\ndefault_tier: A\n", encoding="utf-8")
    yen = "  - {name: 日圓存款, institution: ours, value: 5, currency: JPY}\n"
    for cid, front in (("yen-silent", "since: 2020-01-01\n"), ("yen-dormant", "status: dormant\n"),
                       ("yen-closed", "status: closed\nsince: 2020-01-01\n"),
                       ("yen-fresh", "since: 2026-11-01\n")):
        write_client(vault, cid, f"---\nname: {cid}\n{front}assets:\n{yen}---\n")
    holder(vault, "rich", "5000000", extra="since: 2026-11-01")
    holder(vault, "silent", "100", extra="since: 2020-01-01")
    holder(vault, "dormant", "100", elsewhere="9000000", extra="status: dormant\nsince: 2026-11-01")
    v = Vault(vault)
    index = Index.open(v)
    today = date(2026, 11, 28)
    try:
        for segment in (Segment(), Segment(aum=parse_condition(">=0"))):
            found = rank_from_index(index, v.config, today, segment)
            expected, warnings = _ranking_from_files(_parsed_files(vault), v.config, today, segment, "aum", None)
            assert found.potential == expected.potential and found.warnings == warnings
            potential = {p.client for p in found.potential}
            if segment.aum is None:
                assert potential == {"yen-silent", "silent", "dormant"}  # yen-dormant: no money known
                assert len(found.warnings) == 4 and all("left out of the ranking" in w for w in found.warnings)
            else:
                assert potential == {"silent", "dormant"}
                assert [w.split(" left out")[0] for w in found.warnings] == [
                    "warning: yen-closed (yen-closed)", "warning: yen-dormant (yen-dormant)",
                    "warning: yen-fresh (yen-fresh)", "warning: yen-silent (yen-silent)"]
    finally:
        index.close()


def test_a_closed_client_is_never_potential():
    from datetime import date

    from rmnotes.domain.money import MissingRate
    from rmnotes.domain.rank import potential_of
    from rmnotes.facts import ClientRow
    from rmnotes.periods import Period

    gone = ClientRow("gone", "Gone", None, "closed", None, date(2020, 1, 1), None, None, 0, (), (), (),
                     None, None, None, None, None)
    assert potential_of(gone, MissingRate("no rate"), Period(1, "m"), date(2026, 11, 28), None) is None


def test_the_by_option_offers_exactly_the_measures():
    """The command spells the choices out (its module loads for --help, the rules do not)."""
    from rmnotes.commands.rank import book_rank
    from rmnotes.domain.rank import MEASURES

    by = next(p for p in book_rank.params if p.name == "by")
    assert tuple(by.type.choices) == MEASURES
