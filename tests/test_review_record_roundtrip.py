"""``review --record`` writes what parses back: the same names and the same numbers.

An asset's name is whatever the client file holds, and YAML can hold anything in a
double-quoted string: line separators (U+2028, U+2029, U+0085), tabs, control characters,
quotes, ``#`` and ``:``. The recorded ``review:`` attribute must read back as exactly the
sheet's keys and values, or the next review compares with nothing. A name that cannot be
written is refused with an error naming it, before anything is written.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import git, run
from rmnotes.config import Config
from rmnotes.domain.review import build_review, record_lines, review_snapshots, yaml_key
from rmnotes.errors import DataError
from rmnotes.model import Asset, Client
from rmnotes.parse import parse_client, yamltree
from rmnotes.textedit import append_log

CONFIG = Config(base_currency="TWD", fx={"USD": Decimal("31.2")})
TODAY = date(2026, 11, 28)
PATH = "clients/wang-wei.md"


def _quoted(name: str) -> str:
    """The name as a careful hand-editor (or PyYAML's emitter) writes it in the front-matter."""
    return yaml.safe_dump(name, allow_unicode=True, default_style='"', width=10**9).strip().removesuffix("\n...")


def _client_file(assets: list[tuple[str, Decimal, str | None]], crlf: bool = False) -> str:
    lines = ["---", "name: 王偉", "assets:"]
    for name, value, currency in assets:
        lines += [f"  - name: {_quoted(name)}", f"    value: {value:f}"]
        if currency:
            lines.append(f"    currency: {currency}")
    lines += ["---", "", "## Log", "- 2026-11-01 M 見面", ""]
    return ("\r\n" if crlf else "\n").join(lines)


def _record_and_read_back(text: str):
    """Record a review of the client in ``text``; returns the sheet and what parses back."""
    parsed = parse_client(text, PATH)
    assert parsed.client is not None and not parsed.errors, parsed.issues
    sheet = build_review(parsed.client, CONFIG, TODAY)
    written = append_log(text.encode("utf-8"), record_lines(sheet))
    again = parse_client(written.decode("utf-8"), PATH)
    return sheet, again


def _assert_round_trip(text: str) -> None:
    sheet, again = _record_and_read_back(text)
    assert again.client is not None and again.errors == (), again.issues
    [snapshot] = review_snapshots(again.client.entries)
    assert snapshot.total == sheet.totals.assets
    assert snapshot.assets == {r.key: r.value_base for r in sheet.rows if r.value is not None}
    assert [type(k) for k in snapshot.assets] == [str] * len(snapshot.assets)
    assert len(again.client.entries) == 2 and again.client.assets == sheet_assets(text)


def sheet_assets(text: str):
    return parse_client(text, PATH).client.assets


ODD_NAMES = ["基金\u2028A", "基金\u2029", "\x85基金", "tab\there", " leading", "trailing ", "#1 基金",
             "基金 #2", "基金: A 類", "a:b", "'single'", '"double"', "emoji 😀🏦", "back\\slash", "<<", "=",
             "-", "- item", "? key", "[1]", "{a: 1}", "&anchor", "*alias", "!tag", "|", ">", "%", "@",
             "`", "~", "null", "true", "2024", "0912345678", "1e3", "2026-11-28", "nul\x00", "\ufeffbom",
             "\x7f\x9f", "\ufffe\uffff", "line\nbreak", "cr\rhere", "\x1c\x1d\x1e", "\x0b\x0c", "x" * 2000,
             "\u2028" * 300]


@pytest.mark.parametrize("name", ODD_NAMES, ids=range(len(ODD_NAMES)))
def test_an_odd_asset_name_is_recorded_so_that_it_parses_back(name):
    _assert_round_trip(_client_file([(name, Decimal("1200000.50"), None), ("台幣定存", Decimal(3000000), None)]))


def test_a_recorded_file_with_crlf_line_ends_parses_back():
    _assert_round_trip(_client_file([("基金\u2028A", Decimal("1.5"), "USD")], crlf=True))


_SPECIAL = st.sampled_from(["\u2028", "\u2029", "\x85", "\t", " ", "#", ":", "'", '"', "\\", "-", "?",
                            "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "%", "@", "`", "\r", "\n",
                            "\x00", "\ufeff", "\ufffe", "😀", "<<", "~", " #", ": ", "\x7f", "\x9f"])
_NAMES = st.lists(st.characters(exclude_categories=("Cs",)) | _SPECIAL, min_size=1, max_size=20).map("".join)
_VALUES = st.builds(lambda n, places: (Decimal(n) / Decimal(10) ** places),
                    st.integers(-10**15, 10**15), st.integers(0, 6))


@settings(max_examples=100, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_NAMES, _VALUES, st.sampled_from([None, "USD"])), min_size=1, max_size=6))
@example([("基金\u2028A", Decimal("38518.272"), None)])
@example([("a", Decimal(1), None), ("a", Decimal(2), None), ("a #2", Decimal(3), None)])
def test_any_asset_names_and_values_are_recorded_so_that_they_parse_back(assets):
    text = _client_file(assets)
    parsed = parse_client(text, PATH)
    sheet = build_review(parsed.client, CONFIG, TODAY)
    keys = [r.key for r in sheet.rows if r.value is not None]
    if len(set(keys)) < len(keys):  # "a", "a" and "a #2": the second "a" is also "a #2"
        with pytest.raises(DataError, match=r"two assets would be recorded as 'a #2'"):
            record_lines(sheet)
        return
    _assert_round_trip(text)


def test_a_name_no_file_can_hold_is_refused_not_written():
    client = Client(id="wang-wei", path=PATH, name="王偉",
                    assets=(Asset(name="bad\ud800", type="fund", value=Decimal(1)),))
    sheet = build_review(client, CONFIG, TODAY)
    with pytest.raises(DataError, match=re.escape("asset name 'bad\\ud800' cannot be written")):
        record_lines(sheet)


def test_yaml_key_is_plain_only_when_that_reads_back_as_itself():
    assert yaml_key("台幣定存") == "台幣定存"
    assert yaml_key("基金\u2028A") == '"基金\\u2028A"'
    assert yaml_key("\x85 tab\t") == '"\\x85 tab\\t"'
    assert yaml_key("<<") == '"<<"' and yamltree.load('"<<": 1').value == {"<<": 1}


def test_review_record_of_an_odd_name_through_the_cli(vault):
    name = "富邦\u2028科技基金\t#1"
    (vault / "clients" / "wang-wei.md").write_text(_client_file([(name, Decimal(1200000), None)]),
                                                   encoding="utf-8")
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "add wang-wei")
    result = run(["review", "王偉", "--record", "--as-of", "2026-11-28"], vault)
    assert result.exit_code == 0, result.output
    again = parse_client((vault / "clients" / "wang-wei.md").read_text(encoding="utf-8"), PATH)
    assert again.errors == ()
    [snapshot] = review_snapshots(again.client.entries)
    assert snapshot.assets == {name: Decimal(1200000)}
    assert run(["check"], vault).exit_code == 0
    later = run(["review", "王偉", "--json", "--as-of", "2026-12-28"], vault)
    [row] = json.loads(later.stdout)["assets"]
    assert (row["name"], Decimal(str(row["previous"])), row["new"]) == (name, Decimal(1200000), False)
