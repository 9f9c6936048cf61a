"""The front-matter merges key by key: byte-exact where a side's lines can be taken as they
are, through the front-matter editor where the two sides' changed lines touch, and with
conflict markers around the lines of a key set to two values only."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from rmnotes import gitops
from rmnotes.domain.merge import merge_client
from rmnotes.parse import parse_client

BASE = textwrap.dedent("""\
    ---
    name: 王偉
    tier: A   # cadence
    status: active
    tags: [golf, has-kids]
    profile:
      mobile: "0912345678"
      email: wang@example.com
    assets:
      - name: 台幣定存
        type: deposit
        value: 3000000
      - name: 富邦台灣科技基金
        type: fund
        value: 1200000
    ---

    Notes.

    ## Log
    - 2026-11-05 M 季度資產回顧
""")


def merge(base: str, ours: str, theirs: str):
    return merge_client(base.encode(), ours.encode(), theirs.encode(), gitops.merge_text)


def meta(data: bytes) -> dict:
    parsed = parse_client(data.decode("utf-8"), "clients/wang-wei.md")
    assert parsed.client is not None and not parsed.errors, parsed.issues
    return parsed.client.meta


def test_changes_on_neighbouring_lines_merge_byte_for_byte_in_either_order():
    ours = BASE.replace("tier: A   # cadence", "tier: B   # cadence")
    theirs = BASE.replace("status: active", "status: dormant")
    one, two = merge(BASE, ours, theirs), merge(BASE, theirs, ours)
    assert one.clean and one.data == two.data
    assert one.data.decode() == BASE.replace("tier: A", "tier: B").replace("active", "dormant")


def test_an_asset_value_changed_and_an_asset_added():
    ours = BASE.replace("value: 1200000", "value: 1350000")
    theirs = BASE.replace("    ---\n", "", 0).replace(
        "    value: 1200000\n---", "    value: 1200000\n  - name: 美元定存\n    type: deposit\n    value: 50000\n---")
    merged = merge(BASE, ours, theirs)
    assert merged.clean
    assets = meta(merged.data)["assets"]
    assert [(a["name"], a["value"]) for a in assets] == [("台幣定存", 3000000), ("富邦台灣科技基金", 1350000),
                                                          ("美元定存", 50000)]


def test_both_sides_add_a_different_asset_and_a_different_tag():
    """Two insertions at one place: the editor makes theirs' on ours."""
    def adding(name: str, tag: str) -> str:
        return BASE.replace("has-kids]", f"has-kids, {tag}]").replace(
            "    value: 1200000\n---", f"    value: 1200000\n  - name: {name}\n    type: fund\n    value: 1000\n---")
    merged = merge(BASE, adding("甲基金", "vip"), adding("乙基金", "likes-new-funds"))
    assert merged.clean, merged.conflicts
    got = meta(merged.data)
    assert [a["name"] for a in got["assets"]] == ["台幣定存", "富邦台灣科技基金", "甲基金", "乙基金"]
    assert got["tags"] == ["golf", "has-kids", "vip", "likes-new-funds"]
    text = merged.data.decode()
    assert text.startswith("---\nname: 王偉\ntier: A   # cadence\n")  # untouched lines as they were
    assert text.endswith("\nNotes.\n\n## Log\n- 2026-11-05 M 季度資產回顧\n")


def test_one_key_set_to_two_values_is_marked_around_its_own_line_only():
    ours = BASE.replace('"0912345678"', '"0922000111"').replace("tier: A", "tier: B")
    theirs = BASE.replace('"0912345678"', '"0933000222"').replace("status: active", "status: dormant")
    merged = merge(BASE, ours, theirs)
    assert len(merged.conflicts) == 1
    conflict = merged.conflicts[0]
    assert (conflict.key, conflict.ours, conflict.theirs) == ("profile.mobile", "0922000111", "0933000222")
    lines = merged.data.decode().splitlines()
    at = lines.index("<<<<<<< ours")
    assert conflict.line == at + 1
    assert lines[at:at + 5] == ["<<<<<<< ours", '  mobile: "0922000111"', "=======", '  mobile: "0933000222"',
                                ">>>>>>> theirs"]
    # both sides' other changes are made, outside the markers
    assert "tier: B   # cadence" in lines and "status: dormant" in lines
    assert sum(line.startswith(("<<<<<<<", "=======", ">>>>>>>")) for line in lines) == 3
    # keeping either side gives a file that parses, with everything else merged
    kept = "\n".join(lines[:at] + [lines[at + 3]] + lines[at + 5:]) + "\n"
    assert meta(kept.encode())["profile"]["mobile"] == "0933000222"


