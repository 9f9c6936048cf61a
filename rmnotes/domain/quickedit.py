"""Quick edits of one client's front-matter without opening the file (``rmn set``, ``rmn tag``,
``rmn review --update``): a value typed by the client file's schema, the tag arithmetic, and
the check that refuses an edit ``rmn check`` would fail.

The edit itself is :mod:`rmnotes.fmedit`'s; the checks are :mod:`rmnotes.domain.check`'s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rmnotes import fmedit
from rmnotes.domain.check import CheckContext, client_issues, load_schema
from rmnotes.errors import DataError
from rmnotes.i18n import _
from rmnotes.model import Client, Issue
from rmnotes.parse import parse_client, yamltree

_SCHEMA = "client.schema.json"
_DATE_REF = "#/$defs/date"


# -- the value a key takes ---------------------------------------------------------------


def key_path(text: str, client: Client) -> fmedit.KeyPath:
    """``assets.台幣定存.value`` read against what the client's file holds."""
    return fmedit.parse_key_path(text.strip(), client.meta)


def schema_at(path: fmedit.KeyPath) -> dict | None:
    """The client schema's description of the value at ``path``, or None for a key the
    schema does not know (any key may be kept)."""
    schema = load_schema(_SCHEMA)
    node: dict | None = schema
    for part in path:
        node = _resolved(schema, node)
        if node is None:
            return None
        if isinstance(part, (int, fmedit.Named)):
            node = node.get("items")
        else:
            node = (node.get("properties") or {}).get(part)
    return node


def _resolved(schema: dict, node: dict | None) -> dict | None:
    while node is not None and "$ref" in node:
        ref = node["$ref"]
        node = schema["$defs"][ref.rsplit("/", 1)[-1]] | {k: v for k, v in node.items() if k != "$ref"}
    return node


def _types(schema: dict, node: dict) -> set[str]:
    node = _resolved(schema, node) or {}
    out: set[str] = set()
    kind = node.get("type")
    if kind:
        out.update([kind] if isinstance(kind, str) else kind)
    for alternative in node.get("oneOf", ()):
        out |= _types(schema, alternative)
    if "enum" in node:
        out.update("string" if isinstance(v, str) else "integer" for v in node["enum"])
    return out


def typed_value(path: fmedit.KeyPath, text: str, current: Any = None) -> Any:
    """``text`` as the value the key at ``path`` holds, by the client file's schema:
    a date for a date (``2026-12-01``), a number for an amount (``3,200,000``, ``320萬``), a whole
    number for a level, true/false where the schema allows it, a list for a list
    (``a, b``), else the text itself (a phone number stays text). A text that is not what
    the schema wants stays text, and the check that follows names the problem.

    A key the schema does not know takes the kind of its ``current`` value (text when
    it has none)."""
    schema = load_schema(_SCHEMA)
    node = schema_at(path)
    if node is None:
        return _like(current, text)
    if node.get("$ref") == _DATE_REF:
        return _day(text) or text
    types = _types(schema, node)
    if "array" in types and ("string" not in types or "," in text or "，" in text or isinstance(current, list)):
        items = [t.strip() for t in text.replace("，", ",").split(",")]
        item_node = (_resolved(schema, node) or {}).get("items")
        if item_node is None:
            for alternative in (_resolved(schema, node) or {}).get("oneOf", ()):
                item_node = alternative.get("items", item_node)
        return [_scalar(schema, item_node or {"type": "string"}, t) for t in items if t]
    return _scalar(schema, node, text)


def _scalar(schema: dict, node: dict, text: str) -> Any:
    types = _types(schema, node)
    if "string" in types and not ({"boolean"} & types and text.strip() in ("true", "false")):
        return text
    stripped = text.strip()
    if "boolean" in types and stripped in ("true", "false"):
        return stripped == "true"
    if "integer" in types or "number" in types:
        number = _amount(stripped)
        if number is not None:
            if number == number.to_integral_value():
                return int(number)
            if "number" in types:
                return number
    return text


def _day(text: str) -> date | None:
    """A date as people write it (``2026-12-01``, ``2026/12/01``, ``115/12/01``,
    ``民國115年12月1日``: :func:`rmnotes.parse.dates.read_date`), or None."""
    from rmnotes.parse.dates import DateInputError, read_date

    try:
        return read_date(text)
    except DateInputError:
        return None


def _amount(text: str) -> Decimal | None:
    """An amount as typed on the command line (``3,200,000``, ``320萬``, ``1.5m``), the way
    the segment options read one, or None."""
    from rmnotes.domain.segments import parse_amount

    try:
        number = parse_amount(text)
    except ValueError:
        return None
    return number if yamltree.number_in_range(number) else None


