"""What a sync reports and decides from file text alone: the log entries that came in and
went out, the conflicts git left in a file (``file:line: key: ours "..." theirs "..."``),
and a file with one side of each of its conflicts kept.

Nothing here runs git (``rmnotes.sync`` does) or prints.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Literal


Side = Literal["ours", "theirs"]

# the marker lines git writes around the two sides of a conflict (the base part only with
# merge.conflictStyle diff3/zdiff3); parse.client.conflict_markers reads them the same way
_START, _BASE, _SPLIT, _END = "<<<<<<<", "|||||||", "=======", ">>>>>>>"
_KEY = re.compile(r"^(\s*)(-\s+)?([^\s:#][^:#]*?)\s*:(?:\s+(.*))?$")
_FLOW_NAME = re.compile(r"\bname:\s*([^,}]+)")
SHOWN = 60  # the longest value a conflict line quotes


# ---------------------------------------------------------------------- entries in and out
def _entries(data: bytes | None, path: str) -> Counter:
    """A file's log entries, each by its text as the merge driver and ``rmn verify`` cut
    it (:func:`rmnotes.domain.merge.entry_texts`: its line and the lines under it); a file
    that is missing or cannot be cut into parts has none."""
    if data is None:
        return Counter()
    from rmnotes.domain.merge import entry_texts  # the YAML reader loads only when entries are counted

    return Counter(entry_texts(data) or ())


def entries_added(files: Iterable[tuple[str, bytes | None, bytes | None]]) -> int:
    """For each ``(path, before, after)`` (None: no such file): how many log entries
    ``after`` has that ``before`` has not, summed over the files."""
    return sum(sum((_entries(after, path) - _entries(before, path)).values()) for path, before, after in files)


# ---------------------------------------------------------------------- conflicts
@dataclass(frozen=True, slots=True)
class Conflict:
    """One conflict git left in a file: where it starts (the ``<<<<<<<`` line), what it is
    about (a front-matter key path such as ``profile.mobile``, ``notes`` or a section's
    heading) and both sides' values, each shortened to one line. ``line`` is None for a
    file with no markers to show (changed on one side, deleted on the other)."""

    path: str
    line: int | None
    key: str
    ours: str
    theirs: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.key}"
        return f'{self.path}:{self.line}: {self.key}: ours "{self.ours}" theirs "{self.theirs}"'


@dataclass(frozen=True, slots=True)
class _Hunk:
    start: int  # index of the <<<<<<< line
    ours: list[str]
    theirs: list[str]
    end: int  # index of the >>>>>>> line


def _is(line: str, marker: str) -> bool:
    head, rest = line[:7], line[7:]
    if marker == _SPLIT:
        return head == marker and not rest.strip()
    return head == marker and rest[:1] in ("", " ", "\r", "\n")


def _hunks(lines: list[str]) -> list[_Hunk]:
    out: list[_Hunk] = []
    i = 0
    while i < len(lines):
        if not _is(lines[i], _START):
            i += 1
            continue
        start, ours, theirs, part = i, [], [], "ours"
        i += 1
        while i < len(lines) and not _is(lines[i], _END):
            if _is(lines[i], _BASE) and part == "ours":
                part = "base"
            elif _is(lines[i], _SPLIT) and part != "theirs":
                part = "theirs"
            elif part == "ours":
                ours.append(lines[i])
            elif part == "theirs":
                theirs.append(lines[i])
            i += 1
        if i >= len(lines):  # no closing marker: not a conflict git wrote
            break
        out.append(_Hunk(start, ours, theirs, i))
        i += 1
    return out


def _front_end(lines: list[str]) -> int:
    """The index of the line closing the front-matter (0 when there is none)."""
    if not lines or lines[0].lstrip("\ufeff").rstrip() != "---":
        return 0
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return i
    return 0


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _shown(lines: list[str], key_line: bool) -> str:
    """One side's lines as one short line: the value of a ``key: value`` line, else the
    lines' text joined."""
    texts = [ln.strip() for ln in lines if ln.strip()]
    if key_line and not texts:  # the key is on the other side only: this side removed it
        return "(removed)"
    if key_line and len(texts) == 1 and texts[0].startswith("- {"):
        texts = [texts[0][2:]]
    elif key_line and len(texts) == 1:
        m = _KEY.match(texts[0])
        if m and m.group(4) is not None:
            texts = [_unquote(m.group(4))]
    text = " / ".join(texts)
    text = text.replace('"', "'")
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _item_name(line: str, m: re.Match) -> str | None:
    """The ``name`` a list item line gives (``- name: X`` or ``- {name: X, ...}``), if any."""
    if m.group(3).strip() == "name":
        return _unquote(m.group(4) or "")
    flow = _FLOW_NAME.search(line) if m.group(3).lstrip().startswith("{") else None
    return _unquote(flow.group(1)) if flow else None


