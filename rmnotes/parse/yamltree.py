"""YAML as a careful hand-editor means it, with the line of every key.

PyYAML's C parser builds the node tree; this module turns nodes into Python values
itself so that:

- every mapping key and sequence item records its line (for editor-clickable issues);
- duplicate keys are reported instead of silently overwritten;
- numbers that would not come back as written stay strings (``0912345678``,
  ``+886...``, ``0712`` which YAML 1.1 reads as octal, ``12:30`` which it reads as base 60);
- decimals become :class:`Decimal`, never binary floats (money is exact); a number of more
  than 40 digits or beyond 10**±40 (``1e999999999``) stays text, so that nothing downstream
  ever builds a number with a billion digits;
- only ``true``/``false`` are booleans (``no``, ``on``, ``NO`` stay text);
- an impossible date such as ``1975-13-01`` becomes a :class:`BadDate` (a str) instead of
  PyYAML's ValueError;
- an explicit tag other than YAML's own scalar ones (``!!str``, ``!!int``, ``!!float``,
  ``!!bool``, ``!!null``, ``!!timestamp``), such as ``!!python/object`` or ``!custom``, is a
  problem at its line, and the value is read as the text it holds: nothing is ever built
  from a tag;
- what a file may cost is bounded: YAML aliases are refused, nesting stops at
  :data:`MAX_DEPTH` levels and a text over :data:`MAX_YAML_CHARS` is not read. Each is a
  fatal problem at its line, never a hang, a RecursionError or a gigabyte of memory.

Why refuse aliases rather than expand them up to a bound: a composed node tree shares the
aliased node, so it is small, but every value built from it is a copy, and nine levels of
ten aliases ("billion laughs") are 10**9 copies; an alias inside its own anchor
(``a: &a [*a]``) never ends. Client files and ``rmnotes.yaml`` are written by hand and read
by people, rmnotes never writes an anchor, and a value that lives in another part of the
file is a trap for the next edit. So the simplest rule is also the clearest: write the
value out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from rmnotes.parse.isodate import DATE as _DATE
from rmnotes.parse.isodate import parse_date_text  # noqa: F401 - coerce and logbook read it from here

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader

# Plain scalars YAML 1.1 may read as something other than text: these words, and what starts
# with a digit, a sign or a dot. Everything else is text, decided without the regex loop.
_WORDS = frozenset(
    "null Null NULL ~ true True TRUE false False FALSE yes Yes YES no No NO on On ON "
    "off Off OFF y Y n N << =".split()
)
_NUMERIC_START = frozenset("-+.0123456789")
_DATE_LIKE = re.compile(r"^\d{4}-\d\d?-\d\d?$")
_STR_TAG = "tag:yaml.org,2002:str"

MAX_YAML_CHARS = 256 * 1024  # a front-matter is a few KB; 256 KB of YAML costs ~50 MB to read
MAX_DEPTH = 50  # levels of nested lists and mappings; a client file uses three
MAX_DIGITS = 40  # digits of a number read as a number (money needs 20 at most)


class _Loader(_Base):
    """The safe loader, minus the regex loop for the many scalars that can only be text."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR_TAG  # quoted
            if not value:
                return "tag:yaml.org,2002:null"
            first = value[0]
            if first not in _NUMERIC_START:
                return super().resolve(kind, value, implicit) if value in _WORDS else _STR_TAG
            if first.isdigit():
                if value.isdigit():
                    return "tag:yaml.org,2002:int"
                if _DATE_LIKE.match(value):
                    return "tag:yaml.org,2002:timestamp"
        return super().resolve(kind, value, implicit)


Path = tuple  # a path into the document: ("assets", 0, "value")

_INT = re.compile(r"^-?(?:0|[1-9][0-9]*)$")
_DECIMAL = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")

_STR = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_VALUE = "tag:yaml.org,2002:value"  # what the resolver makes of a plain `=`
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_YAML_TAG = "tag:yaml.org,2002:"


class BadDate(str):
    """A value written like a date that is not one (``1975-13-01``)."""


