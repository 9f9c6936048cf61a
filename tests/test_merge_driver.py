"""The merge driver for client files, through real `git merge` and `git pull` of real clones.

Two clones of one vault through a bare repository (by path): each logs a call to the same
client, each adds a follow-up, one ticks an old follow-up, one changes the mobile and the
other the tier. Merged either way round, both clones end with the same bytes, every entry
once, the tick and both front-matter changes kept, no conflict markers, `rmn check` clean.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import git, run, write_client
from rmnotes import gitops
from rmnotes.app import App, driver_registered_message
from rmnotes.domain.merge import entry_texts, merge_client
from rmnotes.parse import parse_client

WANG = """\
    ---
    name: 王偉
    tier: A                 # contact cadence class
    status: active
    profile:
      mobile: "+886 912 345 678"
      email: wang.wei@example.com
    assets:
      - {name: 台幣定存, type: deposit, institution: ours, value: 3000000}
    ---

    Prefers LINE. 太太也是客戶.

    ## Follow-ups
    - [ ] 2026-11-10 確認基金轉換
    - [x] 2026-10-01 寄送對帳單

    ## Log
    - 2026-11-05 M 季度資產回顧，太太也在場
      with: [林淑芬]
    - 2026-11-20 14:30 T 基金到期續作
"""
CLIENT = "clients/wang-wei.md"


def sh(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def branch(repo: Path) -> str:
    return git(repo, "symbolic-ref", "--short", "HEAD").strip()


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def replace(repo: Path, old: str, new: str) -> None:
    path = repo / CLIENT
    data = path.read_bytes()
    assert old.encode() in data
    path.write_bytes(data.replace(old.encode(), new.encode(), 1))


def clone(bare: Path, where: Path) -> Path:
    git(bare.parent, "clone", "-q", str(bare), str(where))
    result = run(["init", str(where)])  # the driver's config does not travel with a clone
    assert result.exit_code == 0, result.output
    assert "registered the merge driver" in result.stderr
    return where


@pytest.fixture(autouse=True)
def _private_umask():
    """git writes merged files with the process's umask; rmn's files are owner-only."""
    old = os.umask(0o077)
    yield
    os.umask(old)


@pytest.fixture
def origin(vault, tmp_path) -> Path:
    """The vault with 王偉 committed, as a bare repository (a server reached by path)."""
    write_client(vault, "wang-wei", WANG)
    commit_all(vault, "wang-wei")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(vault), str(bare))
    return bare


def desk_changes(repo: Path) -> None:
    """The office desktop: a call, a follow-up, the old follow-up ticked, a new mobile."""
    for args in (["log", "wang-wei", "T", "--date", "2026-12-03", "電話：確認保單", "--next", "2026-12-10 寄送保單副本"],
                 ["done", "wang-wei", "確認基金轉換"]):
        result = run(args, vault=repo)
        assert result.exit_code == 0, result.output
    replace(repo, '"+886 912 345 678"', '"+886 922 000 111"')
    commit_all(repo, "new mobile")


def laptop_changes(repo: Path) -> None:
    """The laptop at the client's home: a meeting, another follow-up, the tier raised."""
    result = run(["log", "wang-wei", "M", "--date", "2026-12-03", "家訪，討論子女教育金",
                  "--with", "林淑芬", "--next", "2026-12-15 準備教育金提案"], vault=repo)
    assert result.exit_code == 0, result.output
    replace(repo, "tier: A ", "tier: B ")
    commit_all(repo, "tier B")


def sync(repo: Path, how: str) -> None:
    """What a user would type: pull (merge or rebase), then push."""
    pulled = sh(repo, "pull", "-q", how, "--no-edit", "origin", branch(repo))
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    pushed = sh(repo, "push", "-q", "origin", branch(repo))
    assert pushed.returncode == 0, pushed.stderr


