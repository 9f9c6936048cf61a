"""What ``rmn check`` reports besides the schema: unknown tiers and explicit YAML tags.

A tier that rmnotes.yaml does not define gives the client the default cadence without a
word, so it is an error naming the tiers there are (when rmnotes.yaml defines tiers).

An explicit tag asks the YAML reader to build something: ``!!python/object`` a Python
object, ``!!binary`` bytes, ``!custom`` whatever a program registered. rmnotes builds only
plain values, so any tag except YAML's own scalar ones (``!!str``, ``!!int``, ``!!float``,
``!!bool``, ``!!null``, ``!!timestamp``) is an error at its line; the value is read as the
text it holds. In rmnotes.yaml, as every error there, it stops the commands that need it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import run, write_client
from rmnotes.parse import parse_client, parse_config, yamltree


def _client(front: str) -> str:
    return f"---\nname: 王偉\n{front}\n---\n## Log\n- 2026-11-05 M 回顧\n"


# ---------------------------------------------------------------------- tiers

def test_an_unknown_tier_is_an_error_naming_the_known_ones(vault):
    write_client(vault, "wang-wei", _client("tier: 7"))
    write_client(vault, "chen", "---\nname: 陳\ntier: B\n---\n")
    result = run(["check"], vault)
    assert (result.exit_code, result.stdout) == (
        1, "clients/wang-wei.md:3: tier '7' is not one of the tiers in rmnotes.yaml (A, B, C); "
           "use one of them, or add '7' under tiers\n")


def test_tiers_are_not_checked_when_rmnotes_yaml_defines_none(vault):
    (vault / "rmnotes.yaml").write_text("owner: 陳經理\n", encoding="utf-8")
    write_client(vault, "wang-wei", _client("tier: 7"))
    assert (run(["check"], vault).exit_code, run(["check"], vault).stdout) == (0, "")


# ---------------------------------------------------------------------- tags

@pytest.mark.parametrize("tagged, shown", [
    ("!!python/object:os.system {cmd: ls}", "!!python/object:os.system"),
    ("!!python/object/apply:os.system [ls]", "!!python/object/apply:os.system"),
    ("!custom 5", "!custom"),
    ("!!binary aGk=", "!!binary"),
    ("!!set {a, b}", "!!set"),
    ("!!omap [a: 1]", "!!omap"),
    ("!<tag:example.com,2026:x> 1", "!<tag:example.com,2026:x>"),
])
def test_an_explicit_tag_is_an_error_at_its_line(tagged, shown):
    parsed = parse_client(_client(f"tier: A\nnote: {tagged}"), "clients/wang-wei.md")
    assert [(i.line, i.message) for i in parsed.errors] == [
        (4, f"YAML tag {shown} is not allowed: rmnotes files hold plain text, numbers, dates, "
            "lists and mappings; remove the tag")]
    assert parsed.client is not None and parsed.client.tier == "A"  # the rest still counts


def test_a_tagged_value_is_read_as_the_text_it_holds():
    loaded = yamltree.load("a: !custom 0912\nb: !custom [1, x]\nc: !custom\n  k: v\n")
    assert loaded.value == {"a": "0912", "b": [1, "x"], "c": {"k": "v"}}
    assert [line for line, _ in loaded.problems] == [1, 2, 3]


def test_yamls_own_scalar_tags_are_allowed():
    loaded = yamltree.load("a: !!str 0912\nb: !!int 7\nc: !!float 1.5\nd: !!bool true\n"
                           "e: !!null ~\nf: !!timestamp 2026-11-28\n")
    assert loaded.problems == []
    assert loaded.value == {"a": "0912", "b": 7, "c": Decimal("1.5"), "d": True, "e": None,
                            "f": date(2026, 11, 28)}


def test_a_tag_on_a_key_or_in_a_log_attribute_is_an_error_at_its_line():
    parsed = parse_client("---\nname: 王偉\n!custom key: 1\n---\n## Log\n- 2026-11-05 M 回顧\n"
                          "  products: !!python/object:x [a]\n", "clients/wang-wei.md")
    assert [(i.line, i.message.split(" is not")[0]) for i in parsed.errors] == [
        (3, "YAML tag !custom"), (7, "log attribute: YAML tag !!python/object:x")]


def test_check_reports_a_tag_in_a_client_file(vault):
    write_client(vault, "wang-wei", _client("tier: A\nnote: !!python/object:os.system {}"))
    result = run(["check"], vault)
    assert result.exit_code == 1
    assert result.stdout.startswith("clients/wang-wei.md:4: YAML tag !!python/object:os.system is not allowed")


def test_a_tag_in_the_settings_stops_the_commands_that_need_them(vault):
    (vault / "rmnotes.yaml").write_text("owner: 陳經理\nregion: !!python/name:os.system TW\n", encoding="utf-8")
    _, issues = parse_config((vault / "rmnotes.yaml").read_text(encoding="utf-8"))
    assert [(i.line, i.message.split(" is not")[0]) for i in issues] == [(2, "YAML tag !!python/name:os.system")]
    result = run(["due"], vault)
    assert result.exit_code == 1
    assert result.stderr.startswith("rmn: error: rmnotes.yaml:2: YAML tag !!python/name:os.system")
    assert run(["check"], vault).stdout.startswith("rmnotes.yaml:2: YAML tag !!python/name:os.system")
