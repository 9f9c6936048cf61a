"""The vault's git history, against real repositories in tmp_path."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from conftest import git, run, write_client
from rmnotes import gitops


def test_commit_returns_the_new_sha_and_only_commits_its_paths(vault):
    write_client(vault, "a", "---\nname: A\n---\n")
    write_client(vault, "b", "---\nname: B\n---\n")
    result = gitops.commit(vault, ["clients/a.md"], "new: A (a)")
    assert result.ok and git(vault, "rev-parse", "HEAD").startswith(result.sha)
    assert git(vault, "show", "--name-only", "--format=%s", "HEAD").split() == ["new:", "A", "(a)", "clients/a.md"]
    assert git(vault, "status", "--porcelain").strip() == "?? clients/b.md"


def test_the_sha_is_heads_on_a_detached_head_and_with_packed_refs(vault):
    git(vault, "pack-refs", "--all")
    write_client(vault, "a", "---\nname: A\n---\n")
    assert gitops.commit(vault, ["clients/a.md"], "one").sha == git(vault, "rev-parse", "HEAD").strip()
    git(vault, "checkout", "-q", "--detach")
    write_client(vault, "b", "---\nname: B\n---\n")
    assert gitops.commit(vault, ["clients/b.md"], "two").sha == git(vault, "rev-parse", "HEAD").strip()


def test_nothing_changed_means_no_commit(vault):
    before = git(vault, "rev-parse", "HEAD")
    assert gitops.commit(vault, ["rmnotes.yaml"], "noop") == gitops.CommitResult()
    assert git(vault, "rev-parse", "HEAD") == before


def test_a_failing_commit_is_reported_and_the_file_stays(vault):
    hook = vault / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy says no' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    path = write_client(vault, "a", "---\nname: A\n---\n")
    result = gitops.commit(vault, ["clients/a.md"], "new: A (a)")
    assert not result.ok and "policy says no" in result.error
    assert path.exists()


def test_a_failing_commit_is_visible_in_the_cli_and_loses_nothing(vault):
    hook = vault / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    result = run(["new", "王偉", "--no-edit"], vault)
    assert result.exit_code == 0
    assert "was saved but not committed" in result.stderr
    assert (vault / "clients" / "wang-wei.md").exists()


def test_a_repository_without_a_git_identity_gets_the_one_init_gives(vault, monkeypatch):
    """A vault whose repository was made with plain `git init` by a user who never told git
    a name (and a git that may not guess one): the write is committed all the same."""
    for key in ("user.name", "user.email"):
        git(vault, "config", "--unset", key)
    git(vault, "config", "user.useConfigOnly", "true")  # git refuses to guess, on any machine
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANGUAGE", "zh_TW:zh")  # git would say it in Chinese, were it let
    result = run(["new", "王偉", "--no-edit"], vault)
    assert result.exit_code == 0 and "not committed" not in result.stderr, result.output
    assert git(vault, "status", "--porcelain") == ""
    # the owner in rmnotes.yaml, as `rmn init` gives it
    assert git(vault, "log", "-1", "--format=%an <%ae> %s") == "陳經理 <rmnotes@localhost> new: 王偉 (wang-wei)\n"


def test_changed_paths_sees_edits_new_files_and_deletions_in_the_vault_only(vault):
    write_client(vault, "a", "---\nname: A\n---\n")
    write_client(vault, "b", "---\nname: B\n---\n")
    gitops.commit(vault, ["clients/a.md", "clients/b.md"], "two")
    (vault / "clients" / "a.md").write_text("---\nname: A2\n---\n", encoding="utf-8")
    (vault / "clients" / "b.md").unlink()
    write_client(vault, "c", "---\nname: C\n---\n")
    (vault / "scratch.txt").write_text("not part of the vault")
    assert gitops.changed_paths(vault) == ["clients/a.md", "clients/b.md", "clients/c.md"]
    result = gitops.commit_hand_edits(vault)
    assert result.ok
    assert git(vault, "log", "-1", "--format=%B").splitlines()[0] == (
        "hand edits: clients/a.md, clients/b.md, clients/c.md")
    assert git(vault, "status", "--porcelain").strip() == "?? scratch.txt"


def test_history_newest_first(vault):
    write_client(vault, "a", "---\nname: A\n---\n")
    gitops.commit(vault, ["clients/a.md"], "one")
    write_client(vault, "a", "---\nname: A\ntier: B\n---\n")
    gitops.commit(vault, ["clients/a.md"], "two")
    items = gitops.history(vault, "clients/a.md", patch=True)
    assert [i.message for i in items] == ["two", "one"]
    assert "+tier: B" in items[0].patch


def test_index_format_v4_is_fine(vault):
    """GitPython's index writer fails on v4; the git command does not."""
    git(vault, "update-index", "--index-version", "4")
    write_client(vault, "a", "---\nname: A\n---\n")
    assert gitops.commit(vault, ["clients/a.md"], "v4").ok