def test_an_asset_removed_on_one_side_and_changed_on_the_other_is_a_conflict():
    ours = BASE.replace("  - name: 富邦台灣科技基金\n    type: fund\n    value: 1200000\n", "")
    theirs = BASE.replace("value: 1200000", "value: 1350000")
    merged = merge(BASE, ours, theirs)
    assert [c.key for c in merged.conflicts] == ["assets.富邦台灣科技基金"]
    assert merged.conflicts[0].ours == "(removed)"
    text = merged.data.decode()
    assert "=======\n  - name: 富邦台灣科技基金\n    type: fund\n    value: 1350000\n>>>>>>> theirs\n" in text


def test_a_key_removed_on_one_side_and_changed_on_the_other_is_marked_around_that_key_only():
    """The removing side's place is empty between the markers; every other change is merged
    outside them, at the top level as in a nested mapping."""
    for key, removed, changed in (("profile.email", "  email: wang@example.com\n", "wang@work.example"),
                                  ("status", "status: active\n", "dormant")):
        ours = BASE.replace(removed, "").replace("tier: A", "tier: B")
        theirs = BASE.replace(removed, removed.replace(removed.split(": ")[1].strip(), changed)).replace(
            '"0912345678"', '"0922000111"')
        for one, two, sides in ((ours, theirs, ("(removed)", changed)), (theirs, ours, (changed, "(removed)"))):
            merged = merge(BASE, one, two)
            assert [(c.key, c.ours, c.theirs) for c in merged.conflicts] == [(key, *sides)]
            text = merged.data.decode()
            marked = text[text.index("<<<<<<< ours"):text.index(">>>>>>> theirs")]
            assert marked.count("\n") == 3  # the two markers' lines and the changed key's own line
            assert "tier: B" in text and '"0922000111"' in text
            assert text.count("tier: B") == 1 and text.count("0922000111") == 1


def test_a_key_removed_where_the_other_side_wrote_its_mapping_on_one_line_marks_the_mapping():
    """No empty place can be made inside ``profile: {email: ...}``: both sides' whole
    mappings are between the markers, and either side kept reads."""
    base = BASE
    ours = BASE.replace('profile:\n  mobile: "0912345678"\n  email: wang@example.com\n',
                        "profile: {email: wang@example.com}\n")
    theirs = BASE.replace('"0912345678"', '"0933000222"')
    merged = merge(base, ours, theirs)
    assert [c.key for c in merged.conflicts] == ["profile.mobile"]
    lines = merged.data.decode().splitlines(keepends=True)
    at, mid, end = (next(i for i, ln in enumerate(lines) if ln.startswith(m)) for m in ("<<<<<<<", "=======", ">>>>>>>"))
    for kept in (lines[at + 1:mid], lines[mid + 1:end]):
        meta("".join(lines[:at] + kept + lines[end + 1:]).encode())  # parses


def test_a_file_added_on_both_sides_merges_against_an_empty_base():
    """Two devices each make the same new client (git's base is then empty): the logs are
    joined and the front-matter merges key by key, a key set differently being the only
    conflict."""
    ours = "---\nname: 張三豐\ntier: B\n---\n\n## Log\n- 2026-12-05 T 辦公室第一次來電\n"
    theirs = "---\nname: 張三豐\ntier: A\n---\n\n## Log\n- 2026-12-05 M 筆電外訪\n"
    merged = merge("", ours, theirs)
    assert [(c.key, c.ours, c.theirs) for c in merged.conflicts] == [("tier", "B", "A")]
    assert merged.data.decode().endswith("## Log\n- 2026-12-05 M 筆電外訪\n- 2026-12-05 T 辦公室第一次來電\n")
    same = merge("", ours, ours.replace("T 辦公室第一次來電", "M 筆電外訪"))
    assert same.clean and same.data.decode().count("- 2026-12-05") == 2


def test_the_same_change_on_both_sides_is_no_conflict():
    both = BASE.replace("tier: A   # cadence", "tier: B   # cadence") + "- 2026-11-06 T 一\n"
    merged = merge(BASE, both.replace("一", "二"), both)
    assert merged.clean
    assert meta(merged.data)["tier"] == "B"