def two_devices(origin: Path, tmp_path: Path, name: str, first: str, how: str) -> tuple[bytes, bytes]:
    """Both clones change the client; ``first`` syncs first, then the other, then the first
    again. Returns the two clones' files."""
    bare = tmp_path / f"{name}.git"
    git(tmp_path, "clone", "-q", "--bare", str(origin), str(bare))
    desk = clone(bare, tmp_path / f"{name}-desk")
    laptop = clone(bare, tmp_path / f"{name}-laptop")
    desk_changes(desk)
    laptop_changes(laptop)
    order = [desk, laptop] if first == "desk" else [laptop, desk]
    for repo in (*order, order[0]):
        sync(repo, how)
    for repo in order:
        assert gitops.status(repo).unmerged == ()
        check = run(["check"], vault=repo)
        assert check.exit_code == 0 and check.output == "", check.output
        verified = run(["verify"], vault=repo)
        assert verified.exit_code == 0 and "every log entry kept" in verified.stdout, verified.output
    return (desk / CLIENT).read_bytes(), (laptop / CLIENT).read_bytes()


@pytest.mark.parametrize("how", ["--no-rebase", "--rebase"])
def test_two_devices_merge_by_meaning_in_either_order(origin, tmp_path, how):
    desk_first = two_devices(origin, tmp_path, "one", "desk", how)
    laptop_first = two_devices(origin, tmp_path, "two", "laptop", how)
    assert desk_first[0] == desk_first[1]
    assert laptop_first[0] == laptop_first[1]
    assert desk_first[0] == laptop_first[0]  # the same bytes whichever clone synced first

    data = desk_first[0]
    text = data.decode("utf-8")
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    parsed = parse_client(text, CLIENT)
    client = parsed.client
    assert client is not None and not parsed.errors
    assert client.tier == "B" and client.meta["profile"]["mobile"] == "+886 922 000 111"
    assert "tier: B                 # contact cadence class" in text  # comment and spacing kept
    assert [(e.date.isoformat(), e.channel, e.text) for e in client.entries] == [
        ("2026-11-05", "M", "季度資產回顧，太太也在場"),
        ("2026-11-20", "T", "基金到期續作"),
        # the same day on both sides: ordered by their text, whichever side merged
        ("2026-12-03", "M", "家訪，討論子女教育金"),
        ("2026-12-03", "T", "電話：確認保單"),
    ]
    assert client.entries[2].attrs == {"with": ["林淑芬"]}
    entries = Counter(entry_texts(data))
    assert set(entries.values()) == {1}
    assert {(f.date.isoformat(), f.text, f.done) for f in client.followups} == {
        ("2026-11-10", "確認基金轉換", True),
        ("2026-10-01", "寄送對帳單", True),
        ("2026-12-10", "寄送保單副本", False),
        ("2026-12-15", "準備教育金提案", False),
    }
    assert "Prefers LINE. 太太也是客戶." in text


def conflicting(origin: Path, tmp_path: Path) -> tuple[Path, subprocess.CompletedProcess]:
    """Two clones set the tier to two values (and each logs a call); the second merges."""
    one = clone(origin, tmp_path / "one")
    two = clone(origin, tmp_path / "two")
    for repo, tier, text in ((one, "B", "一號電話"), (two, "C", "二號電話")):
        replace(repo, "tier: A ", f"tier: {tier} ")
        commit_all(repo, f"tier {tier}")
        assert run(["log", "wang-wei", "T", "--date", "2026-12-01", text], vault=repo).exit_code == 0
    assert sh(one, "push", "-q", "origin", branch(one)).returncode == 0
    return two, sh(two, "pull", "--no-rebase", "--no-edit", "origin", branch(two))


def test_the_same_key_changed_on_both_sides_is_a_conflict_on_that_line_only(origin, tmp_path):
    two, pulled = conflicting(origin, tmp_path)
    assert pulled.returncode == 1
    assert f"CONFLICT (content): Merge conflict in {CLIENT}" in pulled.stdout
    assert f'{CLIENT}:3: tier: ours "C" theirs "B"' in pulled.stderr
    assert gitops.status(two).unmerged == (CLIENT,)
    lines = (two / CLIENT).read_text(encoding="utf-8").splitlines()
    assert lines[1:7] == ["name: 王偉", "<<<<<<< ours", "tier: C                 # contact cadence class",
                          "=======", "tier: B                 # contact cadence class", ">>>>>>> theirs"]
    assert sum(line.startswith(("<<<<<<<", "=======", ">>>>>>>")) for line in lines) == 3
    # everything else merged: both calls are there, once
    assert lines.count("- 2026-12-01 T 一號電話") == 1 and lines.count("- 2026-12-01 T 二號電話") == 1
    check = run(["check"], vault=two)
    assert check.exit_code == 1
    assert f"{CLIENT}:3: git conflict marker '<<<<<<<'" in check.output
    assert f"{CLIENT}:7: git conflict marker '>>>>>>>'" in check.output
    # the next step works: keep one side, and git concludes the merge
    text = (two / CLIENT).read_text(encoding="utf-8")
    (two / CLIENT).write_text(text.replace("<<<<<<< ours\ntier: C                 # contact cadence class\n"
                                           "=======\n", "").replace(">>>>>>> theirs\n", ""), encoding="utf-8")
    git(two, "add", CLIENT)
    git(two, "commit", "-q", "--no-edit")
    assert run(["check"], vault=two).output == ""