def test_a_leftover_temporary_file_is_never_a_hand_edit(vault):
    (vault / "clients" / ".wang-wei.md.123.tmp").write_text("half")
    assert gitops.changed_paths(vault) == []


# ---------------------------------------------------------------------- status
def test_status_tells_vault_changes_from_work_staged_elsewhere():
    out = "\0".join([
        " M clients/a.md",  # a hand edit
        "?? clients/new.md",  # a new file
        "R  clients/b2.md", "clients/b.md",  # a staged rename in the vault: both paths
        "?? scratch.txt",  # untracked outside the vault: not staged
        " M notes/todo.md",  # changed outside the vault, not staged
        "",
    ])
    assert gitops.parse_status(out) == gitops.Status(
        ("clients/a.md", "clients/b.md", "clients/b2.md", "clients/new.md"), staged_elsewhere=False)
    for staged in ("M  notes/todo.md", "A  notes/new.md", "D  old.txt", "UU notes/todo.md",
                   "R  notes/b.md\0clients/b.md"):
        assert gitops.parse_status(staged + "\0").staged_elsewhere, staged
    assert gitops.parse_status("") == gitops.Status()


def test_a_staged_rename_is_committed_whole_as_a_hand_edit(vault):
    write_client(vault, "a", "---\nname: A\n---\n")
    gitops.commit(vault, ["clients/a.md"], "one")
    git(vault, "mv", "clients/a.md", "clients/b.md")
    assert gitops.changed_paths(vault) == ["clients/a.md", "clients/b.md"]
    assert gitops.commit_hand_edits(vault).ok
    assert git(vault, "status", "--porcelain") == ""


# ---------------------------------------------------------------------- a tool's change
def changed_in(vault, rev: str = "HEAD") -> list[str]:
    return git(vault, "show", "--name-only", "--format=", rev).split()


def tool_change(vault, rel: str, line: str, message: str = "tool") -> tuple[gitops.CommitResult, gitops.CommitResult]:
    with gitops.Change(vault) as change:
        tracked = (vault / rel).exists()
        hand = change.commit_hand_edits()
        with open(vault / rel, "a", encoding="utf-8") as f:
            f.write(line)
        return hand, change.commit(rel, message, tracked=tracked)


def test_a_change_commits_hand_edits_first_then_only_its_file(vault):
    write_client(vault, "a", "---\nname: A\n---\n")
    write_client(vault, "b", "---\nname: B\n---\n")
    gitops.commit(vault, ["clients/a.md", "clients/b.md"], "two")
    with open(vault / "clients" / "b.md", "a", encoding="utf-8") as f:
        f.write("by hand\n")
    hand, result = tool_change(vault, "clients/a.md", "by the tool\n")
    assert hand.ok and result.ok and git(vault, "rev-parse", "HEAD").startswith(result.sha)
    assert changed_in(vault) == ["clients/a.md"]
    assert changed_in(vault, "HEAD~1") == ["clients/b.md"]
    assert git(vault, "status", "--porcelain") == ""


