"""rmn verify: every log entry of a parent is still in its child, across the whole history."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import SMALL_CLIENT, git, run, write_client

CLIENT = "clients/wang-wei.md"


def commit_all(vault: Path, message: str) -> str:
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", message)
    return git(vault, "rev-parse", "HEAD").strip()


def log(vault: Path, text: str, day: str = "2026-11-20") -> None:
    result = run(["log", "wang-wei", "T", "--date", day, text], vault=vault)
    assert result.exit_code == 0, result.output


def rewrite(vault: Path, old: str, new: str) -> None:
    path = vault / CLIENT
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def history(vault: Path) -> None:
    """Entries logged on two branches and merged by the driver, a follow-up ticked, a
    front-matter edit by hand, a second client."""
    write_client(vault, "wang-wei", SMALL_CLIENT)
    write_client(vault, "chen-mei-ling", SMALL_CLIENT.replace("王偉", "陳美玲"))
    commit_all(vault, "two clients")
    log(vault, "第一通")
    git(vault, "checkout", "-q", "-b", "laptop")
    log(vault, "筆電上的電話", "2026-11-21")
    git(vault, "checkout", "-q", "-")
    log(vault, "桌機上的電話", "2026-11-22")
    assert run(["done", "wang-wei"], vault=vault).exit_code == 0
    rewrite(vault, "value: 1000000", "value: 1200000")
    commit_all(vault, "deposit grew")
    merged = subprocess.run(["git", "merge", "--no-edit", "laptop"], cwd=vault, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stdout + merged.stderr


def test_a_normal_history_passes_with_one_summary_line(vault):
    history(vault)
    commits = int(git(vault, "rev-list", "--count", "HEAD"))
    result = run(["verify"], vault=vault)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"verify: {commits} commits checked, 9 client-file changes: "
                                          "every log entry kept"]
    assert result.stderr == ""


def test_a_hand_rewrite_of_an_old_entry_names_its_commit(vault):
    history(vault)
    rewrite(vault, "- 2026-11-05 M 季度資產回顧", "- 2026-11-05 M 季度資產回顧（改）")
    bad = commit_all(vault, "tidy up")
    log(vault, "後來的電話", "2026-11-25")  # later commits do not hide it
    result = run(["verify"], vault=vault)
    assert result.exit_code == 1
    assert result.stdout == f'{bad[:7]} {CLIENT}: entry "2026-11-05 M 季度資產回顧" changed\n'
    assert "verify: 1 log entry changed or removed in 1 commit" in result.stderr


def test_a_removed_entry_and_a_merge_that_drops_one(vault):
    history(vault)
    rewrite(vault, "- 2026-11-20 T 第一通\n", "")
    removed = commit_all(vault, "drop a line")
    git(vault, "checkout", "-q", "-b", "other", "HEAD~1")
    log(vault, "另一支的電話", "2026-11-26")
    git(vault, "checkout", "-q", "-")
    git(vault, "merge", "-q", "--no-edit", "-s", "ours", "other")  # keeps ours: the other's entry is lost
    merge = git(vault, "rev-parse", "HEAD").strip()
    result = run(["verify"], vault=vault)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f'{removed[:7]} {CLIENT}: entry "2026-11-20 T 第一通" removed',
        # against its second parent the merge lost that parent's new entry; the one removed
        # on the first side, which the second still had, is named once, where it was removed
        f'{merge[:7]} {CLIENT}: entry "2026-11-26 T 另一支的電話" removed',
    ]


def test_a_merge_that_drops_an_entry_both_sides_kept_is_named(vault):
    """The other branch removed an entry and put it back; a merge resolved by hand drops it:
    both parents had it, so the merge lost it, whatever the other branch did before."""
    history(vault)
    git(vault, "checkout", "-q", "-b", "other")
    rewrite(vault, "- 2026-11-20 T 第一通\n", "")
    removed = commit_all(vault, "drop a line")
    rewrite(vault, "## Log\n", "## Log\n- 2026-11-20 T 第一通\n")
    commit_all(vault, "put it back")
    git(vault, "checkout", "-q", "-")
    log(vault, "主線的電話", "2026-11-27")
    merged = subprocess.run(["git", "merge", "--no-commit", "--no-ff", "other"], cwd=vault, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr
    rewrite(vault, "- 2026-11-20 T 第一通\n", "")
    merge = commit_all(vault, "merge other")
    findings = run(["verify"], vault=vault).stdout.splitlines()
    assert f'{removed[:7]} {CLIENT}: entry "2026-11-20 T 第一通" removed' in findings
    assert f'{merge[:7]} {CLIENT}: entry "2026-11-20 T 第一通" removed' in findings, findings


def test_a_deleted_client_file_is_a_warning(vault):
    history(vault)
    git(vault, "rm", "-q", "clients/chen-mei-ling.md")
    gone = commit_all(vault, "陳美玲 left")
    result = run(["verify"], vault=vault)
    assert result.exit_code == 0
    assert result.stdout.startswith("verify: ")
    assert result.stderr == (f"warning: {gone[:7]} clients/chen-mei-ling.md: the file was deleted with 1 "
                             "log entry (a client who left the book?)\n")