def test_bom_and_crlf_are_kept(vault, tmp_path):
    data = b"\xef\xbb\xbf" + write_client(vault, "wang-wei", WANG).read_bytes().replace(b"\n", b"\r\n")
    (vault / CLIENT).write_bytes(data)
    commit_all(vault, "wang-wei, saved by Notepad")
    git(vault, "checkout", "-q", "-b", "laptop")
    assert run(["log", "wang-wei", "T", "--date", "2026-12-02", "筆電"], vault=vault).exit_code == 0
    replace(vault, "tier: A ", "tier: B ")
    commit_all(vault, "tier")
    git(vault, "checkout", "-q", "-")
    assert run(["log", "wang-wei", "E", "--date", "2026-12-01", "桌機", "--next", "2026-12-09 回信"],
               vault=vault).exit_code == 0
    replace(vault, "status: active", "status: prospect")
    commit_all(vault, "status")
    merged = sh(vault, "merge", "--no-edit", "laptop")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    data = (vault / CLIENT).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n") > 20
    text = data.decode("utf-8-sig")
    assert "tier: B " in text and "status: prospect" in text
    assert text.endswith("- 2026-12-01 E 桌機\r\n- 2026-12-02 T 筆電\r\n")
    assert "- [ ] 2026-12-09 回信\r\n" in text
    assert run(["check"], vault=vault).output == ""


def test_merge_file_runs_outside_a_vault(tmp_path, monkeypatch):
    """As git runs it: three temporary files, the result written into OURS, exit 0."""
    monkeypatch.chdir(tmp_path)
    base = b"---\nname: A\n---\n\n## Log\n- 2026-11-01 T one\n"
    files = {}
    for name, data in (("o", base), ("a", base + b"- 2026-11-03 T ours\n"), ("b", base + b"- 2026-11-02 T theirs\n")):
        files[name] = tmp_path / f".merge_file_{name}"
        files[name].write_bytes(data)
    result = run(["merge-file", str(files["o"]), str(files["a"]), str(files["b"]), "clients/a.md"])
    assert result.exit_code == 0, result.output
    assert files["a"].read_bytes() == base + b"- 2026-11-02 T theirs\n- 2026-11-03 T ours\n"
    missing = run(["merge-file", str(tmp_path / "gone"), str(files["a"]), str(files["b"])])
    assert missing.exit_code == 1 and "gone: cannot read it" in missing.stderr


