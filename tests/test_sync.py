"""rmn sync and rmn remote add: two devices, one book, through real remotes.

Every remote is real: a bare repository served by a ``git daemon`` on 127.0.0.1 that this
module starts on a free port and stops, and in the tests of sending and naming a remote
also the same repository reached by its path.
Each device is a real clone; the merges run git's own ``merge`` with rmnotes' merge driver.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import copy_vault, git, read_client, run, write_client

WANG = """\
    ---
    name: 王偉
    tier: A
    profile:
      mobile: "0912345678"
      birthday: 1975-06-12
    ---
    Likes golf.

    ## Follow-ups
    - [ ] 2026-11-01 寄送保險提案
    - [ ] 2026-12-01 確認基金轉換

    ## Log
    - 2026-10-05 M 季度資產回顧
    - 2026-11-02 T 問候
"""
CHEN = """\
    ---
    name: 陳美玲
    ---
    ## Log
    - 2026-11-06 T 問候
"""


# ---------------------------------------------------------------------- remotes
@pytest.fixture
def hub(tmp_path) -> Path:
    """An empty bare repository: the private remote, reached by its path."""
    path = tmp_path / "served" / "book.git"
    path.mkdir(parents=True)
    git(path, "init", "-q", "--bare")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def git_daemon(tmp_path_factory):
    """One ``git daemon`` on 127.0.0.1 (a free port), pushes allowed, serving every
    repository under this test process's temporary folder; its address. Started for this
    module's tests and stopped when they end (each start costs about a quarter second)."""
    base = tmp_path_factory.getbasetemp()
    log = base / "git-daemon.log"
    for _attempt in range(5):
        port = _free_port()
        with log.open("wb") as errors:
            proc = subprocess.Popen(
                ["git", "daemon", "--export-all", "--enable=receive-pack", "--reuseaddr",
                 f"--base-path={base}", "--listen=127.0.0.1", f"--port={port}", "--informative-errors", str(base)],
                stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True,
                env={**os.environ, "HOME": str(base), "GIT_CONFIG_NOSYSTEM": "1"})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        if proc.poll() is None:
            break
        proc.wait()  # the port was taken meanwhile: another one
    else:  # pragma: no cover - no free port five times over
        pytest.fail("git daemon did not start: " + log.read_text(errors="replace"))
    try:
        yield f"git://127.0.0.1:{port}", base
    finally:
        os.killpg(proc.pid, 15)  # the daemon and the children serving a connection
        proc.wait(timeout=10)


@pytest.fixture
def daemon(git_daemon, hub) -> str:
    """``hub``'s URL through the git daemon."""
    address, base = git_daemon
    return f"{address}/{hub.relative_to(base).as_posix()}"


@pytest.fixture
def url(request, hub) -> str:
    """The remote's URL: the same repository served by git daemon, or its path in a test
    marked :data:`BOTH_REMOTES`."""
    if getattr(request, "param", "daemon") == "path":
        return str(hub)
    return request.getfixturevalue("daemon")


# What the remote is reached by matters to sending, fetching and naming it, so those tests
# run over both; a merge happens on the device after the fetch, the same over either, so
# the merge tests run over the daemon only (over both they took ~7 s more of the suite).
BOTH_REMOTES = pytest.mark.parametrize("url", ["path", "daemon"], indirect=True)


# ---------------------------------------------------------------------- devices
def sync(device: Path, *args: str):
    return run(["sync", *args], vault=device)


