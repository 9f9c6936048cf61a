"""The vault's private git history. The only module that runs git.

Writes go through the ``git`` command (measured faster than GitPython's index, which also
cannot read git's index format v4); reading history uses GitPython, imported only there.
Functions return results instead of printing.

A tool write (:class:`Change`) costs four git processes: ``git status`` and a
``git rev-parse`` that says where the index is, both started as soon as the vault is locked
so that they run while Python reads and edits the file, one ``git commit`` and a
``git rev-parse`` of the new HEAD. When nothing else is staged, ``git commit --include``
stages and commits the file in one process on the real index; ``git commit -- PATHS`` (the
``--only`` form, which builds a temporary index of the whole book and writes the index
twice) is kept for when someone staged work of their own that must not be swept into the
tool's commit. Nothing here reads ``.git`` by hand: it may be a file, the refs packed.

Before anything is written, the repository's state is asked (:class:`Unsafe`): a merge,
rebase, cherry-pick, revert or bisect in progress, unmerged files or a detached HEAD
forbid the write. ``git status --branch`` tells the last two; the same ``git rev-parse``
says where the files marking the others are. The check costs no process of its own:
asking for eight paths instead of four left that ``rev-parse`` at 1.5 ms (it runs beside
``git status``), and ``--branch`` left ``git status`` within its noise; looking for the
seven files takes 0.03 ms (1,000 clients, 300 commits).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from rmnotes.errors import GitError
from rmnotes.i18n import N_, _

VAULT_PATHS = ("clients", "rmnotes.yaml", ".gitignore", ".gitattributes")
FALLBACK_EMAIL = "rmnotes@localhost"


@dataclass(frozen=True, slots=True)
class CommitResult:
    """What a commit did: its sha, or the error that left the change uncommitted."""

    sha: str | None = None
    message: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class HistoryItem:
    sha: str
    when: datetime
    message: str
    patch: str = ""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env.setdefault("LC_ALL", "C.UTF-8")
    env.pop("LANGUAGE", None)  # gettext reads it before LC_ALL: git's words stay English
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


_NO_GIT = N_("git is not installed; install it (e.g. 'apt-get install git') and try again")


def _argv(args: Sequence[str]) -> list[str]:
    return ["git", "-c", "core.quotepath=off", "-c", "commit.gpgsign=false", *args]


def _failed(root: Path, args: Sequence[str], proc: subprocess.CompletedProcess) -> GitError:
    return GitError(_("git {command} failed in {root}: {output}").format(
        command=args[0], root=root, output=proc.stderr.strip() or proc.stdout.strip()))


def run(root: Path, *args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(_argv(args), cwd=root, env=_env(), input=stdin, capture_output=True,
                              text=True, encoding="utf-8")
    except FileNotFoundError:
        raise GitError(_(_NO_GIT)) from None
    if check and proc.returncode != 0:
        raise _failed(root, args, proc)
    return proc


def is_repo(root: Path) -> bool:
    return (root / ".git").exists()


def require_repo(root: Path) -> None:
    """Refuse a vault without a git repository of its own: there is no history to read or
    write (and a vault inside another repository would write into that one's history)."""
    if not is_repo(root):
        raise GitError(_("{root} has no git history of its own yet: run 'rmn init {root}' to start it "
                         "(the files stay as they are)").format(root=root))


def init(root: Path, owner: str | None) -> None:
    """``git init`` with a repo-local identity when the user has none configured."""
    if not is_repo(root):
        run(root, "init", "-q")
    ensure_identity(root, owner)


def ensure_identity(root: Path, owner: str | None) -> None:
    """A repo-local git identity from ``owner`` where git has none (a fresh clone of a
    user who never configured git): rmn's commits never fail for want of a name."""
    name = run(root, "config", "user.name", check=False).stdout.strip()
    email = run(root, "config", "user.email", check=False).stdout.strip()
    if not name:
        run(root, "config", "user.name", owner or "rmnotes")
    if not email:
        run(root, "config", "user.email", FALLBACK_EMAIL)


def _in_vault(path: str) -> bool:
    return path in VAULT_PATHS or path.startswith("clients/")


@dataclass(frozen=True, slots=True)
class Status:
    """What ``git status`` of the whole repository says matters to a tool commit."""

    changed: tuple[str, ...] = ()  # vault paths that differ from the last commit, sorted
    staged_elsewhere: bool = False  # something outside the vault paths is staged (or unmerged)
    detached: bool = False  # HEAD names a commit, not a branch
    unmerged: tuple[str, ...] = ()  # paths with a conflict not yet resolved, anywhere in the repository
    branch: str | None = None  # the branch HEAD is on (None when detached)


_STATUS = ("status", "--porcelain", "-z", "--branch", "--untracked-files=all")
# the XY of an unmerged path (git-status(1), "Short Format")
_UNMERGED = frozenset({"DD", "AU", "UD", "UA", "DU", "AA", "UU"})


def parse_status(out: str) -> Status:
    """``git status --porcelain -z --branch`` output: a ``## BRANCH`` header (``## HEAD (no
    branch)`` when detached), then entries ``XY PATH``, a rename or copy followed by its old
    path. X is the index against HEAD (`` `` unchanged, ``?`` untracked)."""
    changed: set[str] = set()
    unmerged: list[str] = []
    staged_elsewhere = detached = False
    branch = None
    parts = out.split("\0")
    i = 0
    while i < len(parts):
        item = parts[i]
        i += 1
        if item.startswith("## "):  # no entry starts so: X is never '#'
            detached = item == "## HEAD (no branch)"
            if not detached:  # `## main...origin/main [ahead 1]`, `## No commits yet on main`
                branch = item[3:].removeprefix("No commits yet on ").split("...", 1)[0].split(" ", 1)[0]
            continue
        if len(item) < 4:
            continue
        if item[:2] in _UNMERGED:
            unmerged.append(item[3:])
        paths = [item[3:]]
        if item[0] in "RC":  # a staged rename or copy carries its old path next
            paths.append(parts[i] if i < len(parts) else "")
            i += 1
        for path in paths:
            if _in_vault(path):
                changed.add(path)
            elif path and item[0] not in " ?!":
                staged_elsewhere = True
    return Status(tuple(sorted(changed)), staged_elsewhere, detached, tuple(sorted(unmerged)), branch)


def status(root: Path) -> Status:
    return parse_status(run(root, *_STATUS).stdout)


def changed_paths(root: Path) -> list[str]:
    """Vault paths that differ from the last commit (hand edits, new or deleted files)."""
    return list(status(root).changed)


def commit(root: Path, paths: Sequence[str], message: str, owner: str | None = None) -> CommitResult:
    """Stage ``paths`` (vault-relative) and commit exactly them. Nothing changed: no commit.

    ``git commit -- PATHS`` takes each path's contents from the working tree, deletions
    included; only a file git does not know yet must be added first (and a path that is
    gone from both the working tree and the index, after ``git rm`` or ``git mv``, cannot
    be added)."""
    if not paths:
        return CommitResult()
    present = [p for p in paths if os.path.lexists(root / p)]
    add = run(root, "add", "-A", "--", *present, check=False) if present else None
    if add is not None and add.returncode != 0:
        return CommitResult(None, message, add.stderr.strip())
    return _commit(root, message, "--", *paths, owner=owner)


def _has_identity(root: Path) -> bool:
    """Whether git knows a name and an e-mail to commit as (its config, or its guess)."""
    return all(run(root, "var", ident, check=False).returncode == 0
               for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"))


def _commit(root: Path, message: str, *args: str, owner: str | None = None) -> CommitResult:
    # -q: no summary, whose diff against the parent costs more than reading HEAD afterwards
    argv = ("commit", "-q", "--no-edit", "--no-status", "-F", "-", *args)
    proc = run(root, *argv, check=False, stdin=message)
    if proc.returncode != 0 and not _has_identity(root):
        # a repository made with plain `git init` by a user who never gave git a name: the
        # identity `rmn init` gives (the owner in rmnotes.yaml), then the commit again
        ensure_identity(root, owner)
        proc = run(root, *argv, check=False, stdin=message)
    if proc.returncode != 0:
        text = (proc.stdout + proc.stderr).strip()
        if "nothing to commit" in text or "no changes added" in text:
            return CommitResult()
        return CommitResult(None, message, text)
    return CommitResult(_head(root), message)


def _head(root: Path) -> str | None:
    """The commit HEAD names, as git resolves it (packed refs, a linked worktree, a
    detached HEAD). One ``git rev-parse``: about as fast as letting ``git commit`` print
    its summary, and plumbing whose output does not change with the language."""
    return run(root, "rev-parse", "--verify", "-q", "HEAD", check=False).stdout.strip() or None


def first_commit(root: Path) -> str | None:
    """The vault's first commit (the same in every clone of it), or None before the first
    commit or outside git."""
    if not is_repo(root):
        return None
    out = run(root, "rev-list", "--max-parents=0", "HEAD", check=False).stdout.split()
    return min(out) if out else None  # a history joined from two roots: either, always the same


def commit_hand_edits(root: Path, paths: Sequence[str] | None = None, owner: str | None = None) -> CommitResult:
    """Commit what the user changed by hand (``paths``, else asks git), in its own commit
    that lists the files."""
    if paths is None:
        paths = changed_paths(root)
    if not paths:
        return CommitResult()
    shown = ", ".join(paths[:10]) + (f" and {len(paths) - 10} more" if len(paths) > 10 else "")
    message = f"hand edits: {shown}\n\n" + "\n".join(paths) + "\n"
    return commit(root, paths, message, owner)


# ---------------------------------------------------------------------- when not to write
@dataclass(frozen=True, slots=True)
class Unsafe:
    """A state of the repository in which no tool may write: ``state`` is one of merge,
    rebase, am, cherry-pick, revert, bisect, unmerged, detached; ``message`` names it and
    the way out, in one line."""

    state: str
    message: str

    def __str__(self) -> str:
        return self.message


# The files that mark an operation in progress, in the order they are named (a rebase
# stopped at a conflicted pick is a rebase, not a cherry-pick). git says where they are
# (`git rev-parse --git-path`: a linked worktree keeps them in a folder of its own).
_MARKERS = ("rebase-merge", "rebase-apply", "CHERRY_PICK_HEAD", "REVERT_HEAD", "sequencer",
            "MERGE_HEAD", "BISECT_LOG")
SYNC_MERGE = "sync: merge "  # how `rmn sync` begins the message of its merges


def unsafe_state(root: Path, status: Status, paths: Mapping[str, Path]) -> Unsafe | None:
    """What forbids a write, from the ``git status`` of :data:`_STATUS` and the paths git
    gave for :data:`_GIT_PATHS`; None when a tool may write and commit."""
    found = {name: paths[name] for name in _MARKERS if name in paths and os.path.lexists(paths[name])}
    files = _listed(status.unmerged)

    def operation(state: str, what: str, command: str) -> Unsafe:
        if files:
            text = _("the vault's git repository is in the middle of {what} (conflicts in {files}): resolve "
                     "them, 'git add' them and run '{command} --continue', or undo it with '{command} --abort'")
        else:
            text = _("the vault's git repository is in the middle of {what}: finish it with "
                     "'{command} --continue', or undo it with '{command} --abort'")
        return Unsafe(state, text.format(what=what, files=files, command=command))

    if "rebase-merge" in found or "rebase-apply" in found:
        folder = found.get("rebase-merge") or found["rebase-apply"]
        if (folder / "applying").exists():
            return operation("am", "'git am'", "git am")
        branch = _read(folder / "head-name").removeprefix("refs/heads/")
        what = (_("a rebase of {branch}").format(branch=branch) if branch and branch != "detached HEAD"
                else _("a rebase"))
        return operation("rebase", what, "git rebase")
    if "CHERRY_PICK_HEAD" in found:
        return operation("cherry-pick", _("a cherry-pick"), "git cherry-pick")
    if "REVERT_HEAD" in found:
        return operation("revert", _("a revert"), "git revert")
    if "sequencer" in found:  # a series of picks or reverts, stopped between two of them
        if _read(found["sequencer"] / "todo").startswith("revert"):
            return operation("revert", _("a revert"), "git revert")
        return operation("cherry-pick", _("a cherry-pick"), "git cherry-pick")
    if "MERGE_HEAD" in found:
        if _read(paths["MERGE_MSG"]).startswith(SYNC_MERGE) if "MERGE_MSG" in paths else False:
            text = (_("the vault is in the middle of a sync (conflicts in {files}): edit the files and "
                      "run 'rmn sync --continue', or keep one side of a client's conflicts "
                      "with 'rmn sync --ours CLIENT' or '--theirs CLIENT'; undo the sync with "
                      "'git merge --abort'") if files else
                    _("the vault is in the middle of a sync: edit the files and "
                      "run 'rmn sync --continue', or keep one side of a client's conflicts "
                      "with 'rmn sync --ours CLIENT' or '--theirs CLIENT'; undo the sync with "
                      "'git merge --abort'"))
            return Unsafe("merge", text.format(files=files))
        return operation("merge", _("a merge"), "git merge")
    if "BISECT_LOG" in found:
        return Unsafe("bisect", _("the vault's git repository is in the middle of a bisect: end it with "
                                  "'git bisect reset'"))
    if files:
        return Unsafe("unmerged", _("the vault's git repository has unmerged files ({files}): resolve the "
                                    "conflicts and mark them resolved with 'git add'").format(files=files))
    if status.detached:
        at = run(root, "rev-parse", "--short", "HEAD", check=False).stdout.strip()
        branch = _branch_to_return_to(root)
        back = (f"'git switch {branch}'" if branch
                else _("'git switch BRANCH' ('git branch' lists them)"))
        text = (_("HEAD is detached in the vault's git repository (at {at}), so a commit would be on no "
                  "branch: go back to one with {back}") if at else
                _("HEAD is detached in the vault's git repository, so a commit would be on no branch: go "
                  "back to one with {back}"))
        return Unsafe("detached", text.format(at=at, back=back))
    return None


def repo_state(root: Path) -> Unsafe | None:
    """What forbids a write now (two git processes); see :func:`unsafe_state`."""
    st = parse_status(run(root, "status", "--porcelain", "-z", "--branch", "--untracked-files=no").stdout)
    return unsafe_state(root, st, _git_paths(root, run(root, *_GIT_PATHS).stdout))


def _listed(paths: Sequence[str], most: int = 3) -> str:
    more = len(paths) - most
    return ", ".join(paths[:most]) + (_(" and {n} more").format(n=more) if more > 0 else "")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def _branch_to_return_to(root: Path) -> str | None:
    """The branch HEAD was on before it was detached, else the repository's only branch."""
    previous = run(root, "rev-parse", "--symbolic-full-name", "@{-1}", check=False).stdout.strip()
    if previous.startswith("refs/heads/"):
        return previous.removeprefix("refs/heads/")
    heads = run(root, "for-each-ref", "--format=%(refname:short)", "refs/heads/", check=False).stdout.split()
    return heads[0] if len(heads) == 1 else None


# a commit now would conclude one of these (a partial commit is refused during them)
_IN_PROGRESS = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD")
# where this worktree keeps its index and the files of _MARKERS (a linked worktree or a
# submodule has a .git file, and its own index and MERGE_HEAD in a folder elsewhere)
_NAMED = ("index", *_MARKERS, "MERGE_MSG")
_GIT_PATHS = ("rev-parse", *(arg for name in _NAMED for arg in ("--git-path", name)))


def _git_paths(root: Path, out: str) -> dict[str, Path]:
    """What ``git rev-parse`` of :data:`_GIT_PATHS` printed, by name (relative to ``root``)."""
    return dict(zip(_NAMED, (root / line for line in out.splitlines())))


def _start(root: Path, args: Sequence[str]) -> subprocess.Popen:
    try:
        return subprocess.Popen(_argv(args), cwd=root, env=_env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    except FileNotFoundError:
        raise GitError(_(_NO_GIT)) from None


def _finish(root: Path, args: Sequence[str], proc: subprocess.Popen) -> str:
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise _failed(root, args, subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return out


class Change:
    """The git side of one tool write, under the vault lock (see :meth:`App.change_file`).

    ``git status``, and a ``git rev-parse`` that says where git keeps its index, start when
    the object is made and run while the caller reads and edits the file;
    :meth:`commit_hand_edits` waits for them and commits what the user changed by hand, on
    its own; :meth:`commit` then commits the tool's file. Use it as a context manager so
    that a process nobody waited for is stopped.
    """

    def __init__(self, root: Path, owner: str | None = None):
        require_repo(root)
        self.root = root
        self.owner = owner  # the name to commit as where git knows none (see ensure_identity)
        self._status: Status | None = None
        self._hand = CommitResult()
        self._paths: dict[str, Path] = {}  # index, MERGE_HEAD, ... as git names them
        self._index: tuple[int, int, int] | None = None  # git's index as the status left it
        self._proc: subprocess.Popen | None = _start(root, _STATUS)
        self._where: subprocess.Popen | None = _start(root, _GIT_PATHS)

    def __enter__(self) -> Change:
        return self

    def __exit__(self, *exc) -> None:
        for proc in (self._proc, self._where):
            if proc is not None:
                proc.kill()
                proc.communicate()
        self._proc = self._where = None

    def status(self) -> Status:
        if self._status is None:
            assert self._proc is not None and self._where is not None, "Change used after it was closed"
            out = _finish(self.root, _STATUS, self._proc)
            where = _finish(self.root, _GIT_PATHS, self._where)
            self._proc = self._where = None
            self._paths = _git_paths(self.root, where)
            self._status = parse_status(out)
            self._index = self._index_stamp()
        return self._status

    def state(self) -> Unsafe | None:
        """What forbids this write (a merge in progress, a detached HEAD, ...), or None: told
        by the status and the paths git gave, with no process of its own."""
        st = self.status()
        return unsafe_state(self.root, st, self._paths)

    def commit_hand_edits(self) -> CommitResult:
        """What the user changed by hand in the vault, committed on its own (nothing: no commit)."""
        self._hand = commit_hand_edits(self.root, self.status().changed, self.owner)
        if self._hand.sha:
            self._index = self._index_stamp()  # our own commit rewrote it
        return self._hand

    def commit(self, rel: str, message: str, tracked: bool) -> CommitResult:
        """Commit the tool's change to ``rel`` (after :meth:`commit_hand_edits`). A ``tracked``
        file, with nothing else staged, goes in with ``git commit --include`` (one process);
        otherwise :func:`commit` names its paths, so others' staged work stays staged."""
        st = self.status()
        if (tracked and self._hand.ok and not st.staged_elsewhere and not self._in_progress()
                and self._index_stamp() == self._index):  # nobody staged anything since
            return _commit(self.root, message, "--include", "--", rel, owner=self.owner)
        return commit(self.root, [rel], message, self.owner)

    def commit_paths(self, rels: Sequence[str], message: str) -> CommitResult:
        """Commit the tool's changes to many files at once (an import), after
        :meth:`commit_hand_edits`. With nothing else staged they are staged in one
        ``git add --pathspec-from-file`` (no command line to outgrow) and committed with the
        index as it stands; otherwise :func:`commit` names them, so others' staged work
        stays staged."""
        if not rels:
            return CommitResult()
        st = self.status()
        if (self._hand.ok and not st.staged_elsewhere and not self._in_progress()
                and self._index_stamp() == self._index):
            add = run(self.root, "add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul",
                      check=False, stdin="\0".join(rels))
            if add.returncode != 0:
                return CommitResult(None, message, add.stderr.strip())
            return _commit(self.root, message, owner=self.owner)
        return commit(self.root, list(rels), message, self.owner)

    def _index_stamp(self) -> tuple[int, int, int] | None:
        """git's index file (inode, mtime, size): git rewrites it whenever anything is staged."""
        try:
            st = os.stat(self._paths["index"])
        except (KeyError, OSError):
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _in_progress(self) -> bool:
        """A merge, cherry-pick or revert waits to be concluded (or git did not say where)."""
        if len(self._paths) != len(_NAMED):
            return True
        return any(self._paths[name].exists() for name in _IN_PROGRESS)


def history(root: Path, rel: str, patch: bool = False, limit: int | None = None) -> list[HistoryItem]:
    """Commits touching ``rel``, newest first (GitPython, imported here only)."""
    import git

    require_repo(root)
    repo = git.Repo(root)
    try:
        repo.head.commit
    except ValueError:
        return []
    out = []
    kwargs = {"max_count": limit} if limit else {}
    for c in repo.iter_commits(paths=rel, **kwargs):
        text = ""
        if patch:
            text = repo.git.show(c.hexsha, "--format=", "--patch", "--", rel)
        out.append(HistoryItem(c.hexsha, c.committed_datetime, c.message.strip(), text))
    return out


# ---------------------------------------------------------------------- remotes and sync
# What `rmn sync` asks of git, one process each. Nothing here adds a remote by itself:
# the user does (`rmn remote add URL`, or `git remote add`).


def remotes(root: Path) -> list[str]:
    require_repo(root)
    return run(root, "remote").stdout.split()


def remote_url(root: Path, name: str) -> str | None:
    require_repo(root)
    return run(root, "remote", "get-url", name, check=False).stdout.strip() or None


def remote_add(root: Path, name: str, url: str) -> None:
    run(root, "remote", "add", "--", name, url)


def remote_remove(root: Path, name: str) -> None:
    run(root, "remote", "remove", "--", name)


def current_branch(root: Path) -> str | None:
    """The branch HEAD is on (None when detached)."""
    return run(root, "symbolic-ref", "--short", "-q", "HEAD", check=False).stdout.strip() or None


def config_get(root: Path, key: str) -> str | None:
    return run(root, "config", "--get", key, check=False).stdout.strip() or None


def config_list(root: Path) -> dict[str, str]:
    """Every setting git sees in the repository (its own, the user's, the system's), the
    last value of each key winning, as git reads them: one process for all a sync asks."""
    out = run(root, "config", "-z", "--list").stdout
    found: dict[str, str] = {}
    for item in out.split("\0"):
        if item:
            key, _sep, value = item.partition("\n")
            found[key] = value
    return found


def config_set(root: Path, key: str, value: str) -> None:
    run(root, "config", key, value)


def revs(root: Path, *refs: str) -> list[str | None]:
    """The commits ``refs`` name, None for one that names none: one process when all do."""
    proc = run(root, "rev-parse", *(f"{r}^{{commit}}" for r in refs), check=False)  # refs made here: no option
    if proc.returncode == 0:
        return proc.stdout.split()
    return [rev(root, r) for r in refs]


def rev(root: Path, ref: str) -> str | None:
    """The commit ``ref`` names, or None when it names none."""
    return run(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False).stdout.strip() or None


def merge_base(root: Path, a: str, b: str) -> str | None:
    return run(root, "merge-base", a, b, check=False).stdout.strip() or None


def is_ancestor(root: Path, a: str, b: str) -> bool:
    return run(root, "merge-base", "--is-ancestor", a, b, check=False).returncode == 0


def fetch(root: Path, remote: str) -> None:
    """``git fetch REMOTE``: its branches land in ``refs/remotes/REMOTE/``."""
    with Fetch(root, remote) as fetching:
        fetching.wait()


class Fetch:
    """``git fetch REMOTE`` started now, to run while other git processes do (it touches
    only ``refs/remotes/REMOTE/`` and the object store); :meth:`wait` for it, or leave the
    ``with`` block to stop it."""

    # --prune: a branch gone from the remote (a remote made anew, empty) is gone here too, so
    # that the sync sends the book again instead of taking the old copy as the remote's
    _ARGS = ("fetch", "-q", "--prune", "--no-tags", "--")

    def __init__(self, root: Path, remote: str):
        self.root, self.remote = root, remote
        self._proc: subprocess.Popen | None = _start(root, (*self._ARGS, remote))

    def __enter__(self) -> Fetch:
        return self

    def __exit__(self, *exc) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.communicate()
            self._proc = None

    def wait(self) -> None:
        if self._proc is not None:
            proc, self._proc = self._proc, None
            _finish(self.root, (*self._ARGS, self.remote), proc)


def push(root: Path, remote: str, branch: str, upstream: str, set_upstream: bool) -> CommitResult:
    """``git push REMOTE BRANCH:UPSTREAM``; a refusal (the remote moved on, no access) is
    returned, not raised: the local commits are safe either way."""
    args = ["push", "-q", *(["--set-upstream"] if set_upstream else []), "--", remote,
            f"refs/heads/{branch}:refs/heads/{upstream}"]
    proc = run(root, *args, check=False)
    if proc.returncode != 0:
        return CommitResult(None, "", (proc.stderr or proc.stdout).strip())
    return CommitResult(_head(root))


def tree_changes(root: Path, a: str, b: str, prefix: str = "clients/") -> list[FileChange]:
    """The files under ``prefix`` that differ between commits ``a`` and ``b``, as one
    change from ``a`` to ``b`` each (blob ids; None where a side has no such file)."""
    out = run(root, "diff-tree", "-r", "-z", "--no-abbrev", "--no-renames", a, b, "--", prefix).stdout
    tokens = out.split("\0")
    changes = []
    for meta, path in zip(tokens[0::2], tokens[1::2]):
        fields = meta.split()
        if len(fields) >= 4:
            old, new = fields[2], fields[3]
            changes.append(FileChange(b, a, path, None if old == _ZERO else old, None if new == _ZERO else new))
    return changes


def changed_files(root: Path, a: str | None, b: str, prefix: str = "clients/") -> list[str]:
    """Paths under ``prefix`` that differ between commits ``a`` and ``b`` (``a`` None: every
    path of ``b``)."""
    if a is None:
        out = run(root, "ls-tree", "-r", "-z", "--name-only", b, "--", prefix).stdout
    else:
        out = run(root, "diff", "--name-only", "-z", "--no-renames", a, b, "--", prefix).stdout
    return [p for p in out.split("\0") if p]


@dataclass(frozen=True, slots=True)
class Merged:
    """What ``git merge`` did: the new HEAD, or the paths it left conflicted."""

    sha: str | None
    unmerged: tuple[str, ...] = ()


def merge(root: Path, ref: str, message: str) -> Merged:
    """Merge ``ref`` into HEAD with ``message`` (a fast-forward when HEAD is behind). The
    ort strategy runs each path's merge driver (``.gitattributes``). Conflicts stop it with
    the merge in progress: the result names the unmerged paths."""
    proc = run(root, "merge", "-q", "--no-edit", "--no-stat", "-m", message, ref, check=False)
    if proc.returncode == 0:
        return Merged(_head(root))
    unmerged = status(root).unmerged
    if not unmerged:
        if "would be overwritten by merge" in proc.stderr:  # changes of files rmn does not commit
            files = ", ".join(line.strip() for line in proc.stderr.splitlines() if line.startswith("\t")) or "?"
            if "untracked working tree files" in proc.stderr:
                raise GitError(_("the remote adds {files}, and a file of that name is here, never committed: move it "
                                 "out of the vault (or rename it), then run the command again; nothing was merged"
                                 ).format(files=files))
            raise GitError(_("the remote changed {files}, which you changed here and did not commit (rmn commits "
                             "only the vault's own files): commit them with git, or put them aside ('git stash'), "
                             "then run the command again; nothing was merged").format(files=files))
        raise _failed(root, ("merge",), proc)
    return Merged(None, unmerged)


def merge_head(root: Path) -> str | None:
    """The commit a merge in progress is merging (``MERGE_HEAD``), else None."""
    return rev(root, "MERGE_HEAD")


def merge_message(root: Path) -> str:
    """The message git prepared for the merge in progress (``MERGE_MSG``)."""
    path = root / run(root, "rev-parse", "--git-path", "MERGE_MSG").stdout.strip()
    return _read(path)


def conclude_merge(root: Path, paths: Sequence[str], message: str) -> CommitResult:
    """Mark ``paths`` resolved (``git add``) and commit the merge in progress with ``message``."""
    mark_resolved(root, paths)
    proc = run(root, "commit", "-q", "--no-edit", "--no-status", "--cleanup=strip", "-F", "-",
               check=False, stdin=message)
    if proc.returncode != 0:
        return CommitResult(None, message, (proc.stdout + proc.stderr).strip())
    return CommitResult(_head(root), message)


def mark_resolved(root: Path, paths: Sequence[str]) -> None:
    """Tell git the conflicts of ``paths`` are resolved: ``git add`` what is there, ``git rm``
    what was deleted."""
    present = [p for p in paths if os.path.lexists(root / p)]
    gone = [p for p in paths if p not in present]
    if present:
        run(root, "add", "--", *present)
    if gone:
        run(root, "rm", "-q", "--cached", "--ignore-unmatch", "--", *gone)
# ---------------------------------------------------------------------- three-way text merge
def merge_text(base: bytes, ours: bytes, theirs: bytes,
               labels: tuple[str, str, str] = ("ours", "base", "theirs"),
               favor: str | None = None) -> tuple[bytes, bool]:
    """git's own three-way merge of three texts (``git merge-file -p``): the merged bytes,
    with standard conflict markers where both sides changed the same lines, and whether it
    merged cleanly; ``favor`` (``"ours"``, ``"theirs"``) takes that side's lines there
    instead. Runs anywhere, in a repository or not."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="rmnotes-merge-") as folder:
        names = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_bytes(data)
            names.append(str(path))
        args = ["merge-file", "-p", *([f"--{favor}"] if favor in ("ours", "theirs") else []),
                "-L", labels[0], "-L", labels[1], "-L", labels[2], *names]
        try:
            proc = subprocess.run(_argv(args), cwd=folder, env=_env(), capture_output=True)
        except FileNotFoundError:
            raise GitError(_NO_GIT) from None
    # the exit status is the number of conflicts; a negative one (255 here) is an error
    if proc.returncode < 0 or proc.returncode >= 128:
        raise GitError(f"git merge-file failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout, proc.returncode == 0


# ---------------------------------------------------------------------- the merge driver
MERGE_ATTRIBUTE = "clients/*.md merge=rmnotes"
MERGE_DRIVER_NAME = "rmnotes client files: log and follow-ups as unions, front-matter key by key"


def merge_driver_command() -> str:
    """What git runs to merge a client file (``%O %A %B %P``: base, ours, theirs, path),
    with the Python that runs rmnotes now, so that it works without ``rmn`` on the PATH."""
    import shlex
    import sys

    return f"{shlex.quote(sys.executable)} -m rmnotes merge-file %O %A %B %P"


def register_merge_driver(root: Path) -> bool:
    """Define the ``rmnotes`` merge driver in the repository's config (a clone does not
    carry it) unless it is defined so already; True when it had to be written."""
    require_repo(root)
    command = merge_driver_command()
    current = run(root, "config", "--local", "--get", "merge.rmnotes.driver", check=False).stdout.strip()
    if current == command:
        return False
    run(root, "config", "--local", "merge.rmnotes.name", MERGE_DRIVER_NAME)
    run(root, "config", "--local", "merge.rmnotes.driver", command)
    return True


def with_merge_attribute(text: str | None) -> str | None:
    """``.gitattributes`` with the line that names the merge driver for client files added
    at its end, or None when it names it already."""
    text = text or ""
    if any(line.split() == MERGE_ATTRIBUTE.split() for line in text.splitlines()):
        return None
    if text and not text.endswith("\n"):
        text += "\n"
    return text + "# client files merge by meaning: rmn merge-file\n" + MERGE_ATTRIBUTE + "\n"


# ---------------------------------------------------------------------- the whole history
@dataclass(frozen=True, slots=True)
class FileChange:
    """One file as one commit changed it, against one of its parents (a merge has a change
    per parent); blob ids, None where the file was not there."""

    commit: str
    parent: str
    path: str
    old: str | None
    new: str | None
    merge: bool = False  # the commit has more than one parent


_ZERO = "0" * 40


def file_changes(root: Path, prefix: str) -> tuple[int, list[FileChange]]:
    """Every commit reachable from HEAD, and each change it made to a file under ``prefix``
    against each of its parents: one ``git log --raw`` (no path limit, so that no commit of
    a merged branch is simplified away). Returns the number of commits and the changes,
    oldest commit first."""
    require_repo(root)
    if _head(root) is None:
        return 0, []
    out = run(root, "log", "-z", "--raw", "-m", "--no-abbrev", "--no-renames", "--reverse", "--no-color",
              "--no-show-signature", "--format=%x01%H %P").stdout
    commits = 0
    changes: list[FileChange] = []
    seen: dict[str, int] = {}  # commit -> how many of its parents' diffs came so far
    for chunk in out.split("\x01")[1:]:
        header, _, rest = chunk.partition("\0")
        if "\n" in header:  # no diff at all: the header ends at the line break
            header, _, more = header.partition("\n")
            rest = more + "\0" + rest if more else rest
        sha, *parents = header.split()
        n = seen.get(sha, 0)
        seen[sha] = n + 1
        if n == 0:
            commits += 1
        if not parents:
            continue
        parent = parents[min(n, len(parents) - 1)]
        tokens = rest.split("\0")
        i = 0
        while i < len(tokens):
            meta = tokens[i].lstrip("\n")
            i += 1
            if not meta.startswith(":") or i >= len(tokens):
                continue
            path = tokens[i]
            i += 1
            if not path.startswith(prefix):
                continue
            fields = meta.split()
            old, new = fields[2], fields[3]
            changes.append(FileChange(sha, parent, path, None if old == _ZERO else old,
                                      None if new == _ZERO else new, len(parents) > 1))
    return commits, changes


def read_blobs(root: Path, ids: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
    """The contents of many blobs from one ``git cat-file --batch`` (None for one git does
    not have), in the order asked. The ids are written by a thread while the answers are
    read, so that neither pipe fills up."""
    import threading

    try:
        proc = subprocess.Popen(_argv(["cat-file", "--batch"]), cwd=root, env=_env(),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitError(_NO_GIT) from None
    assert proc.stdin is not None and proc.stdout is not None

    def ask() -> None:
        try:
            proc.stdin.write("".join(f"{i}\n" for i in ids).encode("utf-8"))
            proc.stdin.close()
        except BrokenPipeError:  # git stopped: the reader says so
            pass

    writer = threading.Thread(target=ask, daemon=True)
    writer.start()
    try:
        for blob in ids:
            header = proc.stdout.readline().split()
            if not header:
                raise GitError(f"git cat-file stopped in {root} before blob {blob}")
            if len(header) < 3 or header[1] != b"blob":
                yield blob, None
                continue
            data = proc.stdout.read(int(header[2]))
            proc.stdout.read(1)  # the line break after the contents
            yield blob, data
    finally:
        proc.kill()
        proc.wait()
        writer.join()
