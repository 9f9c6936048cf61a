"""JSON for machines: dates as ISO strings, money as exact decimal strings, never floats."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rmnotes.periods import Period


def plain(value: Any) -> Any:
    """``value`` with dates, Decimals, Periods, tuples and dataclasses made JSON-ready."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, Period):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def decimal_text(value: Decimal) -> str | int:
    """Exact: an integer when whole, else the decimal's own digits as a string."""
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


def _default(value: Any) -> Any:
    """What the json encoder calls for a type it does not know."""
    if isinstance(value, (date, Decimal, Period)) or dataclasses.is_dataclass(value):
        return plain(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> str:
    """A list prints one compact item per line (json's fast C encoder, and easy to grep);
    anything else is indented."""
    from rmnotes.render import redact

    if redact.json_active():  # --redact-json: the same things masked as on the screen
        return _dumps(redact.json_value(plain(value)))
    try:
        return _dumps(value)
    except TypeError:  # e.g. a date as a mapping key: convert everything first
        return _dumps(plain(value))


def json_lines(items) -> str:
    """A JSON array of already encoded items, one per line."""
    items = list(items)
    return "[\n" + ",\n".join(items) + "\n]" if items else "[]"


def _dumps(data: Any) -> str:
    if isinstance(data, (list, tuple)):
        if not data:
            return "[]"
        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default).encode
        return json_lines(map(encode, data))
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)
