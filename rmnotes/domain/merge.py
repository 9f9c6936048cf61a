"""Three versions of a client file merged by what the format means (git's merge driver).

Pure: three byte strings in, the merged bytes and the conflicts out. The one thing it does
not do itself, a line-by-line three-way merge of the free notes, is handed in as
``merge_text`` (``gitops.merge_text``: git's own ``git merge-file``), so that git stays in
one module.

Each version is cut into its parts with the parsers' own rules (``textedit.layout``, its
sections, ``parse.body``): the front-matter, the *skeleton* (the body with the contents of
``## Follow-ups`` and ``## Log`` replaced by one placeholder line each: the free notes,
other sections and the headings), the follow-ups and the log. Each part merges on its own:

- the **log** is the union of the entries (an entry is its line and the indented lines under
  it, compared without their line endings): every entry of the base stays, in its place;
  entries new on either side follow them, in date and time order; an entry new on both
  sides appears once. The order does not depend on which side is "ours": entries new on
  different sides at the same date and time are ordered by their text.
- the **follow-ups** are the union too: a box ticked on either side is ticked; one removed
  on one side while the other left it as it was is removed.
- the **front-matter** merges key by key (lists of mappings, such as assets, policies and
  family, item by item by ``name``; lists of plain values as sets). A change on one side
  wins; the same change on both is no conflict; the same key set to two values is one. The
  merged text keeps every line neither side changed and each side's changed lines as that
  side wrote them; when the two sides' changed lines touch each other, theirs' changes are
  made on ours by the front-matter editor.
- the **skeleton** (the notes) merges as text, with git.

A part one side did not change is the other side's part, byte for byte. A conflict leaves
standard markers around the conflicting lines only (for the front-matter: the lines of the
conflicting keys) and is listed in :attr:`Merged.conflicts`.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import heapq
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Sequence

from rmnotes.parse.body import entry_when, parse_body, task_box
from rmnotes.textedit import TITLES, Layout, layout, section_spans, split_lines

if TYPE_CHECKING:  # the YAML parser loads only when both sides changed the front-matter
    from rmnotes.parse import yamltree

# (base, ours, theirs) -> (merged, clean): a line-based three-way merge with git's markers
TextMerge = Callable[[bytes, bytes, bytes], "tuple[bytes, bool]"]

LABELS = ("ours", "base", "theirs")
MARKERS = ("<<<<<<<", "=======", ">>>>>>>")
_KINDS = ("followups", "log")
# a line no hand-written file holds, standing for a section's contents in the skeleton
_PLACEHOLDER = "\x1ermnotes {kind} section\x1e"
_ENDING = re.compile(r"(?:\r\n|\r|\n)\Z")


@dataclass(frozen=True, slots=True)
class Conflict:
    """One thing both sides changed differently: ``key`` is a key path (``profile.mobile``,
    ``assets.台幣定存.value``), ``notes`` or ``file``; ``line`` is the file line (1-based) of
    the ``<<<<<<<`` marker that opens it in the merged file."""

    key: str
    line: int
    ours: str
    theirs: str

    def __str__(self) -> str:
        return f'{self.line}: {self.key}: ours "{self.ours}" theirs "{self.theirs}"'


@dataclass(frozen=True, slots=True)
class Merged:
    data: bytes
    conflicts: tuple[Conflict, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.conflicts


# ---------------------------------------------------------------------- a file in parts
@dataclass(frozen=True, slots=True)
class Parts:
    """A client file cut for merging. Lines keep their endings; every line of a section's
    contents ends with one (the file's own, where its last line had none)."""

    bom: bytes
    newline: str
    fences: tuple[str, str] | None  # the front-matter's opening and closing lines
    front: tuple[str, ...]  # the front-matter's lines between them
    skeleton: tuple[str, ...]  # the body, each section's contents replaced by a placeholder
    sections: dict[str, tuple[str, ...]]  # "followups" / "log" -> the section's contents
    final_newline: bool  # the file's last line ends with a line break


def split(data: bytes) -> Parts | None:
    """``data`` in parts; None when it cannot be cut so (not UTF-8, or ``## Follow-ups`` or
    ``## Log`` more than once): such a file merges as plain text."""
    try:
        lay = layout(data)
    except UnicodeDecodeError:
        return None
    return _split(lay)


def _split(lay: Layout) -> Parts | None:
    lines = lay.lines
    nl = lay.newline
    final_newline = not lines or _ENDING.search(lines[-1]) is not None
    fences = None
    front: tuple[str, ...] = ()
    if lay.body_start:
        fences = (lines[0], lines[lay.body_start - 1])
        front = tuple(lines[1:lay.body_start - 1])
    skeleton: list[str] = []
    sections: dict[str, tuple[str, ...]] = {}
    at = lay.body_start
    for kind, heading, end in section_spans(lay):
        if kind not in _KINDS:
            continue
        if kind in sections:
            return None
        skeleton.extend(lines[at:heading + 1])
        skeleton.append(_PLACEHOLDER.format(kind=kind) + nl)
        sections[kind] = tuple(_ended(line, nl) for line in lines[heading + 1:end])
        at = end
    skeleton.extend(lines[at:])
    if skeleton and not final_newline and not _ENDING.search(skeleton[-1]):
        skeleton[-1] += nl
    return Parts(lay.bom, nl, fences, front, tuple(skeleton), sections, final_newline)


def _ended(line: str, nl: str) -> str:
    return line if _ENDING.search(line) else line + nl


def _bare(line: str) -> str:
    return _ENDING.sub("", line)


# ---------------------------------------------------------------------- blocks
@dataclass(frozen=True, slots=True)
class Block:
    """A line that starts at the margin and the indented (and blank) lines under it: a log
    entry with its continuation lines and attributes, or a follow-up. ``key`` is its text
    without line endings or trailing blank lines: what "the same entry" means."""

    lines: tuple[str, ...]
    key: str
    when: tuple[date, str]  # date and time the block sorts by


def blocks(content: Sequence[str]) -> tuple[list[str], list[Block]]:
    """A section's contents as the lines before the first block, and its blocks."""
    starts = [i for i, line in enumerate(content) if line.strip() and line[0] not in " \t"]
    if not starts:
        return list(content), []
    out = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(content)
        lines = tuple(content[start:end])
        bare = [_bare(line) for line in lines]
        while bare and not bare[-1].strip():
            bare.pop()
        out.append(Block(lines, "\n".join(bare), (date.min, "")))
    return list(content[:starts[0]]), out


def log_blocks(content: Sequence[str]) -> tuple[list[str], list[Block]]:
    """The log's blocks, each with the date and time of its entry (a block that is not an
    entry, such as a ``### 2026`` heading, sorts with the entry after it)."""
    lead, found = blocks(content)
    keys = [entry_when(block.key.split("\n", 1)[0]) for block in found]
    following: tuple[date, str] | None = None
    for n in range(len(found) - 1, -1, -1):
        if keys[n] is None:
            keys[n] = following
        following = keys[n]
    last = (date.min, "")
    out = []
    for block, key in zip(found, keys):
        last = key or last
        out.append(Block(block.lines, block.key, last))
    return lead, out


def entry_texts(data: bytes) -> list[str] | None:
    """The log entries of a client file as :class:`Block` keys, in file order (what
    ``rmn verify`` compares); None for a file that cannot be cut into parts."""
    parts = split(data)
    if parts is None:
        return None
    log = parts.sections.get("log")
    return [] if log is None else [b.key for b in blocks(log)[1]]


# ---------------------------------------------------------------------- the merge
def merge_client(base: bytes, ours: bytes, theirs: bytes, merge_text: TextMerge,
                 prefer: str | None = None) -> Merged:
    """The three versions of a client file merged by meaning (see the module's text).

    ``prefer`` (``"ours"`` or ``"theirs"``) settles every conflict for that side: its value
    of each key set to two values, its lines where both sides changed the same lines of
    the notes (``merge_text`` is then called with ``favor=prefer``); everything else merges
    as always. The result has no conflicts."""
    if prefer is not None:
        merge_text = functools.partial(merge_text, favor=prefer)
    if ours == theirs or theirs == base:
        return Merged(ours)
    if ours == base:
        return Merged(theirs)
    b, o, t = split(base), split(ours), split(theirs)
    if b is not None and o is not None and t is not None and b.fences is None and o.fences and t.fences:
        # a file added on both sides (git's base is then empty), or a front-matter added on
        # both: merged by meaning against an empty front-matter, so that both logs are kept
        b = dataclasses.replace(b, fences=o.fences, front=())
    if b is None or o is None or t is None or not (b.fences is None) == (o.fences is None) == (t.fences is None):
        return _as_text(base, ours, theirs, merge_text)
    nl = o.newline
    conflicts: list[tuple[int, Conflict]] = []  # (0-based line in its part, conflict)

    front, front_conflicts = merge_front(b.front, o.front, t.front, nl, prefer)
    skeleton, clean = _three(b.skeleton, o.skeleton, t.skeleton, merge_text, nl)
    skeleton = _one_place_each(skeleton, [k for k in _KINDS if k in o.sections or k in t.sections], nl)
    sections = {}
    for kind in _KINDS:
        merge_section = _merge_log if kind == "log" else _merge_followups
        sections[kind] = merge_section(b.sections.get(kind, ()), o.sections.get(kind, ()),
                                       t.sections.get(kind, ()))

    out: list[str] = []
    if o.fences is not None:
        out.append(o.fences[0])
        for line, conflict in front_conflicts:
            conflicts.append((len(out) + line, conflict))
        out.extend(front)
        out.append(o.fences[1])
    body_at = len(out)
    for line in skeleton:
        kind = _placeholder_kind(line)
        if kind is None:
            out.append(line)
        else:
            out.extend(sections[kind])
    if not clean:
        conflicts.extend(_marked(out, body_at, "notes"))
    if not (o.final_newline and t.final_newline) and out:
        out[-1] = _bare(out[-1])
    bom = t.bom if o.bom == b.bom else o.bom
    found = tuple(Conflict(c.key, line + 1, c.ours, c.theirs) for line, c in sorted(conflicts, key=lambda x: x[0]))
    return Merged(bom + "".join(out).encode("utf-8"), found)


def _as_text(base: bytes, ours: bytes, theirs: bytes, merge_text: TextMerge) -> Merged:
    """A file that cannot be cut into parts merges line by line, as git would."""
    data, clean = merge_text(base, ours, theirs)
    if clean:
        return Merged(data)
    lines = split_lines(data.decode("utf-8", "replace"))
    return Merged(data, tuple(Conflict(c.key, line + 1, c.ours, c.theirs) for line, c in _marked(lines, 0, "file")))


def _marked(lines: Sequence[str], start: int, key: str) -> list[tuple[int, Conflict]]:
    """The conflicts git's markers open in ``lines`` from ``start``: each side's lines."""
    out = []
    i = start
    while i < len(lines):
        if lines[i].startswith(MARKERS[0]):
            ours: list[str] = []
            theirs: list[str] = []
            side = ours
            j = i + 1
            while j < len(lines) and not lines[j].startswith(MARKERS[2]):
                if lines[j].startswith("|||||||"):
                    side = []
                elif lines[j].startswith(MARKERS[1]) and not lines[j][7:].strip():
                    side = theirs
                else:
                    side.append(_bare(lines[j]))
                j += 1
            out.append((i, Conflict(key, 0, _shown_lines(ours), _shown_lines(theirs))))
            i = j
        i += 1
    return out


def _shown_lines(lines: list[str]) -> str:
    text = " / ".join(line.strip() for line in lines if line.strip())
    return text if len(text) <= 80 else text[:77] + "..."


def _placeholder_kind(line: str) -> str | None:
    bare = _bare(line)
    for kind in _KINDS:
        if bare == _PLACEHOLDER.format(kind=kind):
            return kind
    return None


def _three(b: Sequence[str], o: Sequence[str], t: Sequence[str], merge_text: TextMerge,
           nl: str) -> tuple[list[str], bool]:
    """Lines merged as text, by git; one side unchanged: the other side's lines, with no
    process. Where git sees a conflict only because the two sides' changes touch, or one
    side made a change the other also made (git marks "Notes." changed the same way on both
    sides and a section added under it on one as a conflict), :func:`merge_lines` merges
    them."""
    if o == t or t == b:
        return list(o), True
    if o == b:
        return list(t), True
    data, clean = merge_text(*("".join(x).encode("utf-8") for x in (b, o, t)))
    if not clean:
        lines = merge_lines(b, o, t, nl)
        if not any(line.startswith(MARKERS[0]) for line in lines):
            return lines, True
    return split_lines(data.decode("utf-8")), clean


def _one_place_each(skeleton: list[str], kinds: list[str], nl: str) -> list[str]:
    """The skeleton with one place for each section a side has: a place a conflict doubled
    is kept once (its first), and one that a side's lines settling a conflict left out is
    put back with its heading (the follow-ups before the log, the log at the end), so that
    no entry or follow-up is ever lost or doubled."""
    out: list[str] = []
    seen: set[str] = set()
    for line in skeleton:
        kind = _placeholder_kind(line)
        if kind is not None:
            if kind not in kinds or kind in seen:
                continue
            seen.add(kind)
        out.append(line)
    for kind in kinds:
        if kind in seen:
            continue
        block = [nl, TITLES[kind] + nl, _PLACEHOLDER.format(kind=kind) + nl]
        at = next((i for i, line in enumerate(out) if _placeholder_kind(line) == "log"), None)
        if kind == "followups" and at is not None:
            at -= 1  # before the log's heading
            out[at:at] = block[1:] + [nl]
        else:
            if out and not _ENDING.search(out[-1]):
                out[-1] += nl
            out.extend(block)
    return out


# ---------------------------------------------------------------------- log and follow-ups
def _merge_log(b: Sequence[str], o: Sequence[str], t: Sequence[str]) -> tuple[str, ...]:
    if o == t or t == b:
        return tuple(o)
    if o == b:
        return tuple(t)
    lead, base = blocks(b)  # where they sort does not matter: they stay first
    o_lead, mine = log_blocks(o)
    t_lead, other = log_blocks(t)
    if o_lead != lead:
        lead = o_lead
    elif t_lead != lead:
        lead = t_lead
    kept = Counter(block.key for block in base)
    added = _union(_minus(mine, kept), _minus(other, kept), lambda block: block.key)
    return tuple(lead) + tuple(line for block in [*base, *added] for line in block.lines)


def _union(mine: list[Block], other: list[Block], key: Callable[[Block], str]) -> list[Block]:
    """The blocks new on either side, in date and time order: each side's own order kept
    among blocks of the same date and time, two sides' blocks of the same date and time
    ordered by their text, a block new on both sides once. Which side is which does not
    change the result."""
    common = Counter(key(x) for x in mine) & Counter(key(x) for x in other)
    both = sorted(_taking(mine, common, key), key=lambda x: (x.when, key(x)))
    mine, other = _minus(mine, common, key), _minus(other, common, key)
    return list(heapq.merge(both, *(sorted(x, key=lambda block: block.when) for x in (mine, other)),
                            key=lambda block: (block.when, key(block))))


def _taking(found: Sequence[Block], taken: Counter, key: Callable[[Block], str]) -> list[Block]:
    """The first blocks of ``found`` of each key, as many as ``taken`` counts."""
    left = Counter(taken)
    out = []
    for block in found:
        if left[key(block)] > 0:
            left[key(block)] -= 1
            out.append(block)
    return out


def _minus(found: Sequence[Block], taken: Counter,
           key: Callable[[Block], str] = lambda block: block.key) -> list[Block]:
    """``found`` without as many of each key as ``taken`` counts (the first ones)."""
    left = Counter(taken)
    out = []
    for block in found:
        if left[key(block)] > 0:
            left[key(block)] -= 1
        else:
            out.append(block)
    return out


def _task_key(block: Block) -> str:
    """A follow-up's text with its box unticked: a box ticked is the same follow-up."""
    box = task_box(block.key)
    if box is None or not box[1]:
        return block.key
    return block.key[:box[0]] + " " + block.key[box[0] + 1:]


def _ticked(block: Block) -> bool:
    box = task_box(block.key)
    return box is not None and box[1]


def _merge_followups(b: Sequence[str], o: Sequence[str], t: Sequence[str]) -> tuple[str, ...]:
    if o == t or t == b:
        return tuple(o)
    if o == b:
        return tuple(t)
    lead, base = blocks(b)
    o_lead, mine = blocks(o)
    t_lead, other = blocks(t)
    lead = o_lead if o_lead != lead else t_lead
    by_o = {_task_key(x): x for x in mine}
    by_t = {_task_key(x): x for x in other}
    known = {_task_key(x) for x in base}
    out: list[Block] = []
    # per side, the keys of follow-ups it gave a new date while the other side ticked them
    moved: tuple[set[str], set[str]] = (set(), set())
    for block in base:
        key = _task_key(block)
        mo, mt = by_o.get(key), by_t.get(key)
        for gone, done, side, into in ((mo, mt, mine, moved[0]), (mt, mo, other, moved[1])):
            if gone is None and done is not None and _ticked(done):
                # given a new date on one side (its text the same), done on the other: done, once
                into |= {_task_key(x) for x in side if _task_key(x) not in known and _task_text(x) == _task_text(block)}
        if mo is None and (mt is None or mt == block) or mt is None and mo == block:
            continue  # removed on one side, left as it was (or removed) on the other
        out.append(next((x for x in (mo, mt) if x is not None and _ticked(x)), block))
    ticked = {_task_key(x): x for x in (*mine, *other) if _ticked(x)}
    new_o = [_with_date(ticked.get(_task_key(x), x)) for x in mine if _task_key(x) not in known | moved[0]]
    new_t = [_with_date(ticked.get(_task_key(x), x)) for x in other if _task_key(x) not in known | moved[1]]
    added = _union(new_o, new_t, _task_key)
    return tuple(lead) + tuple(line for block in [*out, *added] for line in block.lines)


def _task_text(block: Block) -> str:
    """A follow-up's text without its box and date: the same task, whatever its date."""
    found = parse_body(["## Follow-ups", block.key.split("\n", 1)[0]], 0).followups
    return found[0].text if found else block.key


def _with_date(block: Block) -> Block:
    """A follow-up with the date it sorts by (``- [ ] DATE TEXT``)."""
    found = parse_body(["## Follow-ups", block.key.split("\n", 1)[0]], 0).followups
    when = found[0].date if found and found[0].date else date.min
    return Block(block.lines, block.key, (when, ""))


# ---------------------------------------------------------------------- front-matter
class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


KeyPath = tuple  # of str | int | fmedit.Named: the front-matter editor's key paths


def merge_values(b: Any, o: Any, t: Any, path: KeyPath = (), conflicts: list | None = None,
                 prefer: str | None = None) -> Any:
    """The three-way merge of two front-matter values (:data:`MISSING` for a key that is not
    there). Conflicts, ``(path, ours, theirs)``, are added to ``conflicts``; ours stands in
    the result where they are (theirs, with ``prefer="theirs"``)."""
    from rmnotes.fmedit import Named

    if conflicts is None:
        conflicts = []
    if _same(o, t):
        return o
    if _same(o, b):
        return t
    if _same(t, b):
        return o
    if isinstance(o, dict) and isinstance(t, dict) and (b is MISSING or isinstance(b, dict)):
        base = b if isinstance(b, dict) else {}
        out = {}
        for key in [*o, *(k for k in t if k not in o)]:
            value = merge_values(base.get(key, MISSING), o.get(key, MISSING), t.get(key, MISSING),
                                 path + (key,), conflicts, prefer)
            if value is not MISSING:
                out[key] = value
        return out
    named = _named(o), _named(t), _named(b) if b is not MISSING else {}
    if all(x is not None for x in named):
        on, tn, bn = named
        out_list = []
        for name in [*on, *(n for n in tn if n not in on)]:
            value = merge_values(bn.get(name, MISSING), on.get(name, MISSING), tn.get(name, MISSING),
                                 path + (Named(name),), conflicts, prefer)
            if value is not MISSING:
                out_list.append(value)
        return out_list
    if _plain_list(o) and _plain_list(t) and (b is MISSING or _plain_list(b)):
        base_items = [] if b is MISSING else b
        gone = [x for x in base_items if not _has(o, x) or not _has(t, x)]
        out_list = [x for x in o if not _has(gone, x)]
        for x in t:
            if not _has(out_list, x) and not _has(gone, x):
                out_list.append(x)
        return out_list
    conflicts.append((path, o, t))
    return t if prefer == "theirs" else o


def _same(x: Any, y: Any) -> bool:
    """Equal, and of the same kind (``1`` and ``True``, ``1`` and ``1.0`` are not)."""
    if x is MISSING or y is MISSING:
        return x is y
    if type(x) is not type(y) and not (isinstance(x, str) and isinstance(y, str)):
        return False
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(_same(v, y[k]) for k, v in x.items())
    if isinstance(x, list):
        return len(x) == len(y) and all(_same(a, c) for a, c in zip(x, y))
    return x == y


def _has(items: Sequence[Any], x: Any) -> bool:
    return any(_same(x, y) for y in items)


def _named(value: Any) -> dict | None:
    """A list of mappings, each with a distinct ``name``, by name; None for anything else."""
    if not isinstance(value, list) or not value:
        return None if not isinstance(value, list) else {}
    out = {}
    for item in value:
        if not isinstance(item, dict) or "name" not in item:
            return None
        name = item["name"]
        if not isinstance(name, (str, int)) or name in out:
            return None
        out[name] = item
    return out


def _plain_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(x, (dict, list)) for x in value)


