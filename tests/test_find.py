"""rmn find: 1-, 2- and 3-character Chinese, pinyin, words, where each hit is, and highlights."""

from __future__ import annotations

import json
import os

import pytest
from conftest import run, write_client

from rmnotes.domain.find import find, spans
from rmnotes.index import Index
from rmnotes.vault import Vault


@pytest.fixture
def vault(bare_vault):
    """These commands only read: a vault folder without git is faster to set up."""
    return bare_vault


WANG = """\
    ---
    name: 王偉
    aliases: [David Wang]
    family:
      - {name: 林淑芬, relation: spouse}
    ---

    很喜歡聽新基金，每次有新募集的科技基金都會問。
    不要在上班時間打電話。

    ## Follow-ups
    - [ ] 2026-12-01 寄送保險提案
    - [x] 2026-11-10 確認基金轉換

    ## Log
    - 2026-11-05 M 季度資產回顧，太太也在場
    - 2026-11-20 14:30 T 基金到期續作，客戶同意轉入平衡型基金
      另外問了美元保單
"""
CHEN = """\
    ---
    name: 陳美玲
    aliases: [Amy Chen]
    ---
    ## Log
    - 2026-10-01 E 寄出安聯基金年度報告給王偉的太太介紹的朋友
"""


@pytest.fixture
def book(vault):
    write_client(vault, "wang-wei", WANG)
    write_client(vault, "chen-mei-ling", CHEN)
    write_client(vault, "wang-fang", "---\nname: 王芳\n---\n")
    return vault


def hits(vault, *query) -> list[tuple[str, str, str]]:
    result = run(["find", "--json", *query], vault)
    assert result.exit_code == 0, result.output
    return [(h["client"], h["where"], h["text"]) for h in json.loads(result.stdout)]


def test_one_character(book):
    assert hits(book, "芳") == [("wang-fang", "name", "王芳")]
    assert [h[:2] for h in hits(book, "王")] == [
        ("wang-fang", "name"), ("wang-wei", "name"), ("chen-mei-ling", "log")]


def test_two_characters(book):
    # two characters: below the trigram tokenizer's reach, answered by a substring scan
    assert hits(book, "王偉") == [("wang-wei", "name", "王偉"),
                                 ("chen-mei-ling", "log", "寄出安聯基金年度報告給王偉的太太介紹的朋友")]
    assert [h[:2] for h in hits(book, "太太")] == [("wang-wei", "log"), ("chen-mei-ling", "log")]


def test_three_characters_and_more(book):
    assert hits(book, "林淑芬") == [("wang-wei", "family", "林淑芬")]
    assert hits(book, "平衡型") == [("wang-wei", "log", "基金到期續作，客戶同意轉入平衡型基金\n另外問了美元保單")]
    assert hits(book, "保險提案") == [("wang-wei", "follow-up", "寄送保險提案")]
    assert hits(book, "上班時間") == [("wang-wei", "note", "不要在上班時間打電話。")]


def test_notes_follow_ups_and_log_in_that_order_newest_first(book):
    assert [h[1] for h in hits(book, "基金")] == ["note", "follow-up", "log", "log"]
    assert [h[0] for h in hits(book, "基金")][2:] == ["wang-wei", "chen-mei-ling"]


def test_pinyin_finds_chinese_names(book):
    assert hits(book, "wangwei") == [("wang-wei", "name", "王偉")]
    assert hits(book, "wang", "wei") == [("wang-wei", "name", "王偉")]
    # a client the text itself already names (here by an alias) is not listed twice
    assert hits(book, "wang") == [("wang-fang", "name", "王芳"), ("wang-wei", "alias", "David Wang")]
    assert hits(book, "chen") == [("chen-mei-ling", "alias", "Amy Chen")]  # the alias already names her


def test_latin_text_is_case_insensitive_and_every_word_must_match(book):
    assert hits(book, "AMY") == [("chen-mei-ling", "alias", "Amy Chen")]
    assert hits(book, "david", "wang") == [("wang-wei", "alias", "David Wang")]
    assert hits(book, "基金", "平衡") == [("wang-wei", "log", "基金到期續作，客戶同意轉入平衡型基金\n另外問了美元保單")]
    assert hits(book, "基金", "no-such-word") == []


