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


def dumps(value: Any) -> str:
    """A list prints one item per line (json's fast C encoder, and easy to grep); anything
    else is indented."""
    data = plain(value)
    if isinstance(data, list):
        if not data:
            return "[]"
        return "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in data) + "\n]"
    return json.dumps(data, ensure_ascii=False, indent=2)
