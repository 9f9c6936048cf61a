"""The front-matter editor: each change touches only its own characters or lines; every other
byte (BOM, CRLF, comments, order, quoting, the body) stays, and the file reads back as asked."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmnotes.fmedit import Append, EditError, Named, Set, Unset, edit, lookup, parse_key_path, scalar_text
from rmnotes.parse import parse_client
from rmnotes.parse.client import split
from rmnotes.parse import yamltree

SAMPLE = Path(__file__).resolve().parent.parent / "sample-vault" / "clients"
BOM = b"\xef\xbb\xbf"

# A hand-written file saved by Notepad: BOM, CRLF, comments, flow and block lists,
# a flow mapping item, quoted and plain values, a body.
FILE = textwrap.dedent("""\
    ---
    name: 王偉   # 客戶本人
    aliases: [Wang Wei, David Wang]
    tier: A
    tags:
      - golf        # 2020 起
      - likes-new-funds
    profile:
      mobile: "0912 345 678"
      email:        # 還沒有
      birthday: 1975-06-12
      income: 2400000
    # 風險
    risk: {profile: 3, assessed: 2025-12-01}
    family:
      - name: 林淑芬
        relation: spouse
    assets:
      - {name: 定存, type: deposit, institution: ours, value: 1000000}
      - name: 台灣科技基金
        type: fund
        value: 1200000.50   # 淨值
        risk: 4
    policies:
      - name: 終身壽險
        premium: 52000
        next_premium: 2027-01-01
    ---
    喜歡打高爾夫。

    ## Log
    - 2026-11-05 M 回顧
    """)


def crlf_bom(text: str) -> bytes:
    return BOM + text.replace("\n", "\r\n").encode("utf-8")


DATA = crlf_bom(FILE)


def meta(data: bytes) -> dict:
    parsed = parse_client(data.decode("utf-8"), "clients/wang-wei.md")
    assert parsed.client is not None, parsed.issues
    assert not parsed.errors, parsed.errors
    return parsed.client.meta


def front_values(data: bytes) -> dict:
    """The front-matter's values as rmnotes.parse reads them (whether or not check likes them)."""
    return yamltree.load(split(data.decode("utf-8")).front, 2).value


def swapped(data: bytes, old: str, new: str) -> bytes:
    """``data`` with the one occurrence of ``old`` replaced (the expected bytes)."""
    raw_old, raw_new = old.replace("\n", "\r\n").encode(), new.replace("\n", "\r\n").encode()
    assert data.count(raw_old) == 1, old
    return data.replace(raw_old, raw_new)


# -- scalars ------------------------------------------------------------------------------


def test_a_scalar_set_replaces_only_its_characters_on_a_bom_crlf_file():
    after = edit(DATA, [Set(("profile", "mobile"), "0912000111")])
    assert after == swapped(DATA, 'mobile: "0912 345 678"', 'mobile: "0912000111"')
    assert meta(after)["profile"]["mobile"] == "0912000111"


def test_a_comment_after_the_value_stays():
    after = edit(DATA, [Set(("name",), "王大偉")])
    assert after == swapped(DATA, "name: 王偉   # 客戶本人", "name: 王大偉   # 客戶本人")
    after = edit(DATA, [Set(("assets", Named("台灣科技基金"), "value"), Decimal("1300000.25"))])
    assert after == swapped(DATA, "value: 1200000.50   # 淨值", "value: 1300000.25   # 淨值")


@pytest.mark.parametrize("value, written", [
    ("0912000111", '"0912000111"'),  # digits: a phone number, never a number
    ("+886 912 345 678", '"+886 912 345 678"'),
    ("0912-345-678", '"0912-345-678"'),
    ("19:00-21:00", '"19:00-21:00"'),
    ("no", '"no"'),  # YAML 1.1 would read a boolean
    ("null", '"null"'),
    ("2026-01-01", '"2026-01-01"'),  # text that looks like a date stays text
    ("台大: 法律系", '"台大: 法律系"'),
    ("#1 客戶", '"#1 客戶"'),
    ("[重要]", '"[重要]"'),
    ("他說 \"好\"", '他說 "好"'),  # quotes inside plain text are text
    ("兩行\n文字", '"兩行\\n文字"'),
    ("台積電", "台積電"),
    ("wang.wei@example.com", "wang.wei@example.com"),
])
def test_text_reads_back_as_text(value, written):
    after = edit(DATA, [Set(("profile", "occupation"), value)])
    assert meta(after)["profile"]["occupation"] == value
    assert f"  occupation: {written}\r\n".encode() in after