def test_json_says_where_with_date_time_and_line(book):
    (log,) = json.loads(run(["find", "--json", "平衡型"], book).stdout)
    assert {k: log[k] for k in ("client", "name", "where", "date", "time", "channel", "line")} == {
        "client": "wang-wei", "name": "王偉", "where": "log", "date": "2026-11-20", "time": "14:30",
        "channel": "T", "line": 17}
    (done,) = json.loads(run(["find", "--json", "確認基金"], book).stdout)
    assert done["where"] == "follow-up" and done["done"] is True and done["date"] == "2026-11-10"


def test_table_shows_where_and_highlights_the_match(book):
    out = run(["find", "平衡型"], book).stdout.splitlines()
    assert out[0].split() == ["client", "where", "text"]
    assert out[1].startswith("王偉 wang-wei  log 2026-11-20 14:30 T  基金到期續作")
    follow = run(["find", "確認基金"], book).stdout.splitlines()[1]
    assert "follow-up [x] 2026-11-10" in follow
    from rmnotes.domain.find import Hit
    from rmnotes.render.book import snippet

    text = snippet(Hit("c", "n", "log", "a基金b基金", spans("a基金b基金", ["基金"])))
    assert [(s.start, s.end) for s in text.spans] == [(1, 3), (4, 6)]


def test_no_match_and_the_limit(book):
    result = run(["find", "沒有這個字"], book)
    assert result.exit_code == 0 and result.stdout == "" and "no match for '沒有這個字'" in result.stderr
    result = run(["find", "--limit", "1", "基金"], book)
    assert "showing 1 of 4 matches; use --limit 0 for all" in result.stderr


def test_the_index_follows_edits(book):
    idx = Index.open(Vault(book))
    assert [h.client for h in find(idx, "平衡型").hits] == ["wang-wei"]
    path = book / "clients" / "wang-wei.md"
    path.write_text(path.read_text(encoding="utf-8").replace("平衡型", "保守型"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    idx.refresh()
    assert find(idx, "平衡型").hits == () and find(idx, "衡型").hits == ()
    assert [h.client for h in find(idx, "保守型").hits] == ["wang-wei"]
    assert [h.client for h in find(idx, "守型").hits] == ["wang-wei"]
    (book / "clients" / "chen-mei-ling.md").unlink()
    idx.refresh()
    assert find(idx, "安聯基金").hits == ()


def test_two_characters_by_the_index_or_by_a_scan_agree(book, monkeypatch):
    from rmnotes.index import queries as index_queries

    queries = ["王偉", "太太", "基金", "芬", "ng", "DA", "沒有"]
    by_index = {q: hits(book, q) for q in queries}
    monkeypatch.setattr(index_queries, "MAX_EXPANSION", 0)  # every two-character needle: a scan
    assert {q: hits(book, q) for q in queries} == by_index
    assert by_index["ng"][0] == ("wang-wei", "alias", "David Wang")


def test_short_queries_are_literal_not_wildcards(vault):
    write_client(vault, "a", "---\nname: 甲\n---\n## Log\n- 2026-01-05 T 定存利率 5% 左右\n- 2026-01-06 T 50 萬\n")
    assert hits(vault, "5%") == [("a", "log", "定存利率 5% 左右")]
    assert hits(vault, "_") == [] and hits(vault, "%") == [("a", "log", "定存利率 5% 左右")]
    assert [h[2] for h in hits(vault, "5")] == ["50 萬", "定存利率 5% 左右"]


def test_spans_merge_and_ignore_case():
    assert spans("Wang wang WANG", ["wang"]) == ((0, 4), (5, 9), (10, 14))
    assert spans("基金基金", ["基金", "金基"]) == ((0, 4),)


def test_a_book_with_no_client_yet_folds_nothing_and_loads_no_opencc(vault):
    """The index keeps OpenCC's table from its first file on; before that a query has no
    name to find, and folding it is not worth importing OpenCC (~140 ms)."""
    import subprocess
    import sys

    argv = [sys.executable, "-X", "importtime", "-m", "rmnotes", "-C", str(vault), "find", "陳美玲"]
    done = subprocess.run(argv, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "opencc" not in imported


def test_an_empty_text_is_a_usage_error(sample):
    result = run(["find", ""], sample)
    assert result.exit_code == 2 and "TEXT must not be empty" in result.stderr


def test_a_name_under_with_finds_the_entries_they_came_to(sample):
    result = run(["find", "林志明", "--json"], sample)
    import json

    logs = [h for h in json.loads(result.stdout) if h["where"] == "log"]
    assert logs and all(h["text"].endswith(" · 林志明") for h in logs), logs