def test_gits_own_form_runs_without_the_command_line_and_says_errors_in_the_vaults_language(vault, tmp_path):
    """``python -m rmnotes merge-file %O %A %B %P``, as git runs it: the merge, its conflicts
    and its errors, without click or the settings loaded (the driver runs once per file)."""

    base = b"---\nname: A\ntier: B\n---\n\n## Log\n- 2026-11-01 T one\n"
    files = {}
    for name, data in (("o", base), ("a", base.replace(b"tier: B", b"tier: A") + b"- 2026-11-03 T ours\n"),
                       ("b", base.replace(b"tier: B", b"tier: C") + b"- 2026-11-02 T theirs\n")):
        files[name] = vault / f".merge_file_{name}"
        files[name].write_bytes(data)
    driver = [sys.executable, "-X", "importtime", "-m", "rmnotes", "merge-file"]
    done = subprocess.run([*driver, *(str(files[n]) for n in "oab"), "clients/a.md"], cwd=vault,
                          capture_output=True, text=True)
    assert done.returncode == 1
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "rmnotes.domain.merge" in imported and not {"click", "rmnotes.cli", "rmnotes.app"} & imported
    said = [line for line in done.stderr.splitlines() if not line.startswith("import time:")]
    assert said == ['clients/a.md:3: tier: ours "A" theirs "C"']
    merged = files["a"].read_bytes()
    assert b"<<<<<<<" in merged and b"- 2026-11-02 T theirs\n- 2026-11-03 T ours\n" in merged
    missing = subprocess.run([*driver[:1], "-m", "rmnotes", "merge-file", str(tmp_path / "gone"),
                              str(files["a"]), str(files["b"]), "clients/a.md"], cwd=vault, capture_output=True, text=True)
    assert missing.returncode == 1
    assert missing.stderr.startswith("rmn: error: ") and "gone: cannot read it" in missing.stderr
    settings = vault / "rmnotes.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: zh_TW\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "RMNOTES_VAULT"}  # the vault git runs it in
    missing = subprocess.run(missing.args, cwd=vault / "clients", capture_output=True, text=True, env=env)
    assert missing.returncode == 1
    assert missing.stderr.startswith("rmn：錯誤：") and "gone：" in missing.stderr, missing.stderr


def test_notes_merge_as_text_and_a_clash_is_marked_there_only():
    base = b"---\nname: A\n---\n\nline one\nline two\nline three\n\n## Log\n- 2026-11-01 T one\n"
    ours = base.replace(b"line one", b"line ONE").replace(b"line three", b"line 3 ours") + b"- 2026-11-02 T o\n"
    theirs = base.replace(b"line three", b"line 3 theirs") + b"- 2026-11-03 T t\n"
    merged = merge_client(base, ours, theirs, gitops.merge_text)
    assert [c.key for c in merged.conflicts] == ["notes"]
    text = merged.data.decode()
    assert "line ONE\nline two\n<<<<<<< ours\nline 3 ours\n=======\nline 3 theirs\n>>>>>>> theirs\n" in text
    assert text.endswith("- 2026-11-01 T one\n- 2026-11-02 T o\n- 2026-11-03 T t\n")
    assert merged.conflicts[0].line == text.splitlines().index("<<<<<<< ours") + 1
    # changes apart from each other merge as git merges them
    notes = b"---\nname: A\n---\n\n1\n2\n3\n4\n5\n\n## Log\n- 2026-11-01 T one\n"
    clean = merge_client(notes, notes.replace(b"1\n", b"one\n") + b"- 2026-11-02 T o\n",
                         notes.replace(b"5\n", b"five\n", 1), gitops.merge_text)
    assert clean.clean and b"one\n2\n3\n4\nfive\n\n## Log\n- 2026-11-01 T one\n- 2026-11-02 T o\n" in clean.data


def test_ensure_merge_driver_registers_only_what_is_missing(vault):
    app = App(vault_option=str(vault))
    assert app.ensure_merge_driver() == []  # rmn init did both
    git(vault, "config", "--unset", "merge.rmnotes.driver")
    (vault / ".gitattributes").write_text("* -text\n", encoding="utf-8")
    commit_all(vault, "an older vault's attributes")
    done = app.ensure_merge_driver()
    assert done == [driver_registered_message(), f"added '{gitops.MERGE_ATTRIBUTE}' to .gitattributes"]
    assert git(vault, "config", "merge.rmnotes.driver").strip() == gitops.merge_driver_command()
    assert (vault / ".gitattributes").read_text(encoding="utf-8").endswith(gitops.MERGE_ATTRIBUTE + "\n")
    assert git(vault, "status", "--porcelain") == ""  # committed
    assert git(vault, "check-attr", "merge", CLIENT).strip() == f"{CLIENT}: merge: rmnotes"
    assert app.ensure_merge_driver() == []


# ---------------------------------------------------------------------- a property
HEAD = "---\nname: 王偉\n---\n\n## Follow-ups\n- [ ] 2026-12-01 寄送保險提案\n\n## Log\n"

