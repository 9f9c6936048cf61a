"""rmn review CLIENT --update, driven through standard input: each holding's value asked
(Enter keeps it), the values written by the front-matter editor and the review recorded,
all in one commit."""

from __future__ import annotations

import json

from conftest import git, run

from rmnotes.domain.review import review_snapshots
from rmnotes.parse import parse_client

REL = "clients/xiao-shu-juan.md"  # BOM, CRLF; five holdings
HOLDINGS = ["藥局營業帳戶", "日本股票基金", "新興市場債券基金", "台幣定存", "三民路店面兼住家"]


def commits(vault) -> int:
    return int(git(vault, "rev-list", "--count", "HEAD"))


def client(vault):
    return parse_client((vault / REL).read_bytes().decode("utf-8"), REL).client


def test_update_writes_the_new_values_and_records_the_review_in_one_commit(sample):
    before = (sample / REL).read_bytes()
    n = commits(sample)
    # a new value, Enter, a bad answer asked again, a new value, a new value, Enter
    result = run(["review", "蕭淑娟", "--update", "--as-of", "2026-12-04"], sample,
                 input="1,400,000\n\nabc\n70萬\n2100000\n\n")
    assert result.exit_code == 0, result.output
    for name, last in zip(HOLDINGS, ["1,350,000", "860,000", "640,000", "2,000,000", "19,000,000"]):
        assert f"{name} (TWD) [{last}]: " in result.stderr
    assert "'abc' is not an amount" in result.stderr
    assert commits(sample) == n + 1
    assert git(sample, "log", "-1", "--format=%s").strip() == \
        "review: xiao-shu-juan 2026-12-04, total assets 24,060,000 TWD"
    assert git(sample, "show", "--stat", "--format=", "HEAD").count("|") == 1

    after = (sample / REL).read_bytes()
    # the front-matter: only the three values' bytes changed
    front_before, front_after = before.split(b"\r\n---\r\n", 1)[0], after.split(b"\r\n---\r\n", 1)[0]
    assert front_after == front_before.replace(b"value: 1350000\r", b"value: 1400000\r").replace(
        b"value: 640000\r", b"value: 700000\r").replace(b"value: 2000000\r", b"value: 2100000\r")
    # the body: the old body with the review entry at the end of the log, in CRLF
    assert after.startswith(b"\xef\xbb\xbf") and after.count(b"\n") == after.count(b"\r\n")
    body_before, body_after = before.split(b"\r\n---\r\n", 1)[1], after.split(b"\r\n---\r\n", 1)[1]
    assert body_after.startswith(body_before)
    c = client(sample)
    assert {a.name: a.value for a in c.assets} == {
        "藥局營業帳戶": 1400000, "日本股票基金": 860000, "新興市場債券基金": 700000, "台幣定存": 2100000,
        "三民路店面兼住家": 19000000}
    snapshot = review_snapshots(c.entries)[-1]
    assert snapshot.date.isoformat() == "2026-12-04" and snapshot.total == 24060000
    assert snapshot.assets["台幣定存"] == 2100000
    assert run(["check"], sample).output == ""


def test_the_next_review_shows_the_change_since_the_update(sample):
    run(["review", "蕭淑娟", "--update", "--as-of", "2026-12-04"], sample, input="\n\n\n2100000\n\n")
    result = run(["review", "蕭淑娟", "--json", "--as-of", "2026-12-20"], sample)
    sheet = json.loads(result.stdout)
    assert sheet["last_review"] == "2026-12-04"
    rows = {r["name"]: r for r in sheet["assets"]}
    assert rows["台幣定存"]["value"] == 2100000 and rows["台幣定存"]["previous"] == 2100000
    assert rows["台幣定存"]["change"] == 0


def test_enter_everywhere_records_the_review_without_changing_a_value(sample):
    before = (sample / REL).read_bytes()
    n = commits(sample)
    result = run(["review", "蕭淑娟", "--update", "--as-of", "2026-12-04", "--via", "T"], sample,
                 input="\n" * 5)
    assert result.exit_code == 0, result.output
    assert "updated 0 holdings" in result.stderr
    assert commits(sample) == n + 1
    after = (sample / REL).read_bytes()
    assert after.split(b"\r\n---\r\n", 1)[0] == before.split(b"\r\n---\r\n", 1)[0]
    assert client(sample).entries[-1].channel == "T"


def test_input_ending_early_writes_nothing(sample):
    before = (sample / REL).read_bytes()
    n = commits(sample)
    result = run(["review", "蕭淑娟", "--update"], sample, input="1400000\n")
    assert result.exit_code == 1
    assert (sample / REL).read_bytes() == before and commits(sample) == n


def test_json_output_stays_json_while_asking(sample):
    result = run(["review", "蕭淑娟", "--update", "--json", "--as-of", "2026-12-04"], sample,
                 input="\n\n\n2100000\n\n")
    assert result.exit_code == 0, result.output
    sheet = json.loads(result.stdout)
    assert sheet["client"] == "xiao-shu-juan"
    assert {r["name"]: r["value"] for r in sheet["assets"]}["台幣定存"] == 2100000
    assert "台幣定存 (TWD) [2,000,000]" in result.stderr
