"""Output that says what happened: a filter that matches nothing says so with the filters,
a currency without a rate is named with no made-up rate, and a review recorded with an
older date says where it went in the log."""

from __future__ import annotations

import json

import pytest

from conftest import git, run, write_client

AS_OF = "2026-11-28"
WANG = """\
    ---
    name: 王偉
    tier: A
    tags: [golf]
    assets:
      - {name: 台幣定存, type: deposit, institution: ours, value: 3000000}
    ---
    ## Log
    - 2026-05-02 M 見面
    - 2026-11-21 T 電話
"""
CLOSED = "---\nname: 林淑芬\nstatus: closed\ntags: [vip]\n---\n"


@pytest.fixture
def book(vault):
    write_client(vault, "wang-wei", WANG)
    write_client(vault, "lin-shufen", CLOSED)
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "clients")
    return vault


@pytest.mark.parametrize("command", [["list"], ["coverage", "--as-of", AS_OF], ["rank", "--as-of", AS_OF]])
def test_a_filter_that_matches_nothing_says_so_with_the_filters(book, command):
    result = run([*command, "--tag", "nobody", "--risk", "3..5", "--aum", ">=1.5m"], book)
    assert result.exit_code == 0
    assert result.stdout == ""
    said = "no clients match --tag nobody --risk 3..5 --aum '>=1500000'"
    if command[0] != "list":  # these leave closed clients out by default
        said += " (closed clients are left out unless --status asks for them)"
    assert result.stderr == said + "\n"
    assert json.loads(run([*command, "--tag", "nobody", "--json"], book).stdout) == []


def test_the_closed_clients_a_command_leaves_out_are_named(book):
    result = run(["coverage", "--tag", "vip", "--as-of", AS_OF], book)
    assert result.stderr == ("no clients match --tag vip (closed clients are left out unless "
                             "--status asks for them)\n")
    assert "林淑芬" in run(["coverage", "--tag", "vip", "--status", "closed", "--as-of", AS_OF], book).stdout


def test_an_empty_book_says_how_to_begin(vault):
    result = run(["list"], vault)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "", "no clients yet: add one with 'rmn new NAME'\n")


def test_an_empty_csv_keeps_its_header_and_says_why(book):
    result = run(["list", "--tag", "nobody", "--csv"], book)
    assert result.stdout_bytes == b"id,name,tier,status,risk,children,last_contact,tags\r\n"
    assert result.stderr == "no clients match --tag nobody\n"


@pytest.mark.parametrize("currency", ["JPY", "EUR", "CHF"])
def test_a_currency_without_a_rate_is_named_with_no_made_up_rate(book, currency):
    path = book / "clients" / "wang-wei.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "institution: ours, value: 3000000}", f"institution: ours, value: 3000000, currency: {currency}}}"),
        encoding="utf-8")
    result = run(["review", "wang-wei", "--as-of", AS_OF], book)
    assert result.exit_code == 1
    assert result.stderr == (
        f"rmn: error: clients/wang-wei.md: 王偉 asset '台幣定存': currency {currency} has no rate in "
        f"rmnotes.yaml; add a rate for {currency} under fx in rmnotes.yaml (units of TWD per 1 {currency})\n")


def test_a_review_recorded_with_an_older_date_says_it_went_below_newer_entries(book):
    path = book / "clients" / "wang-wei.md"
    result = run(["review", "wang-wei", "--as-of", "2026-06-01", "--record"], book)
    assert result.exit_code == 0, result.output
    sha = git(book, "rev-parse", "--short=7", "HEAD").strip()
    assert result.stdout.splitlines()[-1] == (
        f"recorded the review of 王偉 on 2026-06-01 in clients/wang-wei.md ({sha}); it is dated "
        "before the log's newest entry (2026-11-21) and went at the end of the log, below newer entries")
    assert path.read_text(encoding="utf-8").index("- 2026-06-01 M 資產回顧") > \
        path.read_text(encoding="utf-8").index("- 2026-11-21 T 電話")
    later = run(["review", "wang-wei", "--as-of", AS_OF, "--record"], book)
    assert later.stdout.splitlines()[-1].endswith(f"on {AS_OF} in clients/wang-wei.md "
                                                  f"({git(book, 'rev-parse', '--short=7', 'HEAD').strip()})")