entry = st.builds(
    lambda day, time, ch, text, extra: (f"- 2026-11-{day:02d}{' ' + time if time else ''} {ch} {text}\n"
                                        + (f"  {extra}\n" if extra else "")),
    st.integers(1, 4), st.sampled_from([None, "09:00", "14:30"]), st.sampled_from("TEMSN"),
    st.text(alphabet="甲乙丙ab ", min_size=1, max_size=4).map(str.strip).filter(bool),
    st.sampled_from([None, "with: [林淑芬]", "續："]),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(entry, max_size=4), st.lists(entry, max_size=5), st.lists(entry, max_size=5))
def test_random_entries_appended_on_two_sides_merge_to_exactly_their_union(old, mine, other):
    base = (HEAD + "".join(old)).encode()
    ours = (HEAD + "".join(old + mine)).encode()
    theirs = (HEAD + "".join(old + other)).encode()
    one = merge_client(base, ours, theirs, gitops.merge_text)
    two = merge_client(base, theirs, ours, gitops.merge_text)
    assert one.clean and two.clean
    assert one.data == two.data  # the same whichever side is ours
    got = entry_texts(one.data)
    new_mine, new_other = Counter(e.rstrip("\n") for e in mine), Counter(e.rstrip("\n") for e in other)
    assert Counter(got) == Counter(e.rstrip("\n") for e in old) + (new_mine | new_other)
    assert got[:len(old)] == [e.rstrip("\n") for e in old]  # the base's entries stay first, in place
    if mine and other and mine != other:
        added = parse_client(one.data.decode(), CLIENT).client.entries[len(old):]
        assert [e.sort_key for e in added] == sorted(e.sort_key for e in added)


def test_follow_ups_created_on_both_sides_a_deletion_and_a_late_entry():
    base = b"---\nname: A\n---\n\nNotes.\n\n## Log\n### 2026\n- 2026-11-01 T one\n"
    ours = base.replace(b"## Log", b"## Follow-ups\n- [ ] 2026-12-01 ours\n\n## Log") + b"- 2026-11-03 T o\n"
    theirs = (base.replace(b"## Log", b"## Follow-ups\n- [ ] 2026-12-02 theirs\n\n## Log")
              + b"- 2026-11-04 T t\n- 2026-10-30 N late, logged after\n")
    one, two = (merge_client(base, ours, theirs, gitops.merge_text), merge_client(base, theirs, ours, gitops.merge_text))
    assert one.clean and one.data == two.data
    assert one.data == (b"---\nname: A\n---\n\nNotes.\n\n## Follow-ups\n- [ ] 2026-12-01 ours\n- [ ] 2026-12-02 theirs\n\n"
                        b"## Log\n### 2026\n- 2026-11-01 T one\n- 2026-10-30 N late, logged after\n"
                        b"- 2026-11-03 T o\n- 2026-11-04 T t\n")
    # a follow-up deleted on one side while the other ticked another: deleted, and ticked
    fu = b"---\nname: A\n---\n\n## Follow-ups\n- [ ] 2026-12-01 a\n- [ ] 2026-12-02 b\n\n## Log\n- 2026-11-01 T one\n"
    gone = fu.replace(b"- [ ] 2026-12-01 a\n", b"") + b"- 2026-11-02 T x\n"
    ticked = fu.replace(b"[ ] 2026-12-02 b", b"[x] 2026-12-02 b") + b"- 2026-11-03 T y\n"
    merged = merge_client(fu, gone, ticked, gitops.merge_text)
    assert merged.clean
    assert b"## Follow-ups\n- [x] 2026-12-02 b\n\n## Log\n" in merged.data
    # a follow-up given a new date on one side and ticked on the other: done, once (in either order)
    later = fu.replace(b"- [ ] 2026-12-01 a", b"- [ ] 2026-12-09 a")
    done = fu.replace(b"- [ ] 2026-12-01 a", b"- [x] 2026-12-01 a")
    for one, two in ((later, done), (done, later)):
        merged = merge_client(fu, one, two, gitops.merge_text)
        assert merged.clean
        assert b"## Follow-ups\n- [x] 2026-12-01 a\n- [ ] 2026-12-02 b\n\n## Log\n" in merged.data
    # ... and where the side that ticked it also promised it anew for that later date, that
    # open follow-up stays (once)
    anew = fu.replace(b"- [ ] 2026-12-01 a\n", b"- [x] 2026-12-01 a\n- [ ] 2026-12-09 a\n")
    for one, two in ((later, anew), (anew, later)):
        merged = merge_client(fu, one, two, gitops.merge_text)
        assert merged.clean
        assert merged.data.count(b"- [ ] 2026-12-09 a\n") == 1 and b"- [x] 2026-12-01 a\n" in merged.data