@dataclass(slots=True)
class Loaded:
    """The result of :func:`load`: the value, the line of every path, and the problems."""

    value: Any = None
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    fatal: bool = False  # the text is not YAML at all
    node: yaml.Node | None = None  # the node tree, when asked for (the front-matter editor's)

    def line(self, path: Path, default: int | None = None) -> int | None:
        """The line of ``path``, or of its nearest recorded ancestor."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), default)


def number_in_range(number: Decimal) -> bool:
    """A finite number of at most :data:`MAX_DIGITS` digits within 10**±MAX_DIGITS: what
    rmnotes reads as a number (anything else would cost without end to print or convert)."""
    return (number.is_finite() and len(number.as_tuple().digits) <= MAX_DIGITS
            and -MAX_DIGITS <= number.adjusted() <= MAX_DIGITS)


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark):
        self.mark = mark


def _first_alias(text: str) -> tuple[yaml.Mark, str] | None:
    """The place and name of the first alias (``*name``) in ``text``, if any. Only the
    scanner runs (no nodes are built); text it cannot scan is left to compose."""
    try:
        for token in yaml.scan(text, Loader=_Base):
            if isinstance(token, yaml.AliasToken):
                return token.start_mark, token.value
    except yaml.YAMLError:
        return None
    return None


# YAML ends a line at NEL, LS and PS too (U+0085, U+2028, U+2029); editors do not, and
# issues name the lines an editor shows: those end at LF, CRLF or a lone CR only.
_YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029]")
_YAML_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_FILE_BREAK = re.compile("\r\n|[\n\r]")


def _file_line_at(text: str, index: int) -> int:
    """The 0-based editor line of character ``index`` of ``text``."""
    return len(_FILE_BREAK.findall(text, 0, index))


def _to_file_lines(out: Loaded, text: str, first_line: int) -> None:
    """Turn the YAML lines the builder recorded into editor lines (only for a text that holds
    a NEL, LS or PS: elsewhere they are the same)."""
    table = [0]  # YAML's 0-based line -> the editor's
    line = 0
    for m in _YAML_BREAK.finditer(text):
        if not _YAML_ONLY_BREAK.fullmatch(m.group()):
            line += 1
        table.append(line)

    def fix(n: int) -> int:
        return first_line + table[min(n - first_line, len(table) - 1)]

    out.lines = {path: fix(n) for path, n in out.lines.items()}
    out.problems = [(fix(n), message) for n, message in out.problems]


def load(text: str, first_line: int = 1, keep_nodes: bool = False) -> Loaded:
    """Parse YAML ``text`` whose first line is line ``first_line`` of its file; with
    ``keep_nodes``, the node tree (see :func:`compose`) is kept in ``Loaded.node``."""
    out = Loaded()
    if len(text) > MAX_YAML_CHARS:
        out.problems.append((first_line, f"{len(text) // 1024} KB of YAML, over the "
                             f"{MAX_YAML_CHARS // 1024} KB rmnotes reads; move long text below "
                             "the front-matter, or split the file"))
        out.fatal = True
        return out
    alias = _first_alias(text) if "*" in text else None  # no alias can be written without '*'
    if alias is not None:
        mark, name = alias
        out.problems.append((first_line + _file_line_at(text, mark.index), f"YAML alias *{name}: rmnotes files do not use "
                             "anchors and aliases; write the value out in full"))
        out.fatal = True
        return out
    try:
        node = yaml.compose(text, Loader=_Loader)
        if keep_nodes:
            out.node = node
    except yaml.MarkedYAMLError as exc:
        # "while parsing a flow sequence" points where the trouble began: prefer it
        mark = exc.context_mark or exc.problem_mark
        line = first_line
        if mark:
            index = mark.index
            if not text[index:].strip():  # the text ended too soon (`tiers: [`): its last line
                index = len(text[:index].rstrip())
            line += _file_line_at(text, index)
        problem = exc.problem or exc.context or "not valid YAML"
        context = f" ({exc.context} that starts here)" if exc.context and exc.problem else ""
        out.problems.append((line, f"YAML syntax error: {problem}{context}"))
        out.fatal = True
        return out
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        out.problems.append((first_line, f"YAML error: {exc}"))
        out.fatal = True
        return out
    if node is None:
        out.lines[()] = first_line
        return out
    builder = _Builder(out, first_line)
    try:
        out.value = builder.build(node, ())
    except _TooDeep as exc:
        out.problems.append((first_line + _file_line_at(text, exc.mark.index), f"lists and mappings nested deeper than {MAX_DEPTH} levels; "
                             "rmnotes files need only a few"))
        out.fatal = True
        return out
    out.lines.setdefault((), first_line + node.start_mark.line)
    if "\u2028" in text or "\x85" in text or "\u2029" in text:  # 0.2 us; the regex takes 14
        _to_file_lines(out, text, first_line)
    return out


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` as :func:`load` reads it (the same resolver), with the exact
    character span of every node (``start_mark.index``/``end_mark.index``): what the
    front-matter editor edits. Call it only on a text :func:`load` read without a fatal
    problem (no alias, not too long, not too deep)."""
    return yaml.compose(text, Loader=_Loader)


def reads_as_text(scalar: str, flow: bool = False) -> bool:
    """Whether ``scalar`` written plain (unquoted) reads back as exactly that text, as the
    value of a key (``flow``: as an item of a flow list ``[...]``)."""
    if not scalar or scalar != scalar.strip() or not all(_kept_as_written(ord(ch)) for ch in scalar):
        return False
    try:
        node = yaml.compose(f"[{scalar}]" if flow else f"k: {scalar}", Loader=_Loader)
    except yaml.YAMLError:
        return False
    if not isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) or len(node.value) != 1:
        return False
    one = node.value[0] if flow else node.value[0][1]
    return isinstance(one, yaml.ScalarNode) and one.tag == _STR and not one.style and one.value == scalar