def test_numbers_and_dates_are_written_exactly():
    after = edit(DATA, [
        Set(("profile", "income"), Decimal("2500000.10")),
        Set(("profile", "birthday"), date(1975, 6, 13)),
        Set(("risk", "profile"), 4),
        Set(("policies", Named("終身壽險"), "premium"), Decimal("4.5E+4")),
    ])
    m = meta(after)
    assert m["profile"]["income"] == Decimal("2500000.10") and "income: 2500000.10\r\n" in after.decode()
    assert m["profile"]["birthday"] == date(1975, 6, 13)
    assert m["risk"] == {"profile": 4, "assessed": date(2025, 12, 1)}
    assert m["policies"][0]["premium"] == 45000 and "premium: 45000\r\n" in after.decode()
    assert "E+" not in after.decode()


def test_a_quoted_value_stays_quoted():
    after = edit(DATA, [Set(("profile", "mobile"), "台北辦公室")])
    assert after == swapped(DATA, '"0912 345 678"', '"台北辦公室"')


def test_an_empty_value_gets_its_text_after_the_colon_and_keeps_its_comment():
    after = edit(DATA, [Set(("profile", "email"), "wang@example.com")])
    assert after == swapped(DATA, "email:        # 還沒有", "email: wang@example.com        # 還沒有")


def test_a_value_in_a_flow_mapping_is_replaced_in_place():
    after = edit(DATA, [Set(("risk", "profile"), 5)])
    assert after == swapped(DATA, "risk: {profile: 3, ", "risk: {profile: 5, ")
    after = edit(DATA, [Set(("assets", Named("定存"), "value"), 1100000)])
    assert after == swapped(DATA, "ours, value: 1000000}", "ours, value: 1100000}")


def test_the_same_value_returns_the_same_bytes():
    same = [Set(("tier",), "A"), Set(("profile", "income"), Decimal("2400000")),
            Set(("tags",), ["golf", "likes-new-funds"]), Set(("aliases",), ("Wang Wei", "David Wang")),
            Set(("risk",), {"profile": 3, "assessed": date(2025, 12, 1)}), Unset(("nothing", "here")),
            Unset(("assets", Named("沒有這筆")))]
    for change in same:
        assert edit(DATA, [change]) is DATA, change


def test_an_edit_twice_is_the_edit_once():
    changes = [Set(("profile", "mobile"), "0912000111"), Append(("tags",), "wine"),
               Set(("assets", Named("新基金")), {"type": "fund", "value": 10})]
    once = edit(DATA, changes[:1] + changes[2:])
    assert edit(once, changes[:1] + changes[2:]) is once


def test_true_is_not_one_and_text_is_not_a_number():
    after = edit(DATA, [Set(("risk", "profile"), True)])
    assert meta(after)["risk"]["profile"] is True
    after = edit(DATA, [Set(("risk", "profile"), "3")])
    assert meta(after)["risk"]["profile"] == "3"
    assert "risk: {profile: \"3\", " in after.decode()


# -- new keys and nested creation ---------------------------------------------------------


def test_a_new_key_goes_at_the_end_of_its_block_with_its_indentation_and_crlf():
    after = edit(DATA, [Set(("profile", "occupation"), "工程師")])
    assert after == swapped(DATA, "  income: 2400000\n", "  income: 2400000\n  occupation: 工程師\n")


def test_missing_mappings_are_created():
    after = edit(DATA, [Set(("contact", "best_time"), "12:00-13:30"), Set(("imported", "欄位 A"), "值")])
    assert after == swapped(DATA, "    next_premium: 2027-01-01\n---\n", "    next_premium: 2027-01-01\n"
                            'contact:\n  best_time: "12:00-13:30"\nimported:\n  欄位 A: 值\n---\n')
    m = meta(after)
    assert m["contact"] == {"best_time": "12:00-13:30"} and m["imported"] == {"欄位 A": "值"}


def test_a_key_under_an_empty_value_becomes_a_block():
    after = edit(DATA, [Set(("profile", "email", "work"), "w@example.com")])
    assert after == swapped(DATA, "  email:        # 還沒有\n", "  email:        # 還沒有\n    work: w@example.com\n")


def test_a_new_key_in_a_flow_mapping_stays_in_the_flow_mapping():
    after = edit(DATA, [Set(("assets", Named("定存"), "maturity"), date(2027, 1, 15))])
    assert after == swapped(DATA, "value: 1000000}", "value: 1000000, maturity: 2027-01-15}")