def test_no_final_line_break_and_a_file_that_cannot_be_cut_into_parts():
    base = b"---\nname: A\n---\n\n## Log\n- 2026-11-01 T one"
    merged = merge_client(base, base + b"\n- 2026-11-02 T o", base + b"\n- 2026-11-03 T t", gitops.merge_text)
    assert merged.clean and merged.data == base + b"\n- 2026-11-02 T o\n- 2026-11-03 T t"
    twice = b"---\nname: A\n---\n\n## Log\n- 2026-11-01 T one\n\n## Log\n- 2026-11-02 T two\n"
    text = merge_client(twice, twice.replace(b"one", b"ONE"), twice.replace(b"two", b"TWO"), gitops.merge_text)
    assert text.clean and b"ONE" in text.data and b"TWO" in text.data  # git's line merge
    clash = merge_client(twice, twice.replace(b"one", b"1"), twice.replace(b"one", b"I"), gitops.merge_text)
    assert [c.key for c in clash.conflicts] == ["file"] and b"<<<<<<< ours\n- 2026-11-01 T 1\n" in clash.data


KEYS = [f"k{n}" for n in range(8)]


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), st.sampled_from(["x", "y", "0912", "2026-01-02", "no"]), max_size=5),
       st.dictionaries(st.sampled_from(KEYS), st.sampled_from(["x", "z", "1.50", "true"]), max_size=5))
def test_keys_changed_on_two_sides_merge_to_both_changes_in_either_order(mine, other):
    """Each side sets some keys (a key set on both sides to two values is a conflict)."""
    def front(values: dict) -> bytes:
        return ("---\nname: A\n" + "".join(f"{k}: {values.get(k, 'v')}\n" for k in KEYS)
                + "---\n\n## Log\n- 2026-11-01 T one\n").encode()

    base = front({})
    one = merge_client(base, front(mine), front(other), gitops.merge_text)
    two = merge_client(base, front(other), front(mine), gitops.merge_text)
    clash = sorted(k for k in mine.keys() & other.keys() if mine[k] != other[k] and mine[k] != "v" != other[k])
    assert sorted(c.key for c in one.conflicts) == clash
    if not clash:
        assert one.data == two.data
        want = {k: other.get(k, "v") if mine.get(k, "v") == "v" else mine[k] for k in KEYS}
        assert one.data == front(want)


def test_a_section_heading_changed_on_both_sides_and_a_text_merge_that_loses_a_section():
    base = b"---\nname: A\n---\n\nNotes.\n\n## Log\n- 2026-11-01 T one\n"
    ours = base.replace(b"## Log", b"## log") + b"- 2026-11-02 T o\n"
    theirs = base.replace(b"## Log", b"## LOG") + b"- 2026-11-03 T t\n"
    merged = merge_client(base, ours, theirs, gitops.merge_text)
    assert [c.key for c in merged.conflicts] == ["notes"]  # the heading line, marked; the log merged
    assert merged.data.endswith(b"<<<<<<< ours\n## log\n=======\n## LOG\n>>>>>>> theirs\n"
                                b"- 2026-11-01 T one\n- 2026-11-02 T o\n- 2026-11-03 T t\n")

    def doubling(b: bytes, o: bytes, t: bytes) -> tuple[bytes, bool]:
        """A text merge that puts a section's place in twice (as a clash around it could)."""
        if b"\x1e" not in o:
            return gitops.merge_text(b, o, t)
        return b"<<<<<<< ours\n" + o + b"=======\n" + o + b">>>>>>> theirs\n", False

    notes = ours.replace(b"Notes.", b"Ours.")
    merged = merge_client(base, notes, theirs.replace(b"Notes.", b"Theirs."), doubling)
    assert [c.key for c in merged.conflicts] == ["notes"]
    for entry in (b"- 2026-11-01 T one\n", b"- 2026-11-02 T o\n", b"- 2026-11-03 T t\n"):
        assert merged.data.count(entry) == 1  # the log's place kept once: nothing lost, nothing doubled
