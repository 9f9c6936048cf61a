"""rmn due CLIENT (one client's agenda) and the amounts of maturity and premium rows."""

from __future__ import annotations

from conftest import run
from test_due_cli import AS_OF, _wide, due_json  # noqa: F401 - _wide: the same wide screen, autouse


def test_every_row_carries_that_client_and_they_are_the_books_rows_of_that_client(sample):
    mine = due_json(sample, "陳美玲", "--days", "90")
    assert mine and {r["client"] for r in mine} == {"chen-mei-ling"}
    assert {r["reason"] for r in mine} >= {"birthday", "follow-up", "maturity", "premium", "cadence"}
    # the same rules: the book's rows of this client, holidays aside (nobody's)
    book = [r for r in due_json(sample, "--days", "90") if r["client"] == "chen-mei-ling"]
    assert mine == book


def test_one_clients_agenda_keeps_a_linked_spouses_birthday_from_their_own_file(sample):
    # 林志明 (spouse, linked to lin-zhi-ming) turns 52 on 2027-07-22; the book lists that row
    # under his own file, the one-client agenda under 陳美玲 too, from her file's family list
    spouse = "林志明 (spouse) turns 52"
    mine = due_json(sample, "chen-mei-ling", "--days", "250", "--reason", "birthday")
    assert [r["date"] for r in mine if r["detail"] == spouse] == ["2027-07-22"]
    book = due_json(sample, "--days", "250", "--reason", "birthday")
    assert not [r for r in book if r["client"] == "chen-mei-ling" and r["detail"] == spouse]
    assert [r["client"] for r in book if r["detail"].startswith("林志明 turns 52")] == ["lin-zhi-ming"]


def test_maturity_and_premium_rows_carry_their_amount_in_its_currency(sample):
    rows = due_json(sample, "陳美玲", "--days", "100")
    money = {(r["reason"], r["detail"]): (r["amount"], r["currency"]) for r in rows
             if r["reason"] in ("maturity", "premium")}
    assert money == {("maturity", "美元定存"): (80000, "USD"),
                     ("premium", "真全意住院醫療"): (28600, "TWD"),  # no currency: the base one
                     ("premium", "子女教育險"): (48000, "TWD"),
                     ("maturity", "台幣定存"): (2000000, "TWD")}
    assert all(r["amount"] is None and r["currency"] is None for r in rows
               if r["reason"] not in ("maturity", "premium"))


def test_the_table_shows_the_amounts(sample):
    result = run(["due", "--as-of", AS_OF, "--days", "30", "--all"], vault=sample)
    assert result.exit_code == 0, result.output
    line = next(l for l in result.stdout.splitlines() if "maturity" in l and "陳美玲" in l)
    assert "美元定存 80,000 USD" in line
    mine = run(["due", "陳美玲", "--as-of", AS_OF, "--days", "95"], vault=sample).stdout
    assert "真全意住院醫療 28,600 TWD" in mine and "美元定存 80,000 USD" in mine
    assert "holiday" not in mine


def test_an_unknown_client_is_an_error_naming_it(sample):
    result = run(["due", "nobody-at-all", "--as-of", AS_OF], vault=sample)
    assert result.exit_code != 0
    assert "nobody-at-all" in result.output