def test_a_new_named_asset_copies_the_list_indentation():
    asset = {"type": "deposit", "institution": "ours", "value": Decimal("500000"), "currency": "USD",
             "maturity": date(2027, 6, 1)}
    after = edit(DATA, [Set(("assets", Named("美元定存")), asset)])
    new = "  - name: 美元定存\n    type: deposit\n    institution: ours\n    value: 500000\n" \
          "    currency: USD\n    maturity: 2027-06-01\n"
    assert after == swapped(DATA, "    risk: 4\npolicies:", "    risk: 4\n" + new + "policies:")
    assert meta(after)["assets"][2] == {"name": "美元定存", **asset}


def test_a_named_item_is_found_by_name_and_a_missing_one_is_an_error():
    after = edit(DATA, [Set(("family", Named("林淑芬"), "birthday"), date(1977, 2, 3))])
    assert after == swapped(DATA, "    relation: spouse\n", "    relation: spouse\n    birthday: 1977-02-03\n")
    with pytest.raises(EditError, match="no item 林淑華") as exc:
        edit(DATA, [Set(("family", Named("林淑華"), "birthday"), date(1977, 2, 3))])
    assert exc.value.line == 16


def test_append_to_block_flow_and_missing_lists():
    after = edit(DATA, [Append(("tags",), "wine")])
    assert after == swapped(DATA, "  - likes-new-funds\n", "  - likes-new-funds\n  - wine\n")
    after = edit(DATA, [Append(("aliases",), "王先生")])
    assert after == swapped(DATA, "David Wang]", "David Wang, 王先生]")
    after = edit(DATA, [Append(("profile", "hobbies"), "高爾夫")])
    assert after == swapped(DATA, "  income: 2400000\n", "  income: 2400000\n  hobbies: [高爾夫]\n")
    after = edit(DATA, [Append(("family",), {"name": "王小明", "relation": "child"})])
    assert after == swapped(DATA, "    relation: spouse\n", "    relation: spouse\n  - name: 王小明\n    relation: child\n")


def test_an_appended_item_goes_after_the_comments_of_the_last_one():
    """A note under the last family member stays with that member; a comment at the list's
    own indent (about what follows) stays after the new one."""
    data = (b"---\nname: \xe7\x8e\x8b\xe5\x81\x89\nfamily:\n  - name: A\n    relation: child\n"
            b"    # next year to university\n  # about policies\npolicies: []\n---\n")
    after = edit(data, [Append(("family",), {"name": "B", "relation": "child"})])
    assert after == data.replace(b"    # next year to university\n",
                                 b"    # next year to university\n  - name: B\n    relation: child\n")


def test_a_flow_list_is_rewritten_as_a_flow_list_in_place():
    after = edit(DATA, [Set(("aliases",), ["Wang Wei", "王先生, 老王"])])
    assert after == swapped(DATA, "aliases: [Wang Wei, David Wang]", 'aliases: [Wang Wei, "王先生, 老王"]')
    assert meta(after)["aliases"] == ["Wang Wei", "王先生, 老王"]


def test_a_block_list_keeps_the_lines_of_the_items_that_stay():
    after = edit(DATA, [Set(("tags",), ["golf", "wine"])])
    assert after == swapped(DATA, "  - likes-new-funds\n", "  - wine\n")
    after = edit(DATA, [Set(("tags",), ["likes-new-funds"])])
    assert after == swapped(DATA, "  - golf        # 2020 起\n", "")
    after = edit(DATA, [Set(("tags",), [])])
    assert after == swapped(DATA, "tags:\n  - golf        # 2020 起\n  - likes-new-funds\n", "tags: []\n")


# -- unset --------------------------------------------------------------------------------


def test_unset_removes_the_key_and_its_lines():
    after = edit(DATA, [Unset(("profile", "birthday"))])
    assert after == swapped(DATA, "  birthday: 1975-06-12\n", "")
    after = edit(DATA, [Unset(("assets", Named("台灣科技基金")))])
    assert after == swapped(DATA, "  - name: 台灣科技基金\n    type: fund\n    value: 1200000.50   # 淨值\n"
                                  "    risk: 4\n", "")
    after = edit(DATA, [Unset(("assets", Named("定存"), "institution"))])
    assert after == swapped(DATA, "institution: ours, ", "")
    after = edit(DATA, [Unset(("aliases", 1))])
    assert after == swapped(DATA, "[Wang Wei, David Wang]", "[Wang Wei]")


def test_unset_of_the_last_entry_leaves_an_empty_collection():
    after = edit(DATA, [Unset(("family", 0))])
    assert after == swapped(DATA, "family:\n  - name: 林淑芬\n    relation: spouse\n", "family: []\n")
    assert meta(after)["family"] == []


