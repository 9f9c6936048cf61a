"""The application object every command receives: the vault, its index and git, opened lazily."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Generic, Iterator, NamedTuple, Protocol, Sequence, TypeVar

import click

from rmnotes.errors import DataError, GitError, RmnotesError
from rmnotes.i18n import N_, _
from rmnotes.vault import CACHE_DIR, Vault, atomic_create, atomic_write, atomic_write_many, find_root

if TYPE_CHECKING:  # the index opens, git runs and client objects load only when a command needs them
    from rmnotes import gitops
    from rmnotes.index import Index
    from rmnotes.model import Client


class NewBytes(Protocol):
    """What a transform may return instead of bare bytes: the new bytes and what they say."""

    @property
    def data(self) -> bytes: ...


T = TypeVar("T", bound="bytes | NewBytes")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)  # not a NamedTuple: a generic one needs Python 3.11
class Changed(Generic[T]):
    """What :meth:`App.change_file` did: the transform's value (the new bytes, or an object
    holding them in ``.data``) and the commit (empty when the bytes did not change)."""

    value: T
    commit: gitops.CommitResult


class FileWrite(NamedTuple):
    """One file of :meth:`App.write_files`: its vault-relative path, the function from its
    bytes (None: no such file) to the new bytes, and what is expected there: ``create``
    True, a new file (refused where one is); False, a file that exists; None, either."""

    rel: str
    transform: Callable[[bytes | None], bytes]
    create: bool | None = False


class Written(NamedTuple):
    """What :meth:`App.write_files` did: the files written, those left alone with the
    reason, and the commit (None when nothing was written)."""

    paths: list[str]
    failed: dict[str, str]
    commit: gitops.CommitResult | None


@dataclass
class App:
    vault_option: str | None = None
    debug: bool = False
    redact: bool = False  # --redact: mask what is printed (render.redact)
    redact_json: bool = False  # --redact-json: and the JSON answers
    _warned: bool = field(default=False, init=False)
    # (typed, client id) of a CLIENT taken because it reads like the client's name: enough
    # to read, not to write (陳梅玲 may be someone new, not 陳美玲)
    sounds_like: tuple[str, str] | None = field(default=None, init=False)

    @cached_property
    def vault(self) -> Vault:
        return Vault(find_root(self.vault_option))

    @cached_property
    def index(self) -> Index:
        from rmnotes.index import Index

        index = Index.open(self.vault, progress=_progress_bar)
        ctx = click.get_current_context(silent=True)
        if ctx is not None:  # closed when the command ends: the index is sealed (see Index.close)
            ctx.find_root().call_on_close(index.close)
        if index.unsaved:
            print(_("warning: the index cannot be saved in {dir}/ ({why}); every command reads all "
                    "client files until {dir} is a folder rmn can write").format(dir=CACHE_DIR, why=index.unsaved),
                  file=sys.stderr)
        return index

    @property
    def date_style(self) -> str:
        """How human output shows dates (``rmnotes.yaml`` ``date_style``: iso or roc), as far
        as the settings could be read: a command that needs no settings still answers."""
        return self.vault.settings[0].date_style

    @staticmethod
    def today() -> date:
        return date.today()

    def warn_skipped(self) -> None:
        """One line on stderr per client file that could not be read; once per run."""
        if self._warned:
            return
        self._warned = True
        for skipped in self.index.skipped():
            print(skipped.warning(), file=sys.stderr)

    def load(self, client_id: str) -> Client:
        """A client parsed fresh from its file (the source of truth); a file that does not
        parse raises its first error, with the command that fixes it."""
        from rmnotes.index import read_and_parse

        rel = self.vault.rel(self.vault.client_path(client_id))
        parsed = read_and_parse(self.vault, rel)
        if parsed.client is None:
            first = parsed.errors[0] if parsed.errors else None
            merging = self._merging()
            if merging == "sync":  # rmn edit writes nothing until the sync is finished
                raise DataError(_("{problem}; a sync stopped at this file: keep the lines you mean in your editor, "
                                  "then run 'rmn sync --continue' (or 'rmn sync --ours/--theirs {id}')").format(
                                      problem=first or rel, id=client_id))
            if merging == "git":
                raise DataError(_("{problem}; a git merge is in progress: fix {file} in your editor, then finish "
                                  "the merge with git ('git add {file}', 'git commit')").format(
                                      problem=first or rel, file=rel))
            raise DataError(_("{problem}; fix it with 'rmn edit {id}' (rmn check lists every problem)")
                            .format(problem=first or rel, id=client_id))
        return parsed.client

    def _merging(self) -> str | None:
        """``sync`` when a stopped ``rmn sync`` holds the repository, ``git`` for another
        merge in progress, else None."""
        from rmnotes import gitops

        root = self.vault.root
        if not gitops.is_repo(root) or gitops.merge_head(root) is None:
            return None
        return "sync" if gitops.merge_message(root).startswith(gitops.SYNC_MERGE) else "git"

    def commit_hand_edits(self, rel: str) -> gitops.CommitResult:
        """Before ``rel`` is edited in an editor: under the vault lock, the hand edits
        committed on their own. Refused, with nothing committed, when the repository is in
        a state no tool may write in."""
        with self._writing(rel) as change:
            _refuse(change.state())
            return change.commit_hand_edits()

    def refuse_unsafe_now(self) -> None:
        """Before long work (a PDF, charts) whose files go into the vault: a vault without a
        repository of its own, or one in a state no tool may write in, is refused now, not
        after the work. The write asks again, under the vault lock."""
        from rmnotes import gitops

        gitops.require_repo(self.vault.root)
        _refuse(gitops.repo_state(self.vault.root))

    def refuse_links(self, rel: str) -> None:
        """A write of ``rel`` refused when it or a folder on its way is a symbolic link."""
        for step in [*reversed(Path(rel).parents[:-1]), Path(rel)]:
            _refuse_link(self.vault.root / step, step.as_posix())

    def _owner(self) -> str | None:
        """The owner in rmnotes.yaml: whom rmn commits as where git knows nobody."""
        try:
            return self.vault.config.owner
        except RmnotesError:
            return None

    def commit(self, paths: list[str], message: str) -> gitops.CommitResult:
        """Commit ``paths`` as they are (after ``rmn edit``); a repository in a state no tool
        may write in leaves them uncommitted, and says so in the result."""
        from rmnotes import gitops

        unsafe = gitops.repo_state(self.vault.root)
        if unsafe is not None:
            return gitops.CommitResult(None, message, str(unsafe))
        return gitops.commit(self.vault.root, paths, message, self._owner())

    def change_file(self, rel: str, transform: Callable[[bytes | None], T],
                    message: str | Callable[[T], str], create: bool = False) -> Changed[T]:
        """The one door for writes: under the vault lock, read the file and transform its
        bytes (raising changes nothing, and commits nothing), commit any hand edits on their
        own, then write the new bytes atomically and commit exactly them.

        ``transform`` gets the file's bytes (None for a missing file, allowed with
        ``create``) and returns the new bytes, or an object holding them in ``.data`` with
        whatever else it learned; that value comes back in the :class:`Changed`.
        ``message`` may be a function of that value.

        ``git status``, which finds the hand edits, runs while the file is read and
        transformed; nothing is written before the hand edits are committed. Nothing at all
        is written, or committed, when the repository is in a state no tool may write in
        (a merge or rebase in progress, a detached HEAD: :class:`gitops.Unsafe`), when the
        file is a symbolic link, or when the file system refuses (read-only, full): each is
        an error naming the file and what to do.
        """
        from rmnotes import gitops

        path = self.vault.root / rel

        def read_and_transform() -> tuple[bytes | None, T]:
            _refuse_link(path, rel)
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                if not create:
                    raise DataError(_("{file}: the file is gone; nothing was written").format(file=rel)) from None
                data = None
            return data, transform(data)

        with self._writing(rel) as change:
            data, value = _unless_unsafe(change, read_and_transform)
            new = value if isinstance(value, bytes) else value.data
            self.report_commit(change.commit_hand_edits(), "hand edits")
            if new == data:
                return Changed(value, gitops.CommitResult())
            _or_error(rel, lambda: atomic_write(path, new))
            text = message if isinstance(message, str) else message(value)
            result = change.commit(rel, text, tracked=data is not None)
        self.report_commit(result, rel)
        return Changed(value, result)

    def create_file(self, pick: Callable[[], str], data: bytes,
                    message: Callable[[str], str]) -> tuple[str, gitops.CommitResult]:
        """A new file, through the same door as :meth:`change_file`: ``pick`` chooses its
        vault-relative path under the vault lock (so runs in parallel never choose the same
        one), the file is created there only if nothing is (never replacing one), and
        committed with ``message(rel)``. Returns the path and the commit."""
        with self._writing("clients/") as change:
            rel = _unless_unsafe(change, pick)
            path = self.vault.root / rel
            self.report_commit(change.commit_hand_edits(), "hand edits")
            _or_error(rel, lambda: atomic_create(path, data))
            result = change.commit(rel, message(rel), tracked=False)
        self.report_commit(result, rel)
        return rel, result

    def ensure_merge_driver(self) -> list[str]:
        """rmnotes' merge driver for client files, registered where it is missing: defined
        in the repository's config (a clone does not carry it), and named for
        ``clients/*.md`` in ``.gitattributes`` (committed). Returns one line per thing done,
        for the command to say."""
        from rmnotes import gitops

        done = []
        if gitops.register_merge_driver(self.vault.root):
            done.append(driver_registered_message())
        path = self.vault.root / ".gitattributes"
        try:
            current = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        except (OSError, UnicodeDecodeError) as exc:
            raise RmnotesError(_(".gitattributes: cannot read it ({why}); fix or remove it").format(why=exc)) from None
        if gitops.with_merge_attribute(current) is not None:
            def add(data: bytes | None) -> bytes | None:
                text = gitops.with_merge_attribute(None if data is None else data.decode("utf-8"))
                return data if text is None else text.encode("utf-8")

            changed = self.change_file(".gitattributes", add, "gitattributes: client files merge by meaning "
                                       "(rmn merge-file)", create=True)
            if changed.commit.sha:
                done.append(_("added '{line}' to .gitattributes").format(line=gitops.MERGE_ATTRIBUTE))
        return done

    def write_files(self, writes: Sequence[FileWrite], message: str | Callable[[list[str]], str],
                    progress: Callable[[int, int], None] | None = None, whole: bool = False) -> Written:
        """Many files through the same door as :meth:`change_file`, under one lock and in ONE
        commit (an import, the month's review sheets, documents attached).

        Each write's ``transform`` gets the file's bytes (None when there is none) and returns
        the new bytes; every transform runs before anything is written. A write whose
        transform raises RmnotesError, whose file is not what ``create`` expects, or with a
        symbolic link on its way leaves its file alone and is reported in
        :attr:`Written.failed`, and the others are written; with ``whole`` the first such
        problem refuses the whole batch instead (the error is raised, nothing written). Then
        the hand edits are committed on their own, every file is written atomically (each
        temp file first, then all moved into place; new files and folders owner-only) and
        exactly these files are committed with ``message`` (or ``message(paths)``). Refused,
        with nothing written, in the states :meth:`change_file` refuses."""
        root = self.vault.root
        failed: dict[str, str] = {}

        def transform_all() -> list[tuple[str, bytes, bool]]:
            out = []
            for n, w in enumerate(writes, 1):
                path = root / w.rel
                try:
                    self.refuse_links(w.rel)
                    try:
                        data = path.read_bytes()
                    except FileNotFoundError:
                        data = None
                    if w.create is True and data is not None:
                        raise DataError(_("{rel} exists already; nothing was written to it").format(rel=w.rel))
                    if w.create is False and data is None:
                        raise DataError(_("{rel}: the file is gone; nothing was written").format(rel=w.rel))
                    new = w.transform(data)
                except RmnotesError as exc:
                    if whole:
                        raise
                    failed[w.rel] = str(exc)
                    continue
                if progress is not None:
                    progress(n, len(writes))
                if new != data:
                    out.append((w.rel, new, data is None))
            return out

        with self._writing(writes[0].rel if writes else "clients/") as change:
            todo = _unless_unsafe(change, transform_all)
            if not todo:
                return Written([], failed, None)
            self.report_commit(change.commit_hand_edits(), "hand edits")
            written = [rel for rel, _new, _create in todo]
            where = written[0] if len(written) == 1 else _("{n} files in the vault").format(n=len(written))
            _or_error(where, lambda: atomic_write_many([(root / rel, new, create) for rel, new, create in todo]))
            text = message if isinstance(message, str) else message(written)
            result = change.commit_paths(written, text)
        self.report_commit(result, written[0] if len(written) == 1 else _("{n} files").format(n=len(written)))
        return Written(written, failed, result)

    @contextlib.contextmanager
    def syncing(self) -> Iterator[gitops.Change]:
        """The door for ``rmn sync``, which lets git write the files it merges: the vault
        lock for the whole fetch, merge and push (no rmn write runs meanwhile), and the git
        side of the write, whose :meth:`gitops.Change.state` refuses a repository in a state
        no tool may write in and whose :meth:`gitops.Change.commit_hand_edits` commits the
        hand edits first. Files rmn itself rewrites while resolving go through
        :func:`rmnotes.vault.atomic_write`, as here. git writes the files it merges under
        an owner-only umask, so they stay 0600 like every file rmn makes."""
        old_umask = os.umask(0o077)
        try:
            with self._writing(".") as change:
                yield change
        finally:
            os.umask(old_umask)

    @contextlib.contextmanager
    def _writing(self, rel: str) -> Iterator[gitops.Change]:
        """The vault lock, and the git side of one write (its ``git status`` starts now).
        Refused for a client named only by a name that reads like theirs."""
        from rmnotes import gitops

        if self.sounds_like is not None:
            typed, client_id = self.sounds_like
            raise DataError(_("{typed} is not the name of {name} ({id}), only read the same; write {name} or {id} "
                              "to be sure it is that client; nothing was written").format(
                                  typed=typed, name=self.index.names().get(client_id, client_id), id=client_id))
        with contextlib.ExitStack() as stack:
            _or_error(rel, lambda: stack.enter_context(self.vault.lock()))
            yield stack.enter_context(gitops.Change(self.vault.root, self._owner()))

    @staticmethod
    def write_export(target: str | Path, data: bytes) -> Path:
        """Write a file the user asked for (a workbook, a CSV, a calendar) outside the
        vault's history: owner-only, atomically, into a folder that exists; a path that
        cannot be written is one clear error, never a traceback."""
        path = Path(target)
        if not path.parent.is_dir():
            raise RmnotesError(_("{file}: the folder {folder} does not exist; create it or choose another "
                                 "place").format(file=path, folder=path.parent))
        try:
            atomic_write(path, data, mode=0o600)
        except OSError as exc:
            raise RmnotesError(_("{file}: cannot write ({why}); choose another place")
                               .format(file=path, why=exc.strerror)) from None
        return path

    def report_commit(self, result: gitops.CommitResult, what: Path | str) -> None:
        """A failed commit is visible but loses nothing: the file is already written."""
        if not result.ok:
            print(_("warning: {file} was saved but not committed: {why}; commit it with git in the vault")
                  .format(file=what, why=result.error), file=sys.stderr)


def driver_registered_message() -> str:
    """What `rmn init` and `rmn sync` say when they registered the merge driver."""
    return _("registered the merge driver for client files (rmn merge-file) in the repository's git config")


def _unless_unsafe(change: gitops.Change, step: Callable[[], V]) -> V:
    """``step()``, then a refusal if the repository is in a state no tool may write in.
    git is asked after the step, so that it answers while Python works; its answer also
    wins over the step's own error, since a merge in progress explains a file that no
    longer reads."""
    try:
        value = step()
    except RmnotesError:
        _refuse(change.state())
        raise
    _refuse(change.state())
    return value


def _refuse(unsafe: gitops.Unsafe | None) -> None:
    if unsafe is not None:
        raise GitError(_("{state}; nothing was written").format(state=unsafe))


def _refuse_link(path: Path, rel: str) -> None:
    """rmn never writes through a symbolic link: the write would replace the link with a
    file (or change a file outside the vault)."""
    if path.is_symlink():
        raise DataError(_("{file} is a symbolic link (to {target}); rmn does not write through links: put "
                          "the file itself in its place; nothing was written").format(file=rel, target=os.readlink(path)))


# what the file system said, and what to do about it
_WRITE_ERRORS = {
    errno.EROFS: (N_("the vault is on a read-only file system"), N_("remount it writable or work in a writable copy")),
    errno.EACCES: (N_("permission denied"), N_("make the vault's folders and files yours and writable (chmod -R u+w on the vault)")),
    errno.EPERM: (N_("not permitted"), N_("make the vault's folders and files yours and writable (chmod -R u+w on the vault)")),
    errno.ENOSPC: (N_("the disk is full"), N_("free some space and run the command again")),
    errno.EDQUOT: (N_("the disk quota is used up"), N_("free some space and run the command again")),
}


def _or_error(rel: str, write: Callable[[], V]) -> V:
    """``write()``; an OSError becomes one line naming the file and what to do."""
    try:
        return write()
    except OSError as exc:
        why, then = _WRITE_ERRORS.get(exc.errno, (exc.strerror or str(exc), N_("check the vault folder and try again")))
        raise RmnotesError(_("{file}: cannot write ({why}); nothing was written: {then}")
                           .format(file=rel, why=_(why), then=_(then))) from None


def _progress_bar(total: int):
    """A progress bar on stderr for a long index rebuild (only when stderr is a terminal)."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    from rich.console import Console

    progress = Progress(transient=True, console=Console(stderr=True))
    task = progress.add_task(_("indexing client files"), total=total)
    progress.start()

    def tick(done: int, all_: int) -> None:
        progress.update(task, completed=done)
        if done >= all_:
            progress.stop()

    return tick