def test_work_staged_outside_the_vault_stays_staged(vault):
    (vault / "notes.txt").write_text("mine\n")
    git(vault, "add", "notes.txt")
    write_client(vault, "a", "---\nname: A\n---\n")
    gitops.commit(vault, ["clients/a.md"], "one")
    hand, result = tool_change(vault, "clients/a.md", "by the tool\n")
    assert hand == gitops.CommitResult() and result.ok
    assert changed_in(vault) == ["clients/a.md"]
    assert git(vault, "status", "--porcelain") == "A  notes.txt\n"


def test_work_staged_while_the_tool_writes_stays_staged(vault):
    """The user stages a file between rmn's git status and its commit: the commit must not
    take it (git's index changed, so rmn names its path instead of --include)."""
    write_client(vault, "a", "---\nname: A\n---\n")
    gitops.commit(vault, ["clients/a.md"], "one")
    (vault / "notes.txt").write_text("mine\n")
    with gitops.Change(vault) as change:
        change.commit_hand_edits()
        with open(vault / "clients" / "a.md", "a", encoding="utf-8") as f:
            f.write("by the tool\n")
        git(vault, "add", "notes.txt")  # meanwhile, in another terminal
        result = change.commit("clients/a.md", "tool", tracked=True)
    assert result.ok and changed_in(vault) == ["clients/a.md"]
    assert git(vault, "status", "--porcelain") == "A  notes.txt\n"


def test_a_new_file_is_added(vault):
    hand, result = tool_change(vault, "clients/new.md", "---\nname: N\n---\n")
    assert hand == gitops.CommitResult() and result.ok
    assert changed_in(vault) == ["clients/new.md"]