def test_a_block_value_can_become_a_single_value():
    after = edit(DATA, [Set(("tags",), "golf")])
    assert after == swapped(DATA, "tags:\n  - golf        # 2020 起\n  - likes-new-funds\n", "tags: golf\n")


def test_setting_a_mapping_keeps_the_keys_it_keeps_in_place():
    after = edit(DATA, [Set(("assets", Named("台灣科技基金")), {"value": 1, "type": "fund", "currency": "USD"})])
    assert after == swapped(DATA, "    value: 1200000.50   # 淨值\n    risk: 4\n",
                            "    value: 1   # 淨值\n    currency: USD\n")
    assert meta(after)["assets"][1] == {"name": "台灣科技基金", "type": "fund", "value": 1, "currency": "USD"}


# -- the body and the file stay ---------------------------------------------------------------


def test_the_body_and_a_plain_lf_file_are_kept():
    data = FILE.encode()
    after = edit(data, [Set(("tier",), "B"), Append(("tags",), "wine")])
    assert after.endswith(FILE[FILE.index("\n---\n喜歡"):].encode())
    assert b"\r" not in after and not after.startswith(BOM)


def test_a_file_without_the_last_line_ending_and_an_empty_front_matter():
    assert edit(b"---\nname: x\n---", [Set(("tier",), "A")]) == b"---\nname: x\ntier: A\n---"
    assert edit(b"---\n---\nbody\n", [Set(("name",), "王偉")]) == "---\nname: 王偉\n---\nbody\n".encode()


# -- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize("data, line, message", [
    (b"name: x\n", 1, "no front-matter"),
    (b"---\nname: [x\n---\n", 2, "does not parse"),
    (b"---\nname: x\nname: y\n---\n", 3, "duplicate key"),
    (b"---\nname: x\n---\n\xff\n", 1, "not UTF-8"),
    (b"---\n- a\n---\n", 2, "not a mapping"),
])
def test_files_the_editor_will_not_touch(data, line, message):
    with pytest.raises(EditError, match=message) as exc:
        edit(data, [Set(("tier",), "A")])
    assert exc.value.line == line


def test_values_that_cannot_be_written_are_refused():
    with pytest.raises(EditError):
        edit(DATA, [Set(("tier",), object())])
    with pytest.raises(EditError, match="surrogate"):
        edit(DATA, [Set(("tier",), "\ud800")])
    with pytest.raises(EditError, match="single value"):
        edit(DATA, [Set(("tier", "x", "y"), "z")])
    with pytest.raises(EditError, match="no item"):
        edit(DATA, [Set(("tags", 7), "z")])
    with pytest.raises(EditError, match="is not a list"):
        edit(DATA, [Append(("tier",), "z")])


def test_two_items_of_one_name_are_refused():
    data = FILE.replace("- name: 台灣科技基金", "- name: 定存").encode()
    with pytest.raises(EditError, match="2 items are named 定存"):
        edit(data, [Set(("assets", Named("定存"), "value"), 1)])


# -- key paths ------------------------------------------------------------------------------


def test_parse_key_path():
    assert parse_key_path("assets.台幣定存.value") == ("assets", Named("台幣定存"), "value")
    assert parse_key_path("family.0.name") == ("family", 0, "name")
    assert parse_key_path("profile.mobile") == ("profile", "mobile")
    assert parse_key_path("tier") == ("tier",)
    doc = {"assets": [{"name": "A.B 基金", "value": 1}, {"name": "2024"}], "tags": ["a"], "a.b": 1}
    assert parse_key_path("assets.A.B 基金.value", doc) == ("assets", Named("A.B 基金"), "value")
    assert parse_key_path("assets.2024", doc) == ("assets", Named("2024"))
    assert parse_key_path("assets.0", doc) == ("assets", 0)
    assert parse_key_path("tags.0", doc) == ("tags", 0)
    assert parse_key_path("a.b", doc) == ("a.b",)
    assert parse_key_path("contact.best_time", doc) == ("contact", "best_time")
    for bad in ("", "a..b", ".a"):
        with pytest.raises(EditError):
            parse_key_path(bad)


def test_lookup():
    doc = meta(DATA)
    assert lookup(doc, ("assets", Named("定存"), "value")) == (True, 1000000)
    assert lookup(doc, ("profile", "email")) == (True, None)
    assert lookup(doc, ("profile", "fax")) == (False, None)
    assert lookup(doc, ("tier", "x")) == (False, None)


