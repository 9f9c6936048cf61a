"""The sample vault: a realistic book that passes ``check`` and gives ``due`` something to show."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from conftest import SAMPLE, run
from rmnotes.parse.client import parse_client

TODAY = date(2026, 11, 28)  # the day the sample book is written for


def _files():
    return sorted((SAMPLE / "clients").glob("*.md"))


@pytest.fixture(scope="module")
def clients():
    """Every sample client, parsed straight from sample-vault/ (read only)."""
    out = {}
    for path in _files():
        parsed = parse_client(path.read_bytes().decode("utf-8"), f"clients/{path.name}")
        assert parsed.client is not None, parsed.issues
        out[parsed.client.id] = parsed.client
    return out


def test_sample_passes_check_silently(sample):
    result = run(["check"], vault=sample)
    assert result.exit_code == 0
    assert result.output == ""


def test_list_json_has_about_forty_clients(sample):
    result = run(["list", "--json"], vault=sample)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert 38 <= len(rows) <= 45
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids)
    names = {r["id"]: r["name"] for r in rows}
    # surnames read as surnames: 曾 zeng, 單 shan, 區 ou, 解 xie, 查 zha
    assert names["zeng-guo-qiang"] == "曾國強"
    assert names["shan-ya-ting"] == "單雅婷"
    assert names["ou-jia-hao"] == "區家豪"
    assert names["xie-wen-bin"] == "解文彬"
    assert names["zha-mei-hua"] == "查美華"
    assert names["david-lin"] == "David Lin"
    statuses = {r["status"] for r in rows}
    assert {"active", "prospect", "dormant", "closed"} <= statuses


def test_line_endings_and_bom():
    crlf_bom, lf = [], []
    for path in _files():
        raw = path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            assert raw.count(b"\n") == raw.count(b"\r\n"), f"{path.name}: mixed line endings"
            crlf_bom.append(path.name)
        else:
            assert b"\r" not in raw, path.name
            lf.append(path.name)
    assert 1 <= len(crlf_bom) <= 3
    assert len(lf) > 30


def test_linked_spouses_exist_and_link_back(clients):
    couples = set()
    for c in clients.values():
        for m in c.family:
            if m.client:
                assert m.client in clients, f"{c.id}: {m.name} -> {m.client}"
                other = clients[m.client]
                assert other.name == m.name
                assert c.id in {f.client for f in other.family}, f"{other.id} does not link back to {c.id}"
                if m.relation == "spouse":
                    couples.add(frozenset((c.id, m.client)))
    assert len(couples) >= 2
    raw = "".join(p.read_text(encoding="utf-8-sig") for p in _files())
    assert 'client: "[[' in raw  # one link written the Obsidian way


def test_book_gives_due_an_agenda(clients):
    horizon = TODAY + timedelta(days=14)
    live = [c for c in clients.values() if c.status != "closed"]

    def in_window(d: date) -> bool:
        this_year = d.replace(year=TODAY.year)
        return TODAY <= this_year <= horizon or TODAY <= this_year.replace(year=TODAY.year + 1) <= horizon

    birthdays = [c.id for c in live if c.birthday and not c.lunar_birthday and in_window(c.birthday)]
    family_birthdays = [m.name for c in live for m in c.family if m.birthday and in_window(m.birthday)]
    december = [a.name for c in live for a in c.assets
                if a.maturity and a.maturity.year == 2026 and a.maturity.month == 12]
    premiums = [p.name for c in live for p in c.policies if p.next_premium and TODAY <= p.next_premium <= horizon]
    overdue = [f.text for c in live for f in c.followups if not f.done and f.date and f.date < TODAY]
    kyc = [c.id for c in live if c.risk_assessed and c.risk_assessed < TODAY.replace(year=TODAY.year - 1)]
    lunar = [c.id for c in live if c.lunar_birthday]
    assert birthdays and family_birthdays and december and premiums and overdue and kyc and lunar
    # a-tier clients: most contacted within the month, a few overdue
    a_tier = [c for c in live if c.tier == "A"]
    late = [c.id for c in a_tier if c.last_contact is None or c.last_contact < TODAY - timedelta(days=30)]
    assert 1 <= len(late) < len(a_tier) // 2
    # recorded reviews for the trend chart
    reviewed = [c.id for c in live if sum("review" in e.attrs for e in c.entries) >= 2]
    assert len(reviewed) >= 2
    # log entries span about two years and use every channel
    days = [e.date for c in live for e in c.entries]
    assert min(days) <= date(2025, 1, 1) and max(days) <= TODAY
    assert {e.channel for c in live for e in c.entries} == {"T", "E", "M", "S", "N"}


@pytest.mark.parametrize("client_id, as_of, day, detail", [
    ("zha-mei-hua", "2025-12-01", "2025-12-08", "查美華 turns 70, lunar"),  # her log: 農曆生日祝福
    ("zha-mei-hua", "2026-11-20", "2026-11-27", "查美華 turns 71, lunar"),
    ("wu-shu-hui", "2025-12-10", "2025-12-14", "吳淑惠 turns 75, lunar"),  # 壽宴花籃
    ("wu-shu-hui", "2026-11-28", "2026-12-03", "吳淑惠 turns 76, lunar"),  # the follow-up: 農曆十月廿五
])
def test_lunar_birthdays_fall_on_the_days_the_log_keeps_them(sample, client_id, as_of, day, detail):
    result = run(["due", "--as-of", as_of, "--reason", "birthday", "--json"], vault=sample)
    assert result.exit_code == 0, result.output
    own = [(r["date"], r["detail"]) for r in json.loads(result.stdout)
           if r["client"] == client_id and "(" not in r["detail"]]
    assert own == [(day, detail)]


def test_show_gives_the_solar_birthday_with_the_age_and_the_lunar_month_day(sample):
    result = run(["show", "查美華", "--as-of", TODAY.isoformat()], vault=sample)
    assert result.exit_code == 0, result.output
    assert "birthday  1955-12-02 (70) lunar 10-19" in result.stdout  # English: no Chinese label


def test_a_couple_who_are_both_clients_have_one_birthday_row_each(sample):
    result = run(["due", "--as-of", TODAY.isoformat(), "--reason", "birthday", "--json"], vault=sample)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    # 林志明 lists 陳美玲 (his wife, a client of her own) under family: her row is hers alone
    assert [(r["client"], r["date"]) for r in rows if "陳美玲" in r["detail"]] == [
        ("chen-mei-ling", "2026-12-03")]