def _key_path(lines: list[str], hunk: _Hunk) -> str:
    """The front-matter key a conflict is about: its first ``key:`` line, under the keys
    (and the ``name`` of list items) that hold it, read upwards by indentation."""
    first = next((ln for ln in (hunk.ours or hunk.theirs) if ln.strip() and not ln.lstrip().startswith("#")), "")
    m = _KEY.match(first) or _KEY.match(first.replace("- {", "- ", 1))
    if not m:
        return "front-matter"
    if m.group(2):  # the item itself: `- {name: X, ...}` or `- name: X`
        named = _item_name(first, _KEY.match(first) or m)
        parts = [f"[{named}]"] if named else []
        depth = _indent(first)
    else:
        parts = [m.group(3).strip()]
        depth = _indent(first)
    sibling_name: str | None = None
    for ln in reversed(lines[1:hunk.start]):
        if depth == 0:
            break
        if not ln.strip() or ln.lstrip().startswith("#"):
            continue
        m = _KEY.match(ln)
        if not m:
            continue
        if m.group(2):
            key_col = _indent(ln) + len(m.group(2))
            if _indent(ln) < depth:
                if key_col == depth and m.group(3).strip() != "name" and sibling_name:
                    named = sibling_name
                else:
                    named = _item_name(ln, m)
                parts.insert(0, f"[{named}]" if named else "[]")
                depth, sibling_name = _indent(ln), None
            continue
        if _indent(ln) == depth and m.group(3).strip() == "name":
            sibling_name = _unquote(m.group(4) or "")
        elif _indent(ln) < depth:
            parts.insert(0, m.group(3).strip())
            depth, sibling_name = _indent(ln), None
    return ".".join(parts).replace(".[", "[") or "front-matter"


def _section(lines: list[str], at: int, front_end: int) -> str:
    for ln in reversed(lines[front_end + 1:at]):
        if ln.startswith("## "):
            return ln[3:].strip()
    return "notes"


def conflicts_in(text: str, path: str) -> list[Conflict]:
    """Every conflict git left in ``text`` (a client file, or ``rmnotes.yaml``), in order."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    front_end = _front_end(lines)
    yaml_file = not path.endswith(".md")
    out = []
    for hunk in _hunks(lines):
        in_yaml = yaml_file or hunk.start < front_end
        key = _key_path(lines, hunk) if in_yaml else _section(lines, hunk.start, front_end)
        out.append(Conflict(path, hunk.start + 1, key, _shown(hunk.ours, in_yaml), _shown(hunk.theirs, in_yaml)))
    return out


def take_side(data: bytes, side: Side) -> tuple[bytes, int]:
    """``data`` with each conflict replaced by the lines of one side (line endings and
    every other byte kept), and how many conflicts there were."""
    lines = data.decode("utf-8").splitlines(keepends=True)
    hunks = _hunks(lines)
    out: list[str] = []
    pos = 0
    for hunk in hunks:
        out += lines[pos:hunk.start]
        out += hunk.ours if side == "ours" else hunk.theirs
        pos = hunk.end + 1
    out += lines[pos:]
    return "".join(out).encode("utf-8"), len(hunks)