def test_no_commit_concludes_a_merge_in_progress(vault):
    write_client(vault, "a", "---\nname: A\n---\n")
    gitops.commit(vault, ["clients/a.md"], "one")
    main = git(vault, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(vault, "checkout", "-q", "-b", "other")
    git(vault, "commit", "-q", "--allow-empty", "-m", "theirs")
    git(vault, "checkout", "-q", main)
    git(vault, "merge", "-q", "--no-commit", "-s", "ours", "other")  # nothing staged, but merging
    head = git(vault, "rev-parse", "HEAD")
    hand, result = tool_change(vault, "clients/a.md", "by the tool\n")
    assert not result.ok and "merge" in result.error
    assert git(vault, "rev-parse", "HEAD") == head
    assert (vault / ".git" / "MERGE_HEAD").exists()


def test_a_change_nobody_waited_for_stops_its_git_status(vault):
    with gitops.Change(vault) as change:
        proc = change._proc
    assert proc.poll() is not None


# ---------------------------------------------------------------------- where .git is not a folder
@pytest.fixture
def linked(vault, tmp_path) -> Path:
    """A linked worktree of the vault on its own branch: its .git is a file, its index and
    MERGE_HEAD live under the main repository's .git/worktrees/."""
    wt = tmp_path / "linked"
    git(vault, "worktree", "add", "-q", "-b", "linked", str(wt))
    assert (wt / ".git").is_file()
    (wt / "clients").mkdir(exist_ok=True)  # git keeps no empty folder
    return wt


@pytest.fixture
def separate(tmp_path) -> Path:
    """A vault whose repository lives elsewhere (``git init --separate-git-dir``, as in a
    submodule): .git is a file."""
    root = tmp_path / "separate"
    root.mkdir()
    git(root, "init", "-q", "--separate-git-dir", str(tmp_path / "elsewhere.git"))
    (root / "rmnotes.yaml").write_text("owner: 陳經理\n", encoding="utf-8")
    assert run(["init", str(root)]).exit_code == 0
    assert (root / ".git").is_file()
    return root


def head(root) -> str:
    return git(root, "rev-parse", "HEAD").strip()


@pytest.mark.parametrize("where", ["linked", "separate"])
def test_the_sha_is_heads_where_git_is_a_file(where, request):
    root = request.getfixturevalue(where)
    write_client(root, "a", "---\nname: A\n---\n")
    assert gitops.commit(root, ["clients/a.md"], "one").sha == head(root)
    hand, result = tool_change(root, "clients/a.md", "by the tool\n")
    assert hand == gitops.CommitResult() and result.sha == head(root)
    assert changed_in(root) == ["clients/a.md"]


def test_the_sha_is_heads_after_pack_refs_in_a_linked_worktree(vault, linked):
    write_client(linked, "a", "---\nname: A\n---\n")
    gitops.commit(linked, ["clients/a.md"], "one")
    git(vault, "pack-refs", "--all")
    assert not (vault / ".git" / "refs" / "heads" / "linked").exists()
    hand, result = tool_change(linked, "clients/a.md", "by the tool\n")
    assert result.sha == head(linked) == git(vault, "rev-parse", "linked").strip()
    git(linked, "checkout", "-q", "--detach")
    hand, result = tool_change(linked, "clients/a.md", "detached\n")
    assert result.sha == head(linked) != git(vault, "rev-parse", "linked").strip()


def test_a_tool_change_after_pack_refs_returns_heads_sha(vault):
    write_client(vault, "a", "---\nname: A\n---\n")
    gitops.commit(vault, ["clients/a.md"], "one")
    git(vault, "pack-refs", "--all")
    hand, result = tool_change(vault, "clients/a.md", "by the tool\n")
    assert result.ok and result.sha == head(vault)


def test_a_linked_worktree_takes_the_one_process_commit(linked, monkeypatch):
    """With nothing staged and nothing in progress, a tracked file goes in with
    ``git commit --include``; the path-naming commit is not needed."""
    write_client(linked, "a", "---\nname: A\n---\n")
    gitops.commit(linked, ["clients/a.md"], "one")

    def named_paths(*args, **kwargs):
        raise AssertionError("took the path-naming commit")

    monkeypatch.setattr(gitops, "commit", named_paths)
    hand, result = tool_change(linked, "clients/a.md", "by the tool\n")
    assert result.ok and result.sha == head(linked)


@pytest.mark.parametrize("where", ["linked", "separate"])
def test_work_staged_while_the_tool_writes_stays_staged_where_git_is_a_file(where, request):
    root = request.getfixturevalue(where)
    write_client(root, "a", "---\nname: A\n---\n")
    gitops.commit(root, ["clients/a.md"], "one")
    (root / "notes.txt").write_text("mine\n")
    with gitops.Change(root) as change:
        change.commit_hand_edits()
        with open(root / "clients" / "a.md", "a", encoding="utf-8") as f:
            f.write("by the tool\n")
        git(root, "add", "notes.txt")  # meanwhile, in another terminal
        result = change.commit("clients/a.md", "tool", tracked=True)
    assert result.ok and changed_in(root) == ["clients/a.md"]
    assert git(root, "status", "--porcelain") == "A  notes.txt\n"


def test_no_commit_concludes_a_merge_in_progress_in_a_linked_worktree(vault, linked):
    write_client(linked, "a", "---\nname: A\n---\n")
    gitops.commit(linked, ["clients/a.md"], "one")
    main = git(vault, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(vault, "commit", "-q", "--allow-empty", "-m", "theirs")
    git(linked, "merge", "-q", "--no-commit", "-s", "ours", main)  # nothing staged, but merging
    before = head(linked)
    hand, result = tool_change(linked, "clients/a.md", "by the tool\n")
    assert not result.ok and "merge" in result.error
    assert head(linked) == before
    assert (vault / ".git" / "worktrees" / "linked" / "MERGE_HEAD").exists()