# -- the property: one value changes, the other bytes stay ------------------------------------


def _leaves(value, path=()):
    """Every scalar's path, with list items of mappings named by their name."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            name = v.get("name") if isinstance(v, dict) else None
            yield from _leaves(v, path + ((Named(name) if isinstance(name, str) else i),))
    elif path and path[-1] != "name":
        yield path


SAMPLES = [p.read_bytes() for p in sorted(SAMPLE.glob("*.md"))
           if p.name in ("wang-wei.md", "xiao-shu-juan.md", "zhou-wen-xiong.md")]
LEAVES = [(i, leaf) for i, data in enumerate(SAMPLES) for leaf in _leaves(meta(data))]

values = st.one_of(
    st.text(alphabet=st.sampled_from("abc 王偉台幣:#-,[]{}'\"\\0123456789.+!&*%@`|>?\t"), min_size=1, max_size=12),
    st.integers(min_value=-10**12, max_value=10**12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**9, max_value=10**9),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.booleans(),
)


@settings(max_examples=100, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(LEAVES), values)
def test_a_random_scalar_set_changes_that_value_and_only_its_line(leaf, value):
    which, path = leaf
    data = SAMPLES[which]
    before = front_values(data)
    after = edit(data, [Set(path, value)])
    got = front_values(after)
    assert lookup(got, path) == (True, value)
    assert type(lookup(got, path)[1]) is type(value) or (isinstance(value, Decimal) and isinstance(
        lookup(got, path)[1], (int, Decimal)))
    # every other value as it was
    assert {p: lookup(got, p)[1] for p in _leaves(before) if p != path} == \
        {p: lookup(before, p)[1] for p in _leaves(before) if p != path}
    # only the value's line differs, and the BOM and line endings are kept
    old_lines, new_lines = data.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    differ = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert len(differ) <= 1
    for i in differ:
        assert old_lines[i][-2:] == new_lines[i][-2:] or old_lines[i][-1:] == new_lines[i][-1:] == b"\n"
    assert after.startswith(BOM) == data.startswith(BOM)


def test_the_editor_reads_what_the_parser_reads():
    """The editor's own reading of a value (the scalar writer and the key path) agrees with
    rmnotes.parse for every scalar in the sample vault: a no-op set is always the same bytes."""
    for p in sorted(SAMPLE.glob("*.md")):
        data = p.read_bytes()
        doc = meta(data)
        for path in _leaves(doc):
            assert edit(data, [Set(path, lookup(doc, path)[1])]) is data, (p.name, path)
        front = split(data.decode("utf-8")).front
        assert yamltree.load(front).value == doc


def test_scalar_text():
    assert scalar_text(None) == "null"
    assert scalar_text(Decimal("0.50")) == "0.50"
    assert scalar_text(Decimal("1E+3")) == "1000"
    assert scalar_text("a, b") == "a, b" and scalar_text("a, b", flow=True) == '"a, b"'
    with pytest.raises(EditError):
        scalar_text(Decimal("Infinity"))


def _all_paths(value, path=()):
    if path:
        yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _all_paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            name = v.get("name") if isinstance(v, dict) else None
            yield from _all_paths(v, path + ((Named(name) if isinstance(name, str) else i),))


ALL_PATHS = [(i, p) for i, data in enumerate(SAMPLES) for p in _all_paths(meta(data))]
any_value = st.recursive(values | st.none(), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["k", "名稱", "value", "a b"]), inner, max_size=3), max_leaves=6)


@settings(max_examples=100, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(ALL_PATHS), st.sampled_from(["set", "unset", "append", "new"]), any_value),
                min_size=1, max_size=4))
def test_random_changes_keep_the_body_the_bom_and_the_line_endings(steps):
    """Whatever the changes, the editor either makes them (the values read back as asked,
    which edit itself checks) or refuses with EditError; the body, BOM and CRLF stay."""
    which = steps[0][0][0]
    data = SAMPLES[which]
    changes = []
    for (_, path), kind, value in steps:
        if kind == "set":
            changes.append(Set(path, value))
        elif kind == "unset":
            changes.append(Unset(path))
        elif kind == "append":
            changes.append(Append(path, value))
        else:
            changes.append(Set(path + ("新的鍵",), value))
    try:
        after = edit(data, changes)
    except EditError:
        return
    body = data.split(b"\n---", 1)[1]
    assert after.endswith(body)
    assert after.startswith(BOM) == data.startswith(BOM)
    if b"\r\n" in data:
        assert after.count(b"\n") == after.count(b"\r\n")
