"""The Markdown body: free notes, ``## Follow-ups`` and the append-only ``## Log``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rmnotes.model import CHANNELS, Entry, FollowUp
from rmnotes.parse.isodate import parse_date_text

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ENTRY = re.compile(
    r"^[-*]\s+(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"(?:\s+(?P<time>\d{1,2}:\d{2}))?"
    r"(?:\s+(?P<ch>\S+))?"
    r"(?:\s+(?P<text>.*))?$"
)
_BULLET = re.compile(r"^[-*]\s")
_TASK = re.compile(r"^[-*]\s+\[(?P<mark>[ xX])\]\s*(?P<rest>.*)$")
_TASK_DATE = re.compile(r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})(?:\s+(?P<text>.*))?$")
_ATTR = re.compile(r"^[a-z_][a-z0-9_-]*:(?:\s|$)")
# `with: [林淑芬, 王小明]`: the common attribute, read without a YAML parser when nothing in
# it could mean anything else to YAML (no quotes, nesting, colons, numbers or dates)
_SIMPLE_LIST = re.compile(r"^([a-z_][a-z0-9_-]*):\s*\[([^\[\]{}'\"#:&*!|>%@`]*)\]\s*$")


def _simple_attr(text: str) -> dict | None:
    m = _SIMPLE_LIST.match(text)
    if not m:
        return None
    items = [i.strip() for i in m.group(2).split(",")]
    if items == [""]:
        return {m.group(1): []}
    if any(not i or i[0].isdigit() or i[0] in "-+." or i.lower() in _YAML_WORDS for i in items):
        return None
    return {m.group(1): items}


_YAML_WORDS = frozenset({"true", "false", "null", "~", "yes", "no", "on", "off", "y", "n"})

LOG_TITLES = frozenset({"log"})
FOLLOWUP_TITLES = frozenset({"follow-ups", "followups", "follow ups", "follow-up"})


def entry_head(line: str) -> tuple[str, str | None, str | None] | None:
    """The date, time and channel a log line starts with, as written; None for a line that
    is not an entry."""
    m = _ENTRY.match(line)
    return None if m is None else (m.group("date"), m.group("time"), m.group("ch"))


def entry_when(line: str) -> tuple[date, str] | None:
    """What a log line sorts by, as :attr:`Entry.sort_key` (date, ``HH:MM`` or ``""``);
    None for a line that is not an entry with a real date."""
    m = _ENTRY.match(line)
    if m is None:
        return None
    when = parse_date_text(m.group("date"))
    if when is None:
        return None
    time = m.group("time")
    if time is None:
        return when, ""
    hh, mm = time.split(":")
    return when, f"{int(hh):02d}:{mm}"


def task_box(line: str) -> tuple[int, bool] | None:
    """A follow-up line's box: the index of its mark (the character inside ``[ ]``) and
    whether it is ticked; None for a line that is not a task."""
    m = _TASK.match(line)
    return None if m is None else (m.start("mark"), m.group("mark") != " ")


def section_kind(title: str) -> str | None:
    low = title.strip().lower()
    if low in LOG_TITLES:
        return "log"
    if low in FOLLOWUP_TITLES:
        return "followups"
    return None


@dataclass(slots=True)
class Body:
    notes: str = ""
    followups: list[FollowUp] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # line, severity, msg


def starts_section(line: str) -> str | None:
    """The section (``log``, ``followups``) a body line would start: a level-2 heading
    with one of their titles. Text written into the free notes must hold none."""
    m = _HEADING.match(line) if line.startswith("#") else None
    return section_kind(m.group(2)) if m and len(m.group(1)) == 2 else None


def parse_body(lines: list[str], first_line: int) -> Body:
    """Parse body ``lines`` (no line endings); ``first_line`` is the file line of lines[0]."""
    body = Body()
    notes: list[str] = []
    sections: list[tuple[str, int, int]] = []  # kind, start index, end index (exclusive)
    current: tuple[str, int] | None = None
    log_seen_at: int | None = None
    for i, text in enumerate(lines):
        m = _HEADING.match(text) if text.startswith("#") else None
        if not m or len(m.group(1)) > 2:
            if current is None:
                notes.append(text)
            continue
        if current is not None:
            sections.append((current[0], current[1], i))
            current = None
        kind = section_kind(m.group(2)) if len(m.group(1)) == 2 else None
        if log_seen_at is not None and kind != "log":
            body.problems.append(
                (first_line + i, "warning",
                 f"'## Log' (line {log_seen_at}) is not the last section; "
                 "rmn log appends at the end of '## Log', move this section above it")
            )
            log_seen_at = None
        if kind is None:
            notes.append(text)
            continue
        if kind == "log":
            log_seen_at = first_line + i
        current = (kind, i + 1)
    if current is not None:
        sections.append((current[0], current[1], len(lines)))

    for kind, start, end in sections:
        if kind == "log":
            _parse_log(lines, start, end, first_line, body)
        else:
            _parse_followups(lines, start, end, first_line, body)
    body.notes = "\n".join(notes).strip("\n")
    return body


def _parse_followups(lines: list[str], start: int, end: int, first_line: int, body: Body) -> None:
    for i in range(start, end):
        m = _TASK.match(lines[i])
        if not m:
            continue
        line = first_line + i
        rest = m.group("rest").strip()
        dm = _TASK_DATE.match(rest)
        when = None
        text = rest
        if dm:
            when = parse_date_text(dm.group("date"))
            text = (dm.group("text") or "").strip()
            if when is None:
                body.problems.append((line, "error", f'follow-up date "{dm.group("date")}" is not a date'))
                continue
        else:
            body.problems.append(
                (line, "warning", "follow-up has no date: write '- [ ] YYYY-MM-DD TEXT'")
            )
        body.followups.append(
            FollowUp(len(body.followups) + 1, m.group("mark") != " ", when, text, line)
        )


def _parse_log(lines: list[str], start: int, end: int, first_line: int, body: Body) -> None:
    head: tuple[int, re.Match] | None = None
    cont: list[tuple[int, str]] = []

    def flush() -> None:
        if head is not None:
            entry = _make_entry(head[0], head[1], cont, first_line, body)
            if entry is not None:
                body.entries.append(entry)

    for i in range(start, end):
        text = lines[i]
        if not text.strip():
            continue
        if text[0] in " \t":
            if head is not None:
                cont.append((i, text))
            elif text.strip() and not text.lstrip().startswith("#"):
                body.problems.append((first_line + i, "warning", "indented line in '## Log' belongs to no entry"))
            continue
        if text.startswith("#"):
            continue  # a sub-heading inside the log, e.g. "### 2026"
        flush()
        head, cont = None, []
        line = first_line + i
        if not _BULLET.match(text):
            body.problems.append(
                (line, "warning", "line in '## Log' is not an entry '- YYYY-MM-DD [HH:MM] CH TEXT'")
            )
            continue
        m = _ENTRY.match(text)
        if not m:
            body.problems.append(
                (line, "error", "log entry must start with a date: '- YYYY-MM-DD [HH:MM] CH TEXT'")
            )
            continue
        head = (i, m)
    flush()


def _make_entry(i: int, m: re.Match, cont: list[tuple[int, str]], first_line: int, body: Body) -> Entry | None:
    line = first_line + i
    raw_date = m.group("date")
    when = parse_date_text(raw_date)
    if when is None:
        body.problems.append((line, "error", f'log date "{raw_date}" is not a date'))
        return None
    time = m.group("time")
    if time is not None:
        hh, mm = (int(x) for x in time.split(":"))
        if hh > 23 or mm > 59:
            body.problems.append((line, "error", f'log time "{time}" is not a time of day'))
            return None
        time = f"{hh:02d}:{mm:02d}"
    ch = m.group("ch")
    if ch is None or len(ch) != 1 or ch.upper() not in CHANNELS:
        letters = ", ".join(f"{k} {v.split(' (')[0]}" for k, v in CHANNELS.items())
        shown = f"'{ch}'" if ch else "nothing"
        body.problems.append((line, "error", f"unknown channel {shown} (use {letters})"))
        return None
    text = (m.group("text") or "").strip()
    attrs: dict = {}
    if cont:
        extra, attrs = _continuation(cont, first_line, body)
        if extra:
            text = "\n".join([text, *extra]) if text else "\n".join(extra)
    return Entry(when, ch.upper(), text, time, attrs, line)


def _continuation(cont: list[tuple[int, str]], first_line: int, body: Body) -> tuple[list[str], dict]:
    """Split an entry's indented lines into text lines and ``key: value`` attributes."""
    indent = min(len(t) - len(t.lstrip(" \t")) for _, t in cont)
    text: list[str] = []
    attrs: dict = {}
    block: list[tuple[int, str]] = []

    def flush_block() -> None:
        if not block:
            return
        start = block[0][0]
        if len(block) == 1:
            simple = _simple_attr(block[0][1])
            if simple is not None:
                attrs.update(simple)
                return
        from rmnotes.parse import yamltree  # only here: most attributes are simple lists

        loaded = yamltree.load("\n".join(t for _, t in block), first_line + start)
        for pline, msg in loaded.problems:
            body.problems.append((pline, "error", f"log attribute: {msg}"))
        if isinstance(loaded.value, dict):
            attrs.update(loaded.value)

    for i, raw in cont:
        t = raw[indent:] if len(raw) >= indent else raw.lstrip()
        if t[:1] not in (" ", "\t") and _ATTR.match(t):
            flush_block()
            block = [(i, t)]
        elif block and t[:1] in (" ", "\t", "-"):
            block.append((i, t))
        else:
            flush_block()
            block = []
            text.append(t.strip())
    flush_block()
    return text, attrs
