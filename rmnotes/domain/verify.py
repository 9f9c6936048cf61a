"""The log is append-only across the whole history: for every commit, every log entry of
each parent is still in the child, byte for byte (line endings aside).

Pure: the commits' file changes and the blobs' contents in, the findings out. An entry is
what the merge driver calls one (:func:`rmnotes.domain.merge.entry_texts`): its line and
the indented lines under it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Protocol, Sequence

from rmnotes.domain.merge import entry_texts
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
    @property
    def merge(self) -> bool: ...


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


def blob_order(changes: Sequence[Change]) -> list[str]:
    """The blobs :func:`verify` reads, each once, in the order it needs them."""
    seen: dict[str, None] = {}
    for change in changes:
        for blob in (change.old, change.new):
            if blob:
                seen.setdefault(blob, None)
    return list(seen)


def verify(commits: int, changes: Sequence[Change], blobs: Iterable[tuple[str, bytes | None]]) -> Verified:
    """Check every change: each log entry of the old version must be in the new one.

    ``blobs`` gives the contents of the blobs in :func:`blob_order` (None for one that is
    missing); each is held only until the last change that uses it. A file that cannot be
    read as a client file is not checked."""
    last_use = {}
    for i, change in enumerate(changes):
        for blob in (change.old, change.new):
            if blob:
                last_use[blob] = i
    stream = iter(blobs)
    live: dict[str, bytes | None] = {}

    def data(blob: str) -> bytes | None:
        while blob not in live:
            got, content = next(stream)
            live[got] = content
        return live[blob]

    findings: list[Finding] = []
    at_merges: list[tuple[int, Finding, str]] = []  # a merge's finding: its place, the parent it is against
    order: dict[Finding, int] = {}
    parents_had: dict[tuple[str, str], dict[str, frozenset[str]]] = {}  # a merge's file -> parent -> entries
    deleted: list[Deleted] = []
    for i, change in enumerate(changes):
        old = data(change.old) if change.old else None
        new = data(change.new) if change.new else None
        if old is not None and not (new is not None and appended_only(old, new)):
            before = entry_texts(old)
            if before:
                if change.new is None:
                    deleted.append(Deleted(change.commit, change.path, len(before)))
                else:
                    after = entry_texts(new) if new is not None else None
                    found = _compare(change, before, after or [])
                    if change.merge:
                        parents_had.setdefault((change.commit, change.path), {})[change.parent] = frozenset(before)
                        at_merges += [(i, f, change.parent) for f in found]
                    else:
                        findings += found
                        order.update((f, i) for f in found)
        for blob in (change.old, change.new):
            if blob and last_use[blob] == i:
                live.pop(blob, None)
    kept = _lost_by_merges(at_merges, parents_had, findings)
    order.update((f, i) for i, f, _parent in at_merges if f in kept)
    findings = sorted([*findings, *kept], key=order.__getitem__)  # in the history's order
    return Verified(commits, len(changes), tuple(findings), tuple(deleted))


def _lost_by_merges(at_merges: list[tuple[int, Finding, str]],
                    parents_had: dict[tuple[str, str], dict[str, frozenset[str]]], own: list[Finding]) -> list[Finding]:
    """Each loss once, at the commit that made it. A merge compared with a parent that had
    an entry the merge lacks: the merge lost it when another parent had it too (both sides
    kept it), or when no commit of the history lost it (new on that side, dropped by the
    merge); otherwise the merge took the side that had lost it, whose commit is already
    named. (A parent whose file the merge kept whole, or only added to, lacks the entry.)"""
    named = {(f.path, f.entry, f.what) for f in own}
    out = []
    for _i, finding, parent in at_merges:
        others = [had for p, had in parents_had.get((finding.commit, finding.path), {}).items() if p != parent]
        if any(finding.entry in had for had in others) or (finding.path, finding.entry, finding.what) not in named:
            out.append(finding)
    return out


def appended_only(old: bytes, new: bytes) -> bool:
    """``new`` is ``old`` with lines added at its end that leave old's last entry as it
    was (the first added line that is not blank starts at the margin): then every entry of
    ``old`` is in ``new``, and neither needs to be read (what nearly every commit does)."""
    if not new.startswith(old) or not (old.endswith(b"\n") or not old):
        return False
    for line in new[len(old):].splitlines():
        if line.strip():
            return line[:1] not in (b" ", b"\t")
    return True


def _compare(change: Change, old: Sequence[str], new: Sequence[str]) -> list[Finding]:
    if len(new) >= len(old) and list(new[:len(old)]) == list(old):
        return []
    missing = Counter(old) - Counter(new)
    if not missing:
        return []
    added = [_head(e) for e in (Counter(new) - Counter(old)).elements()]
    out = []
    for entry in old:
        if missing[entry] <= 0:
            continue
        missing[entry] -= 1
        head = _head(entry)
        if head is not None and head in added:
            added.remove(head)
            out.append(Finding(change.commit, change.path, entry, "changed"))
        else:
            out.append(Finding(change.commit, change.path, entry, "removed"))
    return out


def _head(entry: str) -> tuple[str, str | None, str | None] | None:
    return entry_head(entry.split("\n", 1)[0])