def _load(lines: Sequence[str]) -> yamltree.Loaded | None:
    from rmnotes.parse import yamltree

    loaded = yamltree.load("".join(lines), 0)
    if loaded.fatal or not isinstance(loaded.value, (dict, type(None))):
        return None
    return loaded


def _value(loaded: yamltree.Loaded) -> dict:
    return loaded.value if isinstance(loaded.value, dict) else {}


def merge_front(b: Sequence[str], o: Sequence[str], t: Sequence[str], nl: str,
                prefer: str | None = None) -> tuple[list[str], list[tuple[int, Conflict]]]:
    """The front-matter's lines (between the fences) merged key by key, and its conflicts
    with their 0-based lines in the result (none with ``prefer``: see :func:`merge_client`)."""
    if o == t or t == b:
        return list(o), []
    if o == b:
        return list(t), []
    loaded = [_load(x) for x in (b, o, t)]
    if any(x is None for x in loaded):  # YAML that does not read: merged as lines
        merged = merge_lines(b, o, t, nl, prefer)
        return merged, _marked(merged, 0, "front-matter")
    lb, lo, lt = loaded
    conflicts: list = []
    expected = merge_values(_value(lb), _value(lo), _value(lt), (), conflicts, prefer)
    if prefer is not None:
        conflicts = []  # settled
    if not conflicts:
        merged = merge_lines(b, o, t, nl, prefer)
        if not any(line.startswith(MARKERS[0]) for line in merged):
            check = _load(merged)
            if check is not None and _same(_value(check), expected):
                return merged, []
    edited = _edit(o, _value(lo), expected, nl)
    if edited is None:  # the editor could not make the changes: merged as lines
        merged = merge_lines(b, o, t, nl, prefer)
        marked = _marked(merged, 0, "front-matter")
        if len(marked) == len(conflicts):  # one region per conflicting key: name them
            ordered = sorted(conflicts, key=lambda c: lo.line(_index_path(_value(lo), c[0]) or (), 0) or 0)
            marked = [(line, Conflict(key_text(path), 0, _shown(ours), _shown(theirs)))
                      for (line, _), (path, ours, theirs) in zip(marked, ordered)]
        return merged, marked
    if not conflicts:
        return edited, []
    return _mark_conflicts(edited, list(t), conflicts, nl)


