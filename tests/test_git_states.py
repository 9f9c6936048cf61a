"""Git states in which rmn must not write: a merge, rebase, am, cherry-pick, revert or bisect
in progress, unmerged files, a detached HEAD. Every writing command exits 1 with one line
naming the state and the way out, and writes nothing: the files' bytes, git's unmerged
entries and every ref stay as they were. Read commands still answer.

Real repositories, put into each state by git itself.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git, run, write_client
from rmnotes import gitops

WANG = """\
    ---
    name: 王偉
    tier: A
    ---
    ## Follow-ups
    - [ ] 2026-12-01 寄送保險提案

    ## Log
    - 2026-11-05 M 季度資產回顧
"""
CHEN = """\
    ---
    name: 陳美玲
    tier: B
    assets:
      - {name: 定存, type: deposit, institution: ours, value: 1000000}
    ---
    ## Follow-ups
    - [ ] 2026-12-02 回電

    ## Log
    - 2026-11-06 T 問候
"""


def sh(vault: Path, *args: str) -> subprocess.CompletedProcess:
    """git, allowed to fail (a conflict is an exit code of 1)."""
    return subprocess.run(["git", *args], cwd=vault, capture_output=True, text=True)


def commit(vault: Path, message: str) -> None:
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", message)


def set_tier(vault: Path, tier: str, message: str) -> None:
    path = vault / "clients" / "wang-wei.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(text.split("tier: ", 1)[1].split("\n", 1)[0], tier, 1), encoding="utf-8")
    commit(vault, message)


@pytest.fixture
def book(vault) -> Path:
    """Two committed clients on the main branch, and a branch `side` that sets 王偉's tier
    to B where the main branch sets it to C: any merge of the two conflicts."""
    write_client(vault, "wang-wei", WANG)
    write_client(vault, "chen-mei-ling", CHEN)
    commit(vault, "two clients")
    git(vault, "checkout", "-q", "-b", "side")
    set_tier(vault, "B", "side: tier B")
    git(vault, "checkout", "-q", "-")
    set_tier(vault, "C", "main: tier C")
    return vault


def _main(vault: Path) -> str:
    heads = git(vault, "for-each-ref", "--format=%(refname:short)", "refs/heads/").split()
    return next(h for h in heads if h != "side")


def snapshot(vault: Path) -> tuple:
    """Everything a refused write must leave as it was."""
    files = {p.relative_to(vault).as_posix(): p.read_bytes()
             for p in sorted((vault / "clients").rglob("*")) if p.is_file()}
    folders = sorted(p.relative_to(vault).as_posix() for p in (vault / "clients").rglob("*") if p.is_dir())
    return (files, folders, git(vault, "ls-files", "-u"), git(vault, "for-each-ref"),
            sh(vault, "rev-parse", "HEAD").stdout, git(vault, "rev-list", "--all", "--count"),
            git(vault, "status", "--porcelain", "--untracked-files=all"))


def editor(tmp_path: Path) -> str:
    """An $EDITOR that leaves a mark when it is opened."""
    script = tmp_path / "editor.py"
    script.write_text(f"import pathlib\npathlib.Path({str(tmp_path / 'opened')!r}).write_text('x')\n",
                      encoding="utf-8")
    return f"{sys.executable} {script}"


# every command that writes, as a user types it (chen-mei-ling's file is never the conflicted one)
WRITES = {
    "log": ["log", "chen-mei-ling", "T", "x"],
    "log by name": ["log", "陳美玲", "T", "x"],
    "done": ["done", "chen-mei-ling"],
    "new": ["new", "林淑芬", "--no-edit"],
    "edit": ["edit", "chen-mei-ling"],
    "review --record": ["review", "chen-mei-ling", "--record"],
    "review --pdf": ["review", "chen-mei-ling", "--pdf"],
}


def refused(vault: Path, args: list[str], *expected: str, tmp_path: Path, monkeypatch) -> str:
    """Run ``args``; it must exit 1 with one line holding ``expected``, and change nothing."""
    monkeypatch.setenv("EDITOR", editor(tmp_path))
    before = snapshot(vault)
    result = run(args, vault)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rmn: error: "), result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    assert lines[0].endswith("; nothing was written")
    assert snapshot(vault) == before
    assert not (tmp_path / "opened").exists(), "the editor was opened"
    return lines[0]


# ---------------------------------------------------------------------- the three cases of the issue
@pytest.mark.parametrize("command", list(WRITES))
def test_mid_merge_with_a_conflict_every_write_is_refused(book, command, tmp_path, monkeypatch):
    assert sh(book, "merge", "side").returncode == 1  # CONFLICT in clients/wang-wei.md
    assert git(book, "ls-files", "-u").count("clients/wang-wei.md") == 3
    refused(book, WRITES[command], "the vault's git repository is in the middle of a merge",
            "(conflicts in clients/wang-wei.md)", "'git merge --continue'", "'git merge --abort'",
            tmp_path=tmp_path, monkeypatch=monkeypatch)
    assert sh(book, "rev-parse", "-q", "--verify", "MERGE_HEAD").returncode == 0  # still merging


@pytest.mark.parametrize("args", [["review", "chen-mei-ling", "--pdf"], ["review", "--tier", "B", "--pdf"]],
                         ids=["one sheet", "a segment's sheets"])
def test_review_sheets_for_the_vault_are_refused_before_they_are_drawn(book, args, monkeypatch):
    """A PDF takes a second or two to draw: a user in the middle of a merge is told at once."""
    from rmnotes.render import review

    def drawn(*_args, **_kwargs):
        raise AssertionError("a sheet was drawn before the refusal")

    monkeypatch.setattr(review, "review_pdf", drawn)
    assert sh(book, "merge", "side").returncode == 1
    result = run(args, book)
    assert result.exit_code == 1 and "in the middle of a merge" in result.stderr, result.output


@pytest.mark.parametrize("args", [["review", "chen-mei-ling", "--pdf"], ["review", "--pdf"]])
def test_review_sheets_for_a_vault_without_git_are_refused_with_the_way_out(bare_vault, args):
    write_client(bare_vault, "chen-mei-ling", CHEN)
    result = run(args, bare_vault)
    assert result.exit_code == 1
    assert result.stderr == (f"rmn: error: {bare_vault} has no git history of its own yet: run 'rmn init "
                             f"{bare_vault}' to start it (the files stay as they are)\n")


@pytest.mark.parametrize("backend", ["--merge", "--apply"])
def test_mid_rebase_with_a_conflict_nothing_is_written(book, backend, tmp_path, monkeypatch):
    git(book, "checkout", "-q", "side")
    assert sh(book, "rebase", backend, _main(book)).returncode == 1
    message = refused(book, WRITES["log"], "in the middle of a rebase of side", "(conflicts in clients/wang-wei.md)",
                      "'git rebase --continue'", "'git rebase --abort'", tmp_path=tmp_path, monkeypatch=monkeypatch)
    assert "detached" not in message  # a rebase's HEAD is detached: the rebase is what to name
    refused(book, WRITES["done"], "rebase", tmp_path=tmp_path, monkeypatch=monkeypatch)


def test_a_detached_head_is_refused_naming_the_branch_to_return_to(book, tmp_path, monkeypatch):
    main = _main(book)
    git(book, "checkout", "-q", "--detach")
    at = git(book, "rev-parse", "--short", "HEAD").strip()
    for args in (WRITES["log"], ["log", "wang-wei", "T", "x"], WRITES["new"], WRITES["edit"]):
        refused(book, args, f"HEAD is detached in the vault's git repository (at {at})",
                f"'git switch {main}'", tmp_path=tmp_path, monkeypatch=monkeypatch)
    git(book, "switch", "-q", main)
    assert run(WRITES["log"], book).exit_code == 0  # back on the branch, the same command works


def test_a_detached_head_with_several_branches_and_no_previous_one(book, tmp_path, monkeypatch):
    git(book, "-c", "core.logAllRefUpdates=false", "checkout", "-q", "--detach")
    (book / ".git" / "logs" / "HEAD").unlink()  # no reflog: no '@{-1}'
    refused(book, WRITES["log"], "HEAD is detached", "'git switch BRANCH' ('git branch' lists them)",
            tmp_path=tmp_path, monkeypatch=monkeypatch)


# ---------------------------------------------------------------------- the other operations
def test_mid_cherry_pick_with_a_conflict(book, tmp_path, monkeypatch):
    assert sh(book, "cherry-pick", "side").returncode == 1
    refused(book, WRITES["log"], "in the middle of a cherry-pick (conflicts in clients/wang-wei.md)",
            "'git cherry-pick --continue'", "'git cherry-pick --abort'", tmp_path=tmp_path, monkeypatch=monkeypatch)


def test_mid_revert_with_a_conflict(book, tmp_path, monkeypatch):
    set_tier(book, "D", "main: tier D")
    assert sh(book, "revert", "--no-edit", "HEAD~1").returncode == 1  # C -> A, but it is D now
    refused(book, WRITES["log"], "in the middle of a revert (conflicts in clients/wang-wei.md)",
            "'git revert --continue'", "'git revert --abort'", tmp_path=tmp_path, monkeypatch=monkeypatch)


def test_a_series_of_cherry_picks_stopped_between_two_is_still_a_cherry_pick(book, tmp_path, monkeypatch):
    git(book, "checkout", "-q", "side")
    set_tier(book, "E", "side: tier E")
    git(book, "checkout", "-q", _main(book))
    assert sh(book, "cherry-pick", "side~1", "side").returncode == 1
    git(book, "checkout", "--theirs", "clients/wang-wei.md")
    git(book, "add", "clients/wang-wei.md")
    git(book, "commit", "-q", "--no-edit")  # the first pick concluded by hand: the sequence waits
    refused(book, WRITES["log"], "in the middle of a cherry-pick:", "'git cherry-pick --continue'",
            tmp_path=tmp_path, monkeypatch=monkeypatch)


def test_mid_bisect(book, tmp_path, monkeypatch):
    git(book, "bisect", "start")
    git(book, "bisect", "bad")
    git(book, "bisect", "good", "HEAD~2")
    message = refused(book, WRITES["log"], "in the middle of a bisect: end it with 'git bisect reset'",
                      tmp_path=tmp_path, monkeypatch=monkeypatch)
    assert "detached" not in message


def test_mid_am_with_a_conflict(book, tmp_path, monkeypatch):
    patch = git(book, "format-patch", "-1", "--stdout", "side")
    assert subprocess.run(["git", "am", "-3"], cwd=book, input=patch, capture_output=True, text=True).returncode != 0
    refused(book, WRITES["log"], "in the middle of 'git am' (conflicts in", "'git am --continue'",
            "'git am --abort'", tmp_path=tmp_path, monkeypatch=monkeypatch)


def test_a_merge_without_conflicts_still_waits_to_be_concluded(book, tmp_path, monkeypatch):
    git(book, "merge", "-q", "--no-commit", "-s", "ours", "side")
    message = refused(book, WRITES["log"], "in the middle of a merge: finish it with 'git merge --continue'",
                      "or undo it with 'git merge --abort'", tmp_path=tmp_path, monkeypatch=monkeypatch)
    assert "conflicts" not in message


def test_unmerged_files_with_no_operation_in_progress(book, tmp_path, monkeypatch):
    """`git stash pop` onto a change of the same line leaves a conflict and no MERGE_HEAD."""
    path = book / "clients" / "wang-wei.md"
    path.write_text(path.read_text(encoding="utf-8").replace("tier: C", "tier: Z"), encoding="utf-8")
    git(book, "stash", "-q")
    set_tier(book, "Y", "main: tier Y")
    assert sh(book, "stash", "pop").returncode == 1
    refused(book, WRITES["log"], "the vault's git repository has unmerged files (clients/wang-wei.md)",
            "'git add'", tmp_path=tmp_path, monkeypatch=monkeypatch)


def test_a_linked_worktree_mid_merge_is_refused_too(book, tmp_path, monkeypatch):
    """A linked worktree keeps MERGE_HEAD in a folder of its own: git says where."""
    other = tmp_path / "other"
    git(book, "worktree", "add", "-q", "-b", "laptop", str(other), _main(book))
    assert sh(other, "merge", "side").returncode == 1
    assert not (other / ".git").is_dir()
    refused(other, WRITES["log"], "in the middle of a merge", tmp_path=tmp_path, monkeypatch=monkeypatch)
    assert run(WRITES["log"], book).exit_code == 0  # the main worktree is not merging


def test_init_does_not_adopt_in_the_middle_of_a_merge(book, tmp_path, monkeypatch):
    assert sh(book, "merge", "side").returncode == 1
    write_client(book, "new-one", "---\nname: 新\n---\n")
    refused(book, ["init", str(book)], "in the middle of a merge", tmp_path=tmp_path, monkeypatch=monkeypatch)


# ---------------------------------------------------------------------- reads, and what comes after
def test_read_commands_still_answer_mid_merge(book):
    assert sh(book, "merge", "side").returncode == 1
    shown = run(["show", "chen-mei-ling"], book)
    assert shown.exit_code == 0 and "陳美玲" in shown.stdout
    listed = run(["list", "--json"], book)
    assert listed.exit_code == 0
    assert "陳美玲" in listed.stdout and "王偉" not in listed.stdout  # the conflicted file is skipped
    assert listed.stderr.startswith("warning: skipped clients/wang-wei.md:3: git conflict marker '<<<<<<<'")
    assert run(["due"], book).exit_code == 0
    assert run(["log", "chen-mei-ling"], book).exit_code == 0
    assert run(["history", "chen-mei-ling"], book).exit_code == 0


def test_after_the_merge_is_concluded_writes_work_again(book):
    assert sh(book, "merge", "side").returncode == 1
    assert run(WRITES["log"], book).exit_code == 1
    git(book, "checkout", "--theirs", "clients/wang-wei.md")
    git(book, "add", "clients/wang-wei.md")
    git(book, "commit", "-q", "--no-edit")
    result = run(WRITES["log"], book)
    assert result.exit_code == 0, result.output
    assert git(book, "log", "-1", "--format=%s").startswith("log: 陳美玲 (chen-mei-ling) T")


def test_a_commit_after_the_editor_is_held_back_if_a_merge_began_meanwhile(book, tmp_path, monkeypatch):
    """rmn edit checks before the editor opens; a merge begun while it was open leaves the
    edit saved, not committed, and says why."""
    script = tmp_path / "merging-editor.py"
    script.write_text("import subprocess, sys\n"
                      "open(sys.argv[1], 'a', encoding='utf-8').write('- 2026-11-07 N 備註\\n')\n"
                      f"subprocess.run(['git', 'merge', '-q', '--no-commit', '-s', 'ours', 'side'], cwd={str(book)!r})\n",
                      encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    head = git(book, "rev-parse", "HEAD")
    result = run(["edit", "chen-mei-ling"], book)
    assert result.exit_code == 0
    assert "clients/chen-mei-ling.md was saved but not committed: the vault's git repository is in the middle " \
           "of a merge" in result.stderr
    assert git(book, "rev-parse", "HEAD") == head
    assert "備註" in (book / "clients" / "chen-mei-ling.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------- the parts
def test_status_tells_a_detached_head_and_unmerged_paths():
    st = gitops.parse_status("## HEAD (no branch)\0UU clients/a.md\0AA README\0 M clients/b.md\0")
    assert st.detached and st.unmerged == ("README", "clients/a.md")
    assert st.changed == ("clients/a.md", "clients/b.md")
    on_branch = gitops.parse_status("## master...origin/master [ahead 1]\0 M clients/b.md\0")
    assert not on_branch.detached and on_branch.unmerged == () and not on_branch.staged_elsewhere
    assert not gitops.parse_status("## No commits yet on master\0").detached


def test_a_clean_repository_is_safe(book):
    assert gitops.repo_state(book) is None
    with gitops.Change(book) as change:
        assert change.state() is None


def test_a_repository_without_commits_is_on_its_branch(tmp_path):
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q")
    assert gitops.repo_state(root) is None


# ---------------------------------------------------------------------- no repository of its own
def test_a_vault_without_its_own_repository_writes_nothing_even_inside_another(tmp_path, monkeypatch):
    """A copied vault without ``.git`` (here inside another repository, as the sample vault
    sits in the source tree): every command that writes or reads history refuses with the
    way out, the outer repository gets no commit, and read commands still answer."""
    outer = tmp_path / "outer"
    book = outer / "book"
    (book / "clients").mkdir(parents=True)
    (book / "rmnotes.yaml").write_text("owner: x\n", encoding="utf-8")
    write_client(book, "chen-mei-ling", CHEN)
    git(outer, "init", "-q")
    git(outer, "add", "-A")
    git(outer, "-c", "user.name=x", "-c", "user.email=x@example.com", "commit", "-qm", "outer")
    monkeypatch.setenv("EDITOR", editor(tmp_path))
    def state() -> tuple:
        changed = git(outer, "status", "--porcelain", "--untracked-files=all").splitlines()
        return (git(outer, "rev-list", "--all", "--count"), [c for c in changed if "/.rmnotes/" not in c],  # the cache
                {p.name: p.read_bytes() for p in (book / "clients").rglob("*") if p.is_file()})

    before = state()
    for args in (*WRITES.values(), ["history", "chen-mei-ling"], ["verify"], ["sync"], ["remote", "add", "/x"],
                 ["remote", "remove", "origin"]):
        result = run(args, book)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr == (f"rmn: error: {book} has no git history of its own yet: run 'rmn init {book}' "
                                 "to start it (the files stay as they are)\n"), args
    assert state() == before
    assert not (tmp_path / "opened").exists(), "the editor was opened"
    assert run(["due"], book).exit_code == 0
    assert run(["init", str(book)]).exit_code == 0
    assert run(["log", "chen-mei-ling", "T", "x"], book).exit_code == 0
    assert git(book, "rev-list", "--count", "HEAD").strip() == "2"