class _Builder:
    __slots__ = ("out", "offset")

    def __init__(self, out: Loaded, first_line: int):
        self.out = out
        self.offset = first_line

    def build(self, node: yaml.Node, path: Path) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if len(path) >= MAX_DEPTH:  # the path grows by one per level: a free depth count
            raise _TooDeep(node.start_mark)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.tag_problem(node)
            items = []
            lines = self.out.lines
            offset = self.offset
            for i, child in enumerate(node.value):
                p = path + (i,)
                lines[p] = offset + child.start_mark.line
                items.append(self.build(child, p))
            return items
        return self.mapping(node, path)

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict:
        if node.tag != _MAP:
            self.tag_problem(node)
        result: dict = {}
        lines = self.out.lines
        offset = self.offset
        for key_node, value_node in node.value:
            line = offset + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode):
                self.out.problems.append((line, "a mapping key must be plain text"))
                continue
            if key_node.tag == _STR:  # nearly every key
                key = key_node.value
            elif key_node.tag == _MERGE and key_node.value == "<<":  # merge: the keys not set here
                merged = self.build(value_node, path + ("<<",))
                for one in merged if isinstance(merged, list) else [merged]:
                    if isinstance(one, dict):
                        for k, v in one.items():
                            result.setdefault(k, v)
                continue
            else:
                key = self.scalar(key_node, path)
                if key is not None and not isinstance(key, (str, int)):  # int: bool too
                    key = key_node.value  # a date or a decimal key stays as written (JSON keys)
            p = path + (key,)
            if key in result:
                first = lines.get(p)
                where = f" (first at line {first})" if first else ""
                self.out.problems.append((line, f"duplicate key '{key}'{where}"))
            lines[p] = line
            result[key] = self.build(value_node, p)
        return result

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        raw = node.value
        tag = node.tag
        if tag == _STR:
            return raw
        if tag == _INT_TAG:
            return int(raw) if len(raw) <= MAX_DIGITS and _INT.match(raw) else raw
        if tag == _FLOAT:
            if len(raw) <= 2 * MAX_DIGITS and _DECIMAL.match(raw):
                try:
                    number = Decimal(raw)
                except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                    return raw
                return number if number_in_range(number) else raw
            return raw
        if tag == _BOOL:
            low = raw.lower()
            if low == "true":
                return True
            if low == "false":
                return False
            return raw
        if tag == _NULL:
            return None
        if tag == _TIMESTAMP:
            return self.timestamp(node, path)
        if not ((tag == _MERGE and raw == "<<") or (tag == _VALUE and raw == "=")):  # implicit
            self.tag_problem(node)
        return raw

    def tag_problem(self, node: yaml.Node) -> None:
        tag = node.tag
        shown = "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag
        if not shown.startswith("!"):
            shown = f"!<{shown}>"  # a verbatim tag
        self.out.problems.append((self.offset + node.start_mark.line, f"YAML tag {shown} is not allowed: "
                                  "rmnotes files hold plain text, numbers, dates, lists and mappings; "
                                  "remove the tag"))

    def timestamp(self, node: yaml.ScalarNode, path: Path) -> Any:
        raw = node.value
        value = parse_date_text(raw)
        if value is not None:
            return value
        if _DATE.match(raw):
            key = _last_key(path)
            label = f"{key} " if key else ""
            self.out.problems.append(
                (self.offset + node.start_mark.line, f'{label}"{raw}" is not a date')
            )
            return BadDate(raw)
        try:
            return datetime.fromisoformat(raw.replace("T", " ").rstrip("Z").strip())
        except ValueError:
            return BadDate(raw)


def _kept_as_written(code: int) -> bool:
    """Whether a character stands for itself inside a double-quoted YAML scalar on one line:
    printable, and not one of YAML's line breaks (NEL, LS, PS), a tab or the BOM."""
    if 0x20 <= code <= 0x7E:
        return True
    if code < 0xA0 or code in (0x2028, 0x2029, 0xFEFF):
        return False
    return code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"}


def quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar on one line that reads back as exactly
    ``text``: quotes and backslashes, line breaks of every kind, tabs, control characters,
    the BOM and non-characters are escaped. Raises ValueError for a lone surrogate, which no
    UTF-8 file can hold."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif _kept_as_written(code):
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"{text!r} holds a lone surrogate (U+{code:04X}), which no UTF-8 file can hold")
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")  # U+0100..U+FFFF: the rest were kept as written
    out.append('"')
    return "".join(out)


def _last_key(path: Path) -> str | None:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return None


def plain_value(key: str, text: str) -> str:
    """``text`` as the value of ``key:`` written by hand: plain when YAML reads it back as
    that very text, else double-quoted (``*``, ``!``, ``&``, ``#``, ``: `` and the like
    mean something to YAML)."""
    def reads_back(value: str) -> bool:
        loaded = load(f"{key}: {value}\n", 1)
        return not loaded.problems and not loaded.fatal and loaded.value == {key: text}

    if reads_back(text) and not text.startswith(("'", '"')):
        return text
    quoted = yaml.safe_dump(text, allow_unicode=True, default_style='"', width=1 << 30)
    quoted = quoted.strip().removesuffix("...").strip()
    if not reads_back(quoted):  # pragma: no cover - YAML's own quoting always reads back
        raise ValueError(f"{key} {text!r} cannot be written as YAML text; nothing was written")
    return quoted
