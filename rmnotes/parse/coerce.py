"""Turn loosely typed YAML values into model fields, reporting what cannot be read.

Wrong *types* are the schema's business (``rmn check`` runs the JSON Schema); these helpers
return None for them quietly, and report only values that look right but are impossible
(a quoted ``"1975-13-01"``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from rmnotes.parse import yamltree

Report = Callable[[str], None]

_WIKI = re.compile(r"^\s*\[\[([^\]|#]+)(?:[#|][^\]]*)?\]\]\s*$")


def text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, Decimal)):
        return str(value)
    return None


def texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return (str(value),)
    if isinstance(value, list):
        return tuple(t for t in (text(v) for v in value) if t)
    return ()


def day(value: Any, label: str, report: Report) -> date | None:
    if isinstance(value, yamltree.BadDate):
        return None  # reported by the loader, with its line
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        parsed = yamltree.parse_date_text(value)
        if parsed is None and value.strip():
            report(f'{label} "{value}" is not a date (write YYYY-MM-DD)')
        return parsed
    return None


def money(value: Any) -> Decimal | None:
    """An amount: a finite number of reasonable size (:func:`yamltree.number_in_range`);
    ``NaN``, ``Infinity`` and ``1e999999999`` are not amounts."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str) and len(value) <= 4 * yamltree.MAX_DIGITS:
        try:
            number = Decimal(value.replace(",", "").replace("_", "").strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if yamltree.number_in_range(number) else None


def integer(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return None


def flag(value: Any) -> bool:
    return value is True


def link(value: Any) -> str | None:
    """A client link: ``lin-shufen``, ``[[lin-shufen]]`` or ``[[lin-shufen|林淑芬]]``."""
    t = text(value)
    if not t:
        return None
    m = _WIKI.match(t)
    if m:
        t = m.group(1)
    t = t.strip()
    if t.endswith(".md"):
        t = t[:-3]
    return t.rsplit("/", 1)[-1] or None


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list:
    return value if isinstance(value, list) else []
