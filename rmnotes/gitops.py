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
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Sequence

from rmnotes.errors import GitError

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
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


_NO_GIT = "git is not installed; install it (e.g. 'apt-get install git') and try again"


def _argv(args: Sequence[str]) -> list[str]:
    return ["git", "-c", "core.quotepath=off", "-c", "commit.gpgsign=false", *args]


def _failed(root: Path, args: Sequence[str], proc: subprocess.CompletedProcess) -> GitError:
    return GitError(f"git {args[0]} failed in {root}: {proc.stderr.strip() or proc.stdout.strip()}")


def run(root: Path, *args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(_argv(args), cwd=root, env=_env(), input=stdin, capture_output=True,
                              text=True, encoding="utf-8")
    except FileNotFoundError:
        raise GitError(_NO_GIT) from None
    if check and proc.returncode != 0:
        raise _failed(root, args, proc)
    return proc


def is_repo(root: Path) -> bool:
    return (root / ".git").exists()


def init(root: Path, owner: str | None) -> None:
    """``git init`` with a repo-local identity when the user has none configured."""
    if not is_repo(root):
        run(root, "init", "-q")
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


_STATUS = ("status", "--porcelain", "-z", "--untracked-files=all")


def parse_status(out: str) -> Status:
    """``git status --porcelain -z`` output: entries ``XY PATH``, a rename or copy followed
    by its old path. X is the index against HEAD (`` `` unchanged, ``?`` untracked)."""
    changed: set[str] = set()
    staged_elsewhere = False
    parts = out.split("\0")
    i = 0
    while i < len(parts):
        item = parts[i]
        i += 1
        if len(item) < 4:
            continue
        paths = [item[3:]]
        if item[0] in "RC":  # a staged rename or copy carries its old path next
            paths.append(parts[i] if i < len(parts) else "")
            i += 1
        for path in paths:
            if _in_vault(path):
                changed.add(path)
            elif path and item[0] not in " ?!":
                staged_elsewhere = True
    return Status(tuple(sorted(changed)), staged_elsewhere)


def status(root: Path) -> Status:
    return parse_status(run(root, *_STATUS).stdout)


def changed_paths(root: Path) -> list[str]:
    """Vault paths that differ from the last commit (hand edits, new or deleted files)."""
    return list(status(root).changed)


def commit(root: Path, paths: Sequence[str], message: str) -> CommitResult:
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
    return _commit(root, message, "--", *paths)


def _commit(root: Path, message: str, *args: str) -> CommitResult:
    # -q: no summary, whose diff against the parent costs more than reading HEAD afterwards
    proc = run(root, "commit", "-q", "--no-edit", "--no-status", "-F", "-", *args, check=False, stdin=message)
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


def commit_hand_edits(root: Path, paths: Sequence[str] | None = None) -> CommitResult:
    """Commit what the user changed by hand (``paths``, else asks git), in its own commit
    that lists the files."""
    if paths is None:
        paths = changed_paths(root)
    if not paths:
        return CommitResult()
    shown = ", ".join(paths[:10]) + (f" and {len(paths) - 10} more" if len(paths) > 10 else "")
    message = f"hand edits: {shown}\n\n" + "\n".join(paths) + "\n"
    return commit(root, paths, message)


# a commit now would conclude one of these (a partial commit is refused during them)
_IN_PROGRESS = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD")
# where this worktree keeps its index and those files (a linked worktree or a submodule
# has a .git file, and its own index and MERGE_HEAD in a folder elsewhere)
_GIT_PATHS = ("rev-parse", *(arg for name in ("index", *_IN_PROGRESS) for arg in ("--git-path", name)))


def _start(root: Path, args: Sequence[str]) -> subprocess.Popen:
    try:
        return subprocess.Popen(_argv(args), cwd=root, env=_env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    except FileNotFoundError:
        raise GitError(_NO_GIT) from None


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

    def __init__(self, root: Path):
        self.root = root
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
            where = _finish(self.root, _GIT_PATHS, self._where).splitlines()
            self._proc = self._where = None
            self._paths = dict(zip(("index", *_IN_PROGRESS), (self.root / line for line in where)))
            self._status = parse_status(out)
            self._index = self._index_stamp()
        return self._status

    def commit_hand_edits(self) -> CommitResult:
        """What the user changed by hand in the vault, committed on its own (nothing: no commit)."""
        self._hand = commit_hand_edits(self.root, self.status().changed)
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
            return _commit(self.root, message, "--include", "--", rel)
        return commit(self.root, [rel], message)

    def _index_stamp(self) -> tuple[int, int, int] | None:
        """git's index file (inode, mtime, size): git rewrites it whenever anything is staged."""
        try:
            st = os.stat(self._paths["index"])
        except (KeyError, OSError):
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _in_progress(self) -> bool:
        """A merge, cherry-pick or revert waits to be concluded (or git did not say where)."""
        if len(self._paths) != 1 + len(_IN_PROGRESS):
            return True
        return any(self._paths[name].exists() for name in _IN_PROGRESS)


def history(root: Path, rel: str, patch: bool = False, limit: int | None = None) -> list[HistoryItem]:
    """Commits touching ``rel``, newest first (GitPython, imported here only)."""
    import git

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
