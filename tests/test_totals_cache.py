"""The index keeps each client's totals as money.sum_holdings worked them out, with the
rates it used: a changed file or changed rates give new totals, never stale ones."""

from __future__ import annotations

import json
import sqlite3
import time

from conftest import run, write_client


def _client(vault, cid: str, value: str, currency: str = "USD") -> None:
    write_client(vault, cid, f"---\nname: {cid}\nassets:\n"
                             f"  - {{name: 存款, type: deposit, institution: ours, value: {value}, currency: {currency}}}\n---\n")


def _values(vault) -> dict[str, object]:
    result = run(["rank", "--json", "--as-of", "2026-11-28"], vault)
    assert result.exit_code == 0, result.output
    return {row["client"]: row["value"] for row in json.loads(result.stdout)}


def _saved(vault) -> dict[str, str]:
    conn = sqlite3.connect(vault / ".rmnotes" / "index.sqlite")
    try:
        return dict(conn.execute("SELECT client_id, aum FROM totals"))
    finally:
        conn.close()


def test_totals_are_kept_and_follow_a_changed_file(vault):
    _client(vault, "a", "100")
    _client(vault, "b", "10")
    assert _values(vault) == {"a": 3120, "b": 312}
    assert _saved(vault) == {"a": "3120.0", "b": "312.0"}
    _client(vault, "b", "1000")
    assert _values(vault) == {"b": 31200, "a": 3120}


def test_totals_follow_the_rates_in_the_settings(vault):
    _client(vault, "a", "100")
    assert _values(vault) == {"a": 3120}
    settings = vault / "rmnotes.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("USD: 31.2", "USD: 30"), encoding="utf-8")
    assert _values(vault) == {"a": 3000}


def test_a_client_without_a_rate_is_named_every_time_and_counted_once_a_rate_is_added(vault):
    _client(vault, "a", "100")
    _client(vault, "jp", "5", currency="JPY")
    for _ in range(2):
        result = run(["rank", "--json", "--as-of", "2026-11-28"], vault)
        assert "currency JPY has no rate" in result.stderr
        assert [row["client"] for row in json.loads(result.stdout)] == ["a"]
    settings = vault / "rmnotes.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("USD: 31.2", "USD: 31.2, JPY: 0.2"),
                        encoding="utf-8")
    assert _values(vault) == {"a": 3120, "jp": 1}


def test_a_busy_index_answers_at_once_and_keeps_nothing(vault):
    _client(vault, "a", "100")
    assert run(["list"], vault).exit_code == 0  # the index exists, with no totals yet
    assert _saved(vault) == {}
    other = sqlite3.connect(vault / ".rmnotes" / "index.sqlite")
    other.execute("BEGIN IMMEDIATE")  # another rmn writing
    try:
        start = time.monotonic()
        assert _values(vault) == {"a": 3120}
        assert time.monotonic() - start < 10
    finally:
        other.rollback()
        other.close()
    assert _saved(vault) == {}
