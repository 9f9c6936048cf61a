"""ISO dates as files write them (``YYYY-MM-DD``). Standard library only, so that what reads
a log line's date does not load the YAML parser."""

from __future__ import annotations

import re
from datetime import date

DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date_text(text: str) -> date | None:
    """``"2026-11-28"`` -> date; anything else (including impossible dates) -> None."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # the common case, in C
        try:
            return date.fromisoformat(text)
        except ValueError:
            if text[:4].isdigit() and text[5:7].isdigit() and text[8:].isdigit():
                return None  # all digits, yet no such day: 2026-02-30
    m = DATE.match(text.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
