"""Byte-exact edits of a client file: insert lines, tick a box; nothing else changes.

Pure functions over the file's bytes. The file keeps its BOM and its line endings
(CRLF in a file saved by Notepad); new lines use the file's own ending. Entries are
inserted at the end of ``## Log`` (before any later section), follow-ups at the end of
``## Follow-ups`` (created just before ``## Log`` when missing).

Lines are split exactly where the parser splits them (``\\r\\n``, ``\\r`` or ``\\n``; never at
the other characters ``str.splitlines`` knows), so a line number here is a line number
in :func:`rmnotes.parse.parse_client`'s issues and follow-ups.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rmnotes.parse.body import section_kind

BOM = b"\xef\xbb\xbf"
_HEADING = re.compile(r"^(#{1,2})\s+(.*?)\s*#*\s*$")
_TASK_OPEN = re.compile(r"^([-*]\s+\[) (\])")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_ENDING = re.compile(r"\r\n|\r|\n")
TITLES = {"log": "## Log", "followups": "## Follow-ups"}


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things are in a file: lines keep their endings; indexes are 0-based."""

    bom: bytes
    lines: list[str]
    newline: str
    body_start: int  # first line after the front-matter


def split_lines(text: str) -> list[str]:
    """``text`` cut into lines that keep their endings; ``"".join`` gives it back."""
    return _LINE.findall(text)


def _strip_end(line: str) -> str:
    return line.rstrip("\r\n")


def layout(data: bytes) -> Layout:
    """Raises UnicodeDecodeError when ``data`` is not UTF-8."""
    bom = BOM if data.startswith(BOM) else b""
    text = data[len(bom):].decode("utf-8")
    lines = split_lines(text)
    # the file's own line ending: the one most of its lines use (LF for a one-line file)
    counts = Counter(_ENDING.findall(text))
    newline = max(counts, key=lambda e: (counts[e], e == "\n")) if counts else "\n"
    body_start = 0
    if lines and _strip_end(lines[0]).rstrip() == "---":
        for i in range(1, len(lines)):
            if _strip_end(lines[i]).rstrip() in ("---", "..."):
                body_start = i + 1
                break
    return Layout(bom, lines, newline, body_start)


def _sections(lay: Layout) -> list[tuple[str | None, int]]:
    """``(kind, heading line index)`` for every level-1/2 heading of the body."""
    out = []
    for i in range(lay.body_start, len(lay.lines)):
        line = lay.lines[i]
        if line.startswith("#"):
            m = _HEADING.match(_strip_end(line))
            if m:
                out.append((section_kind(m.group(2)) if len(m.group(1)) == 2 else None, i))
    return out


def _section_end(lay: Layout, heading: int) -> int:
    """Index just after the last non-blank line of the section starting at ``heading``."""
    end = len(lay.lines)
    for _, i in _sections(lay):
        if i > heading:
            end = i
            break
    while end > heading + 1 and not lay.lines[end - 1].strip():
        end -= 1
    return end


def section_spans(lay: Layout) -> list[tuple[str | None, int, int]]:
    """``(kind, heading line index, content end)`` for every level-1/2 heading of the body:
    the section's content is ``lines[heading + 1:end]``, its trailing blank lines left out."""
    return [(kind, i, _section_end(lay, i)) for kind, i in _sections(lay)]


def _join(lay: Layout, lines: list[str]) -> bytes:
    return lay.bom + "".join(lines).encode("utf-8")


def _terminate_last(lay: Layout, lines: list[str]) -> None:
    """The file's last line gets an ending before anything is added after it."""
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += lay.newline


def _check_new_lines(new_lines: list[str]) -> None:
    for line in new_lines:
        if "\n" in line or "\r" in line:
            raise ValueError(f"a new line must not contain a line break: {line!r}")


def insert_in_section(data: bytes, kind: str, new_lines: list[str], create_before: str | None = None) -> bytes:
    """Insert ``new_lines`` (no endings) at the end of the ``kind`` section.

    A missing section is created before the ``create_before`` section if there is one,
    else at the end of the file.
    """
    _check_new_lines(new_lines)
    lay = layout(data)
    lines = list(lay.lines)
    nl = lay.newline
    encoded = [line + nl for line in new_lines]
    sections = _sections(lay)
    found = [i for k, i in sections if k == kind]
    if found:
        at = _section_end(lay, found[-1])
        if at == len(lines):
            _terminate_last(lay, lines)
        return _join(lay, lines[:at] + encoded + lines[at:])
    title = TITLES[kind]
    before = [i for k, i in sections if create_before and k == create_before]
    if before:
        at = before[0]
        block = [title + nl, *encoded, nl]
        if at > lay.body_start and lines[at - 1].strip():
            block.insert(0, nl)  # a blank line between the notes and the new heading
        return _join(lay, lines[:at] + block + lines[at:])
    _terminate_last(lay, lines)
    block = [title + nl, *encoded]
    if lines and lines[-1].strip():
        block.insert(0, nl)
    return _join(lay, lines + block)


def append_log(data: bytes, entry_lines: list[str]) -> bytes:
    """Append an entry (its first line and indented continuation lines) to ``## Log``."""
    return insert_in_section(data, "log", entry_lines)


def add_followup(data: bytes, line: str) -> bytes:
    """Add ``line`` (``- [ ] DATE TEXT``) at the end of ``## Follow-ups``."""
    return insert_in_section(data, "followups", [line], create_before="log")


def tick(data: bytes, line_number: int) -> bytes:
    """Turn ``- [ ]`` into ``- [x]`` on file line ``line_number`` (1-based)."""
    lay = layout(data)
    lines = list(lay.lines)
    i = line_number - 1
    if not 0 <= i < len(lines) or not _TASK_OPEN.match(lines[i]):
        raise ValueError(f"line {line_number} is not an open follow-up")
    lines[i] = _TASK_OPEN.sub(r"\1x\2", lines[i], count=1)
    return _join(lay, lines)
