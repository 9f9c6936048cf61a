"""The log is append-only across the whole history: for every commit, every log entry of
each parent is still in the child, byte for byte (line endings aside).

Pure: the commits' file changes and each blob's entries in, the findings out. An entry is
what the merge driver calls one (:func:`rmnotes.domain.merge.entry_texts`): its line and
the indented lines under it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Protocol, Sequence

from rmnotes.parse.body import entry_head


class Change(Protocol):
    @property
    def commit(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def old(self) -> str | None: ...
    @property
    def new(self) -> str | None: ...


SHORT = 7  # characters of a commit id shown


@dataclass(frozen=True, slots=True)
class Finding:
    """An entry of the parent that the commit ``changed`` or ``removed``."""

    commit: str
    path: str
    entry: str  # the entry's text, as its parent had it
    what: str  # "changed" | "removed"

    def __str__(self) -> str:
        return f'{self.commit[:SHORT]} {self.path}: entry "{shown(self.entry)}" {self.what}'


@dataclass(frozen=True, slots=True)
class Deleted:
    """A client file deleted in a commit, with the entries its log held (a client may
    leave the book: a warning, not a violation)."""

    commit: str
    path: str
    entries: int


@dataclass(frozen=True, slots=True)
class Verified:
    commits: int
    changes: int  # client-file changes compared
    findings: tuple[Finding, ...]
    deleted: tuple[Deleted, ...]

    @property
    def ok(self) -> bool:
        return not self.findings


def shown(entry: str, most: int = 40) -> str:
    """An entry's first line without its bullet, cut to ``most`` characters."""
    line = entry.split("\n", 1)[0].lstrip("-* ").rstrip()
    return line if len(line) <= most else line[:most - 3] + "..."


def verify(commits: int, changes: Sequence[Change], entries: Mapping[str, Sequence[str] | None]) -> Verified:
    """Check every change: the old blob's entries (``entries[blob]``; None for a file that
    cannot be read as a client file, which is not checked) must all be in the new one's."""
    findings: list[Finding] = []
    deleted: list[Deleted] = []
    for change in changes:
        old = entries.get(change.old) if change.old else None
        if not old:
            continue
        if change.new is None:
            deleted.append(Deleted(change.commit, change.path, len(old)))
            continue
        new = entries.get(change.new) or ()
        if len(new) >= len(old) and list(new[:len(old)]) == list(old):  # appended: the usual case
            continue
        missing = Counter(old) - Counter(new)
        if not missing:
            continue
        added = [_head(e) for e in (Counter(new) - Counter(old)).elements()]
        for entry in old:
            if missing[entry] <= 0:
                continue
            missing[entry] -= 1
            head = _head(entry)
            if head is not None and head in added:
                added.remove(head)
                findings.append(Finding(change.commit, change.path, entry, "changed"))
            else:
                findings.append(Finding(change.commit, change.path, entry, "removed"))
    return Verified(commits, len(changes), tuple(findings), tuple(deleted))


def _head(entry: str) -> tuple[str, str | None, str | None] | None:
    return entry_head(entry.split("\n", 1)[0])