def ok(result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def ok_err(result) -> str:
    """stderr of a run that succeeded."""
    ok(result)
    return result.stderr


def clone(url: str, to: Path) -> Path:
    subprocess.run(["git", "clone", "-q", url, str(to)], check=True, capture_output=True)
    return to


_DEVICES: dict[str, Path] = {}  # "made": the office, the laptop and their remote, once per process


@pytest.fixture
def devices(vault, hub, url, tmp_path) -> tuple[Path, Path]:
    """The office desktop (the vault, first sent to the remote) and a laptop (a clone of
    the remote, set up by its first sync). Made so once per test process; later tests get
    a copy of all three, each device pointed at this test's remote."""
    laptop = tmp_path / "laptop"
    made = _DEVICES.get("made")
    if made is None:
        write_client(vault, "wang-wei", WANG)
        write_client(vault, "chen-mei-ling", CHEN)
        ok(run(["remote", "add", url], vault=vault))
        ok(sync(vault))  # commits the two hand-written files and pushes them
        clone(url, laptop)
        ok(sync(laptop))
        made = Path(tempfile.mkdtemp(prefix="rmnotes-devices-"))
        atexit.register(shutil.rmtree, made, ignore_errors=True)
        for name, path in (("office", vault), ("laptop", laptop), ("hub", hub)):
            copy_vault(path, made / name)
        _DEVICES["made"] = made
        return vault, laptop
    for name, path in (("office", vault), ("laptop", laptop), ("hub", hub)):
        shutil.rmtree(path, ignore_errors=True)
        copy_vault(made / name, path)
    for device in (vault, laptop):
        git(device, "remote", "set-url", "origin", url)
    return vault, laptop


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def entries(path: Path) -> list[str]:
    return [ln for ln in path.read_text(encoding="utf-8").split("## Log\n", 1)[1].splitlines() if ln.startswith("- ")]


SUMMARY = re.compile(r"^sync: (\d+) (?:entry|entries) in, (\d+) out, (\d+) conflicts?$")


def summary(result) -> tuple[int, int, int]:
    m = SUMMARY.match(ok(result).strip())
    assert m, result.stdout
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


# ---------------------------------------------------------------------- no remote by default
def test_no_remote_is_ever_added_by_default(vault):
    assert git(vault, "remote").strip() == ""
    write_client(vault, "wang-wei", WANG)
    result = sync(vault)
    assert result.exit_code == 1
    assert "no remote" in result.stderr and "rmn remote add URL" in result.stderr
    assert git(vault, "remote").strip() == ""


def test_remote_add_takes_a_folder_relative_to_here_and_refuses_a_second_origin(vault, hub, monkeypatch):
    monkeypatch.chdir(hub.parent)
    ok(run(["remote", "add", hub.name], vault=vault))
    assert git(vault, "remote", "get-url", "origin").strip() == str(hub)
    again = run(["remote", "add", "ssh://example.invalid/book.git"], vault=vault)
    assert again.exit_code == 1 and "already has a remote named 'origin'" in again.stderr
    ok(run(["remote", "add", "ssh://example.invalid/book.git", "--name", "office"], vault=vault))
    assert git(vault, "remote").split() == ["office", "origin"]
    several = sync(vault)  # two remotes, and the branch follows neither yet
    assert several.exit_code == 1 and "rmn sync office" in several.stderr


@BOTH_REMOTES
def test_remote_remove_forgets_the_address_and_nothing_else(vault, hub, url):
    write_client(vault, "wang-wei", WANG)
    ok(run(["remote", "add", url], vault=vault))
    ok(sync(vault))
    sent = git(hub, "for-each-ref", "--format=%(refname) %(objectname)")
    typo = run(["remote", "remove", "orign"], vault=vault)
    assert typo.exit_code == 1 and "no remote named 'orign' (its remotes: origin)" in typo.stderr
    removed = run(["remote", "remove", "origin"], vault=vault)
    assert removed.exit_code == 0 and f"removed remote 'origin' ({url})" in removed.stderr
    assert git(vault, "remote").strip() == "" and run(["remote", "list"], vault=vault).stdout == ""
    assert "origin" not in git(vault, "config", "--list")  # the branch no longer follows it either
    assert git(hub, "for-each-ref", "--format=%(refname) %(objectname)") == sent != ""  # nothing deleted there
    assert (vault / "clients" / "wang-wei.md").exists()
    again = run(["remote", "add", url], vault=vault)  # the way to change an address
    assert again.exit_code == 0
    assert "rmn remote remove origin" in run(["remote", "add", "/elsewhere"], vault=vault).stderr


# ---------------------------------------------------------------------- the simple ways
@BOTH_REMOTES
def test_first_sync_sends_the_book_then_nothing_to_do(vault, url):
    write_client(vault, "wang-wei", WANG)
    ok(run(["remote", "add", url], vault=vault))
    assert summary(sync(vault)) == (0, 2, 0)  # the two entries of the hand-written file went out
    assert git(vault, "log", "-1", "--format=%s").startswith("hand edits: clients/wang-wei.md")
    assert summary(sync(vault)) == (0, 0, 0)
    assert git(vault, "rev-parse", "HEAD") == git(vault, "rev-parse", "origin/" + git(vault, "branch", "--show-current").strip())


@BOTH_REMOTES
def test_one_side_only_fast_forwards_and_counts(devices):
    office, laptop = devices
    ok(run(["log", "wang-wei", "T", "約下週見面", "--date", "2026-11-20"], vault=laptop))
    ok(run(["log", "wang-wei", "E", "寄出提案", "--date", "2026-11-21"], vault=laptop))
    assert summary(sync(laptop)) == (0, 2, 0)
    before = git(office, "rev-list", "--count", "HEAD")
    assert summary(sync(office)) == (2, 0, 0)
    assert int(git(office, "rev-list", "--count", "HEAD")) == int(before) + 2  # no merge commit
    assert (office / "clients/wang-wei.md").read_bytes() == (laptop / "clients/wang-wei.md").read_bytes()


@BOTH_REMOTES
def test_a_remote_made_anew_empty_gets_the_whole_book_again(devices, hub):
    """The remote lost (a new disk, a repository made again at the same address): the sync
    sends the book, as the first one did, never taking the remote for up to date."""
    office, _laptop = devices
    shutil.rmtree(hub)
    hub.mkdir()
    git(hub, "init", "-q", "--bare")
    came, went, conflicts = summary(sync(office))
    assert (came, conflicts) == (0, 0) and went > 0
    assert git(hub, "for-each-ref", "--format=%(objectname)").split() == [git(office, "rev-parse", "HEAD").strip()]


@BOTH_REMOTES
def test_hand_edits_are_committed_before_the_sync(devices):
    office, laptop = devices
    edit(laptop / "clients/chen-mei-ling.md", "name: 陳美玲\n", "name: 陳美玲\ntier: A\n")
    summary(sync(laptop))
    assert git(laptop, "status", "--porcelain").strip() == ""
    assert "hand edits: clients/chen-mei-ling.md" in git(laptop, "log", "-2", "--format=%s")
    summary(sync(office))
    assert "tier: A" in (office / "clients/chen-mei-ling.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------- two devices, one client
def _diverge(office: Path, laptop: Path) -> None:
    """The Must-show edits: both log a call to 王偉 and add a different follow-up, the office
    ticks an old follow-up and changes the mobile, the laptop changes the tier."""
    ok(run(["log", "wang-wei", "T", "辦公室來電，談基金", "--date", "2026-11-20", "--time", "09:30",
            "--next", "2026-12-05 寄基金說明書"], vault=office))
    ok(run(["done", "wang-wei", "保險"], vault=office))
    edit(office / "clients/wang-wei.md", 'mobile: "0912345678"', 'mobile: "0922000111"')
    ok(run(["log", "wang-wei", "M", "到府拜訪，太太也在", "--date", "2026-11-20", "--time", "19:00",
            "--next", "2026-12-08 約體檢"], vault=laptop))
    edit(laptop / "clients/wang-wei.md", "tier: A", "tier: B")


@pytest.mark.parametrize("first", ["office", "laptop"])
def test_two_devices_merge_by_meaning(devices, first):
    office, laptop = devices
    _diverge(office, laptop)
    one, two = (office, laptop) if first == "office" else (laptop, office)
    assert summary(sync(one)) == (0, 1, 0)
    assert summary(sync(two)) == (1, 1, 0)  # the merge: one entry in, one out
    assert summary(sync(one)) == (1, 0, 0)
    assert summary(sync(two)) == (0, 0, 0)

    wang = "clients/wang-wei.md"
    assert (office / wang).read_bytes() == (laptop / wang).read_bytes()
    text = (office / wang).read_text(encoding="utf-8")
    assert entries(office / wang) == [
        "- 2026-10-05 M 季度資產回顧",
        "- 2026-11-02 T 問候",
        "- 2026-11-20 09:30 T 辦公室來電，談基金",
        "- 2026-11-20 19:00 M 到府拜訪，太太也在",
    ]
    assert "- [x] 2026-11-01 寄送保險提案" in text
    assert "- [ ] 2026-12-05 寄基金說明書" in text and "- [ ] 2026-12-08 約體檢" in text
    assert 'mobile: "0922000111"' in text and "tier: B" in text
    assert "<<<<<<<" not in text and ">>>>>>>" not in text and "=======" not in text
    for device in (office, laptop):
        check = run(["check"], vault=device)
        assert check.exit_code == 0 and check.stdout == "", check.stdout
        verify = run(["verify"], vault=device)
        assert verify.exit_code == 0, verify.stdout + verify.stderr
        assert git(device, "status", "--porcelain").strip() == ""


@BOTH_REMOTES
def test_the_merge_commit_names_no_machine_path(devices, tmp_path):
    office, laptop = devices
    _diverge(office, laptop)
    summary(sync(office))
    summary(sync(laptop))
    messages = git(laptop, "log", "--format=%B")
    assert "sync: merge " in messages
    assert str(tmp_path) not in messages and "/tmp" not in messages


# ---------------------------------------------------------------------- a real conflict
def _same_key_twice(office: Path, laptop: Path) -> None:
    edit(office / "clients/wang-wei.md", 'mobile: "0912345678"', 'mobile: "0922000111"')
    ok(run(["log", "wang-wei", "T", "新號碼", "--date", "2026-11-20", "--time", "09:30"], vault=office))
    edit(laptop / "clients/wang-wei.md", 'mobile: "0912345678"', 'mobile: "0933444555"')
    ok(run(["log", "wang-wei", "S", "LINE 問候", "--date", "2026-11-20", "--time", "19:00"], vault=laptop))
    summary(sync(office))


def _stopped(laptop: Path):
    result = sync(laptop)
    assert result.exit_code == 1
    line = re.search(r'^clients/wang-wei\.md:(\d+): profile\.mobile: ours "0933444555" theirs "0922000111"$',
                     result.stdout, re.M)
    assert line, result.stdout
    assert "rmn sync --continue" in result.stderr and "--ours CLIENT" in result.stderr
    marked = (laptop / "clients/wang-wei.md").read_text(encoding="utf-8").splitlines()
    assert marked[int(line.group(1)) - 1].startswith("<<<<<<<")
    return result


def _refuses_writes_reads_work(laptop: Path) -> None:
    before = (laptop / "clients/chen-mei-ling.md").read_bytes()
    log = run(["log", "chen-mei-ling", "T", "問候"], vault=laptop)
    assert log.exit_code == 1 and "middle of a sync" in log.stderr and "nothing was written" in log.stderr
    assert (laptop / "clients/chen-mei-ling.md").read_bytes() == before
    assert run(["show", "chen-mei-ling"], vault=laptop).exit_code == 0
    assert run(["log", "chen-mei-ling"], vault=laptop).exit_code == 0
    again = sync(laptop)
    assert again.exit_code == 1 and "middle of a sync" in again.stderr


def _complete(office: Path, laptop: Path, mobile: str) -> None:
    assert summary(sync(office)) == (1, 0, 0)
    wang = "clients/wang-wei.md"
    assert (office / wang).read_bytes() == (laptop / wang).read_bytes()
    assert f'mobile: "{mobile}"' in (office / wang).read_text(encoding="utf-8")
    assert [e for e in entries(office / wang) if "2026-11-20" in e] == [
        "- 2026-11-20 09:30 T 新號碼", "- 2026-11-20 19:00 S LINE 問候"]
    assert run(["check"], vault=laptop).stdout == ""
    assert git(laptop, "status", "--porcelain").strip() == ""


@pytest.mark.parametrize("side, kept", [("--ours", "0933444555"), ("--theirs", "0922000111")])
def test_the_same_key_changed_on_both_sides_stops_then_one_side_is_kept(devices, side, kept):
    office, laptop = devices
    _same_key_twice(office, laptop)
    _stopped(laptop)
    _refuses_writes_reads_work(laptop)
    assert summary(sync(laptop, side, "王偉")) == (1, 1, 1)
    _complete(office, laptop, kept)


def test_the_same_key_changed_on_both_sides_edited_then_continued(devices):
    office, laptop = devices
    _same_key_twice(office, laptop)
    _stopped(laptop)
    early = sync(laptop, "--continue")  # the markers are still there
    assert early.exit_code == 1 and "conflict marker is still there" in early.stderr
    shown = run(["show", "wang-wei"], vault=laptop)  # says the way that works now: not rmn edit
    assert shown.exit_code == 1 and "a sync stopped at this file" in shown.stderr and "rmn edit" not in shown.stderr
    path = laptop / "clients/wang-wei.md"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<<<<<<< [^\n]*\n.*?>>>>>>> [^\n]*\n", '  mobile: "0944666777"\n', text, flags=re.S)
    path.write_text(text, encoding="utf-8")
    _refuses_writes_reads_work(laptop)
    assert summary(sync(laptop, "--continue")) == (1, 1, 1)
    _complete(office, laptop, "0944666777")


def _removed_and_changed(office: Path, laptop: Path) -> None:
    """The office removes the birthday and changes the mobile; the laptop changes the
    birthday: one conflict, on the birthday alone."""
    ok(run(["set", "wang-wei", "--unset", "profile.birthday"], vault=office))
    ok(run(["set", "wang-wei", "profile.mobile", "0922000111"], vault=office))
    ok(run(["set", "wang-wei", "profile.birthday", "1975-06-21"], vault=laptop))
    summary(sync(office))


@pytest.mark.parametrize("side, birthday", [("--ours", "1975-06-21"), ("--theirs", None)])
def test_a_key_removed_on_one_side_and_changed_on_the_other_stops_on_it_alone(devices, side, birthday):
    office, laptop = devices
    _removed_and_changed(office, laptop)
    stopped = sync(laptop)
    assert stopped.exit_code == 1
    assert re.search(r'^clients/wang-wei\.md:\d+: profile\.birthday: ours "1975-06-21" theirs "\(removed\)"$',
                     stopped.stdout, re.M), stopped.stdout
    text = (laptop / "clients/wang-wei.md").read_text(encoding="utf-8")
    assert 'mobile: "0922000111"' in text  # the change that did not conflict is merged, outside the markers
    marked = text[text.index("<<<<<<<"):text.index(">>>>>>>")]
    assert "mobile" not in marked and "birthday: 1975-06-21" in marked
    assert summary(sync(laptop, side, "王偉")) == (0, 0, 1)
    wang = read_client(laptop, "wang-wei")
    assert wang.meta["profile"].get("mobile") == "0922000111"  # the office's change stays, whichever side
    assert (str(wang.birthday) if wang.birthday else None) == birthday
    assert summary(sync(office)) == (0, 0, 0)
    assert (office / "clients/wang-wei.md").read_bytes() == (laptop / "clients/wang-wei.md").read_bytes()


def test_a_side_taken_keeps_the_other_sides_change_on_the_same_line(devices):
    """A profile written on one line (a flow mapping): the markers can only hold the whole
    line, each side's copy. --theirs still keeps our change to the mobile, as the merge
    driver settles a conflict, where taking their copy of the line would lose it."""
    office, laptop = devices
    edit(office / "clients/wang-wei.md", 'profile:\n  mobile: "0912345678"\n  birthday: 1975-06-12\n',
         'profile: {mobile: "0912345678", birthday: 1975-06-12}\n')
    ok(run(["log", "wang-wei", "T", "問候", "--date", "2026-11-20"], vault=office))
    summary(sync(office))
    summary(sync(laptop))
    ok(run(["set", "wang-wei", "profile.birthday", "1975-06-21"], vault=laptop))
    summary(sync(laptop))
    ok(run(["set", "wang-wei", "--unset", "profile.birthday"], vault=office))
    ok(run(["set", "wang-wei", "profile.mobile", "0922000111"], vault=office))
    assert sync(office).exit_code == 1
    marked = (office / "clients/wang-wei.md").read_text(encoding="utf-8")
    theirs = marked[marked.index("======="):marked.index(">>>>>>>")]
    assert 'profile: {mobile: "0912345678", birthday: 1975-06-21}' in theirs  # their whole line
    assert summary(sync(office, "--theirs", "王偉")) == (0, 0, 1)
    wang = read_client(office, "wang-wei")
    assert wang.meta["profile"] == {"mobile": "0922000111", "birthday": date(1975, 6, 21)}


def test_a_side_taken_after_a_hand_edit_keeps_the_edit(devices):
    """--ours after the user edited the conflicted file: its edit stays, and ours' lines
    between the markers."""
    office, laptop = devices
    _removed_and_changed(office, laptop)
    assert sync(laptop).exit_code == 1
    edit(laptop / "clients/wang-wei.md", "Likes golf.", "Likes golf and tea.")
    assert summary(sync(laptop, "--ours", "王偉")) == (0, 0, 1)
    text = (laptop / "clients/wang-wei.md").read_text(encoding="utf-8")
    assert "Likes golf and tea." in text and "birthday: 1975-06-21" in text and "<<<<<<<" not in text


def test_a_client_added_on_both_devices_keeps_both_logs(devices):
    """``rmn new`` of the same name on both devices: git merges two new files against an
    empty base; by meaning, both calls stay and nothing conflicts."""
    office, laptop = devices
    for device, entry in ((office, ["T", "辦公室第一次來電"]), (laptop, ["M", "筆電外訪"])):
        ok(run(["new", "張三豐", "--no-edit"], vault=device))
        ok(run(["log", "張三豐", *entry, "--date", "2026-11-20"], vault=device))
    summary(sync(office))
    assert summary(sync(laptop)) == (1, 1, 0)
    assert summary(sync(office)) == (1, 0, 0)
    path = "clients/zhang-san-feng.md"
    assert (office / path).read_bytes() == (laptop / path).read_bytes()
    assert entries(office / path) == ["- 2026-11-20 M 筆電外訪", "- 2026-11-20 T 辦公室第一次來電"]
    for device in (office, laptop):
        verify = run(["verify"], vault=device)
        assert verify.exit_code == 0, verify.stdout + verify.stderr


def test_continue_without_a_stopped_sync_says_so(devices):
    office, _laptop = devices
    result = sync(office, "--continue")
    assert result.exit_code == 1 and "no sync is waiting" in result.stderr


def test_a_remote_with_another_book_is_refused(vault, hub, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "rmnotes.yaml").write_text((vault / "rmnotes.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (other / "clients").mkdir()
    write_client(other, "chen-mei-ling", CHEN)  # another book: not the same first commit
    ok(run(["init", str(other)]))
    ok(run(["remote", "add", str(hub)], vault=other))
    summary(sync(other))
    ok(run(["remote", "add", str(hub)], vault=vault))
    result = sync(vault)
    assert result.exit_code == 1 and "shares no history" in result.stderr


@BOTH_REMOTES
def test_a_push_the_remote_refuses_keeps_the_local_commits(devices, hub):
    office, laptop = devices
    hook = hub / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'closed for maintenance' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    ok(run(["log", "wang-wei", "T", "離線時記下", "--date", "2026-11-20"], vault=office))
    head = git(office, "rev-parse", "HEAD")
    result = sync(office)
    assert result.exit_code == 1
    assert "refused the push" in result.stderr and "closed for maintenance" in result.stderr
    assert git(office, "rev-parse", "HEAD") == head
    hook.unlink()
    assert summary(sync(office)) == (0, 1, 0)


def test_sync_refuses_a_detached_head_and_changes_nothing(devices):
    office, _laptop = devices
    git(office, "checkout", "-q", "--detach")
    head = git(office, "rev-parse", "HEAD")
    result = sync(office)
    assert result.exit_code == 1 and "detached" in result.stderr
    assert git(office, "rev-parse", "HEAD") == head


def test_a_fresh_clone_gets_the_driver_and_owner_only_files_and_says_so(vault, hub, tmp_path):
    write_client(vault, "wang-wei", WANG)
    ok(run(["remote", "add", str(hub)], vault=vault))
    ok(sync(vault))
    laptop = clone(str(hub), tmp_path / "laptop")
    unset = subprocess.run(["git", "config", "--local", "--get", "merge.rmnotes.driver"], cwd=laptop,
                           capture_output=True, text=True)
    assert unset.returncode == 1 and unset.stdout == ""
    first = sync(laptop)
    assert summary(first) == (0, 0, 0)
    assert "registered the merge driver" in first.stderr and "owner-only" in first.stderr
    assert "rmnotes merge-file" in git(laptop, "config", "--local", "--get", "merge.rmnotes.driver")
    assert (laptop / "clients/wang-wei.md").stat().st_mode & 0o777 == 0o600
    again = sync(laptop)
    assert summary(again) == (0, 0, 0) and again.stderr == ""


@pytest.mark.parametrize("how", ["merge", "rebase"])
def test_git_merge_and_git_rebase_both_run_the_driver(vault, how):
    """What the README's choice rests on: git's ort strategy runs the merge driver named in
    .gitattributes for a merge (what rmn sync does) and for each pick of a rebase."""
    write_client(vault, "wang-wei", WANG)
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "wang")
    main = git(vault, "branch", "--show-current").strip()
    git(vault, "checkout", "-q", "-b", "side")
    ok(run(["log", "wang-wei", "T", "side call", "--date", "2026-11-21"], vault=vault))
    git(vault, "checkout", "-q", main)
    ok(run(["log", "wang-wei", "E", "main mail", "--date", "2026-11-20"], vault=vault))
    if how == "merge":
        git(vault, "merge", "-q", "--no-edit", "side")
    else:
        git(vault, "checkout", "-q", "side")
        git(vault, "rebase", "-q", main)
    assert entries(vault / "clients/wang-wei.md")[-2:] == ["- 2026-11-20 E main mail", "- 2026-11-21 T side call"]
    assert git(vault, "status", "--porcelain").strip() == ""


def test_a_client_deleted_on_one_side_and_changed_on_the_other_is_listed(devices):
    office, laptop = devices
    git(office, "rm", "-q", "clients/chen-mei-ling.md")
    git(office, "commit", "-qm", "陳美玲 leaves the book")
    summary(sync(office))
    ok(run(["log", "chen-mei-ling", "T", "還在", "--date", "2026-11-20"], vault=laptop))
    stopped = sync(laptop)
    assert stopped.exit_code == 1
    assert stopped.stdout.strip() == ("clients/chen-mei-ling.md: changed on one side and deleted on the other: "
                                      "keep the file or delete it, then run 'rmn sync --continue'")
    assert summary(sync(laptop, "--continue")) == (0, 2, 1)  # kept, as the laptop left it: both entries go back
    assert summary(sync(office)) == (2, 0, 0)
    assert "還在" in (office / "clients/chen-mei-ling.md").read_text(encoding="utf-8")


def test_a_client_deleted_on_one_device_counts_no_entry_in_or_out(devices):
    """The counts are what each vault gained: a deleted client's entries neither came in nor
    went out (they were not '1 in' on the device that deleted it, nor '1 out' on the other)."""
    office, laptop = devices
    git(office, "rm", "-q", "clients/chen-mei-ling.md")
    git(office, "commit", "-qm", "陳美玲 leaves the book")
    assert summary(sync(office)) == (0, 0, 0)
    assert summary(sync(laptop)) == (0, 0, 0)
    assert not (laptop / "clients/chen-mei-ling.md").exists()


@pytest.mark.parametrize("side", ["--ours", "--theirs"])
def test_a_client_deleted_on_one_side_is_kept_or_deleted_by_the_side_taken(devices, side):
    office, laptop = devices
    git(office, "rm", "-q", "clients/chen-mei-ling.md")
    git(office, "commit", "-qm", "陳美玲 leaves the book")
    summary(sync(office))
    ok(run(["log", "chen-mei-ling", "T", "還在", "--date", "2026-11-20"], vault=laptop))
    assert sync(laptop).exit_code == 1
    ok(sync(laptop, side, "chen-mei-ling"))
    path = laptop / "clients/chen-mei-ling.md"
    if side == "--ours":  # the laptop's version, with its call
        assert "還在" in path.read_text(encoding="utf-8")
    else:
        assert not path.exists()
    assert git(laptop, "status", "--porcelain").strip() == ""


def test_a_remote_branch_that_lost_a_log_entry_is_not_merged(devices):
    """The laptop rewrites an old entry by hand and pushes with plain git: the office's sync
    finds the entry gone from the remote's branch (``rmn verify`` of the common commit
    against theirs) and merges nothing, even where git would take the file whole. Restored
    on the laptop, both sides sync again; the rewrite stays on record for ``rmn verify``."""
    office, laptop = devices
    wang = "clients/wang-wei.md"
    edit(laptop / wang, "- 2026-10-05 M 季度資產回顧", "- 2026-10-05 M 季度資產回顧（改寫）")
    git(laptop, "commit", "-qam", "reword an old call")
    bad = git(laptop, "rev-parse", "HEAD")[:7]
    git(laptop, "push", "-q")
    ok(run(["log", "chen-mei-ling", "T", "辦公室記下", "--date", "2026-11-21"], vault=office))
    head, before = git(office, "rev-parse", "HEAD"), (office / wang).read_bytes()
    result = sync(office)
    assert result.exit_code == 1
    assert result.stderr.startswith("rmn: error: origin's branch lost or changed 1 log entry this vault holds "
                                    f'({bad} {wang}: entry "2026-10-05 M 季度資產回顧" changed); nothing was '
                                    "merged."), result.stderr
    assert git(office, "rev-parse", "HEAD") == head and (office / wang).read_bytes() == before
    assert git(office, "status", "--porcelain") == ""  # no merge left in progress
    edit(laptop / wang, "季度資產回顧（改寫）", "季度資產回顧")
    ok(run(["log", "wang-wei", "N", "改寫的紀錄已還原", "--date", "2026-11-22"], vault=laptop))
    assert "warning: this vault lost or changed 1 log entry that origin holds" in ok_err(sync(laptop))
    assert summary(sync(office))[:2] == (1, 1)
    assert "- 2026-10-05 M 季度資產回顧" in entries(office / wang)
    record = run(["verify"], vault=office)
    assert record.exit_code == 1 and record.stdout.startswith(f"{bad} {wang}: ")


def test_a_log_entry_changed_here_is_said_before_it_is_sent(devices):
    """The laptop rewrites an old entry by hand and syncs: sent, but said at once, where it
    can be put right; the office refuses to merge it until it is."""
    office, laptop = devices
    wang = "clients/wang-wei.md"
    edit(laptop / wang, "- 2026-10-05 M 季度資產回顧", "- 2026-10-05 M 季度資產回顧（改寫）")
    said = ok_err(sync(laptop))
    assert ('warning: this vault lost or changed 1 log entry that origin holds (' in said
            and 'entry "2026-10-05 M 季度資產回顧" changed' in said), said
    assert sync(office).exit_code == 1


def test_a_file_outside_the_vault_changed_on_both_sides_says_what_to_do(devices):
    """A note the user keeps beside the book, committed on one device and only staged on
    the other: git cannot merge over it, and the sync says so in the vault's words."""
    office, laptop = devices
    (laptop / "待辦.txt").write_text("x\n", encoding="utf-8")
    git(laptop, "add", "待辦.txt")
    git(laptop, "commit", "-qm", "todo")
    summary(sync(laptop))
    (office / "待辦.txt").write_text("y\n", encoding="utf-8")
    git(office, "add", "待辦.txt")
    result = sync(office)
    assert result.exit_code == 1
    assert ("the remote changed 待辦.txt, which you changed here and did not commit (rmn commits only the "
            "vault's own files)") in result.stderr, result.stderr
    assert not (office / ".git" / "MERGE_HEAD").exists()  # nothing was merged, nothing left half-done
    git(office, "rm", "-q", "--cached", "待辦.txt")  # never committed here: in the way of theirs
    untracked = sync(office)
    assert untracked.exit_code == 1
    assert "the remote adds 待辦.txt, and a file of that name is here, never committed" in untracked.stderr


def test_a_remote_that_cannot_be_read_says_where_and_what_to_check(vault, tmp_path):
    write_client(vault, "wang-wei", WANG)
    gone = tmp_path / "moved-away.git"
    ok(run(["remote", "add", str(tmp_path)], vault=vault))  # an existing folder, not a repository
    git(vault, "remote", "set-url", "origin", str(gone))
    result = sync(vault)
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.startswith(f"rmn: error: origin ({gone}) cannot be read: ") and "\n" not in line
    assert line.endswith("check the address ('git remote -v' shows it), that the server is reachable and "
                         "that you may read it; the hand edits are committed here, nothing else was done")
    assert git(vault, "status", "--porcelain") == ""  # the hand edit was committed
    again = sync(vault)  # nothing left to commit: it says nothing of hand edits
    assert again.exit_code == 1 and again.stderr.strip().endswith("that you may read it; nothing was done")


def test_remote_list_shows_each_name_and_address(vault, hub, tmp_path):
    empty = run(["remote", "list"], vault=vault)
    assert (empty.exit_code, empty.stdout) == (0, "")
    assert empty.stderr == "the vault has no remote yet; add yours with 'rmn remote add URL'\n"
    ok(run(["remote", "add", str(hub)], vault=vault))
    ok(run(["remote", "add", str(tmp_path / "other.git"), "--name", "backup"], vault=vault))
    assert ok(run(["remote", "list"], vault=vault)) == f"backup  {tmp_path / 'other.git'}\norigin  {hub}\n"
