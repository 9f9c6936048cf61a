"""rmn set and rmn tag on a copy of the sample vault: only the value's bytes change, a value
rmn check would refuse is refused with nothing written, one commit per edit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import git, run

from rmnotes.domain import quickedit
from rmnotes.fmedit import Named
from rmnotes.parse import parse_client

BOM_CRLF = "clients/xiao-shu-juan.md"  # saved by Notepad: BOM, CRLF and a comment


def commits(vault) -> int:
    return int(git(vault, "rev-list", "--count", "HEAD"))


def meta(vault, rel=BOM_CRLF) -> dict:
    parsed = parse_client((vault / rel).read_bytes().decode("utf-8"), rel)
    return parsed.client.meta


def only_changed(before: bytes, after: bytes, old: str, new: str) -> None:
    """``after`` is ``before`` with the one occurrence of ``old`` replaced by ``new``."""
    assert before.count(old.encode()) == 1
    assert after == before.replace(old.encode(), new.encode())


def test_set_changes_only_the_value_bytes_on_a_bom_crlf_file_with_comments(sample):
    path = sample / BOM_CRLF
    before = path.read_bytes()
    assert before.startswith(b"\xef\xbb\xbf") and b"\r\n" in before and b"# " in before
    n = commits(sample)
    result = run(["set", "xiao-shu-juan", "contact.no_calls", "19:00-21:00"], sample)
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    only_changed(before, after, '"18:00-21:00"   # ', '"19:00-21:00"   # ')
    assert commits(sample) == n + 1
    assert git(sample, "log", "-1", "--format=%s").strip() == "set: 蕭淑娟 (xiao-shu-juan) contact.no_calls"
    assert git(sample, "status", "--porcelain") == ""
    assert run(["check"], sample).output == ""


@pytest.mark.parametrize("key, value, old, new, read", [
    ("profile.mobile", "0912000111", '"0927-118-553"', '"0912000111"', "0912000111"),
    ("tier", "A", "tier: B", "tier: A", "A"),
    ("risk.profile", "3", "profile: 4", "profile: 3", 3),
    ("risk.assessed", "2026-12-01", "assessed: 2026-09-08", "assessed: 2026-12-01", date(2026, 12, 1)),
    ("risk.assessed", "115/12/01", "assessed: 2026-09-08", "assessed: 2026-12-01", date(2026, 12, 1)),
    ("risk.assessed", "民國115年12月1日", "assessed: 2026-09-08", "assessed: 2026-12-01", date(2026, 12, 1)),
    ("assets.台幣定存.value", "3,200,000", "value: 2000000", "value: 3200000", 3200000),
    ("assets.台幣定存.value", "3200000.5", "value: 2000000", "value: 3200000.5", Decimal("3200000.5")),
    ("policies.終身壽險.premium", "53000", "premium: 52000", "premium: 53000", 53000),
])
def test_values_are_typed_by_the_schema(sample, key, value, old, new, read):
    before = (sample / BOM_CRLF).read_bytes()
    result = run(["set", "蕭淑娟", key, value], sample)
    assert result.exit_code == 0, result.output
    after = (sample / BOM_CRLF).read_bytes()
    assert before.replace(old.encode(), new.encode(), 1) == after
    got = meta(sample)
    for part in key.split("."):
        got = next(i for i in got if i.get("name") == part) if isinstance(got, list) else got[part]
    assert got == read and type(got) is type(read)


def test_a_new_key_goes_at_the_end_of_its_block(sample):
    before = (sample / "clients/wang-wei.md").read_bytes()
    result = run(["set", "wang-wei", "policies.終身壽險.currency", "TWD"], sample)
    assert result.exit_code == 0, result.output
    only_changed(before, (sample / "clients/wang-wei.md").read_bytes(),
                 "    riders: [critical_illness]\n", "    riders: [critical_illness]\n    currency: TWD\n")


@pytest.mark.parametrize("key, value, words", [
    ("risk.profile", "7", "out of range"),
    ("risk.assessed", "2026-13-01", "is not a date"),
    ("tier", "Z", "not one of the tiers"),
    ("profile.income", "很多", "expected a number"),
    ("contact.prefer", "pigeon", "is not one of"),
    ("assets.沒有這筆.value", "1", "no item 沒有這筆"),
])
def test_an_invalid_value_is_refused_and_nothing_is_written_or_committed(sample, key, value, words):
    before = (sample / BOM_CRLF).read_bytes()
    n = commits(sample)
    result = run(["set", "xiao-shu-juan", key, value], sample)
    assert result.exit_code == 1
    assert words in result.stderr and "nothing was written" in result.stderr
    assert result.stderr.startswith("rmn: error: clients/xiao-shu-juan.md:")
    assert (sample / BOM_CRLF).read_bytes() == before
    assert commits(sample) == n


@pytest.mark.parametrize("key, known, after, by_hand, warning", [
    ("teir", "tier", "name: 蕭淑娟\n", "teir: 1\n", "unknown key 'teir': did you mean 'tier'?"),
    ("birthdy", "profile.birthday", "name: 蕭淑娟\n", "birthdy: 1\n",
     "unknown key 'birthdy': did you mean 'profile.birthday'?"),
    ("profile.birthdy", "profile.birthday", "profile:\n", "  birthdy: 1\n",
     "unknown key 'profile.birthdy': did you mean 'birthday'?"),
    ("assets.日本股票基金.vaule", "assets.日本股票基金.value", "  - name: 日本股票基金\n", "    vaule: 1\n",
     "unknown key 'assets[1].vaule': did you mean 'value'?"),
])
def test_a_key_that_nearly_spells_a_known_one_is_refused_naming_it(sample, key, known, after, by_hand, warning):
    """What rmn check would call a probable typo is not written: `rmn set 王偉 teir C` would
    put C where nothing reads it. The refusal names the key check names."""
    before = (sample / BOM_CRLF).read_bytes()
    n = commits(sample)
    result = run(["set", "xiao-shu-juan", key, "2026-01-01"], sample)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"rmn: error: unknown key '{key}': did you mean '{known}'? Nothing was written")
    assert "rmn edit xiao-shu-juan" in result.stderr
    assert (sample / BOM_CRLF).read_bytes() == before and commits(sample) == n
    # one rule with rmn check's: the same key written by hand is its warning
    text = before.decode("utf-8-sig").replace("\r\n", "\n")
    (sample / BOM_CRLF).write_text(text.replace(after, after + by_hand, 1), encoding="utf-8")
    assert f"warning: {warning}\n" in run(["check"], sample).stdout


def test_a_key_of_ones_own_is_written_and_a_typo_key_can_be_unset(sample):
    result = run(["set", "xiao-shu-juan", "hobby", "釣魚"], sample)
    assert result.exit_code == 0, result.output
    assert meta(sample)["hobby"] == "釣魚"
    path = sample / BOM_CRLF
    path.write_bytes(path.read_bytes().replace(b"hobby:", b"teir:"))
    git(sample, "commit", "-qam", "a key of her own, by hand")
    result = run(["set", "xiao-shu-juan", "teir", "海釣"], sample)  # the file has it: it is hers
    assert result.exit_code == 0, result.output
    assert meta(sample)["teir"] == "海釣"
    result = run(["set", "xiao-shu-juan", "--unset", "teir"], sample)
    assert result.exit_code == 0, result.output
    assert "teir" not in meta(sample) and "hobby" not in meta(sample)


def test_one_commit_per_set_and_the_same_value_commits_nothing(sample):
    n = commits(sample)
    for value in ("0912000111", "0912000222", "0912000222"):
        result = run(["set", "xiao-shu-juan", "profile.mobile", value], sample)
        assert result.exit_code == 0, result.output
    assert commits(sample) == n + 2
    assert "already so" in result.stderr
    assert git(sample, "show", "--stat", "--format=", "HEAD").count("|") == 1


def test_unset_of_a_key_the_file_lacks_says_so(sample):
    n = commits(sample)
    result = run(["set", "xiao-shu-juan", "--unset", "profile.nosuch"], sample)
    assert result.exit_code == 0, result.output
    assert "蕭淑娟 (xiao-shu-juan) has no profile.nosuch; nothing to change" in result.stderr
    assert commits(sample) == n


def test_unset_removes_the_key_and_its_line(sample):
    before = (sample / BOM_CRLF).read_bytes()
    n = commits(sample)
    result = run(["set", "xiao-shu-juan", "--unset", "profile.income"], sample)
    assert result.exit_code == 0, result.output
    only_changed(before, (sample / BOM_CRLF).read_bytes(), "  income: 1900000\r\n", "")
    assert commits(sample) == n + 1
    assert git(sample, "log", "-1", "--format=%s").strip() == "set: 蕭淑娟 (xiao-shu-juan) profile.income"
    result = run(["set", "xiao-shu-juan", "--unset", "profile.income"], sample)
    assert result.exit_code == 0 and commits(sample) == n + 1
    # the name is required: unsetting it is refused
    result = run(["set", "xiao-shu-juan", "--unset", "name"], sample)
    assert result.exit_code == 1 and "nothing was written" in result.stderr


def test_set_usage_errors(sample):
    assert run(["set", "xiao-shu-juan", "tier"], sample).exit_code == 2
    assert run(["set", "xiao-shu-juan", "--unset", "tier", "A"], sample).exit_code == 2


def test_tag_adds_and_removes(sample):
    before = (sample / BOM_CRLF).read_bytes()
    n = commits(sample)
    result = run(["tag", "xiao-shu-juan", "+golf", "-likes-new-funds"], sample)
    assert result.exit_code == 0, result.output
    only_changed(before, (sample / BOM_CRLF).read_bytes(),
                 "tags: [has-kids, likes-new-funds]", "tags: [has-kids, golf]")
    assert commits(sample) == n + 1
    assert git(sample, "log", "-1", "--format=%s").strip() == "tag: 蕭淑娟 (xiao-shu-juan) +golf -likes-new-funds"


def test_tag_no_op_and_partial(sample):
    n = commits(sample)
    result = run(["tag", "xiao-shu-juan", "+has-kids", "-nope"], sample)
    assert result.exit_code == 0, result.output
    assert commits(sample) == n
    assert "already tagged has-kids" in result.stderr and "not tagged nope" in result.stderr
    result = run(["tag", "xiao-shu-juan", "+has-kids", "wine"], sample)
    assert result.exit_code == 0 and commits(sample) == n + 1
    assert git(sample, "log", "-1", "--format=%s").strip() == "tag: 蕭淑娟 (xiao-shu-juan) +wine"
    assert meta(sample)["tags"] == ["has-kids", "likes-new-funds", "wine"]
    assert run(["tag", "xiao-shu-juan", "+"], sample).exit_code == 1


def test_a_tag_removed_whose_name_holds_an_h_is_not_taken_for_help(sample):
    n = commits(sample)
    result = run(["tag", "xiao-shu-juan", "-has-kids"], sample)
    assert result.exit_code == 0, result.output
    assert "Usage" not in result.output
    assert meta(sample)["tags"] == ["likes-new-funds"]
    assert commits(sample) == n + 1
    assert "Usage" in run(["tag", "--help"], sample).output


def test_tag_creates_the_list_and_empties_it(vault):
    from conftest import write_client

    write_client(vault, "wang-wei", """\
        ---
        name: 王偉
        tier: A
        ---
        """)
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "add")
    assert run(["tag", "wang-wei", "+golf"], vault).exit_code == 0
    assert (vault / "clients/wang-wei.md").read_text() == "---\nname: 王偉\ntier: A\ntags: [golf]\n---\n"
    assert run(["tag", "wang-wei", "-golf"], vault).exit_code == 0
    assert (vault / "clients/wang-wei.md").read_text() == "---\nname: 王偉\ntier: A\ntags: []\n---\n"


def test_typed_value_follows_the_schema():
    assert quickedit.typed_value(("profile", "mobile"), "0912000111") == "0912000111"
    assert quickedit.typed_value(("profile", "birthday"), "1975-06-12") == date(1975, 6, 12)
    assert quickedit.typed_value(("policies", Named("x"), "next_premium"), "2027-01-01") == date(2027, 1, 1)
    assert quickedit.typed_value(("policies", Named("x"), "sum_assured"), "1,000,000") == 1000000
    assert quickedit.typed_value(("assets", 0, "risk"), "4") == 4
    assert quickedit.typed_value(("assets", Named("x"), "value"), "320萬") == 3200000
    assert quickedit.typed_value(("assets", Named("x"), "value"), "1.5m") == 1500000
    assert quickedit.typed_value(("assets", Named("x"), "value"), "12.50") == Decimal("12.50")
    assert quickedit.typed_value(("assets", Named("x"), "value"), "很多") == "很多"
    assert quickedit.typed_value(("profile", "lunar_birthday"), "true") is True
    assert quickedit.typed_value(("profile", "lunar_birthday"), "十月十九") == "十月十九"
    assert quickedit.typed_value(("tags",), "golf, wine") == ["golf", "wine"]
    assert quickedit.typed_value(("tags",), "golf") == "golf"
    assert quickedit.typed_value(("contact", "prefer"), "line") == ["line"]
    assert quickedit.typed_value(("tier",), "1") == "1"
    # a key the schema does not know takes the kind of its current value
    assert quickedit.typed_value(("imported", "x"), "12") == "12"
    assert quickedit.typed_value(("imported", "x"), "12", current=5) == 12
    assert quickedit.typed_value(("imported", "x"), "2026-01-02", current=date(2020, 1, 1)) == date(2026, 1, 2)


def test_retag():
    r = quickedit.retag(["a", "b"], ["+c", "-a", "+b", "-z", "d"])
    assert r.tags == ["b", "c", "d"] and r.applied == ["+c", "-a", "+d"] and r.unchanged == ["+b", "-z"]


def test_a_tag_with_a_space_is_refused_before_anything_is_written(sample):
    """``list`` and ``show`` separate tags with spaces: "bad tag" would read as two."""
    before = (sample / "clients" / "wang-wei.md").read_bytes()
    result = run(["tag", "wang-wei", "+high net worth"], sample)
    assert result.exit_code == 1
    assert result.stderr == ("rmn: error: 'high net worth' holds a space, and would read as two tags; join the "
                             "words, e.g. 'high-net-worth'\n")
    assert (sample / "clients" / "wang-wei.md").read_bytes() == before