def merge_lines(b: Sequence[str], o: Sequence[str], t: Sequence[str], nl: str,
                prefer: str | None = None) -> list[str]:
    """A line-based three-way merge in which changes of the two sides may touch (a change to
    ``tier`` on one side and to ``status`` on the next line on the other merge cleanly);
    changes to the same lines, or two different insertions at one place, are marked as
    conflicts, as git marks them (or take the ``prefer`` side's lines). The same change on
    both sides is made once."""
    hunks = sorted([*_hunks(b, o, 0), *_hunks(b, t, 1)], key=lambda h: (h[0], h[1], h[2], h[3]))
    out: list[str] = []
    pos = i = 0
    while i < len(hunks):
        start, end = hunks[i][0], hunks[i][1]
        group = [hunks[i]]
        i += 1
        while i < len(hunks) and (hunks[i][0] < end or hunks[i][0] == hunks[i][1] == start == end):
            end = max(end, hunks[i][1])
            group.append(hunks[i])
            i += 1
        out.extend(b[pos:start])
        if len({h[:3] for h in group}) == 1:  # one change, or the same on both sides
            out.extend(group[0][2])
        elif prefer is not None:
            out.extend(_apply(b, start, end, [h for h in group if h[3] == (1 if prefer == "theirs" else 0)]))
        else:
            out.append(f"{MARKERS[0]} {LABELS[0]}{nl}")
            out.extend(_apply(b, start, end, [h for h in group if h[3] == 0]))
            out.append(f"{MARKERS[1]}{nl}")
            out.extend(_apply(b, start, end, [h for h in group if h[3] == 1]))
            out.append(f"{MARKERS[2]} {LABELS[2]}{nl}")
        pos = end
    out.extend(b[pos:])
    return out


