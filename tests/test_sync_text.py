"""What a sync reads from file text alone: entries in and out, the conflicts' keys and
values, and a file with one side of each conflict kept, byte for byte."""

from __future__ import annotations

import textwrap

from rmnotes.domain.sync import conflicts_in, entries_added, take_side

CONFLICTED = textwrap.dedent("""\
    ---
    name: 王偉
    profile:
    <<<<<<< ours
      mobile: "0912"
    =======
      mobile: "0933"
    >>>>>>> theirs
      birthday: 1975-01-01
    assets:
    <<<<<<< ours
      - {name: 定存, type: deposit, value: 1}
    =======
      - {name: 定存, type: deposit, value: 2}
    >>>>>>> theirs
      - type: fund
        name: 科技基金
    <<<<<<< ours
        value: 3
    ||||||| base
        value: 1
    =======
        value: 4
    >>>>>>> theirs
    tier: A
    ---
    Likes golf.
    <<<<<<< ours
    Prefers "LINE" after six.
    =======
    Prefers calls at lunch.
    >>>>>>> theirs

    ## Log
    - 2026-11-05 M 季度資產回顧
""")


def test_each_conflict_is_named_by_its_key_and_both_values():
    found = [str(c) for c in conflicts_in(CONFLICTED, "clients/wang-wei.md")]
    assert found == [
        'clients/wang-wei.md:4: profile.mobile: ours "0912" theirs "0933"',
        'clients/wang-wei.md:11: assets[定存]: ours "{name: 定存, type: deposit, value: 1}" '
        'theirs "{name: 定存, type: deposit, value: 2}"',
        "clients/wang-wei.md:18: assets[科技基金].value: ours \"3\" theirs \"4\"",
        "clients/wang-wei.md:28: notes: ours \"Prefers 'LINE' after six.\" theirs \"Prefers calls at lunch.\"",
    ]


def test_a_conflict_under_a_heading_is_named_by_it():
    text = "---\nname: x\n---\n## Follow-ups\n<<<<<<< a\n- [ ] 2026-12-01 a\n=======\n- [ ] 2026-12-01 b\n>>>>>>> b\n"
    (conflict,) = conflicts_in(text, "clients/x.md")
    assert (conflict.line, conflict.key, conflict.ours, conflict.theirs) == (
        5, "Follow-ups", "- [ ] 2026-12-01 a", "- [ ] 2026-12-01 b")


def test_settings_conflicts_are_keys_too():
    text = "owner: 陳經理\ntiers:\n<<<<<<< HEAD\n  A: 1m\n=======\n  A: 2m\n>>>>>>> x\n"
    assert [str(c) for c in conflicts_in(text, "rmnotes.yaml")] == ['rmnotes.yaml:3: tiers.A: ours "1m" theirs "2m"']


def test_a_long_value_is_shortened_to_one_line():
    text = "---\nname: x\n<<<<<<< a\nnote: " + "長" * 100 + "\n=======\nnote: b\n>>>>>>> b\n---\n"
    (conflict,) = conflicts_in(text, "clients/x.md")
    assert len(conflict.ours) == 60 and conflict.ours.endswith("…")


def test_taking_a_side_keeps_every_other_byte_bom_and_crlf():
    data = ("\ufeff" + CONFLICTED).replace("\n", "\r\n").encode("utf-8")
    ours, n = take_side(data, "ours")
    theirs, _ = take_side(data, "theirs")
    assert n == 4
    assert ours.startswith("\ufeff---\r\n".encode("utf-8")) and b"\n" not in ours.replace(b"\r\n", b"")
    assert b'  mobile: "0912"\r\n  birthday' in ours and b"    value: 3\r\ntier: A" in ours
    assert b'  mobile: "0933"\r\n' in theirs and b"    value: 4\r\n" in theirs and b"value: 1\r\n" not in theirs
    for side in (ours, theirs):
        assert b"<<<<<<<" not in side and b"=======" not in side and b"|||||||" not in side
    assert conflicts_in(ours.decode("utf-8"), "clients/wang-wei.md") == []


def test_a_file_without_conflicts_is_left_as_it_is():
    data = b"---\nname: x\n---\nA heading\n=======\n"
    assert take_side(data, "theirs") == (data, 0)
    assert conflicts_in(data.decode(), "clients/x.md") == []


def _file(*entries: str) -> bytes:
    return ("---\nname: x\n---\n## Log\n" + "".join(f"{e}\n" for e in entries)).encode("utf-8")


def test_entries_added_count_what_the_later_version_has_more():
    before = _file("- 2026-11-01 T a", "- 2026-11-04 M theirs")
    after = _file("- 2026-11-01 T a", "- 2026-11-02 T mine", "- 2026-11-03 E mine too", "- 2026-11-04 M theirs")
    assert entries_added([("clients/x.md", before, after)]) == 2
    assert entries_added([("clients/x.md", None, after)]) == 4  # a new client
    assert entries_added([("clients/x.md", after, None)]) == 0  # a client deleted: nothing added
    # an entry with the same line but other attributes is another entry
    with_attr = _file("- 2026-11-01 T a", "  with: [林淑芬]")
    assert entries_added([("clients/x.md", _file("- 2026-11-01 T a"), with_attr)]) == 1
