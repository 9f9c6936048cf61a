"""Byte-exact insertion and ticking: every byte outside the new lines stays as it was."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rmnotes import textedit
from rmnotes.domain import logbook
from rmnotes.parse import parse_client

HEAD = "---\nname: 王偉\n---\n"


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def test_append_at_the_end_of_the_log():
    before = (HEAD + "\nnotes\n\n## Log\n- 2026-11-05 M 回顧\n").encode()
    after = textedit.append_log(before, ["- 2026-11-20 T 續作", "  with: [林淑芬]"])
    assert after == before + "- 2026-11-20 T 續作\n  with: [林淑芬]\n".encode()


def test_bom_and_crlf_are_kept_and_new_lines_use_crlf():
    before = textedit.BOM + crlf(HEAD + "\n## Log\n- 2026-11-05 M 回顧\n")
    after = textedit.append_log(before, ["- 2026-11-20 T 續作"])
    assert after == before + "- 2026-11-20 T 續作\r\n".encode()
    assert after.startswith(textedit.BOM) and after.count(b"\n") == after.count(b"\r\n")


def test_entry_goes_before_a_section_the_user_added_after_the_log():
    text = HEAD + "\n## Log\n- 2026-11-05 M 回顧\n  with: [林淑芬]\n\n## 備忘\n別在週一打電話\n"
    after = textedit.append_log(text.encode(), ["- 2026-11-20 T 續作"])
    assert after.decode() == text.replace("  with: [林淑芬]\n", "  with: [林淑芬]\n- 2026-11-20 T 續作\n")


def test_a_sub_heading_inside_the_log_is_not_a_section_end():
    text = HEAD + "## Log\n### 2026\n- 2026-11-05 M 回顧\n"
    assert textedit.append_log(text.encode(), ["- 2026-11-20 T x"]) == (text + "- 2026-11-20 T x\n").encode()


def test_missing_final_newline_gets_one_before_the_entry():
    before = (HEAD + "## Log\n- 2026-11-05 M 回顧").encode()
    assert textedit.append_log(before, ["- 2026-11-20 T x"]) == before + b"\n- 2026-11-20 T x\n"


def test_missing_log_section_is_created_at_the_end():
    before = (HEAD + "\nnotes").encode()
    assert textedit.append_log(before, ["- 2026-11-20 T x"]) == before + b"\n\n## Log\n- 2026-11-20 T x\n"
    crlf_before = crlf(HEAD + "\nnotes\n")
    assert textedit.append_log(crlf_before, ["- 2026-11-20 T x"]) == crlf_before + b"\r\n## Log\r\n- 2026-11-20 T x\r\n"


def test_followup_section_is_created_just_before_the_log():
    text = HEAD + "\nnotes\n## Log\n- 2026-11-05 M 回顧\n"
    after = textedit.add_followup(text.encode(), "- [ ] 2026-12-01 寄送提案")
    assert after.decode() == HEAD + "\nnotes\n\n## Follow-ups\n- [ ] 2026-12-01 寄送提案\n\n## Log\n- 2026-11-05 M 回顧\n"


def test_followup_is_added_at_the_end_of_its_section():
    text = HEAD + "\n## Follow-ups\n- [x] 2026-11-10 確認\n\n## Log\n"
    after = textedit.add_followup(crlf(text), "- [ ] 2026-12-01 寄送提案")
    assert after == crlf(text.replace("確認\n", "確認\n- [ ] 2026-12-01 寄送提案\n"))


def test_tick_changes_one_byte():
    before = crlf(HEAD + "## Follow-ups\n- [ ] 2026-12-01 a\n* [ ] 2026-12-02 b\n")
    after = textedit.tick(before, 6)
    assert after == before.replace(b"* [ ]", b"* [x]")
    with pytest.raises(ValueError):
        textedit.tick(after, 6)
    with pytest.raises(ValueError):
        textedit.tick(after, 99)


def test_lines_split_where_the_parser_splits_them():
    # U+2028, NEL and form feed are not line breaks in a client file
    text = "a\u2028b\x85c\x0cd\r\ne\rf\ng"
    assert textedit.split_lines(text) == ["a\u2028b\x85c\x0cd\r\n", "e\r", "f\n", "g"]
    before = (HEAD + "## Log\n- 2026-11-05 N x\u2028y\n").encode()
    after = textedit.append_log(before, ["- 2026-11-20 T z"])
    assert after == before + b"- 2026-11-20 T z\n"


def test_mixed_endings_use_the_most_common():
    before = b"---\r\nname: x\r\n---\r\n## Log\n"
    assert textedit.append_log(before, ["- 2026-11-20 T z"]) == before + b"- 2026-11-20 T z\r\n"


def test_new_lines_must_not_hold_line_breaks():
    with pytest.raises(ValueError):
        textedit.append_log(HEAD.encode(), ["- 2026-11-20 T a\nb"])


# ---------------------------------------------------------------------- property
BASES = [
    HEAD + "\nnotes\n\n## Log\n- 2026-01-02 M 回顧\n",
    HEAD + "\n## Log\n- 2026-01-02 M 回顧\n  with: [林淑芬]\n\n## 後記\ntext after the log\n",
    HEAD + "\nnotes only\n",
    HEAD + "## Follow-ups\n- [ ] 2026-02-01 a\n\n## Log\n\n\n",
]
line_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(list(" :#-[]\t王")),
    min_size=1, max_size=12,
)
names = st.text(alphabet=st.sampled_from(list("林淑芬王 abcXY-.:,'\"1")), min_size=1, max_size=6)
entries = st.builds(
    lambda d, ch, t, text, w: (d, ch, t, text, w),
    st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    st.sampled_from("TEMSNtems").map(logbook.channel_letter),
    st.none() | st.times().map(lambda t: f"{t.hour}:{t.minute:02d}"),
    st.lists(line_text, min_size=1, max_size=3).map("\n".join),
    st.lists(names, max_size=2),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(base=st.sampled_from(BASES), bom=st.booleans(), use_crlf=st.booleans(),
       items=st.lists(entries, min_size=1, max_size=4))
def test_appended_entries_parse_back_in_order_and_nothing_else_changes(base, bom, use_crlf, items):
    data = (textedit.BOM if bom else b"") + (crlf(base) if use_crlf else base.encode())
    made = []
    for d, ch, t, text, with_ in items:
        try:
            made.append(logbook.make_entry(text, ch, today=date(2030, 12, 31), day=d, time=t, with_=with_))
        except logbook.EntryError:
            assume(False)
    original = parse_client(data.decode("utf-8"), "clients/x.md").client.entries
    nl = "\r\n" if use_crlf else "\n"
    for entry in made:
        lines = entry.lines()
        if b"## Log" not in data:  # the first entry creates the section at the end
            lines = ["", "## Log", *lines]
        block = "".join(line + nl for line in lines).encode("utf-8")
        new = textedit.append_log(data, entry.lines())
        # the new bytes are the old ones with exactly the block inserted, after the heading
        assert len(new) == len(data) + len(block)
        assert any(new[:i] == data[:i] and new[i:i + len(block)] == block and new[i + len(block):] == data[i:]
                   for i in range(max(data.rfind(b"## Log"), 0), len(data) + 1))
        data = new
    parsed = parse_client(data.decode("utf-8"), "clients/x.md")
    assert parsed.client is not None and not parsed.errors, parsed.issues
    got = parsed.client.entries
    assert [(e.date, e.channel, e.text, e.time, dict(e.attrs)) for e in got] == \
        [(e.date, e.channel, e.text, e.time, dict(e.attrs)) for e in original] + \
        [(e.date, e.channel, e.text, e.time, e.attrs) for e in made]


def test_property_bases_parse():
    for base in BASES:
        assert parse_client(textwrap.dedent(base), "clients/x.md").client is not None