def _like(current: Any, text: str) -> Any:
    if isinstance(current, bool):
        return text.strip() == "true" if text.strip() in ("true", "false") else text
    if isinstance(current, (int, Decimal)) and not isinstance(current, bool) and (
            number := _amount(text.strip())) is not None:
        return int(number) if number == number.to_integral_value() else number
    if isinstance(current, date) and (day := _day(text)) is not None:
        return day
    if isinstance(current, list):
        return [t.strip() for t in text.replace("，", ",").split(",") if t.strip()]
    return text


# -- tags ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Retag:
    tags: list[str]  # the new list
    applied: list[str]  # the +tag/-tag that changed something, as given
    unchanged: list[str]  # those that did not (already tagged, or not tagged)


def retag(tags: Sequence[str], ops: Sequence[str]) -> Retag:
    """``+golf`` adds golf at the end (unless there), ``-likes-new-funds`` removes it; a
    word without a sign adds it. Raises DataError for an empty tag, or one holding a space."""
    new = list(tags)
    applied: list[str] = []
    unchanged: list[str] = []
    for op in ops:
        sign, name = (op[0], op[1:].strip()) if op[:1] in "+-" else ("+", op.strip())
        if not name:
            raise DataError(_("'{op}' names no tag; write +TAG to add one or -TAG to remove one").format(op=op))
        if sign == "+" and any(c.isspace() for c in name):  # tags are shown space-separated
            raise DataError(_("'{name}' holds a space, and would read as two tags; join the words, e.g. "
                              "'{joined}'").format(name=name, joined="-".join(name.split())))
        if sign == "+":
            if name in new:
                unchanged.append(f"+{name}")
                continue
            new.append(name)
        else:
            if name not in new:
                unchanged.append(f"-{name}")
                continue
            new = [t for t in new if t != name]
        applied.append(f"{sign}{name}")
    return Retag(new, applied, unchanged)


# -- the checked edit -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edited:
    """The edited file (``data``, for :meth:`App.change_file`) and the warnings ``rmn
    check`` gives the edited file that it did not give before."""

    data: bytes
    warnings: tuple[Issue, ...] = ()


def checked_edit(ctx: CheckContext, rel: str, data: bytes, changes: Sequence[fmedit.Change]) -> Edited:
    """The file with ``changes`` made, when ``rmn check`` finds no new error in it; else a
    DataError naming the first new error's line, and nothing is to be written."""
    try:
        new = fmedit.edit(data, changes)
    except fmedit.EditError as exc:
        where = f"{rel}:{exc.line}" if exc.line else rel
        raise DataError(_("{where}: {problem}; nothing was written").format(where=where, problem=exc)) from None
    if new == data:
        return Edited(data)
    return Edited(new, _new_issues(ctx, rel, data, new))


def _new_issues(ctx: CheckContext, rel: str, old: bytes, new: bytes) -> tuple[Issue, ...]:
    def issues(data: bytes) -> list[Issue]:
        return client_issues(ctx, parse_client(data.decode("utf-8"), rel))

    before = Counter((i.severity, i.message) for i in issues(old))
    added: list[Issue] = []
    for issue in issues(new):
        key = (issue.severity, issue.message)
        if before[key]:
            before[key] -= 1
        else:
            added.append(issue)
    errors = [i for i in added if i.is_error]
    if errors:
        raise DataError(_("{issue}; nothing was written").format(issue=errors[0]))
    return tuple(added)


def message(verb: str, client: Client, what: str) -> str:
    """The commit message of a quick edit: ``set: 王偉 (wang-wei) profile.mobile``."""
    return f"{verb}: {client.name} ({client.id}) {what}"


# -- review day -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewUpdate:
    """The file with the holdings' new values and the review's log entry (``data``), the
    review sheet of the new values, and the new warnings of ``rmn check``."""

    data: bytes
    sheet: Any  # rmnotes.domain.review.ReviewSheet
    warnings: tuple[Issue, ...] = ()


def review_update(ctx: CheckContext, rel: str, data: bytes, values: dict[str, Any], today: date,
                  channel: str = "M") -> ReviewUpdate:
    """Each holding named in ``values`` gets its new value (by the front-matter editor), and
    the review of the new values is recorded in the log as ``rmn review --record`` records it;
    both in one set of bytes, so in one commit. Raises DataError (nothing to write) when a
    value would fail ``rmn check``."""
    from rmnotes.domain.review import build_review, record_lines
    from rmnotes.textedit import append_log

    if ctx.config is None:
        raise DataError(_("rmnotes.yaml cannot be read; fix it (rmn check) before the review"))
    changes = [fmedit.Set(("assets", fmedit.Named(name), "value"), value) for name, value in values.items()]
    edited = checked_edit(ctx, rel, data, changes)
    parsed = parse_client(edited.data.decode("utf-8"), rel)
    if parsed.client is None:  # pragma: no cover - checked_edit refused every new error
        raise DataError(_("{rel}: the edited file does not parse; nothing was written").format(rel=rel))
    sheet = build_review(parsed.client, ctx.config, today)
    return ReviewUpdate(append_log(edited.data, record_lines(sheet, channel)), sheet, edited.warnings)