def _hunks(b: Sequence[str], x: Sequence[str], side: int) -> list[tuple[int, int, tuple[str, ...], int]]:
    """The changes from ``b`` to ``x``; lines replaced one for one are a change each (and the
    lines a replacement adds or removes beyond those, one more), so that a side that set two
    neighbouring keys and one that set one of them the same way agree."""
    matcher = difflib.SequenceMatcher(None, b, x, autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":  # line for line, then what is left added (or removed) after them
            n = min(i2 - i1, j2 - j1)
            out.extend((i1 + k, i1 + k + 1, (x[j1 + k],), side) for k in range(n) if b[i1 + k] != x[j1 + k])
            if i2 - i1 != j2 - j1:
                out.append((i1 + n, i2, tuple(x[j1 + n:j2]), side))
        elif tag != "equal":
            out.append((i1, i2, tuple(x[j1:j2]), side))
    return out


def _apply(b: Sequence[str], start: int, end: int, hunks: list) -> list[str]:
    """``b[start:end]`` with one side's changes in it made."""
    out: list[str] = []
    pos = start
    for s, e, lines, _ in hunks:
        out.extend(b[pos:s])
        out.extend(lines)
        pos = e
    out.extend(b[pos:end])
    return out


def _edit(o: Sequence[str], ours: dict, expected: dict, nl: str) -> list[str] | None:
    """Ours' front-matter lines changed to hold ``expected``, by the front-matter editor;
    None when it cannot make the change byte-safely."""
    from rmnotes import fmedit

    changes = _changes(ours, expected, (), fmedit)
    doc = ("---" + nl + "".join(o) + "---" + nl).encode("utf-8")
    try:
        data = fmedit.edit(doc, changes)
    except fmedit.EditError:
        return None
    lines = split_lines(data.decode("utf-8"))
    merged = lines[1:-1]
    check = _load(merged)
    if check is None or not _same(_value(check), expected):
        return None
    return merged


def _changes(x: Any, y: Any, path: KeyPath, fmedit: Any) -> list:
    """The editor's changes that turn value ``x`` into ``y``."""
    if _same(x, y):
        return []
    if isinstance(x, dict) and isinstance(y, dict):
        out = []
        for key, value in y.items():
            if key not in x:
                out.append(fmedit.Set(path + (key,), value))
            else:
                out.extend(_changes(x[key], value, path + (key,), fmedit))
        out.extend(fmedit.Unset(path + (key,)) for key in x if key not in y)
        return out
    xn, yn = _named(x), _named(y)
    if xn is not None and yn is not None and xn and yn:
        out = []
        for name, item in yn.items():
            if name not in xn:
                out.append(fmedit.Append(path, item))
            else:
                out.extend(_changes(xn[name], item, path + (fmedit.Named(name),), fmedit))
        out.extend(fmedit.Unset(path + (fmedit.Named(name),)) for name in xn if name not in yn)
        return out
    return [fmedit.Set(path, y)]


def _index_path(value: Any, path: KeyPath) -> tuple | None:
    """``path`` with list items named by position in ``value``; None when it is not there."""
    from rmnotes.fmedit import Named

    out = []
    for stepped in path:
        if isinstance(stepped, Named):
            if not isinstance(value, list):
                return None
            at = next((i for i, item in enumerate(value)
                       if isinstance(item, dict) and item.get("name") == stepped.name), None)
            if at is None:
                return None
            out.append(at)
            value = value[at]
        elif isinstance(value, dict) and stepped in value:
            out.append(stepped)
            value = value[stepped]
        elif isinstance(value, list) and isinstance(stepped, int) and 0 <= stepped < len(value):
            out.append(stepped)
            value = value[stepped]
        else:
            return None
    return tuple(out)


def _span(lines: Sequence[str], loaded: yamltree.Loaded, path: tuple) -> tuple[int, int]:
    """The lines ``[start, end)`` that hold ``path``: its key's line and the lines indented
    deeper under it."""
    if not path or path not in loaded.lines:
        return 0, len(lines)
    start = loaded.lines[path]
    indent = _indent(lines[start], key=isinstance(path[-1], str))
    end = start + 1
    last = end
    while end < len(lines):
        text = _bare(lines[end])
        if text.strip():
            if _indent(lines[end]) <= indent:
                break
            last = end + 1
        end += 1
    return start, last


def _indent(line: str, key: bool = False) -> int:
    """The column of a line's first character; of the key after a list item's dash when
    ``key`` (``  - type: fund``: 4)."""
    stripped = line.lstrip(" ")
    column = len(line) - len(stripped)
    while key and stripped.startswith("-") and stripped[1:2] in (" ", ""):
        rest = stripped[1:]
        stripped = rest.lstrip(" ")
        column += 1 + len(rest) - len(stripped)
    return column


def _mark_conflicts(m: list[str], t: list[str], conflicts: list,
                    nl: str) -> tuple[list[str], list[tuple[int, Conflict]]]:
    """Ours' merged lines ``m`` with each conflicting key's lines between markers, theirs'
    lines for it after the ``=======``."""
    lm, lt = _load(m), _load(t)
    assert lm is not None and lt is not None
    vm, vt = _value(lm), _value(lt)
    regions = []  # (m_start, m_end, t_start, t_end, [conflicts])
    for path, ours, theirs in conflicts:
        spans = _one_side_spans(m, lm, vm, t, lt, vt, path)
        if spans is None:
            common = path
            while common and (_index_path(vm, common) is None or _index_path(vt, common) is None):
                common = common[:-1]
            spans = _span(m, lm, _index_path(vm, common) or ()), _span(t, lt, _index_path(vt, common) or ())
        (ms, me), (ts, te) = spans
        regions.append([ms, me, ts, te, [(path, ours, theirs)]])
    regions.sort(key=lambda r: (r[0], r[1]))
    joined: list = []
    for region in regions:
        if joined and (region[0] < joined[-1][1] or region[2] < joined[-1][3]):
            last = joined[-1]
            last[1] = max(last[1], region[1])
            last[2] = min(last[2], region[2])
            last[3] = max(last[3], region[3])
            last[4].extend(region[4])
        else:
            joined.append(region)
    out: list[str] = []
    found: list[tuple[int, Conflict]] = []
    pos = 0
    for ms, me, ts, te, items in joined:
        out.extend(m[pos:ms])
        for path, ours, theirs in items:
            found.append((len(out), Conflict(key_text(path), 0, _shown(ours), _shown(theirs))))
        out.append(f"{MARKERS[0]} {LABELS[0]}{nl}")
        out.extend(m[ms:me])
        out.append(f"{MARKERS[1]}{nl}")
        out.extend(t[ts:te])
        out.append(f"{MARKERS[2]} {LABELS[2]}{nl}")
        pos = me
    out.extend(m[pos:])
    return out, found


def _one_side_spans(m: list[str], lm: yamltree.Loaded, vm: Any, t: list[str], lt: yamltree.Loaded, vt: Any,
                    path: KeyPath) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """For a key or list item (a ``Named`` step) present on one side only (removed on one
    side, changed on the other; or added on both): its lines on that side, and on the other
    the empty place where it would stand (after the nearest key or item before it that both
    sides have). None for any other path, and where the lines would not hold the key alone
    (a flow mapping such as ``profile: {mobile: ...}`` on one line)."""
    from rmnotes.fmedit import Named

    if not path or not isinstance(path[-1], (Named, str)):
        return None
    im, it = _index_path(vm, path), _index_path(vt, path)
    if (im is None) == (it is None):
        return None
    parent = path[:-1]
    pm, pt = _index_path(vm, parent), _index_path(vt, parent)
    if pm is None or pt is None:
        return None
    lines, loaded, value, here = (t, lt, vt, it) if im is None else (m, lm, vm, im)
    o_lines, o_loaded, o_value, o_parent = (m, lm, vm, pm) if im is None else (t, lt, vt, pt)
    container, others = _at(value, here[:-1]), _at(o_value, o_parent)
    if isinstance(path[-1], Named):
        if not isinstance(container, list) or not isinstance(others, list):
            return None
        before = [parent + (Named(item["name"]),) for item in container[:here[-1]]
                  if isinstance(item, dict) and "name" in item]
    else:
        if not isinstance(container, dict) or not isinstance(others, dict):
            return None
        keys = list(container)
        before = [parent + (k,) for k in keys[:keys.index(path[-1])]]
    place = None
    for sibling in reversed(before):
        there = _index_path(o_value, sibling)
        if there is not None:
            place = _span(o_lines, o_loaded, there)[1]
            break
    if place is None:
        if isinstance(path[-1], Named):
            if not others:
                return None
            place = _span(o_lines, o_loaded, o_parent + (0,))[0]
        elif not o_parent:
            place = 0
        elif not others:
            return None
        else:
            place = _span(o_lines, o_loaded, o_parent)[0] + 1
    present = _span(lines, loaded, here)
    if not _own_lines(loaded, here) or not _block(o_loaded, o_parent):
        return None
    return ((place, place), present) if im is None else (present, (place, place))


def _own_lines(loaded: yamltree.Loaded, path: tuple) -> bool:
    """Whether ``path`` starts on a line of its own, below its parent's: not a line it
    shares with its parent or a sibling, as in a flow mapping."""
    at = loaded.lines.get(path)
    if at is None:
        return False
    parent = loaded.lines.get(path[:-1])
    return parent is None or len(path) == 1 or at > parent


def _block(loaded: yamltree.Loaded, path: tuple) -> bool:
    """Whether the mapping or list at ``path`` is written in block style, each child on a
    line below its own (the front-matter itself is): lines can be put between them."""
    if not path:
        return True
    at = loaded.lines.get(path)
    children = [line for p, line in loaded.lines.items() if len(p) == len(path) + 1 and p[:-1] == path]
    return at is not None and bool(children) and all(line > at for line in children)


def _at(value: Any, path: tuple) -> Any:
    for step in path:
        value = value[step]
    return value


def key_text(path: KeyPath) -> str:
    """``("assets", Named("台幣定存"), "value")`` -> ``assets.台幣定存.value``."""
    from rmnotes.fmedit import Named

    return ".".join(str(s.name if isinstance(s, Named) else s) for s in path) or "front-matter"


def _shown(value: Any) -> str:
    if value is MISSING:
        return "(removed)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