def test_a_side_preferred_settles_every_conflict_and_merges_the_rest():
    """What `rmn sync --ours/--theirs CLIENT` asks for: one side's values where both sides
    changed the same thing, the union of everything else."""
    base = BASE.replace("Notes.", "Notes.\nline two")
    ours = (base.replace('"0912345678"', '"0922000111"').replace("tier: A", "tier: B")
            .replace("line two", "ours' line") + "- 2026-11-06 T 一\n")
    theirs = (base.replace('"0912345678"', '"0933000222"').replace("status: active", "status: dormant")
              .replace("line two", "theirs' line") + "- 2026-11-07 T 二\n")
    assert {c.key for c in merge(base, ours, theirs).conflicts} == {"profile.mobile", "notes"}
    for side, mobile, line in (("ours", "0922000111", "ours' line"), ("theirs", "0933000222", "theirs' line")):
        merged = merge_client(base.encode(), ours.encode(), theirs.encode(), gitops.merge_text, prefer=side)
        assert merged.clean
        got = meta(merged.data)
        assert (got["profile"]["mobile"], got["tier"], got["status"]) == (mobile, "B", "dormant")
        text = merged.data.decode()
        assert f"Notes.\n{line}\n" in text
        assert text.endswith("- 2026-11-05 M 季度資產回顧\n- 2026-11-06 T 一\n- 2026-11-07 T 二\n")


# ---------------------------------------------------------------------- random edits on both sides
def _ops(s: str, picks: list[tuple[int, int]]) -> str:
    """Edits a person makes by hand or with rmn, each with a small choice of values."""
    edits = [
        lambda v: s.replace("tier: A", "tier: " + "BC"[v % 2]),
        lambda v: s.replace("status: active", "status: " + ("dormant", "closed")[v % 2]),
        lambda v: s.replace('"0912345678"', f'"09{v:08d}"'),
        lambda v: s.replace("value: 1200000", f"value: {v % 9 + 1}00000"),
        lambda v: s.replace("  - name: 富邦台灣科技基金\n    type: fund\n    value: 1200000\n", ""),
        lambda v: s.replace("    value: 1200000\n---", f"    value: 1200000\n  - name: {'甲乙'[v % 2]}\n    type: fund\n"
                                                     "    value: 5\n---"),
        lambda v: s.replace("has-kids]", f"has-kids, {('vip', 'new')[v % 2]}]"),
        lambda v: s.replace("  email: wang@example.com\n", f"  email: wang@example.com\n  birthday: 1975-06-1{v % 9}\n"),
        lambda v: s.replace("Notes.", f"Notes {v % 3}."),
        lambda v: s + f"- 2026-11-{v % 20 + 6:02d} T call {v % 3}\n",
        lambda v: s.replace("## Log", f"## Follow-ups\n- [ ] 2026-12-{v % 20 + 2:02d} new {v % 3}\n\n## Log"),
    ]
    for which, value in picks:
        s = edits[which % len(edits)](value)
    return s


picks = st.lists(st.tuples(st.integers(0, 10), st.integers(0, 99)), min_size=1, max_size=5, unique_by=lambda p: p[0])


@settings(max_examples=80, deadline=None)
@given(picks, picks, st.booleans())
def test_random_edits_on_both_sides_never_lose_an_entry_and_one_side_settles_every_conflict(mine, other, notepad):
    def saved(text: str) -> bytes:
        return ("\ufeff" + text.replace("\n", "\r\n")).encode() if notepad else text.encode()

    base, ours, theirs = BASE, _ops(BASE, mine), _ops(BASE, other)
    entries = {line for line in (ours + theirs).splitlines() if line.startswith("- 2026-11")}
    for prefer in (None, "ours", "theirs"):
        merged = merge_client(saved(base), saved(ours), saved(theirs), gitops.merge_text, prefer=prefer)
        text = merged.data.decode("utf-8-sig")
        assert merged.data.startswith(b"\xef\xbb\xbf") == notepad
        assert ("\r\n" in text) == notepad and text.count("\n") == text.count("\r\n") if notepad else "\r" not in text
        assert all(entry in text for entry in entries)
        if prefer is not None:
            assert merged.clean
        if merged.clean:
            meta(text.replace("\r\n", "\n").encode())  # parses, without errors
        else:
            assert all(text.splitlines()[c.line - 1].startswith("<<<<<<<") for c in merged.conflicts)
